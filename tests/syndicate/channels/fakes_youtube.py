"""A local YouTube Data API v3 + Google OAuth token endpoint, reproducing the documented contract.

Follows developers.google.com: youtube/v3/guides/using_resumable_upload_protocol (POST with
``uploadType=resumable`` and ``X-Upload-Content-*`` → 200 + ``Location``; PUT chunks with
``Content-Range: bytes a-b/N``; 308 ``Range: bytes=0-k`` while incomplete; ``bytes */N`` status
queries; 200/201 with the video resource when complete), youtube/v3/docs/videos/insert (snippet
title ≤ 100 characters without ``<``/``>``, description ≤ 5000 bytes), youtube/v3/docs/errors
(403 ``quotaExceeded``), channels.list, playlistItems.list, videos.list/delete, and
identity/protocols/oauth2/web-server#offline (refresh-token grant at the token endpoint).

:meth:`FakeYouTube.interrupt_next_chunk` makes the next chunk arrive only in part and fail with a
503, as a dropped connection would, so a client must ask for the upload status and resume.
"""

from __future__ import annotations

import io
import itertools
import re
import secrets
from typing import Any
from urllib.parse import parse_qs

from hachoir.metadata import extractMetadata
from hachoir.parser import guessParser
from hachoir.stream import InputIOStream

from tests.fakes.api_server import FakeAPI, Reply, Request

ACCESS_TOKEN = "ya29.fake-access-token"
CHANNEL_ID = "UCalcaldiaDemo000000000"
UPLOADS = "UUalcaldiaDemo000000000"


def google_error(status: int, reason: str, message: str, domain: str = "youtube.quota") -> Reply:
    return Reply(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
            }
        },
    )


class FakeYouTube(FakeAPI):
    def __init__(self, client_id: str, client_secret: str, refresh_token: str):
        super().__init__()
        self.client = (client_id, client_secret, refresh_token)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.subscribers = 3100
        self._interrupt: int | None = None
        self._ids = itertools.count(1)
        self.add_route("POST", r"/token", self._token, "token")
        self.add_route("POST", r"/upload/youtube/v3/videos", self._start, "upload_start")
        self.add_route("PUT", r"/upload/youtube/v3/videos", self._chunk, "upload_chunk")
        self.add_route("GET", r"/youtube/v3/channels", self._channels, "channels_list")
        self.add_route("GET", r"/youtube/v3/playlistItems", self._playlist_items, "playlist_items")
        self.add_route("GET", r"/youtube/v3/videos", self._videos_list, "videos_list")
        self.add_route("DELETE", r"/youtube/v3/videos", self._videos_delete, "videos_delete")
        self.add_route(
            "GET",
            r"/youtube/v3/commentThreads",
            self._comment_threads,
            "comment_threads",
        )

    @staticmethod
    def quota_exceeded() -> Reply:
        return google_error(
            403,
            "quotaExceeded",
            "The request cannot be completed because you have exceeded "
            'your <a href="/youtube/v3/getting-started#quota">quota</a>.',
        )

    def is_short(self, video_id: str) -> bool:
        """YouTube's own rule (Shorts help page): an upload that is vertical or square and at most
        3 minutes long is a Short. Read from the uploaded file's headers, as YouTube would."""
        with self.lock:
            data = self.videos[video_id]["data"]
        parser = guessParser(InputIOStream(io.BytesIO(data)))
        if parser is None:
            return False
        with parser:
            metadata = extractMetadata(parser)
        if metadata is None or not all(metadata.has(k) for k in ("width", "height", "duration")):
            return False
        upright = metadata.get("height") >= metadata.get("width")
        return upright and metadata.get("duration").total_seconds() <= 180

    def interrupt_next_chunk(self, keep: int) -> None:
        """Store only ``keep`` bytes of the next chunk, then answer 503 (a dropped upload)."""
        self._interrupt = keep

    def add_video(self, title: str, tags: list[str]) -> str:
        video_id = f"vid{next(self._ids):08d}"
        with self.lock:
            self.videos[video_id] = {
                "id": video_id,
                "snippet": {
                    "title": title,
                    "description": "",
                    "tags": tags,
                    "channelId": CHANNEL_ID,
                },
                "size": 0,
            }
        return video_id

    # --- OAuth ------------------------------------------------------------------------------
    def _token(self, req: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
        client_id, client_secret, refresh_token = self.client
        if form.get("grant_type") != "refresh_token" or form.get("client_id") != client_id:
            return self.reject(400, {"error": "invalid_request"}, f"token request {sorted(form)}")
        if form.get("client_secret") != client_secret:
            return Reply(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") != refresh_token:
            return Reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        return Reply(
            200,
            {
                "access_token": ACCESS_TOKEN,
                "expires_in": 3599,
                "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/youtube.upload",
            },
        )

    def _authorized(self, req: Request) -> Reply | None:
        if req.header("authorization") != f"Bearer {ACCESS_TOKEN}":
            return self.reject(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Invalid Credentials",
                        "errors": [{"reason": "authError"}],
                    }
                },
                "call without the access token",
            )
        return None

    # --- resumable upload -------------------------------------------------------------------
    def _start(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        if req.query.get("uploadType") != ["resumable"] or "snippet" not in req.query.get("part", [""])[0]:
            return self.reject(400, {"error": {"code": 400}}, f"upload start query {req.query}")
        mime = req.header("x-upload-content-type") or ""
        length = req.header("x-upload-content-length")
        if not mime.startswith("video/") or not (length and length.isdigit()):
            return self.reject(
                400,
                {"error": {"code": 400}},
                f"X-Upload-Content-Type {mime!r} / Length {length!r}",
            )
        body = req.json()
        snippet = body.get("snippet", {})
        title, description = snippet.get("title", ""), snippet.get("description", "")
        if not title or len(title) > 100 or re.search("[<>]", title):
            return google_error(
                400,
                "invalidTitle",
                "The request metadata specifies an invalid video title.",
                "youtube.video",
            )
        if len(description.encode()) > 5000 or re.search("[<>]", description):
            return google_error(
                400,
                "invalidDescription",
                "The request metadata specifies an invalid video description.",
                "youtube.video",
            )
        if body.get("status", {}).get("privacyStatus") not in (
            "public",
            "unlisted",
            "private",
        ):
            return self.reject(400, {"error": {"code": 400}}, f"privacyStatus in {body.get('status')}")
        upload_id = secrets.token_hex(8)
        with self.lock:
            self.sessions[upload_id] = {
                "metadata": body,
                "total": int(length),
                "data": bytearray(),
                "mime": mime,
            }
        return Reply(
            200,
            None,
            {"Location": f"{self.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"},
        )

    def _chunk(self, req: Request) -> Reply:
        session = self.sessions.get(req.query.get("upload_id", [""])[0])
        if session is None:
            return self.reject(404, {"error": {"code": 404}}, "PUT to an unknown upload session")
        content_range = req.header("content-range") or ""
        received = len(session["data"])
        status = re.fullmatch(r"bytes \*/(\d+)", content_range)
        if status:
            if req.body:
                return self.reject(400, {"error": {"code": 400}}, "status query with a body")
            return self._progress(session)
        chunk = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", content_range)
        if not chunk:
            return self.reject(400, {"error": {"code": 400}}, f"Content-Range {content_range!r}")
        first, last, total = map(int, chunk.groups())
        if first != received or total != session["total"] or last - first + 1 != len(req.body):
            return self.reject(
                400,
                {"error": {"code": 400}},
                f"chunk {content_range} with {len(req.body)} bytes after {received} received",
            )
        with self.lock:
            if self._interrupt is not None:
                session["data"] += req.body[: self._interrupt]
                self._interrupt = None
                return Reply(503, {"error": {"code": 503, "message": "Backend Error"}})
            session["data"] += req.body
        return self._progress(session)

    def _progress(self, session: dict[str, Any]) -> Reply:
        received = len(session["data"])
        if received < session["total"]:
            return Reply(308, None, {"Range": f"bytes=0-{received - 1}"} if received else {})
        if "video" not in session:
            video_id = f"vid{next(self._ids):08d}"
            metadata = session["metadata"]
            with self.lock:
                self.videos[video_id] = {
                    "id": video_id,
                    "snippet": {**metadata["snippet"], "channelId": CHANNEL_ID},
                    "status": {**metadata["status"], "uploadStatus": "uploaded"},
                    "size": received,
                    "data": bytes(session["data"]),
                }
            session["video"] = video_id
        video = self.videos[session["video"]]
        return Reply(
            200,
            {
                "kind": "youtube#video",
                "id": video["id"],
                "snippet": video["snippet"],
                "status": video["status"],
            },
        )

    # --- reads and delete --------------------------------------------------------------------
    def _channels(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        if req.query.get("mine") != ["true"]:
            return self.reject(400, {"error": {"code": 400}}, f"channels.list {req.query}")
        channel: dict[str, Any] = {"kind": "youtube#channel", "id": CHANNEL_ID}
        parts = req.query.get("part", [""])[0].split(",")
        if "contentDetails" in parts:
            channel["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}}
        if "statistics" in parts:
            channel["statistics"] = {
                "viewCount": "99000",
                "subscriberCount": str(self.subscribers),
                "hiddenSubscriberCount": False,
                "videoCount": str(len(self.videos)),
            }
        return Reply(200, {"kind": "youtube#channelListResponse", "items": [channel]})

    def _playlist_items(self, req: Request) -> Reply:
        """The uploads playlist, newest first, ``maxResults`` ≤ 50 per page."""
        if (denied := self._authorized(req)) is not None:
            return denied
        size = int(req.query.get("maxResults", ["5"])[0])
        if req.query.get("playlistId") != [UPLOADS] or size > 50:
            return self.reject(400, {"error": {"code": 400}}, f"playlistItems.list {req.query}")
        start = int(req.query.get("pageToken", ["0"])[0])
        ordered = sorted(self.videos, reverse=True)
        page = ordered[start : start + size]
        answer: dict[str, Any] = {
            "items": [{"kind": "youtube#playlistItem", "contentDetails": {"videoId": v}} for v in page],
            "pageInfo": {"totalResults": len(ordered)},
        }
        if start + size < len(ordered):
            answer["nextPageToken"] = str(start + size)
        return Reply(200, answer)

    def _videos_list(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        ids = req.query.get("id", [""])[0].split(",")
        if not ids[0] or len(ids) > 50:
            return self.reject(400, {"error": {"code": 400}}, f"videos.list ids {ids}")
        parts = req.query.get("part", [""])[0].split(",")
        items = []
        for video_id in ids:
            if video_id in self.videos:
                video = self.videos[video_id]
                entry: dict[str, Any] = {"kind": "youtube#video", "id": video_id}
                if "snippet" in parts:
                    entry["snippet"] = video["snippet"]
                if "status" in parts and "status" in video:
                    entry["status"] = {**video["status"], "uploadStatus": "processed"}
                if "statistics" in parts:
                    entry["statistics"] = {
                        "viewCount": "540",
                        "likeCount": "31",
                        "commentCount": "6",
                    }
                items.append(entry)
        return Reply(200, {"kind": "youtube#videoListResponse", "items": items})

    def _videos_delete(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        with self.lock:
            removed = self.videos.pop(req.query.get("id", [""])[0], None)
        return Reply(204) if removed else google_error(404, "videoNotFound", "Video not found", "youtube.video")

    def _comment_threads(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        if req.query.get("allThreadsRelatedToChannelId") != [CHANNEL_ID]:
            return self.reject(400, {"error": {"code": 400}}, f"commentThreads.list {req.query}")
        if int(req.query.get("maxResults", ["20"])[0]) > 100:
            return self.reject(400, {"error": {"code": 400}}, "maxResults over 100")
        threads = []
        for n, (video_id, published) in enumerate(
            [(v, "2026-11-21T15:00:00Z") for v in sorted(self.videos)] + [("old", "2026-10-01T10:00:00Z")]
        ):
            comment = {
                "kind": "youtube#comment",
                "id": f"Ugz{n}",
                "snippet": {
                    "authorDisplayName": "@vecino",
                    "textDisplay": "¿Dónde queda el puesto?",
                    "publishedAt": published,
                    "videoId": video_id,
                },
            }
            threads.append(
                {
                    "kind": "youtube#commentThread",
                    "id": f"Ugz{n}",
                    "snippet": {
                        "channelId": CHANNEL_ID,
                        "videoId": video_id,
                        "topLevelComment": comment,
                    },
                }
            )
        return Reply(200, {"kind": "youtube#commentThreadListResponse", "items": threads})
