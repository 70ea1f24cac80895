"""Rendered release and listing pages kept between builds, so unchanged ones are not re-rendered.

A page whose key (see :mod:`pregon.plugins.fingerprint`) is in the cache stays a real MkDocs
page: it goes through every event, but its Markdown is not converted (MkDocs has no event to
skip that, so :func:`serve` gives the page a ``render`` that puts the stored HTML back: search and
other plugins see the same content as in a full render), its template is empty, and its
rendered output is put back in ``on_post_page``. A page that is rendered is stored under its key
once the plugin's ``on_post_page`` has produced its output. One file per page holds both, read
once: a damaged entry is caught when the page is read, before anything about it is decided.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from mkdocs.structure.pages import Page

from .cache import BuildCache, digest

KIND = "page"
TEMPLATE = "pregon/cached.html"  # renders nothing: the output comes from the cache


@dataclass(frozen=True)
class Stored:
    content: str
    anchors: frozenset[str]
    # The rendered page, compressed: read once with the rest, held until ``on_post_page``
    # (a fifth of the page's size in memory, instead of reading the file a second time).
    output: bytes = b""


class PageCache:
    def __init__(self, cache: BuildCache, site_key: str) -> None:
        self.cache = cache
        self.site_key = site_key
        self.keys: dict[str, str] = {}  # src_uri → key, for every page the cache can serve or store
        self.hits: dict[str, Stored] = {}  # src_uri → stored content, pages served from the cache

    def assign(self, src_uri: str, *parts: str) -> None:
        self.keys[src_uri] = digest(self.site_key, src_uri, *parts)

    def lookup(self, page: Page) -> Stored | None:
        """Stored content of ``page`` if its entry is in the cache and whole."""
        key = self.keys.get(page.file.src_uri)
        if key is None:
            return None
        payload = self.cache.get(KIND, key)
        if payload is None:
            return None
        head, _, output = payload.partition(b"\n")
        try:
            data = json.loads(head)
            output.decode("utf-8")
            stored = Stored(str(data["content"]), frozenset(map(str, data["anchors"])), zlib.compress(output, 1))
        except (ValueError, KeyError, TypeError):
            self.cache.discard(KIND, key)
            return None
        self.hits[page.file.src_uri] = stored
        return stored

    def output(self, page: Page) -> str:
        return zlib.decompress(self.hits[page.file.src_uri].output).decode("utf-8")

    def store(self, page: Page, output: str) -> None:
        key = self.keys.get(page.file.src_uri)
        if key is None or page.file.src_uri in self.hits:
            return
        anchors = sorted(getattr(page, "present_anchor_ids", ()) or ())
        head = json.dumps({"content": page.content or "", "anchors": anchors}, ensure_ascii=True)  # one line
        self.cache.put(KIND, key, head.encode("ascii") + b"\n" + output.encode("utf-8"))


def serve(page: Page, stored: Stored) -> None:
    """Make ``page`` come out of the cache: no Markdown conversion, the stored HTML instead."""

    def render(config: object, files: object) -> None:
        page.content = stored.content
        page.present_anchor_ids = set(stored.anchors)

    page.render = render  # type: ignore[method-assign]
