"""A local Mastodon API server reproducing the documented requests, answers and errors.

No real Mastodon-API server installs here (Mastodon needs Ruby, PostgreSQL and Redis; GoToSocial
and Akkoma come from registries this machine cannot reach), so the channel tests talk to this
real HTTP server on 127.0.0.1. It follows docs.joinmastodon.org:

* ``methods/instance`` + ``entities/Instance`` — ``GET /api/v2/instance`` with
  ``configuration.statuses.max_characters``, ``characters_reserved_per_url``,
  ``max_media_attachments`` and ``configuration.media_attachments`` limits.
* ``methods/media`` — ``POST /api/v2/media`` multipart (``file``, ``description``): 200 when
  processed, 202 with ``url: null`` while processing; ``GET /api/v1/media/:id`` answers 206 until
  processing ends, then 200.
* ``methods/statuses`` — ``POST /api/v1/statuses`` (form or JSON) with ``Idempotency-Key`` (a
  repeated key within an hour returns the same status), 422 ``{"error": "Validation failed: …"}``;
  ``GET``/``DELETE /api/v1/statuses/:id``; ``GET /api/v1/statuses/:id/context``.
* ``methods/accounts`` — ``verify_credentials``, ``GET /api/v1/accounts/:id/statuses`` (newest
  first, ``limit``/``max_id`` paging).
* ``methods/notifications`` — ``GET /api/v1/notifications?types[]=mention``, newest first, at most
  ``limit`` (default 40, max 80) per page, ``max_id`` for older pages.
* ``api/rate-limits`` — ``X-RateLimit-Limit/Remaining/Reset`` (ISO 8601) on every answer, 429
  ``{"error": "Too many requests"}`` when exhausted; ``api/oauth-scopes`` — 401
  ``{"error": "The access token is invalid"}`` for a missing or wrong Bearer token.

Status length is checked the way Mastodon's StatusLengthValidator does, written here
independently of ``syndicate/counting.py``: grapheme clusters, each URL as
``characters_reserved_per_url`` characters.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import regex
from PIL import Image

from tests.fakes.api_server import FakeAPI, Reply, Request

_URL = re.compile(r"https?://[^\s]+")
IDEMPOTENCY_WINDOW = 3600.0
RATE_LIMIT = 300
RATE_WINDOW = 300.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _linkify(text: str) -> str:
    """Status text as Mastodon renders it: HTML paragraphs, URLs as anchors."""

    def anchor(match: re.Match[str]) -> str:
        url = match.group()
        return f'<a href="{html.escape(url)}" rel="nofollow noopener" target="_blank">{html.escape(url)}</a>'

    paragraphs = []
    for block in text.split("\n\n"):
        escaped, last = [], 0
        for match in _URL.finditer(block):
            escaped += [html.escape(block[last : match.start()]), anchor(match)]
            last = match.end()
        escaped.append(html.escape(block[last:]))
        paragraphs.append("<p>" + "".join(escaped).replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)


class FakeMastodon(FakeAPI):
    """One Mastodon instance with one account (``ME``) whose token is ``token``."""

    DOMAIN = "social.alcaldia.test"

    def __init__(self, token: str, *, max_characters: int = 500, processing_polls: int = 0):
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.url_weight = 23
        self.max_media = 4
        self.description_limit = 1500
        self.image_size_limit = 16 * 1024 * 1024
        self.processing_polls = processing_polls
        """How many ``GET /api/v1/media/:id`` polls answer 206 before the upload is processed."""
        self.me = {
            "id": "109000000000000001",
            "username": "alcaldia",
            "acct": "alcaldia",
            "display_name": "Alcaldía",
            "followers_count": 4321,
            "following_count": 12,
            "statuses_count": 0,
        }
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, tuple[float, str]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.remaining = RATE_LIMIT
        self._ids = itertools.count(110_000_000_000_000_000)
        self.add_route("GET", r"/api/v2/instance", self._instance, "instance")
        self.add_route("GET", r"/api/v1/accounts/verify_credentials", self._verify, "verify_credentials")
        self.add_route("POST", r"/api/v2/media", self._upload, "media")
        self.add_route("GET", r"/api/v1/media/(?P<mid>\d+)", self._media_status, "media_get")
        self.add_route("POST", r"/api/v1/statuses", self._create, "statuses")
        self.add_route("GET", r"/api/v1/statuses/(?P<sid>\d+)", self._get, "status_get")
        self.add_route("DELETE", r"/api/v1/statuses/(?P<sid>\d+)", self._delete, "status_delete")
        self.add_route("GET", r"/api/v1/statuses/(?P<sid>\d+)/context", self._context, "context")
        self.add_route("GET", r"/api/v1/accounts/(?P<aid>\d+)/statuses", self._timeline, "account_statuses")
        self.add_route("GET", r"/api/v1/notifications", self._notifications, "notifications")

    # --- documented answers for fail_next ----------------------------------------------------
    @staticmethod
    def rate_limited(reset_in: float = 2.0) -> Reply:
        reset = (datetime.now(UTC) + timedelta(seconds=reset_in)).isoformat().replace("+00:00", "Z")
        return Reply(
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        )

    # --- helpers -----------------------------------------------------------------------------
    def _reply(self, status: int, body: Any) -> Reply:
        """Every authenticated answer carries the rate-limit headers (api/rate-limits)."""
        with self.lock:
            self.remaining = max(0, self.remaining - 1)
            remaining = self.remaining
        reset = (datetime.now(UTC) + timedelta(seconds=RATE_WINDOW)).isoformat().replace("+00:00", "Z")
        return Reply(
            status,
            body,
            {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": reset},
        )

    def _unauthorized(self, request: Request) -> Reply | None:
        header = request.header("authorization") or ""
        if not header.startswith("Bearer "):
            return self.reject(401, {"error": "The access token is invalid"}, f"{request.path}: no Bearer token")
        if header.removeprefix("Bearer ") != self.token:
            return Reply(401, {"error": "The access token is invalid"})
        return None

    def length(self, text: str) -> int:
        return len(regex.findall(r"\X", _URL.sub("x" * self.url_weight, text)))

    def add_reply(self, status_id: str, author: str, text: str) -> dict[str, Any]:
        """Another account replies to (and so mentions) one of our statuses."""
        account = {"id": str(next(self._ids)), "username": author.split("@")[0], "acct": author}
        reply = self._status(f"@{self.me['acct']} {text}", account, in_reply_to_id=status_id)
        with self.lock:
            self.statuses[reply["id"]]["replies_count"] = 0
            self.statuses[status_id]["replies_count"] += 1
            self.notifications.insert(
                0,
                {
                    "id": str(next(self._ids)),
                    "type": "mention",
                    "created_at": reply["created_at"],
                    "account": account,
                    "status": reply,
                },
            )
        return reply

    def _status(self, text: str, account: dict[str, Any], **fields: Any) -> dict[str, Any]:
        status_id = str(next(self._ids))
        status = {
            "id": status_id,
            "created_at": _now(),
            "uri": f"https://{self.DOMAIN}/users/{account['username']}/statuses/{status_id}",
            "url": f"https://{self.DOMAIN}/@{account['username']}/{status_id}",
            "content": _linkify(text),
            "visibility": "public",
            "language": "es",
            "account": account,
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "media_attachments": [],
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            **fields,
        }
        with self.lock:
            self.statuses[status_id] = status
        return status

    def own_statuses(self) -> list[dict[str, Any]]:
        return [s for s in self.statuses.values() if s["account"]["id"] == self.me["id"]]

    # --- routes ------------------------------------------------------------------------------
    def _instance(self, request: Request) -> Reply:
        return Reply(
            200,
            {
                "domain": self.DOMAIN,
                "title": "Social Alcaldía",
                "version": "4.4.0",
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": self.max_media,
                        "characters_reserved_per_url": self.url_weight,
                    },
                    "media_attachments": {
                        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                        "image_size_limit": self.image_size_limit,
                        "image_matrix_limit": 33177600,
                        "description_limit": self.description_limit,
                    },
                },
            },
        )

    def _verify(self, request: Request) -> Reply:
        return self._unauthorized(request) or self._reply(200, {**self.me, "statuses_count": len(self.own_statuses())})

    def _upload(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        try:
            parts = request.multipart()
        except ValueError as exc:
            return self.reject(422, {"error": "Validation failed: File can't be blank"}, f"media upload: {exc}")
        if "file" not in parts:
            return self.reject(422, {"error": "Validation failed: File can't be blank"}, "media upload without `file`")
        headers, data = parts["file"]
        if "filename=" not in headers.get("content-disposition", ""):
            return self.reject(422, {"error": "Validation failed: File can't be blank"}, "`file` part has no filename")
        description = parts["description"][1].decode() if "description" in parts else None
        if description is not None and len(description) > self.description_limit:
            return self.reject(422, {"error": "Validation failed: Description is too long"}, "description too long")
        if len(data) > self.image_size_limit:
            return self.reject(
                422, {"error": "Validation failed: File file size must be less than 16 MB"}, "image too big"
            )
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
        except OSError:
            return Reply(422, {"error": "Validation failed: File content type is invalid"})
        media_id = str(next(self._ids))
        attachment = {
            "id": media_id,
            "type": "image",
            "description": description,
            "meta": {"original": {"width": width, "height": height}},
            "url": None if self.processing_polls else f"https://{self.DOMAIN}/media/{media_id}.jpg",
            "polls_left": self.processing_polls,
            "attached": False,
            "bytes": len(data),
        }
        with self.lock:
            self.media[media_id] = attachment
        return self._reply(202 if self.processing_polls else 200, self._public_media(attachment))

    @staticmethod
    def _public_media(attachment: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in attachment.items() if k not in ("polls_left", "attached", "bytes")}

    def _media_status(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        attachment = self.media.get(request.params["mid"])
        if attachment is None:
            return self._reply(404, {"error": "Record not found"})
        with self.lock:
            if attachment["polls_left"] > 0:
                attachment["polls_left"] -= 1
                return self._reply(206, self._public_media(attachment))
            attachment["url"] = f"https://{self.DOMAIN}/media/{attachment['id']}.jpg"
        return self._reply(200, self._public_media(attachment))

    def _create(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        ctype = request.header("content-type") or ""
        if ctype.startswith("application/json"):
            body = request.json()
        elif ctype.startswith("application/x-www-form-urlencoded"):
            form = request.form()
            body = {k.removesuffix("[]"): (v if k.endswith("[]") else v[0]) for k, v in form.items()}
        else:
            return self.reject(422, {"error": "Validation failed"}, f"statuses: unexpected body type {ctype!r}")
        key = request.header("idempotency-key")
        if key:
            with self.lock:
                seen = self.idempotency.get(key)
            if seen and time.time() - seen[0] < IDEMPOTENCY_WINDOW:
                return self._reply(200, self.statuses[seen[1]])
        text = body.get("status") or ""
        media_ids = [str(m) for m in body.get("media_ids") or []]
        if not text and not media_ids:
            return self._reply(422, {"error": "Validation failed: Text can't be blank"})
        if self.length(text) > self.max_characters:
            return self._reply(
                422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"}
            )
        if body.get("visibility", "public") not in ("public", "unlisted", "private", "direct"):
            return self.reject(
                422, {"error": "Validation failed: Visibility is not included in the list"}, "bad visibility"
            )
        if len(media_ids) > self.max_media:
            return self._reply(422, {"error": "Validation failed: Too many attachments"})
        attachments = []
        for media_id in media_ids:
            attachment = self.media.get(media_id)
            if attachment is None or attachment["attached"]:
                return self.reject(422, {"error": "Validation failed: Media is invalid"}, f"unknown media {media_id}")
            if attachment["url"] is None:
                return self.reject(
                    422,
                    {"error": "Cannot attach files that have not finished processing. Try again in a moment!"},
                    f"media {media_id} attached before processing ended",
                )
            attachments.append(attachment)
        parent = body.get("in_reply_to_id")
        if parent is not None and str(parent) not in self.statuses:
            return self._reply(404, {"error": "Record not found"})
        with self.lock:
            for attachment in attachments:
                attachment["attached"] = True
        status = self._status(
            text,
            self.me,
            visibility=body.get("visibility", "public"),
            language=body.get("language"),
            media_attachments=[self._public_media(a) for a in attachments],
            in_reply_to_id=str(parent) if parent is not None else None,
            in_reply_to_account_id=self.statuses[str(parent)]["account"]["id"] if parent is not None else None,
        )
        with self.lock:
            if parent is not None:
                # Like Mastodon, a reply counts on its parent whoever wrote it (our own too).
                self.statuses[str(parent)]["replies_count"] = self.statuses[str(parent)].get("replies_count", 0) + 1
            if key:
                self.idempotency[key] = (time.time(), status["id"])
        return self._reply(200, status)

    def _get(self, request: Request) -> Reply:
        status = self.statuses.get(request.params["sid"])
        return self._reply(200, status) if status else self._reply(404, {"error": "Record not found"})

    def _delete(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        with self.lock:
            status = self.statuses.get(request.params["sid"])
            if status is None or status["account"]["id"] != self.me["id"]:
                return self._reply(404, {"error": "Record not found"})
            del self.statuses[status["id"]]
        return self._reply(200, {**status, "text": html.unescape(re.sub(r"<[^>]+>", "", status["content"]))})

    def _context(self, request: Request) -> Reply:
        root = request.params["sid"]
        if root not in self.statuses:
            return self._reply(404, {"error": "Record not found"})
        descendants, frontier = [], [root]
        while frontier:
            children = [s for s in self.statuses.values() if s["in_reply_to_id"] in frontier]
            descendants += children
            frontier = [c["id"] for c in children]
        return self._reply(200, {"ancestors": [], "descendants": sorted(descendants, key=lambda s: int(s["id"]))})

    def _timeline(self, request: Request) -> Reply:
        limit = min(int(request.query.get("limit", ["20"])[0]), 40)
        max_id = request.query.get("max_id", [None])[0]
        found = sorted(
            (s for s in self.statuses.values() if s["account"]["id"] == request.params["aid"]),
            key=lambda s: int(s["id"]),
            reverse=True,
        )
        if max_id is not None:
            found = [s for s in found if int(s["id"]) < int(max_id)]
        return self._reply(200, found[:limit])

    def _notifications(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        types = request.query.get("types[]")
        if types is None:
            return self.reject(400, {"error": "types[] expected"}, "notifications read without types[]=mention")
        limit = min(int(request.query.get("limit", ["40"])[0]), 80)
        max_id = request.query.get("max_id", [None])[0]
        found = [n for n in self.notifications if n["type"] in types]
        if max_id is not None:
            found = [n for n in found if int(n["id"]) < int(max_id)]
        return self._reply(200, found[:limit])
