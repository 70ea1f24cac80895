"""A small real HTTP server for reproducing a network's documented API in tests.

No real server of these networks can run here (Facebook, X, LinkedIn…), so each network's tests
run a subclass of :class:`FakeAPI` on a free loopback port. It is a real socket server: the
channel's real HTTP client talks to it. Subclasses register routes that **validate what the client
sends** (auth header shape, required fields, multipart layout) and answer with the documented
response shapes. Each route handler returns a :class:`Reply`; a request that breaks the documented
contract should be answered with :meth:`FakeAPI.reject`, which records the violation so the test
fails even if the client swallowed the error.

Faults are queued per route with :meth:`FakeAPI.fail_next` (e.g. a 429 with the network's
rate-limit headers, or a 503), and :meth:`FakeAPI.after_next` runs a hook after a route's action
took effect but before the response is sent (used to kill the client between send and confirm).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    """Named groups captured from the route pattern."""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        """application/x-www-form-urlencoded body (plus query string values)."""
        merged = {k: list(v) for k, v in self.query.items()}
        for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items():
            merged.setdefault(key, []).extend(values)
        return merged

    def multipart(self) -> dict[str, tuple[dict[str, str], bytes]]:
        """multipart/form-data parts by name: (part headers, payload)."""
        ctype = self.header("content-type") or ""
        if not ctype.startswith("multipart/form-data"):
            raise ValueError(f"expected multipart/form-data, got {ctype!r}")
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + self.body)
        parts: dict[str, tuple[dict[str, str], bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            parts[str(name)] = (
                {k.lower(): str(v) for k, v in part.items()},
                part.get_payload(decode=True) or b"",
            )
        return parts


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", "application/json"
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        return json.dumps(self.body).encode(), "application/json"


Handler = Callable[[Request], Reply]


class FakeAPI:
    """Base of every fake network API. Start with :meth:`start` (or use as a context manager)."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._faults: dict[str, deque[Reply]] = {}
        self._after: dict[str, deque[Callable[[Request], None]]] = {}
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None

    # --- routing ---------------------------------------------------------------------------
    def route(self, method: str, pattern: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a handler; ``pattern`` is a regex matched against the whole path."""

        def register(handler: Handler) -> Handler:
            self._routes.append((method.upper(), re.compile(pattern + r"\Z"), name or handler.__name__, handler))
            return handler

        return register

    def add_route(self, method: str, pattern: str, handler: Handler, name: str | None = None) -> None:
        self.route(method, pattern, name)(handler)

    # --- faults and hooks ------------------------------------------------------------------
    def fail_next(self, route_name: str, reply: Reply, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``route_name`` with ``reply`` instead of handling them."""
        with self.lock:
            self._faults.setdefault(route_name, deque()).extend([reply] * times)

    def after_next(self, route_name: str, hook: Callable[[Request], None]) -> None:
        """Run ``hook`` once, after the next call of ``route_name`` took effect, before replying."""
        with self.lock:
            self._after.setdefault(route_name, deque()).append(hook)

    def reject(self, status: int, body: Any, violation: str) -> Reply:
        """Answer an undocumented request and remember it: :meth:`assert_no_violations` fails."""
        with self.lock:
            self.violations.append(violation)
        return Reply(status, body)

    def assert_no_violations(self) -> None:
        assert not self.violations, "requests broke the documented API:\n" + "\n".join(self.violations)

    def calls(self, route_name: str) -> list[Request]:
        return [r for r in self.requests if r.params.get("__route") == route_name]

    # --- server ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeAPI:
        api = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without TCP_NODELAY every keep-alive
            # request waits ~40 ms for the client's delayed ACK (Nagle), which slows every suite.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = api._dispatch(request)
                payload, ctype = reply.encode()
                self.send_response(reply.status)
                headers = {"Content-Type": ctype, **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _dispatch(self, request: Request) -> Reply:
        for method, pattern, name, handler in self._routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                request.params = {**match.groupdict(), "__route": name}
                with self.lock:
                    self.requests.append(request)
                    faults = self._faults.get(name)
                    if faults:
                        return faults.popleft()
                reply = handler(request)
                with self.lock:
                    hooks = self._after.get(name)
                    hook = hooks.popleft() if hooks else None
                if hook is not None:
                    hook(request)
                return reply
        with self.lock:
            self.requests.append(request)
        return self.reject(404, {"error": "not found"}, f"no documented route for {request.method} {request.path}")
