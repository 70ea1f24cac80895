"""A tiny test-only network ("testnet") for channel-agnostic tests of the syndication core.

:class:`FakeNet` is a real HTTP server (FakeAPI base) with two endpoints, shaped like the common
denominator of the real APIs: ``POST /v1/posts`` (Bearer token, JSON ``{key, text, link,
reply_to}``; 201 with ``{id, url}``; 409 with the existing post when the key was already used,
like Mastodon's Idempotency-Key) and ``GET /v1/posts?key=`` (lookup for reconciliation).
:class:`TestNetChannel` is its client, mapping HTTP answers to the core's errors exactly as real
channel modules do (429 → RateLimited with Retry-After, 5xx → TransientError, 409 →
DuplicateRejected, other 4xx → PermanentError). It is registered only in test processes
(``harness.SyndicateProcess(channels=…)``), never in ``syndicate/``.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import httpx
from pregon.syndicate import counting, text
from pregon.syndicate.channels.base import (
    Channel,
    DuplicateRejected,
    PermanentError,
    Post,
    Published,
    RateLimited,
    TransientError,
    post_key,
)
from pregon.syndicate.manifest import Item, Update

from tests.fakes.api_server import FakeAPI, Reply, Request

TESTNET_CHANNEL = "tests.syndicate.testnet:TestNetChannel"


class FakeNet(FakeAPI):
    def __init__(self, token: str = "tn-secret-token") -> None:
        super().__init__()
        self.token = token
        self.posts: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._post_lock = threading.Lock()
        self.add_route("POST", r"/v1/posts", self._create, "create")
        self.add_route("GET", r"/v1/posts", self._find, "find")

    def _auth(self, request: Request) -> Reply | None:
        if request.header("authorization") != f"Bearer {self.token}":
            return self.reject(401, {"error": "unauthorized"}, f"bad Authorization on {request.path}")
        return None

    def _create(self, request: Request) -> Reply:
        if (denied := self._auth(request)) is not None:
            return denied
        body = request.json()
        if not isinstance(body, dict) or not body.get("key") or not body.get("text"):
            return self.reject(422, {"error": "key and text required"}, f"bad body {body!r}")
        with self._post_lock:
            if body["key"] in self.posts:
                existing = self.posts[body["key"]]
                return Reply(
                    409,
                    {
                        "error": "duplicate",
                        "existing": {"id": existing["id"], "url": existing["url"]},
                    },
                )
            number = next(self._ids)
            post = {**body, "id": f"tn-{number}", "url": f"{self.url}/p/{number}"}
            self.posts[body["key"]] = post
        return Reply(201, {"id": post["id"], "url": post["url"]})

    def _find(self, request: Request) -> Reply:
        if (denied := self._auth(request)) is not None:
            return denied
        key = request.query.get("key", [""])[0]
        found = [{"id": p["id"], "url": p["url"]} for k, p in self.posts.items() if k == key]
        return Reply(200, {"posts": found})


class TestNetChannel(Channel):
    name = "testnet"
    text_limit = 300

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        token = self.config.get("token") or ""
        self.client = httpx.Client(
            base_url=str(self.config["api_base"]),
            timeout=5.0,
            headers={"Authorization": f"Bearer {token}"},
        )

    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        body = text.compose_update(update) if update else text.compose(item, self.name, self.config.get("template"))
        length = counting.graphemes(body)
        limit = int(self.config.get("limit", self.text_limit))
        problems = (f"testnet: el texto tiene {length} grafemas y el límite es {limit}",) if length > limit else ()
        # Like YouTube without a video: an item with nothing this network can carry is a skip.
        skip = "sin imagen" if self.config.get("images_only") and not item.images else None
        return Post(
            self.account,
            item.id,
            post_key(item.id, self.account, update.id if update else None),
            body,
            length,
            limit,
            link=item.url,
            update_id=update.id if update else None,
            reply_to=reply_to,
            problems=problems,
            skip=skip,
        )

    def _call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise TransientError(f"testnet no responde ({exc.__class__.__name__})") from None
        retry = response.headers.get("retry-after")
        if response.status_code == 429:
            raise RateLimited(
                "testnet: demasiadas solicitudes",
                retry_after=float(retry or 1),
                status=429,
            )
        if response.status_code >= 500:
            raise TransientError(
                f"testnet respondió {response.status_code}",
                retry_after=float(retry) if retry else None,
                status=response.status_code,
            )
        return response

    def publish(self, post: Post) -> Published:
        response = self._call(
            "POST",
            "/v1/posts",
            json={
                "key": post.key,
                "text": post.text,
                "link": post.link,
                "reply_to": post.reply_to.remote_id if post.reply_to else None,
            },
        )
        if response.status_code == 409:
            existing = response.json()["existing"]
            raise DuplicateRejected(
                "testnet: publicación duplicada",
                existing=Published(existing["id"], existing["url"]),
            )
        if response.status_code != 201:
            raise PermanentError(
                f"testnet rechazó la publicación ({response.status_code})",
                status=response.status_code,
            )
        data = response.json()
        return Published(data["id"], data["url"])

    def find_existing(self, post: Post) -> Published | None:
        response = self._call("GET", "/v1/posts", params={"key": post.key})
        if response.status_code != 200:
            raise TransientError(f"testnet respondió {response.status_code} al buscar")
        found = response.json()["posts"]
        return Published(found[0]["id"], found[0]["url"]) if found else None

    def close(self) -> None:
        self.client.close()
