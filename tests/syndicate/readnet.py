"""The test network with a read endpoint, for the read-back tests (proof that each post is out).

:class:`ReadNet` adds ``GET /v1/posts/{id}`` to :class:`testnet.FakeNet`, answered like the real
APIs answer it: 200 with the post (``id``, ``url``, ``text``, ``link``), 404 once it was deleted,
5xx when the network is down. :class:`ReadNetChannel` is the testnet client with
:meth:`read_back`. A separate network, so the other core tests' testnet keeps its exact calls.
"""

from __future__ import annotations

from typing import Any

from pregon.syndicate.channels.base import Post, Published, ReadBack, same_words

from tests.fakes.api_server import Reply, Request
from tests.syndicate.testnet import FakeNet, TestNetChannel

READNET_CHANNEL = "tests.syndicate.readnet:ReadNetChannel"


class ReadNet(FakeNet):
    def __init__(self, token: str = "tn-secret-token") -> None:
        super().__init__(token)
        self.add_route("GET", r"/v1/posts/(?P<pid>tn-\d+)", self._get, "get")

    def delete(self, post_id: str) -> None:
        """Remove a post as an editor would by hand on the network."""
        with self.lock:
            self.posts = {k: p for k, p in self.posts.items() if p["id"] != post_id}

    def _get(self, request: Request) -> Reply:
        if (denied := self._auth(request)) is not None:
            return denied
        found = next((p for p in self.posts.values() if p["id"] == request.params["pid"]), None)
        if found is None:
            return Reply(404, {"error": "not found"})
        return Reply(200, {k: found[k] for k in ("id", "url", "text", "link")})


class ReadNetChannel(TestNetChannel):
    name = "readnet"

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        response = self._call("GET", f"/v1/posts/{published.remote_id}")
        if response.status_code == 404:
            return ReadBack.failed(f"readnet: la publicación {published.remote_id} ya no existe (404)")
        data: dict[str, Any] = response.json()
        if post is not None and not same_words(post.text, data.get("text")):
            return ReadBack.failed(f"readnet: el texto de {published.remote_id} no es el que se publicó")
        return ReadBack.verified(data.get("url"))
