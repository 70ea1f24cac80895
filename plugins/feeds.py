"""Feeds: RSS 2.0 and Atom 1.0 (feedgen) and JSON Feed 1.1, site-wide and per dependencia.

Paths (relative to the site root): ``feed.xml`` (RSS), ``atom.xml`` (Atom), ``feed.json``
(JSON Feed); per dependencia ``dependencias/<slug>/feed.xml``, ``…/atom.xml``, ``…/feed.json``.
Entry ids are ``tag:<host>,<id_date>:<item id>`` URIs, so editing a title or a date does not turn
an entry into a new one for feed readers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig

from . import fingerprint
from .cache import BuildCache, digest
from .catalog import Entry

FORMATS = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedSite:
    """Site facts every feed repeats."""

    url: str  # site_url with trailing slash
    description: str
    author: str
    email: str | None
    id_date: str
    now: datetime

    def absolute(self, path: str) -> str:
        """Absolute URL of a site-relative path (plain concatenation: urljoin was a hot spot)."""
        return self.url + path.lstrip("/")

    def tag(self, specific: str) -> str:
        return f"tag:{urlsplit(self.url).hostname},{self.id_date}:{specific}"


def feed_paths(prefix: str = "") -> dict[str, str]:
    """Site-relative paths of the three feeds under ``prefix`` (``""`` or ``dependencias/<slug>/``)."""
    return {kind: prefix + name for kind, name in FORMATS.items()}


def render_feeds(site: FeedSite, entries: list[Entry], *, prefix: str, title: str, home: str) -> dict[str, bytes]:
    """The three feeds of ``entries`` (already newest first and limited); map site path → bytes."""
    paths = feed_paths(prefix)
    updated = max((e.updated or e.release.date for e in entries), default=site.now)
    return {
        paths["rss"]: _feedgen(site, entries, paths, "rss", title, home, updated).rss_str(pretty=True),
        paths["atom"]: _atom(_feedgen(site, entries, paths, "atom", title, home, updated)),
        paths["json"]: _json_feed(site, entries, paths, title, home),
    }


def _feedgen(
    site: FeedSite,
    entries: list[Entry],
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
    fg.link(href=site.absolute(home), rel="alternate")
    fg.link(href=site.absolute(paths[kind]), rel="self")
    fg.language("es")
    fg.author({"name": site.author, **({"email": site.email} if site.email else {})})
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.generator("Pregón")
    for e in entries:
        r = e.release
        fe = fg.add_entry(order="append")
        fe.id(site.tag(r.id))
        fe.title(r.title)
        fe.link(href=site.absolute(e.url), rel="alternate")
        fe.summary(r.meta.summary)  # RSS <description>
        fe.published(r.date)
        fe.updated(e.updated or r.date)
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


def _json_feed(site: FeedSite, entries: list[Entry], paths: dict[str, str], title: str, home: str) -> bytes:
    items = []
    for e in entries:
        r = e.release
        item: dict[str, object] = {
            "id": site.tag(r.id),
            "url": site.absolute(e.url),
            "title": r.title,
            "summary": r.meta.summary,
            "content_text": r.meta.summary,
            "date_published": r.date.isoformat(),
            "tags": [e.dependencia_name, *r.meta.tags],
        }
        if e.updated:
            item["date_modified"] = e.updated.isoformat()
        if r.image is not None and r.image.src:
            item["image"] = site.absolute(r.image.src)
        if r.meta.author:
            item["authors"] = [{"name": r.meta.author}]
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": site.absolute(home),
        "feed_url": site.absolute(paths["json"]),
        "description": site.description,
        "language": "es",
        "authors": [{"name": site.author}],
        "items": items,
    }
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

    def render(self, entries: list[Entry], *, prefix: str, title: str, home: str) -> dict[str, bytes]:
        # The clock shows only in an empty feed's dates (see render_feeds).
        clock = "" if entries else self.site.now.isoformat()
        key = digest(self.base, prefix, title, home, clock, *(self.entry_keys[e.release.src_uri] for e in entries))
        stored = self.cache.get(self.KIND, key)
        if stored is not None:
            try:
                return {path: text.encode("utf-8") for path, text in json.loads(stored).items()}
            except (ValueError, AttributeError, UnicodeEncodeError):
                self.cache.discard(self.KIND, key)
        outputs = render_feeds(self.site, entries, prefix=prefix, title=title, home=home)
        text = {path: content.decode("utf-8") for path, content in outputs.items()}
        self.cache.put(self.KIND, key, json.dumps(text, ensure_ascii=False).encode("utf-8"))
        return outputs
