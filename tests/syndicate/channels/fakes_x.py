"""A local X API v2 server reproducing the documented requests, answers and errors.

Follows docs.x.com (source: xdevplatform/docs): ``x-api/posts/create-post`` (POST /2/tweets → 201),
``x-api/media/upload-media`` (multipart ``media`` + ``media_category``), ``create-media-metadata``
(alt text ≤ 1000), ``x-api/fundamentals/rate-limits`` (``x-rate-limit-*`` headers),
``x-api/fundamentals/response-codes-and-errors`` (problem JSON, ``usage-capped``), and
``resources/fundamentals/authentication`` (OAuth 1.0a HMAC-SHA1 signatures).

The OAuth 1.0a signature is recomputed here with the standard library (RFC 5849 §3.4), not with the
library the client uses, so a wrong signature from the client fails the test. Post length is checked
with twitter-text-parser, X's own counting rules, independent of ``syndicate/counting.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import itertools
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, unquote

from PIL import Image
from twitter_text import parse_tweet

from tests.fakes.api_server import FakeAPI, Reply, Request

URL = re.compile(r"https?://\S+")
FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}


def _enc(value: str) -> str:
    return quote(value, safe="~-._")


class FakeX(FakeAPI):
    """X API v2 for one account (user ``ME``) with the given OAuth 1.0a credentials."""

    ME: ClassVar[dict[str, str]] = {
        "id": "1500000000000000001",
        "username": "alcaldia_demo",
        "name": "Alcaldía Demo",
    }

    def __init__(self, consumer_key: str, consumer_secret: str, token: str, token_secret: str):
        super().__init__()
        self.credentials = (consumer_key, consumer_secret, token, token_secret)
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.nonces: set[str] = set()
        self.followers = 1234
        # Mentions served by GET /2/users/:id/mentions, newest first; None: one fixed citizen mention.
        self.mention_list: list[dict[str, Any]] | None = None
        self.users: dict[str, str] = {"42": "vecina"}
        self._ids = itertools.count(1_800_000_000_000_000_000)
        self.add_route("POST", r"/2/media/upload", self._upload, "media_upload")
        self.add_route("POST", r"/2/media/metadata", self._metadata, "media_metadata")
        self.add_route("POST", r"/2/tweets", self._create, "create_tweet")
        self.add_route("DELETE", r"/2/tweets/(?P<tid>\d+)", self._delete, "delete_tweet")
        self.add_route("GET", r"/2/tweets", self._lookup, "lookup_tweets")
        self.add_route("GET", r"/2/users/me", self._me, "users_me")
        self.add_route("GET", r"/2/users/(?P<uid>\d+)/tweets", self._timeline, "user_tweets")
        self.add_route("GET", r"/2/users/(?P<uid>\d+)/mentions", self._mentions, "user_mentions")

    # --- documented error answers, for fail_next --------------------------------------------
    @staticmethod
    def rate_limited(reset_in: int = 2) -> Reply:
        reset = int(time.time()) + reset_in
        return Reply(
            429,
            {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "https://api.x.com/2/problems/rate-limit-exceeded",
                "status": 429,
            },
            {
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            },
        )

    @staticmethod
    def usage_capped() -> Reply:
        return Reply(
            429,
            {
                "title": "Usage capped",
                "detail": "Usage cap exceeded: Monthly product cap",
                "type": "https://api.x.com/2/problems/usage-capped",
                "status": 429,
            },
        )

    @staticmethod
    def forbidden(
        detail: str = "You are not permitted to perform this action.",
    ) -> Reply:
        return Reply(
            403,
            {
                "title": "Forbidden",
                "detail": detail,
                "type": "about:blank",
                "status": 403,
            },
        )

    # --- OAuth 1.0a ---------------------------------------------------------------------------
    def _authorized(self, req: Request) -> Reply | None:
        header = req.header("authorization") or ""
        if not header.startswith("OAuth "):
            return self.reject(
                401,
                self._unauthorized(),
                "X call without an OAuth 1.0a Authorization header",
            )
        oauth = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
        consumer_key, consumer_secret, token, token_secret = self.credentials
        expected = {
            "oauth_consumer_key": consumer_key,
            "oauth_token": token,
            "oauth_signature_method": "HMAC-SHA1",
            "oauth_version": "1.0",
        }
        for name, value in expected.items():
            if oauth.get(name) != value:
                return self.reject(
                    401,
                    self._unauthorized(),
                    f"OAuth parameter {name}={oauth.get(name)!r}",
                )
        if abs(int(oauth.get("oauth_timestamp", "0")) - time.time()) > 300:
            return self.reject(401, self._unauthorized(), "OAuth timestamp too far from now")
        nonce = oauth.get("oauth_nonce", "")
        with self.lock:
            if not nonce or nonce in self.nonces:
                return self.reject(
                    401,
                    self._unauthorized(),
                    f"OAuth nonce missing or replayed: {nonce!r}",
                )
            self.nonces.add(nonce)
        params = [(k, v) for k, vs in req.query.items() for v in vs]
        params += [(k, v) for k, v in oauth.items() if k != "oauth_signature"]
        if (req.header("content-type") or "").startswith("application/x-www-form-urlencoded"):
            params += parse_qsl(req.body.decode(), keep_blank_values=True)
        normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params))
        base_url = f"http://{req.header('host')}{req.path}"
        base = "&".join((req.method, _enc(base_url), _enc(normalized)))
        key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
        signature = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
        if not hmac.compare_digest(signature, oauth.get("oauth_signature", "")):
            return self.reject(
                401,
                self._unauthorized(),
                f"OAuth signature mismatch for {req.method} {req.path}",
            )
        return None

    @staticmethod
    def _unauthorized() -> dict[str, Any]:
        return {
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        }

    # --- media ------------------------------------------------------------------------------
    def _upload(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        try:
            parts = req.multipart()
        except ValueError as exc:
            return self.reject(400, {"title": "Invalid Request", "detail": str(exc)}, str(exc))
        if "media" not in parts:
            return self.reject(
                400,
                {"title": "Invalid Request", "detail": "media is required"},
                "upload without media part",
            )
        category = parts.get("media_category", ({}, b""))[1].decode()
        if category != "tweet_image":
            return self.reject(400, {"detail": "bad media_category"}, f"media_category={category!r}")
        data = parts["media"][1]
        if len(data) > 5 * 1024 * 1024:
            return self.reject(
                400,
                {"detail": "File size exceeds 5242880 bytes"},
                f"image of {len(data)} bytes",
            )
        try:
            with Image.open(io.BytesIO(data)) as img:
                mime, width, height = (
                    FORMATS.get(img.format or ""),
                    img.width,
                    img.height,
                )
        except OSError:
            mime = None
        if mime is None:
            return self.reject(
                400,
                {"detail": "Unsupported media type"},
                "upload is not JPG/PNG/GIF/WEBP",
            )
        media_id = str(next(self._ids))
        with self.lock:
            self.media[media_id] = {"mime": mime, "size": len(data), "alt": None}
        return Reply(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": mime, "w": width, "h": height},
                }
            },
        )

    def _metadata(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        body = req.json()
        media_id = body.get("id")
        alt = body.get("metadata", {}).get("alt_text", {}).get("text")
        if media_id not in self.media or not isinstance(alt, str):
            return self.reject(
                400,
                {"detail": "invalid metadata request"},
                f"metadata for {media_id!r}: {body}",
            )
        if len(alt) > 1000:
            return self.reject(
                400,
                {"detail": "alt text too long"},
                f"alt text of {len(alt)} characters",
            )
        self.media[media_id]["alt"] = alt
        return Reply(200, {"data": {"id": media_id, "associated_metadata": body["metadata"]}})

    # --- posts ------------------------------------------------------------------------------
    def _create(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        body = req.json()
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return self.reject(400, {"detail": "text is required"}, f"create without text: {body}")
        if not parse_tweet(text).valid:
            return self.reject(
                400,
                {"detail": "Tweet text is too long"},
                "post over 280 weighted characters",
            )
        media_ids = body.get("media", {}).get("media_ids", [])
        if len(media_ids) > 4 or any(m not in self.media for m in media_ids):
            return self.reject(400, {"detail": "invalid media_ids"}, f"media_ids {media_ids}")
        parent = body.get("reply", {}).get("in_reply_to_tweet_id")
        if parent is not None and parent not in self.tweets:
            return self.reject(400, {"detail": "reply to unknown post"}, f"reply to unknown {parent}")
        with self.lock:
            if any(t["raw_text"] == text for t in self.tweets.values()):
                return self.forbidden("You are not allowed to create a Tweet with duplicate content.")
            tweet_id = self.add_tweet(text, media_ids, parent)
        return Reply(
            201,
            {
                "data": {
                    "id": tweet_id,
                    "text": self._public(tweet_id)["text"],
                    "edit_history_tweet_ids": [tweet_id],
                }
            },
        )

    def add_tweet(self, text: str, media_ids: list[str] | None = None, parent: str | None = None) -> str:
        """Store a post as if the account had made it (also used to seed older posts)."""
        with self.lock:
            tweet_id = str(next(self._ids))
            self.tweets[tweet_id] = {
                "id": tweet_id,
                "raw_text": text,
                "media_ids": media_ids or [],
                "in_reply_to": parent,
                "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "public_metrics": {
                    "retweet_count": 2,
                    "reply_count": 1,
                    "like_count": 7,
                    "quote_count": 1,
                    "bookmark_count": 0,
                    "impression_count": 321,
                },
            }
        return tweet_id

    def _public(self, tweet_id: str) -> dict[str, Any]:
        """A post as the API shows it: URLs replaced by t.co links, originals in entities."""
        tweet = self.tweets[tweet_id]
        urls, text = [], tweet["raw_text"]
        for n, match in enumerate(URL.finditer(tweet["raw_text"])):
            short = f"https://t.co/{tweet_id[-6:]}{n}"
            urls.append(
                {
                    "start": match.start(),
                    "end": match.end(),
                    "url": short,
                    "expanded_url": match.group(),
                    "display_url": match.group()[8:30],
                }
            )
            text = text.replace(match.group(), short, 1)
        return {
            "id": tweet_id,
            "text": text,
            "created_at": tweet["created_at"],
            "entities": {"urls": urls},
            "public_metrics": tweet["public_metrics"],
        }

    def _delete(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        with self.lock:
            existed = self.tweets.pop(req.params["tid"], None) is not None
        if not existed:
            return Reply(
                404,
                {
                    "title": "Not Found Error",
                    "type": "https://api.x.com/2/problems/resource-not-found",
                },
            )
        return Reply(200, {"data": {"deleted": True}})

    def _lookup(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        ids = req.query.get("ids", [""])[0].split(",")
        if not ids[0] or len(ids) > 100:
            return self.reject(400, {"detail": "ids: 1 to 100"}, f"lookup with ids={ids}")
        fields = req.query.get("tweet.fields", [""])[0].split(",")
        found = []
        for tid in ids:
            if tid in self.tweets:
                public = self._public(tid)
                found.append(
                    {
                        "id": tid,
                        "text": public["text"],
                        **({"public_metrics": public["public_metrics"]} if "public_metrics" in fields else {}),
                    }
                )
        return Reply(
            200,
            {"data": found} if found else {"errors": [{"resource_id": ids[0], "title": "Not Found Error"}]},
        )

    def _me(self, req: Request) -> Reply:
        if (denied := self._authorized(req)) is not None:
            return denied
        user = dict(self.ME)
        if "public_metrics" in req.query.get("user.fields", [""])[0]:
            user["public_metrics"] = {
                "followers_count": self.followers,
                "following_count": 10,
                "tweet_count": len(self.tweets),
                "listed_count": 0,
            }
        return Reply(200, {"data": user})

    def _timeline(self, req: Request) -> Reply:
        """Own posts, newest first, paginated with ``max_results`` (5–100) and ``pagination_token``."""
        if (denied := self._authorized(req)) is not None:
            return denied
        if req.params["uid"] != self.ME["id"]:
            return self.reject(403, {"detail": "not your timeline"}, f"timeline of {req.params['uid']}")
        size = int(req.query.get("max_results", ["10"])[0])
        if not 5 <= size <= 100:
            return self.reject(400, {"detail": "max_results must be 5..100"}, f"max_results={size}")
        start = int(req.query.get("pagination_token", ["0"])[0])
        ordered = sorted(self.tweets, key=int, reverse=True)
        page = ordered[start : start + size]
        with_entities = "entities" in req.query.get("tweet.fields", [""])[0]
        data = []
        for tid in page:
            public = self._public(tid)
            data.append({k: v for k, v in public.items() if k != "entities" or with_entities})
        meta: dict[str, Any] = {"result_count": len(page)}
        if start + size < len(ordered):
            meta["next_token"] = str(start + size)
        return Reply(200, {"data": data, "meta": meta} if data else {"meta": meta})

    def _mentions(self, req: Request) -> Reply:
        """Mentions timeline: ``max_results`` 5–100, ``start_time``, ``pagination_token`` and
        ``meta.next_token`` as documented for ``GET /2/users/:id/mentions``."""
        if (denied := self._authorized(req)) is not None:
            return denied
        if self.mention_list is not None:
            return self._mention_page(req)
        mention = {
            "id": "1900000000000000001",
            "text": "@alcaldia_demo ¿a qué hora abre el puesto?",
            "author_id": "42",
            "created_at": "2026-11-20T16:00:00.000Z",
            "referenced_tweets": [{"type": "replied_to", "id": next(iter(self.tweets), "1")}],
        }
        return Reply(
            200,
            {
                "data": [mention],
                "includes": {"users": [{"id": "42", "username": "vecina"}]},
                "meta": {"result_count": 1},
            },
        )

    def _mention_page(self, req: Request) -> Reply:
        size = int(req.query.get("max_results", ["10"])[0])
        if not 5 <= size <= 100:
            return self.reject(400, {"detail": "max_results must be 5..100"}, f"max_results={size}")
        start_time = req.query.get("start_time", [""])[0]
        listed = [
            m for m in self.mention_list or [] if not start_time or m["created_at"][:19] >= start_time.rstrip("Z")[:19]
        ]
        start = int(req.query.get("pagination_token", ["0"])[0])
        page = listed[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"], meta["oldest_id"] = page[0]["id"], page[-1]["id"]
        if start + size < len(listed):
            meta["next_token"] = str(start + size)
        authors = sorted({m["author_id"] for m in page})
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            body["includes"] = {"users": [{"id": a, "username": self.users.get(a, f"u{a}")} for a in authors]}
        return Reply(200, body)
