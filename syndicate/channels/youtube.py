"""YouTube: upload a release's own video through the Data API v3 resumable protocol.

Docs followed (developers.google.com/youtube): ``v3/docs/videos/insert``,
``v3/guides/using_resumable_upload_protocol`` (session URI from ``Location``, ``Content-Range``
chunks, ``bytes */N`` status query and 308 ``Range`` answers to resume), ``v3/docs/errors``
(``quotaExceeded``, ``uploadLimitExceeded``), ``v3/determine_quota_cost`` (``videos.insert``
and ``search.list`` have their own 100/day buckets; quotas reset at midnight Pacific time),
``v3/docs/channels/list``, ``v3/docs/playlistItems/list`` and ``v3/docs/videos/list``.

Uses Google's own client (google-api-python-client) built from the discovery document it ships,
with its root URL replaced by ``api_base`` (how tests point it at a local server), and google-auth
credentials refreshed from a refresh token. The client implements the resumable protocol; this
module only loops over chunks and resumes after an interrupted one.

What gets posted: only a release whose manifest has a **video file published on the portal**.
A release that embeds an existing YouTube video (``youtube_id``) or has no video renders a post
with ``Post.skip`` (nothing to upload), and live updates are not posted here.

**Shorts.** The Data API has no Shorts endpoint: YouTube files an upload as a Short when it is
vertical or square and at most 3 minutes long. With ``shorts: true`` such a video (frame size and
duration from the manifest) gets the ``#Shorts`` convention at the end of its description and its
public URL is the ``/shorts/`` one; any other video is uploaded as usual.

Reconciliation does not use ``search.list`` (100 calls/day): each upload carries the tag
``pregon-<post key>``, and :meth:`find_existing` reads the channel's uploads playlist and the
videos' tags (1 unit per page).

Configuration (``channels.youtube``)::

    youtube:
      client_id: !ENV YOUTUBE_CLIENT_ID
      client_secret: !ENV YOUTUBE_CLIENT_SECRET
      refresh_token: !ENV YOUTUBE_REFRESH_TOKEN
      privacy_status: public          # or unlisted / private
      shorts: false                   # true: a vertical (or square) video of ≤ 3 min goes as a Short
      category_id: "25"               # News & Politics
      api_base: https://youtube.googleapis.com/
      token_uri: https://oauth2.googleapis.com/token
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo

import google_auth_httplib2
import httplib2
import httpx
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build_from_document
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload, build_http
from pydantic import SecretStr

from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from ..text import compose
from .base import (
    AccountStats,
    AuthError,
    Channel,
    Mention,
    NotSupported,
    PermanentError,
    Post,
    PostStats,
    Published,
    RateLimited,
    ReadBack,  # read-back (proof that the post is out)
    TransientError,
    post_key,
)
from .options import ChannelOptions
from .transport import REDACTOR, seconds_until_midnight
from .vertical import YOUTUBE_SHORT, short_video

DESCRIPTION_MAX_BYTES = 5000
DEFAULT_TEMPLATE = "{summary}\n\nComunicado completo: {url}\n\n{dependencia}"
CHUNK_SIZE = 8 * 1024 * 1024
"""Bytes per resumable chunk (a multiple of 256 KiB, as the protocol requires)."""
RESUME_ATTEMPTS = 5
PACIFIC = ZoneInfo("America/Los_Angeles")
RECONCILE_PAGES = 4
_QUOTA_REASONS = {
    "quotaExceeded",
    "uploadLimitExceeded",
    "rateLimitExceeded",
    "userRateLimitExceeded",
}


def key_tag(key: str) -> str:
    """The hidden tag that marks an upload as Pregón's post ``key``."""
    return f"pregon-{key}"


class YouTubeOptions(ChannelOptions):
    client_id: SecretStr
    client_secret: SecretStr
    refresh_token: SecretStr
    token_uri: str | None = None
    category_id: str | int = "25"
    privacy_status: str = "public"
    chunk_size: int = CHUNK_SIZE
    resume_backoff: float = 1.0
    timeout: float = 60.0
    shorts: bool = False

    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("client_id", "client_secret"),)


class YouTubeChannel(Channel):
    name = "youtube"
    text_limit = DESCRIPTION_MAX_BYTES
    max_images = 0
    options_model = YouTubeOptions

    API_BASE: ClassVar[str] = "https://youtube.googleapis.com/"
    TOKEN_URI: ClassVar[str] = "https://oauth2.googleapis.com/token"

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self._service: Resource | None = None
        self._channel_ids: tuple[str, str] | None = None

    # --- rendering (no network) --------------------------------------------------------------
    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        key = post_key(item.id, self.account, update.id if update else None)
        video = next((m for m in item.media if m.kind == "video"), None)
        skip = None
        if update is not None:
            skip = "YouTube no publica actualizaciones en vivo"
        elif video is None:
            skip = "el comunicado no tiene video"
        elif video.youtube_id:
            skip = f"el video ya está en YouTube ({video.youtube_id}); el portal lo incrusta y no hay nada que subir"
        description = compose(item, self.name, self.config.get("template") or DEFAULT_TEMPLATE)
        short = bool(self.config.get("shorts")) and skip is None and short_video(item, YOUTUBE_SHORT).video is not None
        if short:
            description += "\n\n#Shorts"
        title = item.title.strip()
        problems: list[str] = []
        if skip is None:
            title_length = count("youtube_title", title)
            if title_length > 100:
                problems.append(too_long_message("youtube_title", title_length, 100))
            if len(description.encode()) > DESCRIPTION_MAX_BYTES:
                problems.append(
                    f"youtube: la descripción ocupa {len(description.encode())} bytes y el límite es "
                    f"{DESCRIPTION_MAX_BYTES}; acórtela en `social.youtube`"
                )
            if any(c in title + description for c in "<>"):
                problems.append("youtube: YouTube no acepta los caracteres < ni > en el título ni en la descripción")
        return self.new_post(
            item,
            update,
            text=description,
            length=len(description.encode()),
            limit=DESCRIPTION_MAX_BYTES,
            link=item.url,
            media=(video,) if video is not None and skip is None else (),
            reply_to=reply_to,
            problems=tuple(problems),
            skip=skip,
            extra={"title": title, "tags": [key_tag(key), *item.tags], "short": short},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        if post.skip or not post.media:
            raise NotSupported(f"youtube: nada que subir: {post.skip or 'sin video'}")
        video = post.media[0]
        body = {
            "snippet": {
                "title": post.extra["title"],
                "description": post.text,
                "tags": post.extra["tags"],
                "categoryId": str(self.config.get("category_id", "25")),
                "defaultLanguage": "es",
            },
            "status": {
                "privacyStatus": self.config.get("privacy_status", "public"),
                "selfDeclaredMadeForKids": False,
            },
        }
        with tempfile.TemporaryFile() as handle:
            mime = _download(video, handle)
            media = MediaIoBaseUpload(
                handle,
                mimetype=mime,
                resumable=True,
                chunksize=int(self.config.get("chunk_size", CHUNK_SIZE)),
            )
            request = (
                self._youtube()
                .videos()
                .insert(
                    part="snippet,status",
                    body=body,
                    media_body=media,
                    notifySubscribers=True,
                )
            )
            result = self._upload(request)
        return Published(remote_id=result["id"], url=_video_url(result["id"], bool(post.extra.get("short"))))

    def _upload(self, request: Any) -> dict[str, Any]:
        """Send chunks until YouTube answers with the video; resume after an interrupted chunk."""
        response, failures = None, 0
        while response is None:
            try:
                _, response = _execute(request.next_chunk)
            except RateLimited:
                raise
            except TransientError:
                # The client marked the session as interrupted: its next call asks YouTube how
                # many bytes arrived (``Content-Range: bytes */N``) and continues from there.
                failures += 1
                if failures > RESUME_ATTEMPTS:
                    raise
                time.sleep(min(2.0**failures, 30.0) * float(self.config.get("resume_backoff", 1.0)))
        return dict(response)

    def find_existing(self, post: Post) -> Published | None:
        """Look for an upload tagged with ``post.key`` among the channel's latest uploads."""
        youtube, tag, page_token = self._youtube(), key_tag(post.key), None
        for _ in range(RECONCILE_PAGES):
            page = _execute(
                youtube.playlistItems()
                .list(
                    part="contentDetails",
                    playlistId=self._channel()[1],
                    maxResults=50,
                    pageToken=page_token,
                )
                .execute
            )
            ids = [entry["contentDetails"]["videoId"] for entry in page.get("items", [])]
            if ids:
                videos = _execute(youtube.videos().list(part="snippet", id=",".join(ids), maxResults=50).execute)
                for video in videos.get("items", []):
                    if tag in video["snippet"].get("tags", []):
                        return Published(video["id"], _video_url(video["id"], bool(post.extra.get("short"))))
            page_token = page.get("nextPageToken")
            if not page_token:
                return None
        return None

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """``videos.list(part=snippet,status, id=…)``: the video exists (an empty ``items`` once
        deleted), is not rejected or failed, is on the account's channel and carries the post's
        key tag."""
        answer = _execute(self._youtube().videos().list(part="snippet,status", id=published.remote_id).execute)
        video = next((v for v in answer.get("items", []) if v.get("id") == published.remote_id), None)
        if video is None:
            return ReadBack.failed(f"youtube: el video {published.remote_id} ya no existe")
        status = video.get("status", {})
        if status.get("uploadStatus") in ("rejected", "failed", "deleted"):
            why = status.get("rejectionReason") or status.get("failureReason") or status["uploadStatus"]
            return ReadBack.failed(f"youtube: YouTube no publicó el video {published.remote_id} ({why})")
        snippet = video.get("snippet", {})
        if snippet.get("channelId") not in (None, self._channel()[0]):
            return ReadBack.failed(f"youtube: el video {published.remote_id} es de otro canal")
        if post is not None and key_tag(post.key) not in snippet.get("tags", []):
            return ReadBack.failed(f"youtube: el video {published.remote_id} no es el de esta publicación")
        return ReadBack.verified(published.url or _video_url(published.remote_id, False))

    def delete(self, published: Published) -> None:
        _execute(self._youtube().videos().delete(id=published.remote_id).execute)

    # --- metrics -----------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        answer = _execute(self._youtube().channels().list(part="statistics", mine=True).execute)
        if not answer.get("items"):
            raise PermanentError("youtube: la cuenta autorizada no tiene canal de YouTube")
        stats = answer["items"][0]["statistics"]
        return AccountStats(
            followers=_int(stats.get("subscriberCount")),
            posts=_int(stats.get("videoCount")),
        )

    def post_stats(self, published: Published) -> PostStats:
        answer = _execute(self._youtube().videos().list(part="statistics", id=published.remote_id).execute)
        if not answer.get("items"):
            raise PermanentError(f"youtube: el video {published.remote_id} ya no existe")
        stats = answer["items"][0]["statistics"]
        return PostStats(
            impressions=_int(stats.get("viewCount")),
            reactions=_int(stats.get("likeCount")),
            replies=_int(stats.get("commentCount")),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Top-level comments on the channel's videos, newest first (one page of 100)."""
        answer = _execute(
            self._youtube()
            .commentThreads()
            .list(
                part="snippet",
                allThreadsRelatedToChannelId=self._channel()[0],
                maxResults=100,
                order="time",
                textFormat="plainText",
            )
            .execute
        )
        found = []
        for thread in answer.get("items", []):
            video_id = thread["snippet"].get("videoId")
            comment = thread["snippet"]["topLevelComment"]
            details = comment["snippet"]
            created = datetime.fromisoformat(details["publishedAt"])
            if since is not None and created < since:
                continue
            found.append(
                Mention(
                    remote_id=comment["id"],
                    author=details.get("authorDisplayName", ""),
                    text=details.get("textDisplay", ""),
                    created_at=created,
                    in_reply_to=video_id,
                    url=f"https://www.youtube.com/watch?v={video_id}&lc={comment['id']}",
                )
            )
        return found

    # --- client ------------------------------------------------------------------------------
    def _youtube(self) -> Resource:
        if self._service is None:
            missing = [k for k in ("client_id", "client_secret", "refresh_token") if not self.config.get(k)]
            if missing:
                raise PermanentError(
                    "youtube: mkdocs.yml no define "
                    + ", ".join(f"`syndicate.channels.youtube.{k}`" for k in missing)
                    + " (defínalas con !ENV y variables de entorno)"
                )
            for key in ("client_id", "client_secret", "refresh_token"):
                REDACTOR.add(str(self.config[key]))
            REDACTOR.add_pair(str(self.config["client_id"]), str(self.config["client_secret"]))
            credentials = Credentials(
                token=None,
                refresh_token=self.config["refresh_token"],
                client_id=self.config["client_id"],
                client_secret=self.config["client_secret"],
                token_uri=str(self.config.get("token_uri") or self.TOKEN_URI),
            )
            document = json.loads(
                resources.files("googleapiclient.discovery_cache").joinpath("documents/youtube.v3.json").read_text()
            )
            document["rootUrl"] = str(self.config.get("api_base") or self.API_BASE).rstrip("/") + "/"
            transport = build_http()  # keeps 308 "Resume Incomplete" from being followed as a redirect
            transport.timeout = float(self.config.get("timeout", 60))
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
            self._service = build_from_document(document, http=http)
        return self._service

    def _channel(self) -> tuple[str, str]:
        """The authorized channel's id and its uploads playlist (read once)."""
        if self._channel_ids is None:
            answer = _execute(self._youtube().channels().list(part="contentDetails", mine=True).execute)
            if not answer.get("items"):
                raise PermanentError("youtube: la cuenta autorizada no tiene canal de YouTube")
            channel = answer["items"][0]
            uploads = channel["contentDetails"]["relatedPlaylists"]["uploads"]
            self._channel_ids = (channel["id"], uploads)
        return self._channel_ids

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


def _download(video: Media, handle: IO[bytes]) -> str:
    """Stream the published video file into ``handle`` (web-first); return its MIME type."""
    try:
        with httpx.stream("GET", video.url, timeout=60, follow_redirects=False) as response:
            if response.status_code != 200:
                raise PermanentError(
                    f"youtube: {video.url} respondió {response.status_code}; el video no está publicado"
                )
            for chunk in response.iter_bytes(1024 * 1024):
                handle.write(chunk)
            mime = video.mime or response.headers.get("content-type", "").split(";")[0]
    except httpx.HTTPError as exc:
        raise TransientError(f"youtube: no se pudo descargar el video del portal ({exc.__class__.__name__})") from None
    handle.seek(0)
    return mime if mime.startswith("video/") else "video/*"


def _video_url(video_id: str, short: bool) -> str:
    return f"https://www.youtube.com/shorts/{video_id}" if short else f"https://www.youtube.com/watch?v={video_id}"


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _execute(call: Any) -> Any:
    """Run one client call, mapping Google's errors to the core's."""
    try:
        return call()
    except HttpError as exc:
        raise _error(exc) from None
    except RefreshError:
        raise AuthError(
            "youtube: Google rechazó el refresh token (vencido o revocado; si la aplicación de Google está en modo "
            "«Testing», vence a los 7 días): autorice de nuevo y actualice la variable de entorno"
        ) from None
    except TimeoutError:
        raise TransientError(
            "youtube: la API no respondió a tiempo; la publicación pudo o no llegar", timeout=True
        ) from None
    except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
        raise TransientError(f"youtube: fallo de conexión con la API ({exc.__class__.__name__})") from None


def _error(exc: HttpError) -> Exception:
    status = int(exc.resp.status)
    try:
        error = json.loads(exc.content or b"{}").get("error", {})
    except ValueError:
        error = {}
    reasons = {e.get("reason") for e in error.get("errors", [])}
    message = str(error.get("message") or exc.resp.reason)
    if reasons & _QUOTA_REASONS or status == 429:
        wait = seconds_until_midnight(PACIFIC)
        what = "de subidas de video del canal" if "uploadLimitExceeded" in reasons else "de la API de YouTube"
        return RateLimited(
            f"youtube: se agotó la cuota diaria {what}; se restablece a medianoche, hora del "
            f"Pacífico (en {int(wait)} s)",
            retry_after=wait,
            status=status,
        )
    if status == 401:
        return AuthError(
            "youtube: Google rechazó la autorización; autorice de nuevo la aplicación",
            status=status,
        )
    if status >= 500:
        return TransientError(f"youtube: error del servidor de YouTube ({status})", status=status)
    return PermanentError(f"youtube: YouTube respondió {status}: {message}", status=status)
