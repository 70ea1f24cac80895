"""Facebook Page: link posts (the default), photo posts and multi-photo posts via the Pages API.

Configuration (``channels: facebook:`` in mkdocs.yml)::

    facebook:
      page_id: "1234567890"
      page_access_token: !ENV FACEBOOK_PAGE_TOKEN
      format: link          # link (card built by Facebook from the page's Open Graph tags) | photos
      api_base: https://graph.facebook.com/v25.0
      reels: false          # true: a release with a vertical video goes out as a Reel instead

* ``format: link`` → ``POST /{page-id}/feed`` with ``message`` and ``link`` ("Posts" guide of the
  Pages API). Facebook scrapes the live page for the card, which web-first guarantees exists.
* ``format: photos`` with one image → ``POST /{page-id}/photos`` with ``url`` (the image as published
  on the portal; Facebook downloads it) and ``caption``; with several → each photo uploaded with
  ``published=false`` and then one ``POST /{page-id}/feed`` with ``attached_media``. Releases without
  images fall back to a link post.
* Alt text: the Pages API documents no per-photo alternative-text parameter (Facebook generates its
  own), so none is sent; the alt text stays on the portal page.
* Live updates are posted as new link posts pointing at the update's anchor on the release page.

* ``reels: true`` and a release whose own video is vertical and 3–90 s long (frame size and
  duration from the manifest): a Reel, through the Reels Publishing API's three phases —
  ``POST /{page-id}/video_reels`` ``upload_phase=start`` (→ ``video_id``, ``upload_url``); ``POST
  {upload_url}`` with the headers ``Authorization: OAuth …`` and ``file_url`` (Meta downloads the
  video from the portal); ``GET /{video-id}?fields=status`` until the upload phase is complete;
  ``upload_phase=finish`` with ``video_state=PUBLISHED`` and the text as ``description``. Meta allows
  30 API-published Reels per Page in a moving 24 hours. Reels are reconciled from
  ``/{page-id}/video_reels`` by their description.

Reconciliation lists ``/{page-id}/published_posts`` and matches the exact message we sent (it holds
the release URL). Metrics use the post-2026-06-15 metric names (``post_total_media_view_unique``…).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

import httpx
from pydantic import SecretStr

from ..manifest import Item, Update
from .base import (
    AccountStats,
    Mention,
    PermanentError,
    Post,
    PostStats,
    Published,
    ReadBack,  # read-back (proof that the post is out)
    TransientError,
)
from .graph import as_int, channel_error
from .meta import MetaChannel, MetaOptions, required
from .transport import send
from .vertical import FACEBOOK_REEL, short_video

MENTION_LOOKBACK = timedelta(days=30)
"""Posts older than this before the last collected comment are not searched for new comments."""
LIST_PAGES = 1000
"""Safety bound on the pages of one list (every page is read; this only stops a runaway cursor)."""
POST_METRICS = ("post_total_media_view_unique", "post_reactions_by_type_total", "post_clicks")


class FacebookOptions(MetaOptions):
    page_id: str
    page_access_token: SecretStr
    format: Literal["link", "photos"] = "link"
    reels: bool = False


class FacebookChannel(MetaChannel):
    options_model = FacebookOptions
    correction_modes = frozenset({"editar", "borrar_y_publicar", "nada"})
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
        reel = short_video(item, FACEBOOK_REEL) if self.config.get("reels") and update is None else None
        if reel is not None and reel.video is not None:
            return self.new_post(
                item,
                update,
                text=text,
                length=length,
                limit=self.text_limit,
                link=link,
                media=(reel.video,),
                problems=tuple(problems),
                extra={"reel": True},
            )
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
            extra={"reel_reason": reel.reason} if reel is not None and reel.reason else {},
        )

    def publish(self, post: Post) -> Published:
        if post.extra.get("reel"):
            return self._publish_reel(post)
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

    def _publish_reel(self, post: Post) -> Published:
        start = self.api.post(f"{self.page_id}/video_reels", upload_phase="start")
        video_id, upload_url = str(start["video_id"]), str(start["upload_url"])
        self._upload_hosted(upload_url, post.media[0].url)
        self._wait_uploaded(video_id)
        self.api.post(
            f"{self.page_id}/video_reels",
            upload_phase="finish",
            video_id=video_id,
            video_state="PUBLISHED",
            description=post.text,
        )
        url = self.api.permalink(video_id, self.permalink_field) or f"https://www.facebook.com/reel/{video_id}"
        return Published(video_id, url, {"video_id": video_id, "reel": True})

    def _upload_hosted(self, upload_url: str, file_url: str) -> None:
        """Phase 2: Meta fetches the published video itself (``file_url`` header, ``OAuth`` token)."""
        token = required(self.config, self.name, self.token_key)
        with httpx.Client(timeout=float(self.config.get("timeout", 30.0))) as client:
            response = send(
                client,
                "POST",
                upload_url,
                network=self.name,
                headers={"Authorization": f"OAuth {token}", "file_url": file_url},
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not (isinstance(body, dict) and body.get("success")):
            raise channel_error(self.name, response.status_code, body, response.headers)

    def _wait_uploaded(self, video_id: str) -> None:
        """Poll the video's status until Meta has the whole file (or says why it cannot)."""
        for attempt in range(self.api.poll_attempts):
            status = self.api.get(video_id, fields="status").get("status") or {}
            uploading = (status.get("uploading_phase") or {}).get("status")
            if status.get("video_status") == "error" or uploading == "error":
                error = (status.get("processing_phase") or status.get("uploading_phase") or {}).get("error") or {}
                raise PermanentError(
                    f"facebook: Meta no pudo procesar el video del Reel {video_id}"
                    + (f": {error.get('message')}" if error.get("message") else "")
                )
            if uploading == "complete":
                return
            if attempt + 1 < self.api.poll_attempts:
                time.sleep(self.api.poll_interval)
        raise TransientError(f"facebook: Meta aún no termina de recibir el video del Reel {video_id}")

    def find_existing(self, post: Post) -> Published | None:
        if post.extra.get("reel"):
            return self.find_by_text(
                f"{self.page_id}/video_reels", post, text_field="description", fields="id,description,permalink_url"
            )
        return self.find_by_text(
            f"{self.page_id}/published_posts",
            post,
            text_field="message",
            fields="id,message,permalink_url,created_time",
            limit=25,
        )

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """The Page post (its ``message``) or the Reel (a video: existence and permalink only)."""
        reel = "_" not in published.remote_id  # Page posts are PAGEID_POSTID; a Reel is its video id
        return self.read_object(published, post, text_field=None if reel else "message")

    def delete(self, published: Published) -> None:
        self.api.delete(published.remote_id)

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def edit(self, published: Published, post: Post) -> Published:
        """Pages API "update a post": ``POST /{page-post-id}`` with the corrected ``message``
        (answers ``{"success": true}``); the link and photos of a published post cannot change.
        A Reel's description is updated the same way on its video id."""
        field = "description" if published.extra.get("reel") else "message"
        body = self.api.post(published.remote_id, **{field: post.text})
        if isinstance(body, dict) and body.get("success") is False:
            raise PermanentError(f"facebook: Meta no aceptó la edición de {published.remote_id}")
        return Published(published.remote_id, published.url)

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
        """Comments by others since ``since`` on the Page's posts of the last 30 days before it,
        every page of every list (``paging.next``); the Page's own comments and replies are left out.

        Comments arrive on older posts too, so posts are listed from 30 days before ``since``, and
        ``filter=stream`` brings replies to comments along with top-level comments."""
        params: dict[str, Any] = {"limit": 100}
        if since is not None:
            params["since"] = int((since - MENTION_LOOKBACK).timestamp())
        found: list[Mention] = []
        posts = self.api.pages(f"{self.page_id}/published_posts", max_pages=LIST_PAGES, fields="id", **params)
        for post in posts:
            comments = self.api.pages(
                f"{post['id']}/comments",
                max_pages=LIST_PAGES,
                fields="id,message,from,created_time,permalink_url",
                filter="stream",
                limit=100,
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
