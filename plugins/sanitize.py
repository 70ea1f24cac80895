"""The HTML of a release body, cleaned by an allow-list before it leaves the build (nh3/ammonia).

Markdown lets an editor write raw HTML, and a link or image target is copied into ``href`` or
``src`` as written. Whatever a body says, the portal, its feeds and its search documents carry
only: ordinary text markup, links and images with ``http(s)``, ``mailto:``, ``tel:`` or
site-relative addresses, and iframes from the embed addresses the office lists
(``iframe_hosts`` in mkdocs.yml; YouTube, Vimeo, OpenStreetMap and Google Maps by default).
No scripts, event attributes, ``style`` (it can dress a fake banner over the page), forms,
objects or ``javascript:``/``data:``/``vbscript:`` addresses, however they are spelled:
ammonia parses like a browser (HTML5), so ``jav&#x61;script:`` is the same as ``javascript:``.

:func:`clean_body_html` is the one entry point for output; :func:`removals` says, in Spanish,
what it would drop, so ``pregon check`` and ``mkdocs build`` can name it with its line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import nh3

from .problems import Problem

# "host" or "host/path-prefix" of the embeds the portal frames by default.
DEFAULT_IFRAME_HOSTS: tuple[str, ...] = (
    "www.youtube.com/embed/",
    "www.youtube-nocookie.com/embed/",
    "player.vimeo.com/video/",
    "www.openstreetmap.org/export/embed.html",
    "www.google.com/maps/embed",
    "maps.google.com/maps",
)
# The release template's own player: framed whatever the office lists.
TEMPLATE_IFRAME_HOSTS: tuple[str, ...] = ("www.youtube-nocookie.com/embed/",)

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_URL_ATTRIBUTES = frozenset({"href", "src", "poster"})

TAGS = frozenset(
    {
        *("p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp", "var"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "figure", "figcaption", "picture"),
        *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("abbr", "cite", "dfn", "q", "time", "data", "bdi", "bdo", "wbr", "ruby", "rt", "rp"),
        *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"),
        *("iframe", "video", "audio", "source", "track", "section", "article", "aside", "header", "footer"),
    }
)
# Tags dropped with everything inside them (their text is code or would show as garbage).
CONTENT_DROPPED = frozenset({"script", "style", "template", "noscript", "object", "embed", "applet", "xmp"})

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen", "loading"},
    "video": {"src", "poster", "controls", "preload", "width", "height", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "preload", "loop"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    # Python-Markdown's tables align cells with style="text-align: …" (only that property passes).
    "th": {"colspan", "rowspan", "scope", "headers", "align", "style"},
    "td": {"colspan", "rowspan", "headers", "align", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
}
STYLE_PROPERTIES = frozenset({"text-align"})
LINK_VALUES = {"a": {"target": {"_blank"}}}
# Framed pages run in a sandbox and never learn which page framed them beyond the origin.
IFRAME_FORCED = {
    "iframe": {
        "sandbox": "allow-scripts allow-same-origin allow-popups allow-presentation",
        "referrerpolicy": "strict-origin-when-cross-origin",
    }
}
# Features an embedded player may ask for (https://developer.mozilla.org/docs/Web/HTTP/Permissions_Policy).
IFRAME_ALLOW = frozenset(
    {"accelerometer", "autoplay", "clipboard-write", "encrypted-media", "fullscreen", "gyroscope", "picture-in-picture"}
)


# Ids the theme's scripts look up (Material's "__config" JSON, "__drawer"…, Pregón's "pregon-…"):
# a body element with one of them, being earlier in the page, would be found first.
RESERVED_ID_PREFIXES = ("__", "pregon-")


def _normalised_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    out = []
    for entry in hosts:
        entry = entry.strip().lower().removeprefix("https://")
        if entry:
            out.append(entry)
    return tuple(dict.fromkeys(out))


def iframe_allowed(src: str, hosts: tuple[str, ...]) -> bool:
    """Whether ``src`` is an HTTPS address under one of ``hosts`` ("host" or "host/path-prefix")."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return False
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password or parts.port:
        return False
    where = parts.hostname.lower() + (parts.path or "/")
    for entry in hosts:
        host, slash, _ = entry.partition("/")
        if parts.hostname.lower() == host and (not slash or where.startswith(entry)):
            return True
    return False


def frame_sources(hosts: Iterable[str]) -> tuple[str, ...]:
    """The CSP ``frame-src`` sources of ``hosts`` plus the template's own player."""
    entries = _normalised_hosts((*hosts, *TEMPLATE_IFRAME_HOSTS))
    # A CSP path without a trailing slash matches exactly; the prefix rules above are looser,
    # so the policy names folders (or the host) and the sanitiser keeps the finer rule.
    sources = []
    for entry in entries:
        host, slash, path = entry.partition("/")
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        sources.append(f"https://{host}/{folder}" if slash else f"https://{host}")
    return tuple(dict.fromkeys(sources))


def _allow_list_cleaner(attribute_filter: Callable[[str, str, str], str | None]) -> nh3.Cleaner:
    """The one allow-list (tags, attributes, URL schemes, styles), with ``attribute_filter`` to
    drop or rewrite attribute values."""
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
        generic_attribute_prefixes={"aria-"},
        tag_attribute_values={tag: {a: set(v) for a, v in values.items()} for tag, values in LINK_VALUES.items()},
        set_tag_attribute_values={tag: dict(values) for tag, values in IFRAME_FORCED.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
    )


@lru_cache(maxsize=8)
def _cleaner(hosts: tuple[str, ...]) -> nh3.Cleaner:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id" and value.strip().startswith(RESERVED_ID_PREFIXES):
            return None
        if tag == "iframe" and attribute == "src":
            return value if iframe_allowed(value, hosts) else None
        if tag == "iframe" and attribute == "allow":
            tokens = [t.strip() for t in value.split(";")]
            kept = [t for t in tokens if t and t.split()[0].lower() in IFRAME_ALLOW]
            return "; ".join(kept) if len(kept) == len([t for t in tokens if t]) else None
        return value

    return _allow_list_cleaner(keep)


def clean_body_html(html: str, allowed_iframe_hosts: Iterable[str] = DEFAULT_IFRAME_HOSTS) -> str:
    """``html`` with everything outside the allow-list removed (see the module docstring)."""
    if not html:
        return html
    return _cleaner(_normalised_hosts(allowed_iframe_hosts)).clean(html)


def absolute_urls(clean_html: str, base: str) -> str:
    """Already cleaned ``clean_html`` with every address resolved against ``base`` (the page's
    absolute URL), for feeds: a reader shows the body away from the portal. The allow-list runs
    again on the way (iframes keep the ``src`` the first cleaning let through)."""
    if not clean_html:
        return clean_html

    def resolve(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            return urljoin(base, value.strip())
        return value

    return _allow_list_cleaner(resolve).clean(clean_html)


# --- What the sanitiser removes, for editors ---------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One thing :func:`clean_body_html` drops: a tag, an attribute, or an attribute's address."""

    tag: str
    attribute: str | None = None
    value: str | None = None

    @property
    def is_address(self) -> bool:
        return self.attribute in _URL_ATTRIBUTES and self.attribute in _allowed_on(self.tag)

    def message(self) -> str:
        if self.attribute is None:
            if self.tag in CONTENT_DROPPED:
                return (
                    f"la etiqueta `<{self.tag}>` no se permite en el cuerpo y se elimina con su contenido: "
                    "el portal no publica código ni estilos escritos en un comunicado"
                )
            return f"la etiqueta `<{self.tag}>` no se permite en el cuerpo y se elimina: escriba el texto en Markdown"
        shown = _shorten(self.value or "")
        if self.tag == "iframe" and self.attribute == "src":
            return (
                f"el `<iframe>` de `{shown}` no es de un servicio permitido y se publica vacío: "
                "use una dirección https de los servicios de `iframe_hosts` en mkdocs.yml (YouTube, Vimeo, mapas)"
            )
        if self.is_address:
            return (
                f"la dirección `{shown}` de `<{self.tag} {self.attribute}>` no se permite y se elimina: "
                "use direcciones http(s), mailto:, tel: o rutas del portal"
            )
        if self.attribute == "id":
            return (
                f"el identificador `{shown}` de `<{self.tag}>` está reservado para el portal y se elimina: "
                "use otro nombre"
            )
        if self.attribute.startswith("on"):
            return (
                f"el atributo `{self.attribute}` de `<{self.tag}>` ejecuta código en el navegador y se elimina: "
                "quítelo del comunicado"
            )
        return f"el atributo `{self.attribute}` de `<{self.tag}>` no se permite en el cuerpo y se elimina"


def _allowed_on(tag: str) -> set[str]:
    return ATTRIBUTES.get(tag, set()) | ATTRIBUTES["*"]


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Inventory(HTMLParser):
    """Every start tag and every (tag, attribute, value) of a fragment, decoded like a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            self.attributes[(tag, name, value or "")] += 1

    handle_startendtag = handle_starttag


def _inventory(html: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser


def removals(
    html: str, allowed_iframe_hosts: Iterable[str] = DEFAULT_IFRAME_HOSTS, cleaned: str | None = None
) -> list[Removal]:
    """What :func:`clean_body_html` removes from ``html`` (``cleaned``: its result, if already
    at hand): tags first, then attributes."""
    if cleaned is None:
        cleaned = clean_body_html(html, allowed_iframe_hosts)
    if cleaned == html:
        return []
    before = _inventory(html)
    after = _inventory(cleaned)
    out = [Removal(tag) for tag, count in (before.tags - after.tags).items() for _ in range(count)]
    for (tag, name, value), count in (before.attributes - after.attributes).items():
        if tag not in TAGS or (name == "style" and _only_allowed_style(value)):
            continue  # said once with its tag; or a style the cleaner only rewrote
        out.extend([Removal(tag, name, value)] * count)
    return out


def _only_allowed_style(value: str) -> bool:
    names = {part.split(":", 1)[0].strip().lower() for part in value.split(";") if part.strip()}
    return names <= STYLE_PROPERTIES


def _line_matcher(removal: Removal) -> re.Pattern[str]:
    """How the removed thing looks in the Markdown source (entities decoded, spaces dropped for addresses)."""
    if removal.attribute is None:
        return re.compile(rf"<\s*{re.escape(removal.tag)}(?![\w-])", re.IGNORECASE)
    if removal.is_address:
        return re.compile(re.escape("".join((removal.value or "").split())), re.IGNORECASE)
    return re.compile(rf"(?<![\w-]){re.escape(removal.attribute)}\s*=", re.IGNORECASE)


def locate(removed: list[Removal], markdown: str) -> list[tuple[Removal, int | None]]:
    """Each removal with the 0-based line of ``markdown`` that wrote it (None when not found);
    the n-th identical removal goes to the n-th place it is written."""
    decoded = [unescape(line) for line in markdown.split("\n")]
    compact = ["".join(line.split()) for line in decoded]
    places: dict[Removal, list[int]] = {}
    out = []
    for removal in removed:
        if removal not in places:
            matcher = _line_matcher(removal)
            text = compact if removal.is_address else decoded
            places[removal] = [i for i, line in enumerate(text) for _ in matcher.finditer(line)]
        found = places[removal]
        out.append((removal, found.pop(0) if found else None))
    return out


def body_problems(shown: str, markdown: str, first_line: int | None, removed: list[Removal]) -> list[Problem]:
    """One problem per removal, at the file line of the body that wrote it (``first_line`` is the
    body's first line in the file; without it, no line is given)."""
    return [
        Problem(
            shown,
            "body",
            removal.message(),
            (first_line + index if index is not None else first_line) if first_line is not None else None,
        )
        for removal, index in locate(removed, markdown)
    ]
