"""One GET to the live portal, read with a size cap and never following a redirect.

Everything ``syndicate/`` reads from the portal after the deploy (a release page for the live
gate or the press e-mail, an image for a post) is the published file itself: a redirect is an
answer of its own, not the file, and a body beyond the cap is not what the build published, so
it is never read whole into memory (the server may not send a ``Content-Length``; the count is
of the bytes read).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

_CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The answer is longer than the cap; ``limit`` is the cap in bytes."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit

    @property
    def limit_mb(self) -> int:
        return max(1, self.limit // (1024 * 1024))


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes
    encoding: str
    """From the ``Content-Type`` charset, UTF-8 when it names none."""

    @property
    def text(self) -> str:
        try:
            return self.content.decode(self.encoding, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", errors="replace")


def get_bounded(url: str, max_bytes: int, client: httpx.Client | None = None, timeout: float | None = None) -> Answer:
    """GET ``url`` without following redirects; :class:`TooLarge` past ``max_bytes``.

    With a ``client``, its timeout holds unless ``timeout`` is given; without one, 30 s. Transport
    failures raise :class:`httpx.HTTPError` as ``httpx`` does; an answer that is not a 200 is
    returned without reading its body (no caller uses an error page), for the caller to describe.
    """
    if client is not None:
        chosen = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        stream = client.stream("GET", url, timeout=chosen, follow_redirects=False)
    else:
        stream = httpx.stream("GET", url, timeout=30.0 if timeout is None else timeout, follow_redirects=False)
    with stream as response:
        if response.status_code != 200:
            return Answer(response.status_code, b"", response.encoding or "utf-8")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(max_bytes)
            chunks.append(chunk)
        return Answer(response.status_code, b"".join(chunks), response.encoding or "utf-8")
