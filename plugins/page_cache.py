"""Rendered release and listing pages kept between builds, so unchanged ones are not re-rendered.

A page's key (see :mod:`pregon.plugins.fingerprint`) covers everything its output depends on.
Two cache entries per page: its converted body (for the search index) and anchors (for MkDocs'
anchor checks), read on every build, and its rendered output, read only when it must be
written (a page the previous build left in the site folder is not read at all). A damaged entry
is caught when it is read, before anything about the page is decided.

Pages outside the nav (every release and most listings) whose key is in the cache never reach
MkDocs' page pipeline: :meth:`PageCache.serve_file` writes their stored output into the site
folder and puts a :class:`ServedFile` in their place in the Files collection. It keeps the
page's path and URL (links to it from pages that are rendered resolve as before) and a
:class:`~mkdocs.structure.pages.Page` with its body and anchors (anchor checks, sitemap and
search see it as in a full build), but MkDocs neither reads, converts, renders nor writes it.

Pages in the nav (the home page, the first page of the list…) must stay MkDocs pages, since the
nav of every page is built from them: they go through every event, but their Markdown is not
converted (:func:`serve` gives the page a ``render`` that puts the stored HTML back), their
template is empty, and their output is put back in ``on_post_page``.

A page that is rendered is stored under its key once the plugin's ``on_post_page`` has produced
its output.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from pregon.json_input import loads as json_loads

from .cache import BuildCache, digest
from .kept_output import KeptOutput

KIND = "page"  # body and anchors
HTML_KIND = "page-html"  # the rendered output
TEMPLATE = "pregon/cached.html"  # renders nothing: the output comes from the cache


@dataclass(frozen=True)
class Stored:
    content: str
    anchors: frozenset[str]
    # The rendered page, compressed: read once with the rest, held until ``on_post_page``
    # (a fifth of the page's size in memory, instead of reading the file a second time).
    # Empty for a served file, whose output is written as soon as it is read.
    output: bytes = b""


class ServedFile(File):
    """A page whose output was copied from the cache: MkDocs treats it as an already written asset."""

    @classmethod
    def standing_for(cls, file: File) -> ServedFile:
        """The served file of ``file``: its path, address, inclusion and source, with the values
        MkDocs already worked out for it (a warm build makes one per archived page)."""
        file.abs_src_path  # noqa: B018 - worked out while the source folder is still known
        served = cls.__new__(cls)
        served.__dict__.update(file.__dict__)
        served.src_dir = None  # generated: MkDocs does not read it from the docs folder
        served.page = None
        return served

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        """Already in the site folder (:meth:`PageCache.serve_file`)."""


class PageCache:
    def __init__(self, cache: BuildCache, site_key: str) -> None:
        self.cache = cache
        self.site_key = site_key
        self.keys: dict[str, str] = {}  # src_uri → key, for every page the cache can serve or store
        self.hits: dict[str, Stored] = {}  # src_uri → stored content, pages served from the cache
        self.served = 0  # of those, pages that never entered MkDocs' page pipeline

    def assign(self, src_uri: str, *parts: str) -> None:
        self.keys[src_uri] = digest(self.site_key, src_uri, *parts)

    def _read(self, src_uri: str) -> Stored | None:
        """Stored body and anchors of a page, if its entry is in the cache and whole."""
        key = self.keys.get(src_uri)
        if key is None:
            return None
        payload = self.cache.get(KIND, key)
        if payload is None:
            return None
        try:
            data = json_loads(payload)
            return Stored(str(data["content"]), frozenset(map(str, data["anchors"])))
        except (ValueError, KeyError, TypeError):
            self.cache.discard(KIND, key)
            return None

    def _read_output(self, src_uri: str) -> bytes | None:
        key = self.keys[src_uri]
        output = self.cache.get(HTML_KIND, key)
        try:
            if output is not None:
                output.decode("utf-8")
        except UnicodeDecodeError:
            self.cache.discard(HTML_KIND, key)
            return None
        return output

    def lookup(self, page: Page) -> Stored | None:
        """Stored content of a page that stays in MkDocs' pipeline (see the module docstring)."""
        found = self._read(page.file.src_uri)
        output = self._read_output(page.file.src_uri) if found is not None else None
        if found is None or output is None:
            return None
        stored = Stored(found.content, found.anchors, zlib.compress(output, 1))
        self.hits[page.file.src_uri] = stored
        return stored

    def origin(self, src_uri: str) -> str:
        """What a page's output is made from, for :mod:`.kept_output`: its key."""
        return "page:" + self.keys[src_uri]

    def serve_file(self, file: File, config: MkDocsConfig, kept: KeptOutput | None = None) -> ServedFile | None:
        """Write the stored output of ``file``'s page into the site (or put back the previous
        build's, if it is that same output); the file that replaces it."""
        stored = self._read(file.src_uri)
        if stored is None:
            return None
        served = ServedFile.standing_for(file)
        origin = self.origin(file.src_uri)
        if kept is not None and kept.place(served.dest_uri, origin):
            self.cache.keep(HTML_KIND, self.keys[file.src_uri])  # for a build without the previous output
        else:
            output = self._read_output(file.src_uri)
            if output is None:
                return None  # rendered again by MkDocs
            target = served.abs_dest_path
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(output)
            if kept is not None:
                kept.wrote(served.dest_uri, origin)
        page = file.page
        if page is None:
            page = Page(None, served, config)
        else:  # the page MkDocs made for the file (same address) now stands for the served file
            page.file = served
            served.page = page
        page.content = stored.content
        page.present_anchor_ids = set(stored.anchors)
        self.hits[file.src_uri] = stored
        self.served += 1
        return served

    def output(self, page: Page) -> str:
        return zlib.decompress(self.hits[page.file.src_uri].output).decode("utf-8")

    def store(self, page: Page, output: str) -> None:
        key = self.keys.get(page.file.src_uri)
        if key is None or page.file.src_uri in self.hits:
            return
        anchors = sorted(getattr(page, "present_anchor_ids", ()) or ())
        data = json.dumps({"content": page.content or "", "anchors": anchors}, ensure_ascii=True)
        self.cache.put(HTML_KIND, key, output.encode("utf-8"))
        self.cache.put(KIND, key, data.encode("ascii"))


def serve(page: Page, stored: Stored) -> None:
    """Make ``page`` come out of the cache: no Markdown conversion, the stored HTML instead."""

    def render(config: object, files: object) -> None:
        page.content = stored.content
        page.present_anchor_ids = set(stored.anchors)

    page.render = render  # type: ignore[method-assign]
