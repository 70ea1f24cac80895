"""What a live release page says about itself, read in one pass.

The web-first gate (:mod:`syndicate.live`) and the press e-mail (:mod:`syndicate.channels.press_body`)
both judge a page the portal serves by the same facts: its ``<meta name="pregon:digest">`` and
``<meta name="pregon:id">``, the ``id`` of its elements (the anchors of live updates) and the inner
HTML of the release body, ``<div class="pregon-release__body">`` of the release template. One
parser reads them all, so the two can never disagree on which digest a page carries.

A page that carries the digest (or the id) meta more than once with different values says two
things about itself; :attr:`PageFacts.digest` is then :data:`AMBIGUOUS` and matches no approval.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .manifest import DIGEST_META, ID_META

BODY_CLASS = "pregon-release__body"
# A release page is tens of kilobytes, a long live coverage a few megabytes: a longer answer is not
# a page the build wrote, and it is not read whole (``bounded_get``).
MAX_PAGE_BYTES = 20 * 1024 * 1024
AMBIGUOUS = "(ambigua)"  # a meta given twice with different contents; no digest or id can be this
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def too_large(url: str, limit_mb: int) -> str:
    """Why a page over :data:`MAX_PAGE_BYTES` is refused (the live gate and the press e-mail)."""
    return f"la página {url} pesa más de {limit_mb} MB: no es una página de comunicado"


class PageFacts(HTMLParser):
    """Feed it a page (``read_page``); then read ``digest``, ``page_id``, ``ids``, ``body_html``."""

    def __init__(self) -> None:
        # Character references stay as written, so the body keeps the markup the build produced
        # (attribute values are unescaped by HTMLParser either way).
        super().__init__(convert_charrefs=False)
        self._meta: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        self.body_found = False
        self._parts: list[str] = []
        self._depth = 0
        self._body_done = False

    def _value(self, name: str) -> str | None:
        values = self._meta.get(name)
        if not values:
            return None
        return next(iter(values)) if len(values) == 1 else AMBIGUOUS

    @property
    def digest(self) -> str | None:
        """The page's digest meta; None without one, :data:`AMBIGUOUS` with two different ones."""
        return self._value(DIGEST_META)

    @property
    def page_id(self) -> str | None:
        return self._value(ID_META)

    @property
    def body_html(self) -> str:
        """Inner HTML of the first release body (empty if the page has none: see ``body_found``)."""
        return "".join(self._parts)

    def _note(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, str | None]:
        """The element's attributes as browsers read them (a repeated one: the first counts);
        its ``id``, and a digest or id meta, are noted on the way, wherever the element is."""
        values: dict[str, str | None] = {}
        for name, value in attrs:
            values.setdefault(name, value)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "meta" and values.get("name") in (DIGEST_META, ID_META):
            self._meta.setdefault(str(values["name"]), set()).add(values.get("content") or "")
        return values

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = self._note(tag, attrs)
        if self._body_done:
            return
        if self._depth:
            self._parts.append(self.get_starttag_text() or "")
            if tag not in _VOID:
                self._depth += 1
        elif tag == "div" and BODY_CLASS in (values.get("class") or "").split():
            self.body_found = True
            self._depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth and not self._body_done:
            self._parts.append(self.get_starttag_text() or "")  # as written; the depth is unchanged
            self._note(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or self._body_done or tag in _VOID:
            return
        self._depth -= 1
        if self._depth == 0:
            self._body_done = True
        else:
            self._parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._depth and not self._body_done:
            self._parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def read_page(html: str) -> PageFacts:
    """The facts of one page's HTML."""
    facts = PageFacts()
    facts.feed(html)
    facts.close()
    return facts
