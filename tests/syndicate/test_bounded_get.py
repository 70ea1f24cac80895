"""Reading the live portal with a size cap: a release page beyond it is never read whole.

A real HTTP server on 127.0.0.1 plays the portal: one handler streams a body with no
``Content-Length`` (so only counting the bytes read can stop it) or answers in Latin-1; the
gate and press e-mail tests serve a hand-made live site whose release page was padded past a
lowered cap.
"""

from __future__ import annotations

import contextlib
import http.server

import httpx
import pytest
from pregon.syndicate import live
from pregon.syndicate.bounded_get import TooLarge, get_bounded
from pregon.syndicate.channels import press_body
from pregon.syndicate.channels.base import TransientError
from pregon.syndicate.live import LiveCheck
from pregon.syndicate.manifest import parse_manifest

from tests.conftest import serve_handler
from tests.syndicate.sitekit import HandSite, Spec

MB = 1024 * 1024


class _Portal(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        # The client stops reading at its cap, as it should; the server's write then fails.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer()

    def _answer(self) -> None:
        if self.path == "/sin-largo":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the size is only known by reading
            for _ in range(3 * 16):
                self.wfile.write(b"x" * (MB // 16))
        elif self.path == "/latin":
            body = "<p>Bogotá, año nuevo</p>".encode("latin-1")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=ISO-8859-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/no-existe":
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"x" * (3 * MB))  # an error page bigger than any cap below
        else:
            self.send_response(302)
            self.send_header("Location", "http://otro.example/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_cap_counts_bytes_read_and_a_redirect_is_an_answer_of_its_own() -> None:
    with serve_handler(_Portal) as url:
        with pytest.raises(TooLarge) as caught:
            get_bounded(url + "sin-largo", 2 * MB)
        assert caught.value.limit_mb == 2
        assert len(get_bounded(url + "sin-largo", 4 * MB).content) == 3 * MB
        with httpx.Client(timeout=5.0) as client:
            moved = get_bounded(url + "movida", MB, client)
        assert moved.status_code == 302 and moved.content == b""
        missing = get_bounded(url + "no-existe", MB)
        assert missing.status_code == 404 and missing.content == b""  # an error page is not read


def test_the_charset_of_the_answer_decodes_the_text() -> None:
    with serve_handler(_Portal) as url:
        answer = get_bounded(url + "latin", MB)
    assert answer.text == "<p>Bogotá, año nuevo</p>"


def _padded_release(hand_site: HandSite) -> None:
    """The hand-made site with its release page grown past 1 MB (an HTML comment, still valid)."""
    hand_site.write([Spec("uno")])
    index = hand_site.root / "prensa" / "uno" / "index.html"
    html = index.read_text(encoding="utf-8")
    index.write_text(html.replace("</body>", "<!--" + "relleno " * 200_000 + "--></body>"), encoding="utf-8")


def test_the_live_gate_refuses_a_page_past_the_cap(hand_site: HandSite, monkeypatch: pytest.MonkeyPatch) -> None:
    _padded_release(hand_site)
    with hand_site.serve() as site, httpx.Client() as client:
        manifest = parse_manifest(client.get(site + "pregon/manifest.json").content)
        item = manifest.items[0]
        assert LiveCheck(site, manifest, client).check(item).ok  # under the real cap the page is live
        monkeypatch.setattr(live, "MAX_PAGE_BYTES", MB)
        verdict = LiveCheck(site, manifest, client).check(item)
    assert not verdict.ok
    assert verdict.reason == f"la página {item.url} pesa más de 1 MB: no es una página de comunicado"


def test_the_press_email_does_not_read_a_page_past_the_cap(
    hand_site: HandSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    _padded_release(hand_site)
    with hand_site.serve() as site, httpx.Client() as client:
        item = parse_manifest(client.get(site + "pregon/manifest.json").content).items[0]
        assert press_body.fetch_body(item.url, item.digest).text  # under the real cap it is mailed
        monkeypatch.setattr(press_body, "MAX_PAGE_BYTES", MB)
        with pytest.raises(TransientError, match="pesa más de 1 MB"):
            press_body.fetch_body(item.url, item.digest)
