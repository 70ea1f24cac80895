"""Threads: text, image and carousel posts, and live updates as replies in the thread.

Configuration (``channels: threads:`` in mkdocs.yml)::

    threads:
      threads_user_id: "1234567890"
      access_token: !ENV THREADS_ACCESS_TOKEN
      api_base: https://graph.threads.net/v1.0

Follows the Threads API "Posts" guide and publishing reference: ``POST /{user}/threads`` makes a
container (``media_type`` TEXT, IMAGE with ``image_url``/``alt_text``, or CAROUSEL with ``children``
made with ``is_carousel_item=true``; ``reply_to_id`` for a live update answering the previous post);
``GET /{container}?fields=status,error_message`` until ``FINISHED``; then
``POST /{user}/threads_publish?creation_id=…``. ``/threads_publishing_limit`` (250 posts, or 1,000
replies for live updates, per moving 24 hours) is read first. Text is at most 500 characters counted by :func:`counting.threads_length`
(emoji as their UTF-8 bytes, the documented worst case) and may carry at most 5 links
(``THREADS_API__LINK_LIMIT_EXCEEDED`` since 2025-12-22); both are problems, never truncated.

Deleting is documented (``DELETE /{threads-media-id}``, 100 per day, needs ``threads_delete``).
Threads documents no duplicate detection: reconciliation lists ``/{user}/threads`` (or
``/{user}/replies`` for live updates) and matches the exact text we sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import SecretStr

from ..counting import URL_RE
from ..manifest import Item, Media, Update
from .base import (
    AccountStats,
    Mention,
    Post,
    PostStats,
    Published,
    ReadBack,  # read-back (proof that the post is out)
)
from .graph import as_int
from .meta import MetaChannel, MetaOptions, required

MAX_LINKS = 5
MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes")


class ThreadsOptions(MetaOptions):
    threads_user_id: str
    access_token: SecretStr


class ThreadsChannel(MetaChannel):
    options_model = ThreadsOptions
    name: ClassVar[str] = "threads"
    text_limit: ClassVar[int] = 500
    max_images: ClassVar[int] = 20
    default_api_base: ClassVar[str] = "https://graph.threads.net/v1.0"
    token_key: ClassVar[str] = "access_token"

    @property
    def user_id(self) -> str:
        return required(self.config, self.name, "threads_user_id")

    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        text, link, images = self.draft(item, update)
        length, problems = self.length_problems(text)
        links = len(URL_RE.findall(text))
        if links > MAX_LINKS:
            problems.append(f"threads: el texto tiene {links} enlaces; Threads rechaza más de {MAX_LINKS}")
        images = images[: self.max_images]
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
        self.api.check_publishing_limit(f"{self.user_id}/threads_publishing_limit", replies=post.reply_to is not None)
        return self.publish_via_container(
            post,
            lambda: self._make_container(post),
            publish_path=f"{self.user_id}/threads_publish",
            status_field="status",
            error_field="error_message",
        )

    def _make_container(self, post: Post) -> str:
        reply_to_id = post.reply_to.remote_id if post.reply_to else None
        if not post.media:
            return self._container(media_type="TEXT", text=post.text, reply_to_id=reply_to_id)
        if len(post.media) == 1:
            return self._container(**_image_fields(post.media[0]), text=post.text, reply_to_id=reply_to_id)
        children = [self._container(**_image_fields(m), is_carousel_item=True) for m in post.media]
        for child in children:
            self.api.wait_until_finished(child, "status", "error_message")
        return self._container(
            media_type="CAROUSEL", children=",".join(children), text=post.text, reply_to_id=reply_to_id
        )

    def _container(self, **fields: Any) -> str:
        return str(self.api.post(f"{self.user_id}/threads", **fields)["id"])

    def find_existing(self, post: Post) -> Published | None:
        edge = "replies" if post.reply_to else "threads"
        return self.find_by_text(
            f"{self.user_id}/{edge}", post, text_field="text", fields="id,text,permalink,timestamp", limit=25
        )

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """The Threads media: ``text`` as sent, ``permalink`` its public URL."""
        return self.read_object(published, post, text_field="text")

    def delete(self, published: Published) -> None:
        self.api.delete(published.remote_id)

    def account_stats(self) -> AccountStats:
        body = self.api.get(f"{self.user_id}/threads_insights", metric="followers_count")
        followers = None
        for metric in body.get("data") or []:
            if metric.get("name") == "followers_count":
                followers = as_int((metric.get("total_value") or {}).get("value"))
        return AccountStats(followers=followers)

    def post_stats(self, published: Published) -> PostStats:
        body = self.api.get(f"{published.remote_id}/insights", metric=",".join(MEDIA_METRICS))
        values = {m.get("name"): as_int((m.get("values") or [{}])[-1].get("value")) for m in body.get("data") or []}
        reposts, quotes = values.get("reposts"), values.get("quotes")
        return PostStats(
            impressions=values.get("views"),
            reactions=values.get("likes"),
            shares=None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0),
            replies=values.get("replies"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Replies by others to the account's recent posts (``/{media-id}/replies``)."""
        params: dict[str, Any] = {"limit": 25}
        if since is not None:
            params["since"] = int(since.timestamp())
        found: list[Mention] = []
        for thread in self.api.pages(f"{self.user_id}/threads", max_pages=2, fields="id", **params):
            replies = self.api.pages(
                f"{thread['id']}/replies",
                max_pages=4,
                fields="id,text,username,timestamp,permalink,is_reply_owned_by_me",
            )
            for reply in replies:
                if reply.get("is_reply_owned_by_me"):
                    continue
                created = datetime.fromisoformat(str(reply["timestamp"]))
                if since is not None and created < since:
                    continue
                found.append(
                    Mention(
                        remote_id=str(reply["id"]),
                        author=str(reply.get("username") or ""),
                        text=str(reply.get("text") or ""),
                        created_at=created,
                        in_reply_to=str(thread["id"]),
                        url=reply.get("permalink"),
                    )
                )
        return found


def _image_fields(image: Media) -> dict[str, Any]:
    return {"media_type": "IMAGE", "image_url": image.url, "alt_text": image.alt or None}
