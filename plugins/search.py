"""Site search that stays light as the archive grows: a chunked Pagefind index of the built site.

Material's own search ships one JSON index of every page (27 MB at 4,000 releases), downloaded
whole on the first query. Pagefind splits the index into small chunks keyed by word, so a query
fetches only the chunks of its words and the excerpts of the results it shows.

What is indexed is decided here, not read back from the rendered pages: release and content
pages (title, dependencia, summary, live updates and body), each dependencia's page (its name
only), never listings (they repeat summaries), expired releases, the search page or pages with
``search: {exclude: true}`` (the editors' guide: the index is the citizens'). Releases weigh
more than content pages, whose code blocks stay out.
Once MkDocs has converted every page's Markdown (``on_env``), the plugin writes one small
document per indexed page and :meth:`SearchIndex.start` launches Pagefind on them in the
background, so the index is built on another core while MkDocs renders the templates;
:meth:`SearchIndex.finish` (``on_post_build``) waits for it. The search page (``buscar/``) is a
generated page rendered by ``buscar.html``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from importlib import metadata
from pathlib import Path
from typing import IO

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

from pregon.json_input import loads as json_loads

from . import search_periods
from .cache import BuildCache, digest
from .catalog import Entry
from .kept_output import KeptOutput
from .pagefind_canon import UnknownFormat, canonicalize

log = logging.getLogger("mkdocs.plugins.pregon")

SEARCH_PAGE = "buscar.md"
BUNDLE_DIR = "pagefind"  # site path of the index and of Pagefind's UI scripts
TIMEOUT = 600  # seconds Pagefind may take after the last page is rendered

# Parts of a page body that are not what a citizen searches for: Markdown's permalink anchors.
EXCLUDED = (".headerlink",)

# Front matter of the generated search page: its own template, and never in the index itself.
_SEARCH_PAGE_SOURCE = "---\ntitle: Buscar\ntemplate: buscar.html\nsearch:\n  exclude: true\n---\n"


def add_search_page(files: Files, config: MkDocsConfig) -> None:
    """Add the search page unless the site already has its own ``buscar.md``."""
    if files.get_file_from_path(SEARCH_PAGE) is None:
        files.append(File.generated(config, SEARCH_PAGE, content=_SEARCH_PAGE_SOURCE))


# Citizens search for releases: a word in a release's title or summary outweighs the same word
# in a content page, even in its title (Pagefind's data-pagefind-weight, 0–10; by default
# headings weigh 7 and text 1).
RELEASE_TITLE_WEIGHT = "10"
RELEASE_LEAD_WEIGHT = "3"
PAGE_TITLE_WEIGHT = "2"
PAGE_BODY_WEIGHT = "0.3"
# Code blocks of a content page (commands, example front matter) are no text for citizens and
# would show as raw YAML in an excerpt.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """What the index knows of one page. HTML fields are trusted (rendered by Markdown).

    ``kind`` weighs it: ``release`` (title and lead weigh most), ``dependencia`` (an office's
    page: its name, findable and a filter value even while none of its releases is in force) or
    ``page`` (content pages: lighter text, no code blocks)."""

    dest_uri: str  # as in ``File.dest_uri``, e.g. prensa/2026/04/vacunacion/index.html
    title: str  # plain text
    body_html: str
    lead: Iterable[str] = ()  # plain-text paragraphs before the body (summary, live updates)
    image: str | None = None  # URL relative to the page, as the page itself links it
    image_alt: str = ""
    dependencia: str | None = None  # a filter in the search page
    kind: str = "page"

    def html(self, lang: str) -> str:
        # The dependencia's own paragraph is the filter value (an inline ``key:value`` would split
        # names with commas), and searchable text too.
        kicker = ""
        if self.dependencia:
            # A dependencia's own page has its name as title already: a filter value only.
            ignore = " data-pagefind-ignore" if self.kind == "dependencia" else ""
            kicker = f'<p data-pagefind-filter="dependencia"{ignore}>{escape(self.dependencia)}</p>'
        image = ""
        if self.image:
            image = f'<img src="{escape(self.image)}" alt="{escape(self.image_alt)}">'
        if self.kind == "page":
            title = f'<h1 data-pagefind-weight="{PAGE_TITLE_WEIGHT}">{escape(self.title)}</h1>'
            lead = "".join(f"<p>{escape(p)}</p>" for p in self.lead)
            body = f'<div data-pagefind-weight="{PAGE_BODY_WEIGHT}">{_CODE_BLOCK.sub("", self.body_html)}</div>'
        else:
            title = f'<h1 data-pagefind-weight="{RELEASE_TITLE_WEIGHT}">{escape(self.title)}</h1>'
            lead = "".join(f'<p data-pagefind-weight="{RELEASE_LEAD_WEIGHT}">{escape(p)}</p>' for p in self.lead)
            body = self.body_html
        return (
            f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8"></head><body>'
            f"<article data-pagefind-body>{title}{kicker}{lead}{image}{body}</article></body></html>"
        )


def release_document(page: Page, entry: Entry) -> Document:
    """A release as the index sees it: what its page says, without date line or share links."""
    release = entry.release
    lead = [release.meta.summary, *(u.text for u in entry.updates)]
    image = release.image
    return Document(
        dest_uri=page.file.dest_uri,
        title=release.title,
        body_html=page.content or "",
        lead=lead,
        image=normalize_url(image.src, page) if image and image.src else None,
        image_alt=image.alt if image else "",
        dependencia=entry.dependencia_name,
        kind="release",
    )


@dataclass(frozen=True)
class LazyRelease:
    """A release page's document made only if its bundle is indexed again (its digest is known)."""

    page: Page
    entry: Entry

    @property
    def dest_uri(self) -> str:
        return self.page.file.dest_uri

    def html(self, lang: str) -> str:
        return release_document(self.page, self.entry).html(lang)


def dependencia_document(page: Page, name: str) -> Document:
    """A dependencia's page: found by the office's name, and a value of the dependencia filter
    even while none of its releases is in force (the filter lists what the index holds)."""
    return Document(
        dest_uri=page.file.dest_uri,
        title=name,
        body_html="",
        # Not the entity's name: every office's page would answer a search for a word of it.
        lead=(f"Comunicados de prensa y archivo de {name}.",),
        dependencia=name,
        kind="dependencia",
    )


def page_document(page: Page) -> Document:
    return Document(dest_uri=page.file.dest_uri, title=page.title or "", body_html=page.content or "")


def is_indexed(page: Page, entry: Entry | None, is_view: bool) -> bool:
    """Listings, expired releases and pages with ``search: {exclude: true}`` stay out."""
    options = page.meta.get("search")
    excluded = isinstance(options, dict) and bool(options.get("exclude"))
    return not (excluded or is_view or (entry is not None and entry.expired) or page.content is None)


def scratch_dir(expected_bytes: int, shm: str = "/dev/shm") -> str | None:
    """Where to write the documents: shared memory when it has ample room, else the temp folder.

    Thousands of small files cost ten times less to write and remove in memory than on disk.
    Containers often cap shared memory at 64 MB, so it is used only with four times the room the
    documents need; ``None`` means the system's temporary folder.
    """
    try:
        stat = os.statvfs(shm)
    except (OSError, AttributeError):  # no /dev/shm (macOS), or no statvfs (Windows)
        return None
    free = stat.f_bavail * stat.f_frsize
    return shm if free >= 4 * expected_bytes and os.access(shm, os.W_OK) else None


DOCUMENT_KIND = "search-document"  # build-cache kind: digest of a release page's document
_HEX_DIGEST = re.compile(rb"[0-9a-f]{64}")

PRIMARY = "paginas"  # the bundle at ``pagefind/`` (content pages); releases by period below it
BUNDLE_KIND = "search"
_ORIGIN = "search:"  # + bundle key (kept_output)
_DONE = ".pregon-bundle"  # last file of a complete cached bundle: every file's SHA-256


class SearchIndex:
    """The indexed pages of one build, handed to Pagefind as small documents, one bundle per group.

    Releases go in one bundle per period (``pagefind/2025/``, ``pagefind/2026-t4/``: see
    :mod:`.search_periods`) and the other pages in the primary bundle (``pagefind/``); the search
    page merges them in the browser (``mergeIndex``). A new release changes its period's bundle
    only: with a :class:`BuildCache`, every other bundle is copied from the cache, so Pagefind's
    time and memory follow the period, not the archive.
    Bundles are made reproducible (:mod:`pregon.plugins.pagefind_canon`), so a warm build's
    index is byte for byte a clean build's.
    """

    def __init__(
        self, lang: str = "es", expected_bytes: int = 0, cache: BuildCache | None = None, kept: KeptOutput | None = None
    ) -> None:
        self.lang = lang
        self.cache = cache
        self.kept = kept  # the previous build's bundles, put back when their key is the same
        # Removed by ``finish``/``abort``, or when the object is collected if the build dies first.
        self._work = tempfile.TemporaryDirectory(prefix="pregon-search-", dir=scratch_dir(expected_bytes))
        self._dirs: set[str] = set()  # folders already made: one mkdir per folder, not per page
        self._groups: dict[str, list[tuple[str, str]]] = {}  # group → (dest_uri, sha256 of document)
        # The documents themselves hold only references to page bodies already in memory; their
        # HTML is made again for the groups Pagefind must index, and never for the cached ones.
        self._documents: dict[str, list[Document | LazyRelease]] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._running: _Indexing | None = None
        self._aborted = False
        self.pages = 0
        self.built: list[str] = []  # groups Pagefind indexed in this build (the others came from the cache)
        self.launched: list[subprocess.Popen[bytes]] = []

    def add(self, document: Document, group: str = PRIMARY) -> str:
        """Count ``document`` in ``group``; it is written for Pagefind only if its bundle is not
        cached. Returns the digest of what Pagefind reads of it."""
        sha = digest(document.html(self.lang))
        self._groups.setdefault(group, []).append((document.dest_uri, sha))
        self._documents.setdefault(group, []).append(document)
        self.pages += 1
        return sha

    def add_release(self, page: Page, entry: Entry, group: str, page_key: str | None) -> None:
        """Count a release's page in ``group``. Its document's digest is kept in the build cache
        under the page's key (which covers everything the document shows), so an unchanged page
        costs a lookup, and its document is made only if its bundle is indexed again."""
        if self.cache is None or page_key is None:
            self.add(release_document(page, entry), group)
            return
        key = digest(DOCUMENT_KIND, page_key, self.lang)
        known = self.cache.get(DOCUMENT_KIND, key)
        if known is not None and _HEX_DIGEST.fullmatch(known):
            self._groups.setdefault(group, []).append((page.file.dest_uri, known.decode("ascii")))
            self._documents.setdefault(group, []).append(LazyRelease(page, entry))
            self.pages += 1
            return
        sha = self.add(release_document(page, entry), group)
        self.cache.put(DOCUMENT_KIND, key, sha.encode("ascii"))

    def _write(self, group: str) -> None:
        """The documents of ``group`` as files, where Pagefind reads them."""
        for document in self._documents.get(group, ()):
            target = os.path.join(self._work.name, group, document.dest_uri)
            folder = os.path.dirname(target)
            if folder not in self._dirs:
                os.makedirs(folder, exist_ok=True)
                self._dirs.add(folder)
            with open(target, "w", encoding="utf-8") as out:
                out.write(document.html(self.lang))

    def bundles(self) -> dict[str, str]:
        """Group → bundle path under the site root; the primary one first."""
        others = sorted((g for g in self._groups if g != PRIMARY), key=search_periods.start, reverse=True)
        groups = ([PRIMARY] if PRIMARY in self._groups else []) + others
        if not groups:
            return {}
        return {g: BUNDLE_DIR + "/" + ("" if i == 0 else g + "/") for i, g in enumerate(groups)}

    def _key(self, group: str) -> str:
        documents = sorted(self._groups[group])
        return digest(
            "search",
            _pagefind_version(),
            self.lang,
            ",".join(EXCLUDED),
            *(f"{uri}\0{sha}" for uri, sha in documents),
        )

    def start(self, site_dir: str | Path) -> None:
        """Index (or copy from the cache) every bundle in the background, into ``site_dir/pagefind/``."""
        output = Path(site_dir) / BUNDLE_DIR
        if self.kept is None:
            # Pagefind writes into a fresh folder; a stale index from an earlier build would mix in.
            # (With the kept output, files of no bundle of this build are deleted at its end.)
            shutil.rmtree(output, ignore_errors=True)
        if self.pages == 0:
            return
        self._site = Path(site_dir)
        plan = [(group, self._site / path, self._key(group)) for group, path in self.bundles().items()]
        self._thread = threading.Thread(target=self._run, args=(plan,), name="pregon-search", daemon=True)
        self._thread.start()

    def _run(self, plan: list[tuple[str, Path, str]]) -> None:
        try:
            for group, target, key in plan:
                if self._aborted:
                    return
                self._bundle(group, target, key)
        except BaseException as exc:
            self._error = exc

    def _bundle(self, group: str, target: Path, key: str) -> None:
        cached = self.cache.folder(BUNDLE_KIND, key) if self.cache else None
        if self.kept is not None and self.kept.place_group(_ORIGIN + key):
            return
        if cached is not None and _complete(cached):
            self._record(target, key, _copy_bundle(cached, target))
            return
        fresh = Path(self._work.name) / f"bundle-{group}"
        self._write(group)
        self._running = _Indexing.launch(Path(self._work.name) / group, fresh)
        self.launched.append(self._running.process)
        self._running.wait(TIMEOUT)
        self._running = None
        self.built.append(group)
        try:
            canonicalize(fresh)
        except (UnknownFormat, OSError, ValueError) as exc:
            log.info("pregon: el índice de búsqueda «%s» queda como lo escribió Pagefind: %s", group, exc)
        self._record(target, key, _copy_bundle(fresh, target))
        if cached is not None:
            _store_bundle(fresh, cached)

    def _record(self, target: Path, key: str, copied: list[str]) -> None:
        """Tell the kept output which files make up the bundle ``key`` (all of them, or none, is put back)."""
        if self.kept is None:
            return
        folder = target.relative_to(self._site).as_posix().rstrip("/")
        self.kept.wrote_group((f"{folder}/{path}" for path in copied), _ORIGIN + key)

    def finish(self) -> None:
        """Wait for the bundles started by :meth:`start`, then drop the documents."""
        try:
            if self.pages == 0:
                log.warning("pregon: ninguna página para indexar; el sitio queda sin búsqueda")
            elif self._thread is not None:
                self._thread.join()
                if isinstance(self._error, PluginError):
                    raise self._error
                if self._error is not None:
                    raise PluginError(f"pregon: no se pudo crear el índice de búsqueda: {self._error}")
        finally:
            self._thread = None
            self._documents.clear()
            self._work.cleanup()

    def abort(self) -> None:
        """The build failed: stop Pagefind if it runs and drop the documents."""
        self._aborted = True
        running = self._running
        if running is not None:
            running.kill()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._running = None
        self._work.cleanup()

    def build(self, site_dir: str | Path) -> None:
        """Index and wait, in one step."""
        self.start(site_dir)
        self.finish()


@functools.cache
def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "?"


def _files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != _DONE)


def _store_bundle(fresh: Path, cached: Path) -> None:
    """Copy a bundle into the cache; the marker, written last, lists every file's digest."""
    try:
        shutil.rmtree(cached, ignore_errors=True)
        shutil.copytree(fresh, cached)
        listing = {p.relative_to(cached).as_posix(): digest(p.read_bytes()) for p in _files(cached)}
        (cached / _DONE).write_text(json.dumps(listing, sort_keys=True), encoding="utf-8")
    except OSError as exc:  # a full disk costs speed next time, not this build
        log.warning("pregon: no se pudo guardar el índice de búsqueda en el caché: %s", exc)
        shutil.rmtree(cached, ignore_errors=True)


def _complete(cached: Path) -> bool:
    """A cached bundle counts only if every file it listed is there with the same bytes."""
    try:
        listing = json_loads((cached / _DONE).read_text(encoding="utf-8"))
        files = _files(cached)
        ok = isinstance(listing, dict) and sorted(listing) == [p.relative_to(cached).as_posix() for p in files]
        ok = ok and all(listing[p.relative_to(cached).as_posix()] == digest(p.read_bytes()) for p in files)
    except (OSError, ValueError):
        ok = False
    if not ok and cached.exists():
        log.info("pregon: índice de búsqueda del caché incompleto o dañado; se vuelve a crear")
        shutil.rmtree(cached, ignore_errors=True)
    return ok


def _copy_bundle(source: Path, target: Path) -> list[str]:
    """Copy a bundle's files; their paths under ``target``."""
    copied = []
    for path in _files(source):
        relative = path.relative_to(source).as_posix()
        dest = target / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        copied.append(relative)
    return copied


class _Indexing:
    """One Pagefind run, from the binary shipped by the ``pagefind[bin]`` wheel (works offline)."""

    def __init__(self, process: subprocess.Popen[bytes], log_file: IO[bytes]) -> None:
        self.process = process
        self.log_file = log_file

    @classmethod
    def launch(cls, documents: str | Path, output: Path) -> _Indexing:
        log_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by wait() or kill()
        shutil.rmtree(output, ignore_errors=True)
        try:
            process = subprocess.Popen(_command(documents, output), stdout=log_file, stderr=subprocess.STDOUT)
        except OSError as exc:
            log_file.close()
            raise PluginError(f"pregon: no se pudo crear el índice de búsqueda con Pagefind: {exc}") from None
        return cls(process, log_file)

    def wait(self, timeout: float) -> None:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise PluginError(f"pregon: Pagefind no terminó el índice de búsqueda en {timeout:.0f} s") from None
        self.log_file.seek(0)
        detail = self.log_file.read().decode("utf-8", "replace").strip()
        self.log_file.close()
        if code != 0:
            raise PluginError(f"pregon: Pagefind no pudo crear el índice de búsqueda:\n{detail}")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.log_file.close()


def _command(documents: str | Path, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(documents),
        "--output-path",
        str(output.resolve()),
        "--exclude-selectors",
        ", ".join(EXCLUDED),
        "--silent",
    ]


def build_index(site_dir: str | Path, *, output: Path | None = None, timeout: float = TIMEOUT) -> None:
    """Index the HTML under ``site_dir`` into ``output`` (default ``site_dir/pagefind/``), waiting.

    Only ``data-pagefind-body`` elements are indexed when a page has one. Raises ``PluginError``
    with Pagefind's own message when indexing fails.
    """
    target = Path(output) if output else Path(site_dir) / BUNDLE_DIR
    _Indexing.launch(site_dir, target).wait(timeout)
