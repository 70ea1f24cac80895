"""The full text of a release for the press e-mail, read from its live page on the portal.

Why the live page and not the manifest: the e-mail must carry exactly what the portal serves
under the approved digest (web-first), and the page is the one place that holds it — the body as
the build rendered and sanitised it (``plugins/sanitize.py``), inside ``<div
class="pregon-release__body">`` of the release template. Copying every body into the manifest
would make it grow with the archive (tens of megabytes at 20,000 releases, read on every run)
and the manifest is written before the pages are rendered. So the channel fetches the one page
it mails, checks that its ``pregon:digest`` is the approved one (a deploy between the live check
and the mailing is caught here) and takes the body from it.

The body is cleaned once more with an e-mail allow-list (nh3): no iframes, videos or forms,
whose players mail clients do not run; every address made absolute against the page's URL, so
links and images point to the portal. The plain-text part is made from the same HTML by
``html2text`` (links as numbered references, images listed apart by the message).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import html2text
import httpx
import nh3

from ..bounded_get import TooLarge, get_bounded
from ..page_facts import BODY_CLASS, MAX_PAGE_BYTES, read_page, too_large
from .base import PermanentError, TransientError

_TAGS = {
    *("p", "br", "hr", "div", "span", "blockquote", "pre", "code"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "figure", "figcaption"),
    *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


@dataclass(frozen=True)
class ReleaseBody:
    html: str
    """The body as e-mail HTML: cleaned, absolute addresses."""
    text: str
    """The same body as plain text."""


def email_html(body_html: str, page_url: str) -> str:
    """``body_html`` with the e-mail allow-list and every ``href``/``src`` absolute to ``page_url``."""

    def absolute(element: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return urljoin(page_url, value)
        return value

    return nh3.clean(
        body_html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=absolute,
        link_rel="noopener",
    ).strip()


def plain_text(body_html: str) -> str:
    """The plain-text form of the e-mail HTML (links as numbered references after the text)."""
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no hard breaks: mail clients wrap, and the dateline leads the first line
    converter.ignore_emphasis = True
    converter.ignore_images = True  # the message lists the release's images with their addresses
    converter.inline_links = False
    converter.unicode_snob = True  # «á», not «a»
    converter.protect_links = True
    return converter.handle(body_html).strip()


def parse_body(page: str, page_url: str, digest: str) -> ReleaseBody:
    """The body of a fetched release ``page``; the page must carry the approved ``digest``."""
    facts = read_page(page)
    if facts.digest != digest:
        shown = (facts.digest or "ninguna")[:19]
        raise TransientError(
            f"correo: la página {page_url} tiene otra versión (huella {shown}…, la aprobada es {digest[:19]}…); "
            "no se envía hasta que el portal publique la aprobada"
        )
    if not facts.body_found:
        raise PermanentError(
            f'correo: la página {page_url} no tiene el cuerpo del comunicado (<div class="{BODY_CLASS}">); '
            "¿una plantilla propia reemplazó la de Pregón?"
        )
    cleaned = email_html(facts.body_html, page_url)
    return ReleaseBody(html=cleaned, text=plain_text(cleaned))


def fetch_body(page_url: str, digest: str, timeout: float = 30.0) -> ReleaseBody:
    """Fetch the live page of a release and take its body (see the module notes)."""
    try:
        answer = get_bounded(page_url, MAX_PAGE_BYTES, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TransientError(f"correo: la página {page_url} no responde ({exc.__class__.__name__})") from None
    except TooLarge as exc:
        raise TransientError(f"correo: {too_large(page_url, exc.limit_mb)}") from None
    if answer.status_code != 200:
        raise TransientError(
            f"correo: la página {page_url} respondió {answer.status_code}; no se envía antes de que esté publicada"
        )
    return parse_body(answer.text, page_url, digest)
