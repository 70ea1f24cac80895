"""Downloading a post's image from the live portal: only the published file itself, never too much.

A real HTTP server on 127.0.0.1 plays the portal: one path answers with the image, one redirects
(to another host, as a hijacked or misconfigured portal would), one answers 404 and one streams
more bytes than the cap.
"""

from __future__ import annotations

import http.server
import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from pregon.plugins import media as build_media
from pregon.syndicate import media

from tests.conftest import serve_handler

IMAGE = io.BytesIO()
Image.new("RGB", (64, 32), (200, 40, 40)).save(IMAGE, "PNG")
PNG = IMAGE.getvalue()
BIG = 3 * 1024 * 1024


class _Portal(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/prensa/foto.png":
            self._answer(200, PNG, {"Content-Type": "image/png"})
        elif self.path == "/prensa/movida.png":
            self._answer(302, b"", {"Location": "http://otro.example/foto.png"})
        elif self.path == "/prensa/enorme.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()  # no Content-Length: the size is only known by reading
            chunk = b"\0" * 65536
            for _ in range(BIG // len(chunk) + 1):
                self.wfile.write(chunk)
        else:
            self._answer(404, b"no", {"Content-Type": "text/plain"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    with serve_handler(_Portal) as url:
        yield url.rstrip("/")


def test_the_published_image_is_downloaded_whole(portal: str) -> None:
    assert media.fetch(f"{portal}/prensa/foto.png") == PNG
    with httpx.Client() as client:
        assert media.fetch(f"{portal}/prensa/foto.png", client) == PNG


def test_a_redirect_is_not_followed_even_by_a_client_that_would(portal: str) -> None:
    for client in (None, httpx.Client(follow_redirects=True)):
        with pytest.raises(media.MediaError, match="respondió 302"):
            media.fetch(f"{portal}/prensa/movida.png", client)


def test_a_missing_image_is_an_error_in_spanish(portal: str) -> None:
    with pytest.raises(media.MediaError, match="respondió 404; la imagen no está publicada"):
        media.fetch(f"{portal}/prensa/no-existe.png")


def test_an_answer_over_the_cap_stops_the_download(portal: str) -> None:
    with pytest.raises(media.MediaError, match="pesa más de 2 MB"):
        media.fetch(f"{portal}/prensa/enorme.png", max_bytes=2 * 1024 * 1024)
    assert len(media.fetch(f"{portal}/prensa/enorme.png", max_bytes=4 * 1024 * 1024)) > BIG


def test_the_cap_is_the_largest_image_the_build_accepts() -> None:
    assert media.MAX_FETCH_BYTES == build_media.MAX_IMAGE_BYTES


def test_an_unreachable_portal_is_an_error_not_a_traceback() -> None:
    with pytest.raises(media.MediaError, match="no se pudo descargar"):
        media.fetch("http://127.0.0.1:9/foto.png", timeout=2)
