"""Facebook Page: link posts (the default), photo posts and multi-photo posts via the Pages API.

Configuration (``channels: facebook:`` in mkdocs.yml)::

    facebook:
      page_id: "1234567890"
      page_access_token: !ENV FACEBOOK_PAGE_TOKEN
      format: link          # link (card built by Facebook from the page's Open Graph tags) | photos
      api_base: https://graph.facebook.com/v25.0

* ``format: link`` → ``POST /{page-id}/feed`` with ``message`` and ``link`` ("Posts" guide of the
  Pages API). Facebook scrapes the live page for the card, which web-first guarantees exists.
* ``format: photos`` with one image → ``POST /{page-id}/photos`` with ``url`` (the image as published
  on the portal; Facebook downloads it) and ``caption``; with several → each photo uploaded with
  ``published=false`` and then one ``POST /{page-id}/feed`` with ``attached_media``. Releases without
  images fall back to a link post.
* Alt text: the Pages API documents no per-photo alternative-text parameter (Facebook generates its
  own), so none is sent; the alt text stays on the portal page.
* Live updates are posted as new link posts pointing at the update's anchor on the release page.

Reconciliation lists ``/{page-id}/published_posts`` and matches the exact message we sent (it holds
the release URL). Metrics use the post-2026-06-15 metric names (``post_total_media_view_unique``…).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import SecretStr

from ..manifest import Item, Update
from .base import AccountStats, Mention, Post, PostStats, Published
from .graph import as_int
from .meta import MetaChannel, MetaOptions, required

POST_METRICS = ("post_total_media_view_unique", "post_reactions_by_type_total", "post_clicks")


class FacebookOptions(MetaOptions):
    page_id: str
    page_access_token: SecretStr
    format: Literal["link", "photos"] = "link"


class FacebookChannel(MetaChannel):
    options_model = FacebookOptions
    name: ClassVar[str] = "facebook"
    text_limit: ClassVar[int] = 63206
    max_images: ClassVar[int] = 10
    """No documented maximum for ``attached_media``; ten keeps a gallery post reasonable."""
    default_api_base: ClassVar[str] = "https://graph.facebook.com/v25.0"
    token_key: ClassVar[str] = "page_access_token"
    permalink_field: ClassVar[str] = "permalink_url"

    @property
    def page_id(self) -> str:
        return required(self.config, self.name, "page_id")

    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        text, link, images = self.draft(item, update)
        length, problems = self.length_problems(text)
        images = images[: self.max_images] if self.config.get("format", "link") == "photos" else ()
        return self.new_post(
            item,
            update,
            text=text,
            length=length,
            limit=self.text_limit,
            link=link,
            media=images,
            reply_to=reply_to,
            problems=tuple(problems),
        )

    def publish(self, post: Post) -> Published:
        if len(post.media) == 1:
            body = self.api.post(f"{self.page_id}/photos", url=post.media[0].url, caption=post.text, published=True)
            post_id = str(body.get("post_id") or body["id"])
            extra: dict[str, Any] = {"photo_id": str(body["id"])}
        elif post.media:
            photo_ids = [
                str(self.api.post(f"{self.page_id}/photos", url=m.url, published=False)["id"]) for m in post.media
            ]
            attached = {f"attached_media[{i}]": {"media_fbid": pid} for i, pid in enumerate(photo_ids)}
            post_id = str(self.api.post(f"{self.page_id}/feed", message=post.text, **attached)["id"])
            extra = {"photo_ids": photo_ids}
        else:
            post_id = str(self.api.post(f"{self.page_id}/feed", message=post.text, link=post.link)["id"])
            extra = {}
        return Published(post_id, self.api.permalink(post_id, self.permalink_field), extra)

    def find_existing(self, post: Post) -> Published | None:
        return self.find_by_text(
            f"{self.page_id}/published_posts",
            post,
            text_field="message",
            fields="id,message,permalink_url,created_time",
            limit=25,
        )

    def delete(self, published: Published) -> None:
        self.api.delete(published.remote_id)

    def account_stats(self) -> AccountStats:
        body = self.api.get(self.page_id, fields="followers_count,fan_count")
        followers = body.get("followers_count", body.get("fan_count"))
        return AccountStats(followers=int(followers) if followers is not None else None)

    def post_stats(self, published: Published) -> PostStats:
        insights = self.api.get(f"{published.remote_id}/insights", metric=",".join(POST_METRICS))
        values = {m.get("name"): (m.get("values") or [{}])[-1].get("value") for m in insights.get("data") or []}
        reactions = values.get("post_reactions_by_type_total")
        counts = self.api.get(published.remote_id, fields="shares,comments.summary(true)")
        return PostStats(
            impressions=as_int(values.get("post_total_media_view_unique")),
            reactions=sum(int(v) for v in reactions.values()) if isinstance(reactions, dict) else as_int(reactions),
            shares=as_int((counts.get("shares") or {}).get("count")) or 0,
            replies=as_int(((counts.get("comments") or {}).get("summary") or {}).get("total_count")),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Comments by others on the Page's recent posts (the Page's own replies are left out)."""
        params: dict[str, Any] = {"limit": 25}
        if since is not None:
            params["since"] = int(since.timestamp())
        found: list[Mention] = []
        for post in self.api.pages(f"{self.page_id}/published_posts", max_pages=2, fields="id", **params):
            comments = self.api.pages(
                f"{post['id']}/comments", max_pages=4, fields="id,message,from,created_time,permalink_url"
            )
            for comment in comments:
                author = comment.get("from") or {}
                if str(author.get("id")) == self.page_id:
                    continue
                created = datetime.fromisoformat(str(comment["created_time"]))
                if since is not None and created < since:
                    continue
                found.append(
                    Mention(
                        remote_id=str(comment["id"]),
                        author=str(author.get("name") or ""),
                        text=str(comment.get("message") or ""),
                        created_at=created,
                        in_reply_to=str(post["id"]),
                        url=comment.get("permalink_url"),
                    )
                )
        return found
