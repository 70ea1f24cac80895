"""Site search that stays light as the archive grows: a chunked Pagefind index of the built site.

Material's own search ships one JSON index of every page (27 MB at 4,000 releases), downloaded
whole on the first query. Pagefind splits the index into small chunks keyed by word, so a query
fetches only the chunks of its words and the excerpts of the results it shows.

The index is built from the rendered HTML after the build (``build_index`` from the plugin's
``on_post_build``). Only elements marked ``data-pagefind-body`` are indexed; ``main.html`` puts
that mark on the article of release and content pages, never on listings or on the site chrome.
The search page (``buscar/``) is a generated page rendered by ``buscar.html``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SEARCH_PAGE = "buscar.md"
BUNDLE_DIR = "pagefind"  # site path of the index and of Pagefind's UI scripts

# Parts of indexed pages that are not what a citizen searches for: share buttons, the date line
# (it would fill result excerpts) and Markdown's permalink anchors.
EXCLUDED = (".pregon-share", ".pregon-release__meta", ".headerlink")

# Front matter of the generated search page: its own template, and never in the index itself.
_SEARCH_PAGE_SOURCE = (
    "---\ntitle: Buscar\ntemplate: buscar.html\nsearch:\n  exclude: true\n---\n"
)


def add_search_page(files: Files, config: MkDocsConfig) -> None:
    """Add the search page unless the site already has its own ``buscar.md``."""
    if files.get_file_from_path(SEARCH_PAGE) is None:
        files.append(File.generated(config, SEARCH_PAGE, content=_SEARCH_PAGE_SOURCE))


def build_index(site_dir: str | Path, *, timeout: float = 600) -> None:
    """Write the Pagefind index and UI bundle into ``site_dir/pagefind/``.

    Runs the Pagefind binary shipped by the ``pagefind[bin]`` wheel (no download, works offline).
    Raises ``PluginError`` with Pagefind's own message when indexing fails.
    """
    cmd = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--exclude-selectors",
        ", ".join(EXCLUDED),
        "--silent",
    ]
    try:
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PluginError(
            f"pregon: no se pudo crear el índice de búsqueda con Pagefind: {exc}"
        ) from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise PluginError(
            f"pregon: Pagefind no pudo crear el índice de búsqueda:\n{detail}"
        )
