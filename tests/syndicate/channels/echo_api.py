"""A hostile API for the leak tests: every answer is an error that echoes the whole request.

Some real APIs put parts of the request in their error text (Graph's "Malformed access token …",
a proxy's 400 page quoting the URL, a PDS repeating the login it refused). This server answers
every request, on any path and method, with ``status`` and a body that carries the request line,
every header and the body in each field a channel reads its error detail from: Telegram's
``description``, Mastodon's and Bluesky's ``error``/``message``, X's ``detail``, LinkedIn's
``message``, Graph's and Google's ``error.message``, OAuth's ``error_description``. Not any
network's documented behaviour: the worst a network could do.
"""

from __future__ import annotations

from tests.fakes.api_server import FakeAPI, Reply, Request

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


class EchoAPI(FakeAPI):
    def __init__(self, status: int = 400) -> None:
        super().__init__()
        self.status = status
        for method in METHODS:
            self.add_route(method, r"/.*", self._echo, "echo")

    def _echo(self, request: Request) -> Reply:
        query = "&".join(f"{k}={v}" for k, values in request.query.items() for v in values)
        echo = (
            f"{request.method} {request.path}?{query} "
            + " ".join(f"{k}: {v}" for k, v in request.headers.items())
            + " "
            + request.body.decode("utf-8", "replace")
        )
        body = {
            "ok": False,
            "error_code": self.status,
            "description": echo,
            "error": {"message": echo, "code": 100, "errors": [{"reason": "badRequest", "message": echo}]},
            "error_description": echo,
            "message": echo,
            "detail": echo,
            "title": echo,
        }
        return Reply(self.status, body)
