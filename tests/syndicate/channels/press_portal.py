"""A live portal for the e-mail tests: the media of ``sample_release`` and each release's page.

The press e-mail takes the full text from the release's live page (``<div
class="pregon-release__body">`` under ``<meta name="pregon:digest">``), so every release a test
mails is first published here, on a real HTTP server, as the portal's template would serve it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pregon.syndicate.manifest import Item

from tests.syndicate.channels.sample_release import release

BODY = (
    "<p>La Secretaría de Salud vacunará casa a casa en <strong>12 veredas</strong> el sábado, de 8:00 a 16:00.</p>"
    '<h2 id="puntos">Puntos de vacunación</h2>'
    "<ul><li>Vereda El Carmen: escuela rural.</li><li>Vereda La Palma: salón comunal.</li></ul>"
    '<p>Consulte el <a href="../../../../documentos/horarios.pdf">horario completo</a> y lleve su carné.</p>'
    '<p><img src="../../../../galeria-2.jpg" alt="Brigada de salud en la vereda"></p>'
    '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>'
)


class PressPortal:
    def __init__(self, root: Path, url: str):
        self.root = root
        self.url = url

    def page(self, item: Item, body: str = BODY, *, digest: str | None = None) -> None:
        """Serve ``item``'s page with ``body`` and ``digest`` (default: the item's own)."""
        folder = self.root / urlsplit(item.url).path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            '<!doctype html><html lang="es"><head><meta charset="utf-8">'
            f'<meta name="pregon:digest" content="{digest or item.digest}"><meta name="pregon:id" content="{item.id}">'
            f"<title>{item.title}</title></head><body><article><h1>{item.title}</h1>"
            f'<div class="pregon-release__body">\n{body}\n</div>'
            '<footer><div class="pregon-release__body-ignored">pie</div></footer></article></body></html>',
            encoding="utf-8",
        )

    def release(self, *, body: str = BODY, **fields: Any) -> Item:
        """A release (``sample_release.release``) whose page is live here."""
        item = release(self.url, **fields)
        self.page(item, body)
        return item
