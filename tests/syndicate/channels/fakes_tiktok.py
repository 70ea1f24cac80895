"""A local reproduction of TikTok's Content Posting API and the Display API parts Pregón reads.

No TikTok server can run here, so this is a real HTTP server on 127.0.0.1 (see
:class:`tests.fakes.api_server.FakeAPI`) that follows the official pages, and **records a
violation for any request they do not allow**:

* Query Creator Info, Direct Post, Upload (inbox), Photo Post, Get Post Status, Media Transfer
  Guide: https://developers.tiktok.com/doc/content-posting-api-reference-direct-post and the pages
  beside it (``…-upload-video``, ``…-photo-post``, ``…-query-creator-info``,
  ``…-get-video-status``, ``content-posting-api-media-transfer-guide``);
* Display API ``/v2/user/info/`` and ``/v2/video/query/``:
  https://developers.tiktok.com/doc/display-api-overview/.

What it checks: ``Authorization: Bearer <token>``; ``Content-Type: application/json;
charset=UTF-8`` on every POST; required fields (``privacy_level`` for Direct Post, ``source_info``,
``photo_cover_index``…); the caption limits in UTF-16 units (2200 video title, 90 photo title,
4000 photo description); FILE_UPLOAD arithmetic (``total_chunk_count`` = floor(size / chunk),
chunks of 5 MB–64 MB except a whole small file, the last one taking the remainder, sequential
``Content-Range``). What it answers: the documented ``{"data": …, "error": {code, message,
log_id}}`` envelope, the documented error codes with their HTTP statuses — including the HTTP 200
errors of creator info — and ``429 rate_limit_exceeded`` past 6 init requests per minute per
token. Like TikTok, it **downloads PULL_FROM_URL media** from their public server and refuses URLs
outside the verified prefixes (``url_ownership_unverified``) or that redirect.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any

import httpx

from tests.fakes.api_server import FakeAPI, Reply, Request

TOKEN = "act.tiktok-test-token-do-not-log"
MIN_CHUNK, MAX_CHUNK, MAX_LAST = 5 * 1024 * 1024, 64 * 1000 * 1000, 128 * 1000 * 1000
INIT_LIMIT_PER_MINUTE = 6
LIMITS = {"title": 2200, "photo_title": 90, "photo_description": 4000}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def envelope(data: Any = None, code: str = "ok", message: str = "", status: int = 200) -> Reply:
    return Reply(
        status, {"data": data or {}, "error": {"code": code, "message": message, "log_id": "2026120119000001"}}
    )


class FakeTikTok(FakeAPI):
    username = "alcaldia_demo"

    def __init__(self) -> None:
        super().__init__()
        self.privacy_options = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
        self.audited = True
        self.verified_prefixes: list[str] = []
        """URL prefixes verified for PULL_FROM_URL (set by the test to the portal's URL)."""
        self.creator_error: str | None = None
        """An HTTP-200 error code creator_info answers with (spam caps, bans)."""
        self.fail_reason: str | None = None
        """When set, the next publishes end FAILED with this reason."""
        self.comment_disabled = False
        self.max_duration = 600
        self.polls_until_done = 1
        self.publishes: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1001)
        self._inits: deque[float] = deque()
        self._crawler = httpx.Client(timeout=10)
        self.add_route("POST", r"/v2/post/publish/creator_info/query/", self._guard(self._creator), "creator_info")
        self.add_route("POST", r"/v2/post/publish/video/init/", self._guard(self._video_init, init=True), "video_init")
        self.add_route(
            "POST", r"/v2/post/publish/inbox/video/init/", self._guard(self._inbox_init, init=True), "inbox_init"
        )
        self.add_route(
            "POST", r"/v2/post/publish/content/init/", self._guard(self._photo_init, init=True), "photo_init"
        )
        self.add_route("POST", r"/v2/post/publish/status/fetch/", self._guard(self._status), "status")
        self.add_route("PUT", r"/upload/video/", self._chunk, "chunk")
        self.add_route("GET", r"/v2/user/info/", self._guard(self._user_info, json_body=False), "user_info")
        self.add_route("POST", r"/v2/video/query/", self._guard(self._video_query), "video_query")

    @staticmethod
    def throttled(retry_after: int = 1) -> Reply:
        """``429 rate_limit_exceeded``, with a ``Retry-After`` hint."""
        reply = envelope(code="rate_limit_exceeded", message="Rate limit exceeded", status=429)
        reply.headers["Retry-After"] = str(retry_after)
        return reply

    def stop(self) -> None:
        """Stop without waiting for the serve loop's poll (keeps the suite fast)."""
        self._crawler.close()
        server, self._server = self._server, None
        if server is not None:
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()

    # --- what a citizen would see ----------------------------------------------------------------
    def posts(self) -> list[dict[str, Any]]:
        return [p for p in self.publishes.values() if p["status"] == "PUBLISH_COMPLETE"]

    def inbox(self) -> list[dict[str, Any]]:
        return [p for p in self.publishes.values() if p["status"] == "SEND_TO_USER_INBOX"]

    # --- checks --------------------------------------------------------------------------------
    def _guard(self, handler: Any, *, init: bool = False, json_body: bool = True) -> Any:
        def checked(req: Request) -> Reply:
            if req.header("authorization") != f"Bearer {TOKEN}":
                if (req.header("authorization") or "").startswith("Bearer "):
                    return envelope(code="access_token_invalid", message="The access token is invalid", status=401)
                return self.reject(401, envelope(code="access_token_invalid").body, f"{req.path}: no Bearer token")
            body: Any = None
            if json_body:
                ctype = (req.header("content-type") or "").replace(" ", "").lower()
                if ctype != "application/json;charset=utf-8":
                    return self.reject(
                        400,
                        envelope(code="invalid_param").body,
                        f"{req.path}: Content-Type {req.header('content-type')!r}, the docs require "
                        "application/json; charset=UTF-8",
                    )
                try:
                    body = req.json()
                except ValueError:
                    return self.reject(400, envelope(code="invalid_param").body, f"{req.path}: body is not JSON")
                if not isinstance(body, dict):
                    return self.reject(400, envelope(code="invalid_param").body, f"{req.path}: body is not an object")
            if init:
                now = time.monotonic()
                while self._inits and now - self._inits[0] > 60:
                    self._inits.popleft()
                if len(self._inits) >= INIT_LIMIT_PER_MINUTE:
                    return envelope(code="rate_limit_exceeded", message="Too many requests", status=429)
                self._inits.append(now)
            return handler(req, body)

        return checked

    def _bad(self, violation: str, code: str = "invalid_param") -> Reply:
        return self.reject(400, envelope(code=code, message=violation).body, violation)

    # --- creator info ----------------------------------------------------------------------------
    def _creator(self, req: Request, body: Any) -> Reply:
        data = {
            "creator_avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg",
            "creator_username": self.username,
            "creator_nickname": "Alcaldía (demo)",
            "privacy_level_options": list(self.privacy_options),
            "comment_disabled": self.comment_disabled,
            "duet_disabled": False,
            "stitch_disabled": True,
            "max_video_post_duration_sec": self.max_duration,
        }
        if self.creator_error:
            return envelope(data, code=self.creator_error, message="posting is blocked")  # HTTP 200, on purpose
        return envelope(data)

    # --- init ------------------------------------------------------------------------------------
    def _post_info(self, info: Any, *, photo: bool, direct: bool) -> Reply | dict[str, Any]:
        if not isinstance(info, dict):
            return self._bad("post_info missing")
        for field, limit_key in (("title", "photo_title" if photo else "title"), ("description", "photo_description")):
            value = info.get(field)
            if value is None:
                continue
            if field == "description" and not photo:
                return self._bad("description is a photo-post field")
            if not isinstance(value, str) or utf16(value) > LIMITS[limit_key]:
                return self._bad(f"{field} longer than {LIMITS[limit_key]} UTF-16 units ({utf16(str(value))})")
        if direct:
            level = info.get("privacy_level")
            if level is None:
                return self._bad("privacy_level is required for a direct post")
            if level not in self.privacy_options:
                return envelope(code="privacy_level_option_mismatch", message="privacy_level mismatch", status=403)
            if not self.audited and level != "SELF_ONLY":
                return envelope(
                    code="unaudited_client_can_only_post_to_private_accounts",
                    message="Please review our integration guidelines",
                    status=403,
                )
            if self.comment_disabled and info.get("disable_comment") is False:
                return self._bad("disable_comment must follow the creator's setting")
        return info

    def _pull(self, url: Any) -> Reply | bytes:
        if not isinstance(url, str) or not any(url.startswith(p) for p in self.verified_prefixes):
            return envelope(code="url_ownership_unverified", message="URL ownership unverified", status=403)
        try:
            response = self._crawler.get(url)
        except httpx.HTTPError:
            return envelope(code="invalid_param", message="media could not be fetched", status=400)
        if response.status_code != 200:  # a 3xx counts as invalid too
            return envelope(code="invalid_param", message=f"media URL answered {response.status_code}", status=400)
        return response.content

    def _source(self, source: Any) -> Reply | dict[str, Any]:
        if not isinstance(source, dict) or source.get("source") not in ("PULL_FROM_URL", "FILE_UPLOAD"):
            return self._bad(f"source_info.source {source!r}")
        if source["source"] == "PULL_FROM_URL":
            if set(source) - {"source", "video_url"}:
                return self._bad(f"PULL_FROM_URL with fields {sorted(source)}")
            pulled = self._pull(source.get("video_url"))
            if isinstance(pulled, Reply):
                return pulled
            return {"source": "PULL_FROM_URL", "data": pulled, "url": source["video_url"]}
        size, chunk, total = source.get("video_size"), source.get("chunk_size"), source.get("total_chunk_count")
        if not all(isinstance(v, int) and v > 0 for v in (size, chunk, total)):
            return self._bad("FILE_UPLOAD needs video_size, chunk_size and total_chunk_count")
        assert isinstance(size, int) and isinstance(chunk, int) and isinstance(total, int)
        whole = total == 1 and chunk == size and size <= MAX_CHUNK
        if not whole and not MIN_CHUNK <= chunk <= MAX_CHUNK:
            return self._bad(f"chunk_size {chunk} outside 5 MB–64 MB")
        if total != size // chunk or not 1 <= total <= 1000:
            return self._bad(f"total_chunk_count {total} != floor({size} / {chunk})")
        if size - (total - 1) * chunk > MAX_LAST:
            return self._bad("final chunk over 128 MB")
        return {"source": "FILE_UPLOAD", "size": size, "chunk": chunk, "total": total, "received": bytearray()}

    def _new_publish(self, kind: str, mode: str, prefix: str, **fields: Any) -> str:
        publish_id = f"{prefix}~v2-1.{next(self._ids)}"
        self.publishes[publish_id] = {"kind": kind, "mode": mode, "status": None, "polls": 0, **fields}
        return publish_id

    def _video_init(self, req: Request, body: dict[str, Any]) -> Reply:
        info = self._post_info(body.get("post_info"), photo=False, direct=True)
        if isinstance(info, Reply):
            return info
        return self._video(body, "direct", info)

    def _inbox_init(self, req: Request, body: dict[str, Any]) -> Reply:
        if set(body) != {"source_info"}:
            return self._bad(f"inbox init takes only source_info, got {sorted(body)}")
        return self._video(body, "inbox", {})

    def _video(self, body: dict[str, Any], mode: str, info: dict[str, Any]) -> Reply:
        source = self._source(body.get("source_info"))
        if isinstance(source, Reply):
            return source
        publish_id = self._new_publish(
            "video",
            mode,
            "v_pub_url" if source["source"] == "PULL_FROM_URL" else "v_pub_file",
            info=info,
            source=source,
        )
        data: dict[str, Any] = {"publish_id": publish_id}
        if source["source"] == "FILE_UPLOAD":
            data["upload_url"] = f"{self.url}/upload/video/?upload_id={publish_id}&upload_token=tok-{publish_id}"
        return envelope(data)

    def _photo_init(self, req: Request, body: dict[str, Any]) -> Reply:
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return self._bad(f"media_type/post_mode {body.get('media_type')!r}/{body.get('post_mode')!r}")
        direct = body["post_mode"] == "DIRECT_POST"
        info = self._post_info(body.get("post_info") or {}, photo=True, direct=direct)
        if isinstance(info, Reply):
            return info
        if not direct and set(info) - {"title", "description"}:
            return self._bad(f"MEDIA_UPLOAD post_info has direct-post fields {sorted(info)}")
        source = body.get("source_info") or {}
        if source.get("source") != "PULL_FROM_URL":
            return self._bad("photos can only be PULL_FROM_URL")
        images = source.get("photo_images")
        cover = source.get("photo_cover_index")
        if not isinstance(images, list) or not 1 <= len(images) <= 35:
            return self._bad("photo_images must list 1 to 35 URLs")
        if not isinstance(cover, int) or not 0 <= cover < len(images):
            return self._bad("photo_cover_index is required and must index photo_images")
        for url in images:
            pulled = self._pull(url)
            if isinstance(pulled, Reply):
                return pulled
            if pulled[:3] != b"\xff\xd8\xff" and pulled[8:12] != b"WEBP":
                return envelope(code="invalid_param", message="only JPEG and WebP photos", status=400)
        publish_id = self._new_publish(
            "photo",
            "direct" if direct else "inbox",
            "p_pub_url",
            info=info,
            source={"source": "PULL_FROM_URL", "images": images},
        )
        return envelope({"publish_id": publish_id})

    # --- FILE_UPLOAD chunks ------------------------------------------------------------------------
    def _chunk(self, req: Request) -> Reply:
        publish_id = (req.query.get("upload_id") or [""])[0]
        publish = self.publishes.get(publish_id)
        if publish is None or (req.query.get("upload_token") or [""])[0] != f"tok-{publish_id}":
            return self.reject(404, None, f"chunk for unknown upload {publish_id!r}")
        source = publish["source"]
        if (req.header("content-type") or "") not in ("video/mp4", "video/quicktime", "video/webm"):
            return self.reject(400, None, f"chunk Content-Type {req.header('content-type')!r}")
        received: bytearray = source["received"]
        index = len(received) // source["chunk"]
        first = len(received)
        last_chunk = index == source["total"] - 1
        length = source["size"] - first if last_chunk else source["chunk"]
        expected = f"bytes {first}-{first + length - 1}/{source['size']}"
        if req.header("content-range") != expected:
            return self.reject(416, None, f"Content-Range {req.header('content-range')!r}, expected {expected!r}")
        if len(req.body) != length or req.header("content-length") != str(length):
            return self.reject(400, None, f"chunk of {len(req.body)} bytes, expected {length}")
        received.extend(req.body)
        progress = {"Content-Range": f"bytes 0-{len(received) - 1}/{source['size']}"}
        if last_chunk:
            source["data"] = bytes(received)
            return Reply(201, None, progress)
        return Reply(206, None, progress)

    # --- status ------------------------------------------------------------------------------------
    def _status(self, req: Request, body: dict[str, Any]) -> Reply:
        publish_id = body.get("publish_id")
        publish = self.publishes.get(str(publish_id))
        if publish is None:
            return envelope(code="invalid_publish_id", message="invalid publish_id", status=400)
        source = publish["source"]
        uploading = source["source"] == "FILE_UPLOAD" and "data" not in source
        if publish["status"] is None and not uploading:
            if publish["polls"] >= self.polls_until_done:
                if self.fail_reason:
                    publish["status"], publish["fail_reason"] = "FAILED", self.fail_reason
                elif publish["mode"] == "inbox":
                    publish["status"] = "SEND_TO_USER_INBOX"
                else:
                    publish["status"] = "PUBLISH_COMPLETE"
                    if publish["info"].get("privacy_level") == "PUBLIC_TO_EVERYONE":
                        publish["post_id"] = 7_300_000_000_000_000_000 + next(self._ids)
            publish["polls"] += 1
        pending = "PROCESSING_UPLOAD" if source["source"] == "FILE_UPLOAD" else "PROCESSING_DOWNLOAD"
        data: dict[str, Any] = {"status": publish["status"] or pending, "fail_reason": publish.get("fail_reason", "")}
        if publish.get("post_id"):
            data["publicaly_available_post_id"] = [publish["post_id"]]
        if source["source"] == "FILE_UPLOAD":
            data["uploaded_bytes"] = len(source["received"])
        else:
            data["downloaded_bytes"] = len(source.get("data") or b"")
        return envelope(data)

    # --- Display API -------------------------------------------------------------------------------
    def _user_info(self, req: Request, body: Any) -> Reply:
        fields = set((req.query.get("fields") or [""])[0].split(","))
        known = {"open_id", "display_name", "follower_count", "following_count", "likes_count", "video_count"}
        if not fields <= known:
            return self._bad(f"unknown user fields {sorted(fields - known)}")
        user = {"open_id": "open-1", "display_name": "Alcaldía", "follower_count": 4210, "following_count": 12}
        user.update(likes_count=9000, video_count=len(self.posts()))
        return envelope({"user": {k: v for k, v in user.items() if k in fields}})

    def _video_query(self, req: Request, body: dict[str, Any]) -> Reply:
        fields = set((req.query.get("fields") or [""])[0].split(","))
        ids = (body.get("filters") or {}).get("video_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 20:
            return self._bad("filters.video_ids must list 1 to 20 ids")
        public = {str(p["post_id"]): p for p in self.posts() if p.get("post_id")}
        values = {"view_count": 1530, "like_count": 120, "comment_count": 14, "share_count": 9}
        videos = [{"id": i, **{k: v for k, v in values.items() if k in fields}} for i in ids if str(i) in public]
        return envelope({"videos": videos, "cursor": 0, "has_more": False})
