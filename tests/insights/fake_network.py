"""A test-only channel and its server, to exercise ``pregon collect`` end to end.

This is not any real network's API (each real channel is tested by its own helper against its
documented API): it is the smallest HTTP API that offers the three reads ``collect`` uses, served
by a real socket server (:class:`tests.fakes.api_server.FakeAPI`) that checks the Bearer token
and the ``since`` parameter, so a wrong request fails the test.

* ``GET /account`` → ``{"followers": n, "posts": n}``
* ``GET /posts/<id>`` → ``{"views", "likes", "reposts", "replies"}``, 404 for an unknown id
* ``GET /mentions?since=<ISO 8601>`` → ``[{"id", "author", "text", "created_at", "in_reply_to"}]``
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from pregon.syndicate.channels.base import (
    AccountStats,
    Channel,
    Mention,
    PermanentError,
    PostStats,
    Published,
    RateLimited,
    TransientError,
)

from tests.fakes.api_server import FakeAPI, Reply, Request

TOKEN = "token-de-prueba"


class StatsAPI(FakeAPI):
    def __init__(self) -> None:
        super().__init__()
        self.followers = 1000
        self.posts: dict[str, dict[str, int]] = {}
        self.mention_list: list[dict[str, Any]] = []
        self.add_route("GET", r"/account", self._account, "account")
        self.add_route("GET", r"/posts/(?P<pid>[\w-]+)", self._post, "post")
        self.add_route("GET", r"/mentions", self._mentions, "mentions")

    def _auth(self, request: Request) -> Reply | None:
        if request.header("authorization") != f"Bearer {TOKEN}":
            return self.reject(401, {"error": "unauthorized"}, f"{request.path}: missing or wrong Bearer token")
        return None

    def _account(self, request: Request) -> Reply:
        return self._auth(request) or Reply(200, {"followers": self.followers, "posts": len(self.posts)})

    def _post(self, request: Request) -> Reply:
        if denied := self._auth(request):
            return denied
        counts = self.posts.get(request.params["pid"])
        return Reply(200, counts) if counts else Reply(404, {"error": "not found"})

    def _mentions(self, request: Request) -> Reply:
        if denied := self._auth(request):
            return denied
        since = request.query.get("since", [None])[0]
        if since is not None:
            try:
                moment = datetime.fromisoformat(since)
            except ValueError:
                return self.reject(400, {"error": "bad since"}, f"since is not ISO 8601: {since!r}")
            found = [m for m in self.mention_list if datetime.fromisoformat(m["created_at"]) > moment]
        else:
            found = list(self.mention_list)
        return Reply(200, found)


class StatsChannel(Channel):
    """Reads the test API; publishing is not part of what ``collect`` needs."""

    name = "prueba"
    text_limit = 500

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        self.client = httpx.Client(base_url=str(self.config["api_base"]), timeout=5,
                                   headers={"Authorization": f"Bearer {self.config['token']}"})  # fmt: skip

    def _get(self, path: str, **params: Any) -> Any:
        try:
            response = self.client.get(path, params=params)
        except httpx.TransportError:
            raise TransientError("no se pudo conectar") from None
        if response.status_code == 429:
            raise RateLimited("demasiadas solicitudes", retry_after=60, status=429)
        if response.status_code != 200:
            raise PermanentError(f"respuesta {response.status_code}", status=response.status_code)
        return response.json()

    def render(self, item, update=None, reply_to=None):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def publish(self, post):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def find_existing(self, post):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def account_stats(self) -> AccountStats:
        data = self._get("/account")
        return AccountStats(data["followers"], data["posts"])

    def post_stats(self, published: Published) -> PostStats:
        data = self._get(f"/posts/{published.remote_id}")
        return PostStats(data["views"], data["likes"], data["reposts"], data["replies"])

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        data = self._get("/mentions", **({"since": since.isoformat()} if since else {}))
        return [
            Mention(m["id"], m["author"], m["text"], datetime.fromisoformat(m["created_at"]), m.get("in_reply_to"))
            for m in data
        ]

    def close(self) -> None:
        self.client.close()
