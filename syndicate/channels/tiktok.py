"""TikTok: a release's own video (or, without one, its photos) through the Content Posting API.

Configuration (``channels.tiktok``)::

    tiktok:
      access_token: !ENV TIKTOK_ACCESS_TOKEN   # user token with video.publish (and/or video.upload)
      mode: direct                  # direct: Direct Post | inbox: draft in the account's inbox
      privacy_level: PUBLIC_TO_EVERYONE   # must be one of the account's options (see below)
      fallback: none                # inbox: if TikTok refuses a Direct Post because the app is
                                    # not audited, send it to the inbox instead
      video_source: auto            # auto: PULL_FROM_URL, FILE_UPLOAD if the domain is not
                                    # verified | url | upload
      chunk_size: 10485760          # FILE_UPLOAD chunk (5 MiB … 64 MB)
      publish_log: records/tiktok.jsonl   # where publish_ids are noted (reconciliation)

What goes out, in order of preference: the release's **video file published on the portal**
(a caption ≤ 2200 UTF-16 units); else its **photos** (JPEG/WebP only, ≤ 35, title ≤ 90 and
description ≤ 4000 UTF-16 units; a photo post needs ``video.publish``, or ``video.upload`` in
inbox mode). A release with neither, an embedded YouTube video or a live update is "no aplica".

Each publish asks ``creator_info/query`` first, as the API requires: it says which privacy levels
the account allows (the configured one must be among them, or nothing is sent), the longest video
the account may post, whether comments/duets/stitches are off (then they are sent off), and, with
HTTP 200, whether the account may post at all today (spam caps, bans).

**Unaudited apps.** Until TikTok audits the app, only ``SELF_ONLY`` posts from private accounts are
accepted; any other privacy level is refused with
``unaudited_client_can_only_post_to_private_accounts``. The office chooses: ``privacy_level:
SELF_ONLY`` (the post exists but only the account sees it; someone makes it public by hand after
the audit), ``mode: inbox`` (TikTok notifies the account; a person finishes the post in the app,
at most 5 pending per 24 h), or ``fallback: inbox`` (try Direct Post, use the inbox when refused as
unaudited). The refusal message says so.

**Media.** PULL_FROM_URL makes TikTok download the file from the portal, which requires the
portal's domain or URL prefix to be verified in the app (``url_ownership_unverified`` otherwise).
With ``video_source: auto`` a refused pull becomes a FILE_UPLOAD: the video is downloaded from the
live portal (web-first) and sent in chunks. Photos can only be pulled: an unverified domain is an
error naming what to verify.

**Status.** After init, ``status/fetch`` is polled until ``PUBLISH_COMPLETE`` (Direct Post) or
``SEND_TO_USER_INBOX`` (inbox), or ``FAILED`` with its ``fail_reason`` in Spanish. The post's public
id (``publicaly_available_post_id``) only exists once moderation passed; until then the recorded
id is the ``publish_id`` and the post URL is unknown.

**Reconciliation.** TikTok has no idempotency key. Each ``publish_id`` is noted in ``publish_log``
(and in memory) the moment TikTok returns it, and :meth:`find_existing` asks its status: complete
→ the post exists; failed → it surely does not; still processing → "cannot tell yet" (never
resent). Only a crash between TikTok accepting an init and the note being written leaves no
handle: then, like Telegram, nothing can be checked and the next run posts again.

**Metrics** (Display API, scopes ``user.info.stats`` and ``video.list``): followers and video count
from ``/v2/user/info/``; views, likes, comments and shares of a public post from
``/v2/video/query/``. Mentions and comments: the API offers none.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, ClassVar, Literal

import httpx
from pydantic import Field, SecretStr

from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from ..media import STORY, best_images
from .base import (
    AccountStats,
    Channel,
    NotSupported,
    PermanentError,
    Post,
    PostStats,
    Published,
    ReadBack,  # read-back (proof that the post is out)
    TransientError,
)
from .options import ChannelOptions, parse_options
from .sendlog import SendLog
from .tiktok_api import API_BASE, FAIL_REASONS, IN_PROGRESS, CreatorInfo, TikTokAPI, TikTokRefused

PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm")
PHOTO_TYPES = ("image/jpeg", "image/webp")
MAX_PHOTOS = 35
MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 4 * 1024**3
MAX_API_SECONDS = 600
MIN_SIDE, MAX_SIDE = 360, 4096
MIN_CHUNK = 5 * 1024 * 1024
MAX_CHUNK = 64 * 1000 * 1000
"""The transfer guide's 5 MB and 64 MB, read in the stricter unit each (MiB below, MB above)."""
PHOTO_TITLE_LIMIT, PHOTO_DESCRIPTION_LIMIT = 90, 4000
VIDEO_METRICS = "id,view_count,like_count,comment_count,share_count"


class TikTokOptions(ChannelOptions):
    access_token: SecretStr = SecretStr("")
    mode: Literal["direct", "inbox"] = "direct"
    privacy_level: Literal[PRIVACY_LEVELS] = "PUBLIC_TO_EVERYONE"  # type: ignore[valid-type]
    fallback: Literal["none", "inbox"] = "none"
    video_source: Literal["auto", "url", "upload"] = "auto"
    chunk_size: int = Field(10 * 1024 * 1024, ge=MIN_CHUNK, le=MAX_CHUNK)
    photos: bool = True
    disable_comment: bool = False
    disable_duet: bool = False
    disable_stitch: bool = False
    auto_add_music: bool = False
    is_aigc: bool = False
    publish_log: Path | None = None
    timeout: float = 60.0
    poll_interval: float = 5.0
    poll_attempts: int = Field(60, ge=1)


class TikTokChannel(Channel):
    name: ClassVar[str] = "tiktok"
    options_model = TikTokOptions
    text_limit: ClassVar[int] = 2200
    max_images: ClassVar[int] = MAX_PHOTOS

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(TikTokOptions, self.config, self.name)
        self._api: TikTokAPI | None = None
        self._log: SendLog | None = None
        self._creator: CreatorInfo | None = None

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        text, link, _ = self.draft(item, update)
        video = item.video_file
        photos = best_images(item.images[:MAX_PHOTOS], STORY) if self.options.photos else ()
        skip = None
        if update is not None:
            skip = "TikTok no publica actualizaciones en vivo"
        elif video is None and not photos:
            skip = "TikTok solo publica videos o fotos y el comunicado no tiene video propio ni fotos"
        problems: list[str] = []
        if video is not None:
            media: tuple[Media, ...] = (video,)
            kind, limit, length = "video", self.text_limit, count("tiktok", text)
            if length > limit:
                problems.append(too_long_message(self.name, length, limit))
            problems += _video_problems(video)
            extra: dict[str, Any] = {"kind": kind}
        else:
            kind, media, limit = "photo", photos, PHOTO_DESCRIPTION_LIMIT
            length = count("tiktok_photo_description", text)
            title = item.title.strip()
            title_length = count("tiktok_photo_title", title)
            if length > limit:
                problems.append(
                    f"tiktok: la descripción tiene {length} unidades UTF-16 y el límite de una publicación de fotos "
                    f"es {limit}; acórtela en `social.tiktok`"
                )
            if title_length > PHOTO_TITLE_LIMIT:
                problems.append(
                    f"tiktok: el título tiene {title_length} unidades UTF-16 (un emoji cuenta 2) y TikTok admite "
                    f"{PHOTO_TITLE_LIMIT} en publicaciones de fotos; acorte el título del comunicado"
                )
            if skip is None:
                problems += [p for photo in photos for p in _photo_problems(photo)]
            extra = {"kind": kind, "title": title}
        return self.new_post(
            item,
            update,
            text=text,
            length=length,
            limit=limit,
            link=link,
            media=media if skip is None else (),
            reply_to=reply_to,
            problems=tuple(problems) if skip is None else (),
            skip=skip,
            extra=extra,
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        if not post.media:
            raise NotSupported(f"tiktok: nada que publicar: {post.skip or 'sin video ni fotos'}")
        resumed = self._resume(post)
        if resumed is not None:
            return resumed
        creator = self._creator_info()
        mode = self.options.mode
        if mode == "direct":
            self._check_privacy(creator)
        if post.extra["kind"] == "video":
            self._check_duration(post.media[0], creator)
        try:
            publish_id = self._init(post, creator, mode)
        except TikTokRefused as exc:
            if not (
                exc.code == "unaudited_client_can_only_post_to_private_accounts"
                and mode == "direct"
                and self.options.fallback == "inbox"
            ):
                raise
            mode = "inbox"
            publish_id = self._init(post, creator, mode)
        done = frozenset({"PUBLISH_COMPLETE"} if mode == "direct" else {"SEND_TO_USER_INBOX", "PUBLISH_COMPLETE"})
        data = self.api.wait_for(publish_id, done)
        return self._published(post, publish_id, mode, data, creator)

    def _resume(self, post: Post) -> Published | None:
        """The outcome of this post's noted publish, if one may still be (or is) on TikTok.

        A retry after a rate limit or a timeout while polling must not create a second publish:
        a noted, fully uploaded ``publish_id`` is followed to its end instead; only a ``FAILED``
        one (surely not on TikTok) lets a new init happen.
        """
        noted = self.log.get(post.key)
        if noted is None or noted.get("complete") is False:
            return None
        publish_id, mode = str(noted["publish_id"]), str(noted.get("mode") or "direct")
        done = frozenset({"PUBLISH_COMPLETE"} if mode == "direct" else {"SEND_TO_USER_INBOX", "PUBLISH_COMPLETE"})
        if str(self.api.status(publish_id).get("status") or "") == "FAILED":
            return None
        data = self.api.wait_for(publish_id, done)
        return self._published(post, publish_id, mode, data, self._creator_or_none())

    def _init(self, post: Post, creator: CreatorInfo, mode: str) -> str:
        """Create the publish on TikTok (upload the chunks if needed); note its publish_id at once."""
        if post.extra["kind"] == "photo":
            data = self.api.call("v2/post/publish/content/init/", self._photo_body(post, creator, mode))
            return self._note(post, str(data["publish_id"]), mode)
        video = post.media[0]
        path = "v2/post/publish/video/init/" if mode == "direct" else "v2/post/publish/inbox/video/init/"
        body: dict[str, Any] = {}
        if mode == "direct":
            body["post_info"] = self._video_post_info(post, creator)
        if self.options.video_source in ("auto", "url"):
            try:
                data = self.api.call(path, {**body, "source_info": {"source": "PULL_FROM_URL", "video_url": video.url}})
                return self._note(post, str(data["publish_id"]), mode)
            except TikTokRefused as exc:
                if exc.code != "url_ownership_unverified" or self.options.video_source == "url":
                    raise
        with tempfile.TemporaryFile() as handle:
            size, mime = _download(video, handle)
            chunk = size if size <= self.options.chunk_size else self.options.chunk_size
            source = {
                "source": "FILE_UPLOAD",
                "video_size": size,
                "chunk_size": chunk,
                "total_chunk_count": size // chunk,
            }
            data = self.api.call(path, {**body, "source_info": source})
            # Until every chunk is up, the publish cannot exist: a failed upload is started over.
            publish_id = self._note(post, str(data["publish_id"]), mode, complete=False)
            self.api.upload_chunks(str(data["upload_url"]), handle, size, chunk, mime)
        return self._note(post, publish_id, mode)

    def _video_post_info(self, post: Post, creator: CreatorInfo) -> dict[str, Any]:
        o = self.options
        return {
            "title": post.text,
            "privacy_level": o.privacy_level,
            "disable_comment": o.disable_comment or creator.comment_disabled,
            "disable_duet": o.disable_duet or creator.duet_disabled,
            "disable_stitch": o.disable_stitch or creator.stitch_disabled,
            "brand_content_toggle": False,
            "brand_organic_toggle": False,
            "is_aigc": o.is_aigc,
        }

    def _photo_body(self, post: Post, creator: CreatorInfo, mode: str) -> dict[str, Any]:
        post_info: dict[str, Any] = {"title": post.extra["title"], "description": post.text}
        if mode == "direct":
            post_info.update(
                privacy_level=self.options.privacy_level,
                disable_comment=self.options.disable_comment or creator.comment_disabled,
                auto_add_music=self.options.auto_add_music,
                brand_content_toggle=False,
                brand_organic_toggle=False,
            )
        return {
            "media_type": "PHOTO",
            "post_mode": "DIRECT_POST" if mode == "direct" else "MEDIA_UPLOAD",
            "post_info": post_info,
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_images": [m.url for m in post.media],
                "photo_cover_index": 0,
            },
        }

    def _note(self, post: Post, publish_id: str, mode: str, *, complete: bool = True) -> str:
        self.log.record(post.key, publish_id=publish_id, mode=mode, complete=complete)
        return publish_id

    def _published(
        self, post: Post, publish_id: str, mode: str, data: Mapping[str, Any], creator: CreatorInfo | None
    ) -> Published:
        public_ids = [str(i) for i in data.get("publicaly_available_post_id") or []]
        extra: dict[str, Any] = {"publish_id": publish_id, "mode": mode, "status": data.get("status")}
        if not public_ids:
            return Published(publish_id, None, extra)
        kind = "photo" if post.extra.get("kind") == "photo" else "video"
        user = creator.username if creator is not None else ""
        url = f"https://www.tiktok.com/@{user}/{kind}/{public_ids[0]}" if user else None
        return Published(public_ids[0], url, extra)

    def _check_privacy(self, creator: CreatorInfo) -> None:
        wanted = self.options.privacy_level
        if wanted not in creator.privacy_level_options:
            offered = ", ".join(creator.privacy_level_options) or "ninguna"
            raise PermanentError(
                f"tiktok: la cuenta @{creator.username} no ofrece la privacidad {wanted}; ofrece: {offered}. "
                "Cambie privacy_level en la configuración (una cuenta privada no publica PUBLIC_TO_EVERYONE)"
            )

    @staticmethod
    def _check_duration(video: Media, creator: CreatorInfo) -> None:
        limit = creator.max_video_post_duration_sec
        if limit and video.duration and video.duration > limit:
            raise PermanentError(
                f"tiktok: el video dura {video.duration:.0f} s y la cuenta @{creator.username} puede publicar "
                f"hasta {limit} s; publique una versión más corta"
            )

    def find_existing(self, post: Post) -> Published | None:
        """The post of the noted ``publish_id``, by its status (see the module notes)."""
        noted = self.log.get(post.key)
        if noted is None or noted.get("complete") is False:
            return None
        publish_id, mode = str(noted["publish_id"]), str(noted.get("mode") or "direct")
        data = self.api.status(publish_id)
        state = str(data.get("status") or "")
        if state == "PUBLISH_COMPLETE" or (state == "SEND_TO_USER_INBOX" and mode == "inbox"):
            return self._published(post, publish_id, mode, data, self._creator_or_none())
        if state in IN_PROGRESS or state == "SEND_TO_USER_INBOX":
            raise TransientError(f"tiktok: la publicación {publish_id} sigue en proceso; se comprobará de nuevo")
        return None  # FAILED: it surely is not on TikTok

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """A public video: ``POST /v2/video/query/`` with its id lists it (it does not once deleted
        or made private). Otherwise (a photo post, an inbox upload, moderation pending): the noted
        ``publish_id``'s ``status/fetch`` must say ``PUBLISH_COMPLETE`` with a public post id."""
        if published.remote_id.isdigit() and "/photo/" not in (published.url or ""):
            data = self.api.call("v2/video/query/", {"filters": {"video_ids": [published.remote_id]}}, fields="id")
            if not any(str(v.get("id")) == published.remote_id for v in data.get("videos") or []):
                return ReadBack.failed(f"tiktok: el video {published.remote_id} ya no es público o no existe")
            return ReadBack.verified(published.url)
        noted = self.log.get(post.key) if post is not None else None
        publish_id = str(noted["publish_id"]) if noted else published.remote_id
        if published.remote_id.isdigit() and not noted:
            return ReadBack.unavailable("tiktok: TikTok no permite leer publicaciones de fotos sin su publish_id")
        data = self.api.status(publish_id)
        state = str(data.get("status") or "")
        public_ids = [str(i) for i in data.get("publicaly_available_post_id") or []]
        if state == "FAILED":
            reason = str(data.get("fail_reason") or "")
            return ReadBack.failed(f"tiktok: {FAIL_REASONS.get(reason, reason or 'sin motivo')} ({publish_id})")
        if state == "SEND_TO_USER_INBOX":
            return ReadBack.failed(
                f"tiktok: el contenido está en la bandeja de la cuenta ({publish_id}); falta publicarlo desde la app"
            )
        if state != "PUBLISH_COMPLETE" or not public_ids:
            return ReadBack.failed(
                f"tiktok: TikTok aún no muestra la publicación {publish_id} en público (estado {state or 'desconocido'})"
            )
        if published.remote_id.isdigit() and published.remote_id not in public_ids:
            return ReadBack.failed(f"tiktok: la publicación {published.remote_id} no es la de {publish_id}")
        return ReadBack.verified(published.url)

    # --- metrics -------------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        user = self.api.get("v2/user/info/", fields="follower_count,video_count").get("user") or {}
        return AccountStats(followers=_int(user.get("follower_count")), posts=_int(user.get("video_count")))

    def post_stats(self, published: Published) -> PostStats:
        if not published.remote_id.isdigit():
            raise NotSupported(
                "tiktok: la publicación aún no tiene id público (moderación pendiente o no es pública); "
                "sin él TikTok no da métricas"
            )
        data = self.api.call("v2/video/query/", {"filters": {"video_ids": [published.remote_id]}}, fields=VIDEO_METRICS)
        videos = data.get("videos") or []
        if not videos:
            raise PermanentError(f"tiktok: el video {published.remote_id} ya no es público o no existe")
        video = videos[0]
        return PostStats(
            impressions=_int(video.get("view_count")),
            reactions=_int(video.get("like_count")),
            shares=_int(video.get("share_count")),
            replies=_int(video.get("comment_count")),
        )

    # --- plumbing ------------------------------------------------------------------------------
    @property
    def api(self) -> TikTokAPI:
        if self._api is None:
            token = self.options.access_token.get_secret_value()
            if not token:
                raise PermanentError("tiktok: falta `access_token` (defínalo con !ENV y una variable de entorno)")
            self._api = TikTokAPI(
                self.options.api_base or API_BASE,
                token,
                timeout=self.options.timeout,
                poll_interval=self.options.poll_interval,
                poll_attempts=self.options.poll_attempts,
            )
        return self._api

    @property
    def log(self) -> SendLog:
        if self._log is None:
            self._log = SendLog(self.options.publish_log, network=self.name)
        return self._log

    def _creator_info(self) -> CreatorInfo:
        self._creator = self.api.creator_info()
        return self._creator

    def _creator_or_none(self) -> CreatorInfo | None:
        if self._creator is None:
            try:
                self._creator = self.api.creator_info()
            except (PermanentError, TransientError):
                return None
        return self._creator

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None


def _video_problems(video: Media) -> list[str]:
    name = video.url.rsplit("/", 1)[-1]
    problems = []
    if video.mime and video.mime not in VIDEO_TYPES:
        problems.append(f"tiktok: el video `{name}` es {video.mime}; TikTok acepta MP4, WebM o MOV")
    if video.bytes and video.bytes > MAX_VIDEO_BYTES:
        problems.append(f"tiktok: el video `{name}` pesa más de 4 GB, el máximo de TikTok")
    if video.duration and video.duration > MAX_API_SECONDS:
        problems.append(
            f"tiktok: el video `{name}` dura {video.duration:.0f} s; por API TikTok admite hasta 10 minutos"
        )
    if (
        video.width
        and video.height
        and not (MIN_SIDE <= video.width <= MAX_SIDE and MIN_SIDE <= video.height <= MAX_SIDE)
    ):
        problems.append(
            f"tiktok: el video `{name}` mide {video.width}×{video.height}; TikTok pide de {MIN_SIDE} a {MAX_SIDE} px por lado"
        )
    return problems


def _photo_problems(photo: Media) -> list[str]:
    name = photo.url.rsplit("/", 1)[-1]
    problems = []
    if photo.mime and photo.mime not in PHOTO_TYPES:
        problems.append(f"tiktok: la imagen `{name}` es {photo.mime}; TikTok solo acepta fotos JPEG o WebP")
    if photo.bytes and photo.bytes > MAX_PHOTO_BYTES:
        problems.append(f"tiktok: la imagen `{name}` pesa más de 20 MB, el máximo de TikTok por foto")
    return problems


def _download(video: Media, handle: IO[bytes]) -> tuple[int, str]:
    """Stream the published video into ``handle`` (web-first); return its size and MIME type."""
    try:
        with httpx.stream("GET", video.url, timeout=60) as response:
            if response.status_code != 200:
                raise PermanentError(
                    f"tiktok: {video.url} respondió {response.status_code}; el video no está publicado"
                )
            for chunk in response.iter_bytes(1024 * 1024):
                handle.write(chunk)
            served = response.headers.get("content-type", "").split(";")[0]
    except httpx.HTTPError as exc:
        raise TransientError(f"tiktok: no se pudo descargar el video del portal ({exc.__class__.__name__})") from None
    size = handle.tell()
    mime = video.mime if video.mime in VIDEO_TYPES else served if served in VIDEO_TYPES else "video/mp4"
    if size < 1:
        raise PermanentError(f"tiktok: {video.url} está vacío")
    return size, mime


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None
