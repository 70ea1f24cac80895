"""A forwarding proxy in front of the real PDS that can answer chosen calls with a fault.

It is a :class:`tests.fakes.api_server.FakeAPI` whose routes forward every XRPC call to the PDS
unchanged, so ``fail_next("createRecord", Reply(429, …))`` answers one call with the documented
error shape (``{"error", "message"}`` plus ``RateLimit-*`` headers, atproto.com/specs/xrpc) while
every other call reaches the real server, and ``calls("createSession")`` counts logins.
"""

from __future__ import annotations

import httpx

from tests.fakes.api_server import FakeAPI, Reply, Request

_PASSED_HEADERS = ("authorization", "content-type", "accept", "atproto-proxy")
NAMED = ("createSession", "refreshSession", "createRecord", "getRecord", "uploadBlob")


class PDSProxy(FakeAPI):
    def __init__(self, upstream: str):
        super().__init__()
        self.upstream = upstream.rstrip("/")
        # One connection per call: the PDS (Node) drops idle keep-alive connections after 5 s, and
        # reusing one it just closed would surface as a fault the test did not inject.
        self._client = httpx.Client(timeout=60.0, limits=httpx.Limits(max_keepalive_connections=0))
        for name in NAMED:
            for method in ("GET", "POST"):
                self.add_route(method, rf"/xrpc/com\.atproto\.[a-z]+\.{name}", self._forward, name=name)
        for method in ("GET", "POST"):
            self.add_route(method, r"/xrpc/[\w.]+", self._forward, name="other")

    def _forward(self, request: Request) -> Reply:
        query = [(k, v) for k, values in request.query.items() for v in values]
        headers = {k: v for k, v in request.headers.items() if k in _PASSED_HEADERS}
        answer = self._client.request(
            request.method, self.upstream + request.path, params=query, content=request.body or None, headers=headers
        )
        passed = {k: v for k, v in answer.headers.items() if k.lower().startswith("ratelimit")}
        passed["Content-Type"] = answer.headers.get("content-type", "application/json")
        return Reply(answer.status_code, answer.content, passed)

    def stop(self) -> None:
        super().stop()
        self._client.close()
