"""Feeds: RSS 2.0 and Atom 1.0 (feedgen) and JSON Feed 1.1, site-wide and per dependencia.

Paths (relative to the site root): ``feed.xml`` (RSS), ``atom.xml`` (Atom), ``feed.json``
(JSON Feed); per dependencia ``dependencias/<slug>/feed.xml``, ``…/atom.xml``, ``…/feed.json``.
Entry ids are ``tag:<host>,<id_date>:<item id>`` URIs, so editing a title or a date does not turn
an entry into a new one for feed readers.

Every entry carries the release whole: its summary as text (RSS ``<description>`` is HTML, so the
summary is escaped for it), and its body as sanitised HTML with absolute addresses (RSS
``content:encoded``, Atom ``<content type="html">``, JSON Feed ``content_html``, plus the body as
plain text in ``content_text``), published live updates first, newest first. An entry's
``<updated>`` is :attr:`Entry.updated` (its newest live update or the last commit that edited it),
else its publication date. The channel's link is the portal page the feed follows (the home page,
or the dependencia's page); the feed's own address is its ``rel="self"`` link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig

from pregon.json_input import loads as json_loads

from . import fingerprint
from .cache import BuildCache, digest
from .catalog import Entry
from .sanitize import absolute_urls
from .site import fecha

FORMATS = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}

Body = Callable[[Entry], str]
"""The cleaned HTML of an entry's page body (``page.content``), addresses relative to the page."""


@dataclass(frozen=True)
class FeedSite:
    """Site facts every feed repeats."""

    url: str  # site_url with trailing slash
    description: str
    author: str
    email: str | None
    id_date: str
    now: datetime
    icon: str | None = None  # site path of a square picture of the entity (JSON Feed icon, Atom logo)
    favicon: str | None = None  # site path of the small icon (JSON Feed favicon, Atom icon)

    def absolute(self, path: str) -> str:
        """Absolute URL of a site-relative path (plain concatenation: urljoin was a hot spot)."""
        return self.url + path.lstrip("/")

    def tag(self, specific: str) -> str:
        return f"tag:{urlsplit(self.url).hostname},{self.id_date}:{specific}"


def feed_paths(prefix: str = "") -> dict[str, str]:
    """Site-relative paths of the three feeds under ``prefix`` (``""`` or ``dependencias/<slug>/``)."""
    return {kind: prefix + name for kind, name in FORMATS.items()}


def render_feeds(
    site: FeedSite, entries: list[Entry], *, prefix: str, title: str, home: str, body: Body
) -> dict[str, bytes]:
    """The three feeds of ``entries`` (already newest first and limited); map site path → bytes."""
    paths = feed_paths(prefix)
    updated = max((entry_updated(e) for e in entries), default=site.now)
    contents = [entry_html(site, e, body(e)) for e in entries]
    return {
        paths["rss"]: _feedgen(site, entries, contents, paths, "rss", title, home, updated).rss_str(pretty=True),
        paths["atom"]: _atom(_feedgen(site, entries, contents, paths, "atom", title, home, updated)),
        paths["json"]: _json_feed(site, entries, contents, paths, title, home),
    }


def entry_updated(entry: Entry) -> datetime:
    """The moment a feed gives as the entry's last change."""
    return entry.updated or entry.release.date


# MkDocs' permalinks ("¶" after each heading): page furniture, noise in a feed reader.
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')


def entry_html(site: FeedSite, entry: Entry, body_html: str) -> str:
    """The release as a feed shows it: published updates (newest first), then the body."""
    parts: list[str] = []
    if entry.updates:
        items = []
        for u in entry.updates:
            text = "".join(f"<p>{escape(p, quote=False)}</p>" for p in u.text.split("\n\n") if p.strip())
            media = "".join(
                f'<img src="{escape(site.absolute(m.src))}" alt="{escape(m.alt)}"'
                + (f' width="{m.width}" height="{m.height}"' if m.width and m.height else "")
                + ">"
                for m in u.media
                if m.src
            )
            items.append(
                f'<li><p><time datetime="{u.time.isoformat()}">{escape(fecha(u.time))}</time></p>{text}{media}</li>'
            )
        parts.append(f"<section><h2>Actualizaciones</h2><ol>{''.join(items)}</ol></section>")
    parts.append(_HEADERLINK.sub("", body_html))
    return absolute_urls("".join(parts), site.absolute(entry.url))


class _Text(HTMLParser):
    """Plain text of clean HTML: blocks become paragraphs, list items lines."""

    BLOCKS = frozenset(
        {
            *("p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre", "hr"),
            *("figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "details", "summary"),
            *("ul", "ol", "dl", "table", "tr"),
        }
    )
    LINES = frozenset({"li", "dt", "dd", "br", "caption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)
        if tag == "li":
            self.out.append("- ")

    def handle_endtag(self, tag: str) -> None:
        self._break(tag)

    def _break(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in self.LINES:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        self.out.append(re.sub(r"\s+", " ", data))


def plain_text(html: str) -> str:
    """Readable plain text of ``html`` (for JSON Feed ``content_text``)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return re.sub(r"(?m)^-\n+", "- ", text).strip()  # a list item's first block on its bullet line


def _feedgen(
    site: FeedSite,
    entries: list[Entry],
    contents: list[str],
    paths: dict[str, str],
    kind: str,
    title: str,
    home: str,
    updated: datetime,
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(site.tag(paths["atom"]))
    fg.title(title)
    fg.subtitle(site.description)  # RSS <description>
    # feedgen gives RSS's <link> the last link added: the portal page, not the feed itself.
    fg.link(href=site.absolute(paths[kind]), rel="self", type=FEED_TYPES[kind])
    fg.link(href=site.absolute(home), rel="alternate", type="text/html")
    fg.language("es")
    fg.author({"name": site.author, **({"email": site.email} if site.email else {})})
    if site.favicon:
        fg.icon(site.absolute(site.favicon))
    if site.icon:
        fg.logo(site.absolute(site.icon))
        if kind == "rss":
            fg.image(url=site.absolute(site.icon), title=title, link=site.absolute(home))
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.generator("Pregón")
    for e, content in zip(entries, contents, strict=True):
        r = e.release
        fe = fg.add_entry(order="append")
        fe.id(site.tag(r.id))
        fe.title(r.title)
        fe.link(href=site.absolute(e.url), rel="alternate")
        # RSS <description> is HTML: the summary is text, so it is escaped once more for it.
        fe.description(escape(r.meta.summary, quote=False))
        fe.content(content, type="html")  # RSS content:encoded, Atom <content type="html">
        fe.summary(r.meta.summary)  # Atom <summary> (text)
        fe.published(r.date)
        fe.updated(entry_updated(e))
        fe.category(term=r.meta.dependencia, label=e.dependencia_name)
        for tag in r.meta.tags:
            fe.category(term=tag)
        if r.meta.author:
            fe.author({"name": r.meta.author})
        if r.image is not None and r.image.src:
            fe.enclosure(
                site.absolute(r.image.src),
                str(r.image.bytes or 0),
                r.image.mime or "image/jpeg",
            )
    return fg


def _atom(fg: FeedGenerator) -> bytes:
    """Atom output with each entry link's rel/type/length restored.

    feedgen 1.0.0 drops every attribute but href on entry links (lkiesow/python-feedgen#135),
    which would turn the image enclosure into a second "alternate" link. Entries and their links
    come out in the order they were added, so the attributes can be put back one by one.
    """
    root = etree.fromstring(fg.atom_str())
    for element, entry in zip(root.findall(f"{{{ATOM_NS}}}entry"), fg.entry(), strict=True):
        for link, spec in zip(element.findall(f"{{{ATOM_NS}}}link"), entry.link(), strict=True):
            for key in ("rel", "type", "length", "hreflang", "title"):
                if spec.get(key):
                    link.set(key, str(spec[key]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _json_feed(
    site: FeedSite, entries: list[Entry], contents: list[str], paths: dict[str, str], title: str, home: str
) -> bytes:
    items = []
    for e, content in zip(entries, contents, strict=True):
        r = e.release
        item: dict[str, object] = {
            "id": site.tag(r.id),
            "url": site.absolute(e.url),
            "title": r.title,
            "summary": r.meta.summary,
            "content_html": content,
            "content_text": plain_text(content),
            "date_published": r.date.isoformat(),
            "date_modified": entry_updated(e).isoformat(),
            "tags": [e.dependencia_name, *r.meta.tags],
            "language": "es",
        }
        if r.image is not None and r.image.src:
            item["image"] = site.absolute(r.image.src)
        if r.meta.author:
            item["authors"] = [{"name": r.meta.author}]
        items.append(item)
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": site.absolute(home),
        "feed_url": site.absolute(paths["json"]),
        "description": site.description,
        "language": "es",
        "authors": [{"name": site.author, "url": site.url}],
    }
    if site.icon:
        feed["icon"] = site.absolute(site.icon)
    if site.favicon:
        feed["favicon"] = site.absolute(site.favicon)
    feed["items"] = items
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")


class FeedCache:
    """Feeds kept between builds: a set of feeds is written again only when one of its entries
    (see :func:`pregon.plugins.fingerprint.entry_digest`) or the site's settings changed."""

    KIND = "feeds"

    def __init__(self, cache: BuildCache, site: FeedSite, entry_keys: dict[str, str], config: MkDocsConfig) -> None:
        self.cache = cache
        self.site = site
        self.entry_keys = entry_keys
        self.base = digest(
            fingerprint.code_digest(),
            fingerprint.versions(),
            fingerprint.config_digest(config),
            json.dumps({k: v for k, v in asdict(site).items() if k != "now"}, sort_keys=True),
        )

    def render(self, entries: list[Entry], *, prefix: str, title: str, home: str, body: Body) -> dict[str, bytes]:
        # The clock shows only in an empty feed's dates (see render_feeds).
        clock = "" if entries else self.site.now.isoformat()
        # The converted body too: its links to other pages follow where those pages are.
        key = digest(
            self.base,
            prefix,
            title,
            home,
            clock,
            *(part for e in entries for part in (self.entry_keys[e.release.src_uri], body(e))),
        )
        stored = self.cache.get(self.KIND, key)
        if stored is not None:
            try:
                return {path: text.encode("utf-8") for path, text in json_loads(stored).items()}
            except (ValueError, AttributeError, UnicodeEncodeError):
                self.cache.discard(self.KIND, key)
        outputs = render_feeds(self.site, entries, prefix=prefix, title=title, home=home, body=body)
        text = {path: content.decode("utf-8") for path, content in outputs.items()}
        self.cache.put(self.KIND, key, json.dumps(text, ensure_ascii=False).encode("utf-8"))
        return outputs
