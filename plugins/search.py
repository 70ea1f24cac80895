"""Site search that stays light as the archive grows: a chunked Pagefind index of the built site.

Material's own search ships one JSON index of every page (27 MB at 4,000 releases), downloaded
whole on the first query. Pagefind splits the index into small chunks keyed by word, so a query
fetches only the chunks of its words and the excerpts of the results it shows.

What is indexed is decided here, not read back from the rendered pages: release and content
pages (title, dependencia, summary, live updates and body), never listings (they repeat
summaries), expired releases, the search page or pages with ``search: {exclude: true}``.
Once MkDocs has converted every page's Markdown (``on_env``), the plugin writes one small
document per indexed page and :meth:`SearchIndex.start` launches Pagefind on them in the
background, so the index is built on another core while MkDocs renders the templates;
:meth:`SearchIndex.finish` (``on_post_build``) waits for it. The search page (``buscar/``) is a
generated page rendered by ``buscar.html``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import IO

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

from .catalog import Entry

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


@dataclass(frozen=True)
class Document:
    """What the index knows of one page. HTML fields are trusted (rendered by Markdown)."""

    dest_uri: str  # as in ``File.dest_uri``, e.g. prensa/2026/04/vacunacion/index.html
    title: str  # plain text
    body_html: str
    lead: Iterable[str] = ()  # plain-text paragraphs before the body (summary, live updates)
    image: str | None = None  # URL relative to the page, as the page itself links it
    image_alt: str = ""
    dependencia: str | None = None  # a filter in the search page

    def html(self, lang: str) -> str:
        # The dependencia's own paragraph is the filter value (an inline ``key:value`` would split
        # names with commas), and searchable text too.
        kicker = ""
        if self.dependencia:
            kicker = f'<p data-pagefind-filter="dependencia">{escape(self.dependencia)}</p>'
        image = ""
        if self.image:
            image = f'<img src="{escape(self.image)}" alt="{escape(self.image_alt)}">'
        lead = "".join(f"<p>{escape(p)}</p>" for p in self.lead)
        return (
            f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8"></head><body>'
            f"<article data-pagefind-body><h1>{escape(self.title)}</h1>"
            f"{kicker}{lead}{image}{self.body_html}</article></body></html>"
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


class SearchIndex:
    """The indexed pages of one build, handed to Pagefind as small documents."""

    def __init__(self, lang: str = "es", expected_bytes: int = 0) -> None:
        self.lang = lang
        # Removed by ``finish``/``abort``, or when the object is collected if the build dies first.
        self._work = tempfile.TemporaryDirectory(prefix="pregon-search-", dir=scratch_dir(expected_bytes))
        self._dirs: set[str] = set()  # folders already made: one mkdir per folder, not per page
        self._running: _Indexing | None = None
        self.pages = 0

    def add(self, document: Document) -> None:
        target = os.path.join(self._work.name, document.dest_uri)
        folder = os.path.dirname(target)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        with open(target, "w", encoding="utf-8") as out:
            out.write(document.html(self.lang))
        self.pages += 1

    def start(self, site_dir: str | Path) -> None:
        """Launch Pagefind in the background; the index lands in ``site_dir/pagefind/``."""
        if self.pages == 0:
            return
        self._running = _Indexing.launch(self._work.name, Path(site_dir) / BUNDLE_DIR)

    def finish(self) -> None:
        """Wait for the index started by :meth:`start`, then drop the documents."""
        try:
            if self.pages == 0:
                log.warning("pregon: ninguna página para indexar; el sitio queda sin búsqueda")
            elif self._running is not None:
                self._running.wait(TIMEOUT)
        finally:
            self._running = None
            self._work.cleanup()

    def abort(self) -> None:
        """The build failed: stop Pagefind if it runs and drop the documents."""
        if self._running is not None:
            self._running.kill()
            self._running = None
        self._work.cleanup()

    def build(self, site_dir: str | Path) -> None:
        """Index and wait, in one step."""
        self.start(site_dir)
        self.finish()


class _Indexing:
    """One Pagefind run, from the binary shipped by the ``pagefind[bin]`` wheel (works offline)."""

    def __init__(self, process: subprocess.Popen[bytes], log_file: IO[bytes]) -> None:
        self.process = process
        self.log_file = log_file

    @classmethod
    def launch(cls, documents: str | Path, output: Path) -> _Indexing:
        log_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by wait() or kill()
        # Pagefind writes into a fresh folder; a stale index from an earlier build would mix in.
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
