"""Instagram (professional account, "Instagram API with Facebook Login"): image and carousel posts.

Configuration (``channels: instagram:`` in mkdocs.yml)::

    instagram:
      ig_user_id: "17841400000000000"
      access_token: !ENV INSTAGRAM_ACCESS_TOKEN
      api_base: https://graph.facebook.com/v25.0
      reels: false        # true: a release with a vertical video goes out as a Reel instead

Instagram has no text or link posts, so a release without an image is a problem, never a post.
Publishing follows the "Content Publishing" guide: ``POST /{ig-user-id}/media`` with ``image_url``,
``caption`` and ``alt_text`` makes a container; ``GET /{container-id}?fields=status_code`` is polled
until ``FINISHED``; ``POST /{ig-user-id}/media_publish?creation_id=…`` publishes it. Several images
make a carousel (children with ``is_carousel_item=true``, then ``media_type=CAROUSEL`` with
``children``; at most 10). Before creating anything, ``/content_publishing_limit`` is read so a
full 24-hour quota becomes :class:`RateLimited` instead of an orphan container.

**Images are never re-encoded here.** Meta downloads the image from its URL ("we cURL media"), so
what it gets must be the file already published on the portal; a Pillow derivative made here would
have no public URL. Images outside the documented specification (JPEG, at most 8 MB, aspect ratio
between 4:5 and 1.91:1) are therefore reported as problems in :meth:`render` from the manifest's
metadata, naming the image, so the editor publishes a suitable one; when the manifest lacks the
metadata the live file is checked right before the container is created. Widths outside
320–1440 px are fine: Instagram rescales them.

**Reels.** With ``reels: true``, a release whose own video is vertical and 3 s – 15 min long
(frame size and duration from the manifest) is published as a Reel: a ``media_type=REELS``
container with the portal's ``video_url`` (Meta downloads it), the caption and
``share_to_feed=true``, polled until ``FINISHED`` like any container, then ``media_publish``. Reels
take no alternative text. A release without such a video goes out as the usual image post.

Reconciliation: the container id goes into ``Published.extra`` and, after an ambiguous publish
failure, into the error message; :meth:`find_existing` lists ``/{ig-user-id}/media`` and matches the
exact caption we sent (which carries the release URL).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from pydantic import SecretStr

from pregon.numbers_es import decimal, size_text

from .. import media as media_files
from ..manifest import Item, Media, Update
from .base import (
    AccountStats,
    Mention,
    PermanentError,
    Post,
    PostStats,
    Published,
    ReadBack,  # read-back (proof that the post is out)
)
from .graph import as_int
from .meta import MetaChannel, MetaOptions, required
from .vertical import INSTAGRAM_REEL, short_video

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
MAX_HASHTAGS, MAX_MENTIONS = 30, 20
_HASHTAG = re.compile(r"(?<![\w&/])#\w+")
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
MEDIA_METRICS = ("views", "reach", "saved", "likes", "comments", "shares")


def image_problems(
    image: Media, *, mime: str | None, size: int | None, width: int | None, height: int | None
) -> list[str]:
    """Spanish problems of one image against Instagram's documented image specification."""
    name = image.url.rsplit("/", 1)[-1]
    problems = []
    if mime is not None and mime != "image/jpeg":
        problems.append(
            f"instagram: la imagen `{name}` es {mime}; Instagram solo acepta JPEG. Publique una versión JPEG"
        )
    if size is not None and size > MAX_IMAGE_BYTES:
        problems.append(f"instagram: la imagen `{name}` pesa {size_text(size)}; el máximo es 8 MB")
    if width and height and not MIN_RATIO - 0.005 <= width / height <= MAX_RATIO + 0.005:
        problems.append(
            f"instagram: la imagen `{name}` mide {width}×{height} (proporción {decimal(width / height)}); "
            "Instagram acepta de 4:5 (0,80) a 1,91:1. Recórtela o use otra imagen"
        )
    return problems


class InstagramOptions(MetaOptions):
    ig_user_id: str
    access_token: SecretStr
    reels: bool = False


class InstagramChannel(MetaChannel):
    options_model = InstagramOptions
    name: ClassVar[str] = "instagram"
    text_limit: ClassVar[int] = 2200
    requires_media: ClassVar[bool] = True
    max_images: ClassVar[int] = 10
    default_api_base: ClassVar[str] = "https://graph.facebook.com/v25.0"
    token_key: ClassVar[str] = "access_token"

    @property
    def user_id(self) -> str:
        return required(self.config, self.name, "ig_user_id")

    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        text, link, images = self.draft(item, update)
        length, problems = self.length_problems(text)
        reel = short_video(item, INSTAGRAM_REEL) if self.config.get("reels") and update is None else None
        hashtags, mentions = len(_HASHTAG.findall(text)), len(_MENTION.findall(text))
        if hashtags > MAX_HASHTAGS:
            problems.append(f"instagram: el texto tiene {hashtags} etiquetas (#); el máximo es {MAX_HASHTAGS}")
        if mentions > MAX_MENTIONS:
            problems.append(f"instagram: el texto menciona {mentions} cuentas (@); el máximo es {MAX_MENTIONS}")
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
        images = media_files.best_images(images[: self.max_images], media_files.PORTRAIT, media_files.SQUARE)
        skip = None
        if not images and update is not None:
            # A live update is often just text; Instagram cannot carry it, which is not an error.
            skip = "Instagram no admite publicaciones sin imagen; la actualización no lleva imagen"
        elif not images:
            problems.append("instagram: Instagram no admite publicaciones sin imagen; añada una imagen al comunicado")
        for image in images:
            problems += image_problems(image, mime=image.mime, size=image.bytes, width=image.width, height=image.height)
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
            skip=skip,
            extra={"reel_reason": reel.reason} if reel is not None and reel.reason else {},
        )

    def publish(self, post: Post) -> Published:
        self.api.check_publishing_limit(f"{self.user_id}/content_publishing_limit")
        return self.publish_via_container(
            post,
            lambda: self._make_container(post),
            publish_path=f"{self.user_id}/media_publish",
            status_field="status_code",
        )

    def _make_container(self, post: Post) -> str:
        if post.extra.get("reel"):
            body = self.api.post(
                f"{self.user_id}/media",
                media_type="REELS",
                video_url=post.media[0].url,
                caption=post.text,
                share_to_feed=True,
            )
            return str(body["id"])
        for image in post.media:
            self._check_live_image(image)
        if len(post.media) == 1:
            return self._image_container(post.media[0], caption=post.text)
        children = [self._image_container(m, is_carousel_item=True) for m in post.media]
        for child in children:
            self.api.wait_until_finished(child, "status_code")
        body = self.api.post(
            f"{self.user_id}/media", media_type="CAROUSEL", children=",".join(children), caption=post.text
        )
        return str(body["id"])

    def _image_container(self, image: Media, **fields: Any) -> str:
        body = self.api.post(f"{self.user_id}/media", image_url=image.url, alt_text=image.alt or None, **fields)
        return str(body["id"])

    def _check_live_image(self, image: Media) -> None:
        """When the manifest lacks an image's format or size, check the live file Meta will fetch."""
        if image.mime and image.width and image.height and image.bytes:
            return
        try:
            data = media_files.fetch(image.url)
            info = media_files.describe(data)
        except media_files.MediaError as exc:
            raise PermanentError(f"instagram: {exc}") from None
        problems = image_problems(image, mime=info.mime, size=len(data), width=info.width, height=info.height)
        if problems:
            raise PermanentError("; ".join(problems))

    def find_existing(self, post: Post) -> Published | None:
        return self.find_by_text(
            f"{self.user_id}/media", post, text_field="caption", fields="id,caption,permalink,timestamp", limit=25
        )

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """The IG media: ``caption`` as sent, ``permalink`` its public URL."""
        return self.read_object(published, post, text_field="caption")

    def account_stats(self) -> AccountStats:
        body = self.api.get(self.user_id, fields="followers_count,media_count")
        return AccountStats(followers=as_int(body.get("followers_count")), posts=as_int(body.get("media_count")))

    def post_stats(self, published: Published) -> PostStats:
        body = self.api.get(f"{published.remote_id}/insights", metric=",".join(MEDIA_METRICS))
        values = {m.get("name"): as_int((m.get("values") or [{}])[-1].get("value")) for m in body.get("data") or []}
        return PostStats(
            impressions=values.get("views"),
            reactions=values.get("likes"),
            shares=values.get("shares"),
            replies=values.get("comments"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Comments on the account's recent media (newer than ``since``)."""
        found: list[Mention] = []
        for media in self.api.pages(f"{self.user_id}/media", max_pages=2, fields="id,timestamp", limit=25):
            for comment in self.api.pages(f"{media['id']}/comments", max_pages=4, fields="id,text,username,timestamp"):
                created = datetime.fromisoformat(str(comment["timestamp"]))
                if since is not None and created < since:
                    continue
                found.append(
                    Mention(
                        remote_id=str(comment["id"]),
                        author=str(comment.get("username") or ""),
                        text=str(comment.get("text") or ""),
                        created_at=created,
                        in_reply_to=str(media["id"]),
                    )
                )
        return found
