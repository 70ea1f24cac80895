"""Rendered release and listing pages kept between builds, so unchanged ones are not re-rendered.

A page whose key (see :mod:`pregon.plugins.fingerprint`) is in the cache stays a real MkDocs
page: it goes through every event, but with empty Markdown, its converted HTML put back in
``on_page_content`` (search and other plugins see the same content as in a full render), an empty
template, and its rendered output put back in ``on_post_page``. A page that is rendered is stored
under its key once the plugin's ``on_post_page`` has produced its output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from .cache import BuildCache, digest

CONTENT = "page-content"
OUTPUT = "page-output"
TEMPLATE = "pregon/cached.html"  # renders nothing: the output comes from the cache


@dataclass(frozen=True)
class Stored:
    content: str
    anchors: frozenset[str]


class PageCache:
    def __init__(self, cache: BuildCache, site_key: str) -> None:
        self.cache = cache
        self.site_key = site_key
        self.keys: dict[str, str] = {}  # src_uri → key, for every page the cache can serve or store
        self.hits: dict[str, Stored] = {}  # src_uri → stored content, pages served from the cache

    def assign(self, src_uri: str, *parts: str) -> None:
        self.keys[src_uri] = digest(self.site_key, src_uri, *parts)

    def lookup(self, page: Page) -> Stored | None:
        """Stored content of ``page`` if both its content and its output are in the cache."""
        key = self.keys.get(page.file.src_uri)
        if key is None:
            return None
        payload = self.cache.get(CONTENT, key)
        if payload is None or self.cache.get(OUTPUT, key) is None:
            return None
        try:
            data = json.loads(payload)
            stored = Stored(str(data["content"]), frozenset(map(str, data["anchors"])))
        except (ValueError, KeyError, TypeError):
            self.cache.discard(CONTENT, key)
            return None
        self.hits[page.file.src_uri] = stored
        return stored

    def output(self, page: Page) -> str:
        key = self.keys[page.file.src_uri]
        payload = self.cache.get(OUTPUT, key)
        if payload is None:
            # Checked when the page was read; only removing the cache during the build gets here.
            raise PluginError(
                f"pregon: el caché de construcción cambió durante la construcción ({page.file.src_uri}); "
                "vuelva a construir el sitio"
            )
        return payload.decode("utf-8")

    def store(self, page: Page, output: str) -> None:
        key = self.keys.get(page.file.src_uri)
        if key is None or page.file.src_uri in self.hits:
            return
        anchors = sorted(getattr(page, "present_anchor_ids", ()) or ())
        content = json.dumps({"content": page.content or "", "anchors": anchors}, ensure_ascii=False)
        self.cache.put(CONTENT, key, content.encode("utf-8"))
        self.cache.put(OUTPUT, key, output.encode("utf-8"))
