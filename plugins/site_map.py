"""The human site map (``mapa-del-sitio/``): the portal's sections, dependencias, years and feeds.

The footer's "Mapa del sitio" leads here; ``sitemap.xml`` is for search engines. The page is
written as Markdown that links to the pages' sources, so MkDocs checks every link (a broken one
fails a strict build) and writes each address for the site's own URL layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from .pages import View

SITE_MAP_PAGE = "mapa-del-sitio.md"


def _nav_pages(nav: Any) -> Iterable[tuple[str, str]]:
    """(title, source path) of the pages in mkdocs.yml's ``nav``, in order."""
    for item in nav or []:
        if isinstance(item, dict):
            for title, target in item.items():
                if isinstance(target, str):
                    if "://" not in target:
                        yield str(title), target
                else:
                    yield from _nav_pages(target)


def site_map_markdown(site_name: str, views: Iterable[View], nav: Any, feeds: dict[str, str], search_page: str) -> str:
    views = list(views)
    by_kind = {v.kind: v for v in views if v.kind in ("home", "archive", "dependencias")}
    lists = sorted((v for v in views if v.kind == "list"), key=lambda v: v.page, reverse=True)
    sections = []
    if "home" in by_kind:
        sections.append(("Inicio", by_kind["home"].src_uri))
    if lists:
        sections.append(("Comunicados de prensa (los más recientes primero)", lists[0].src_uri))
    if "archive" in by_kind:
        sections.append(("Archivo de comunicados por año y mes", by_kind["archive"].src_uri))
    if "dependencias" in by_kind:
        sections.append(("Dependencias", by_kind["dependencias"].src_uri))
    sections.append(("Buscar en el portal", search_page))
    listed = {path for _, path in sections}
    others = [(t, p) for t, p in _nav_pages(nav) if p not in listed]

    def items(rows: Iterable[tuple[str, str]]) -> str:
        return "".join(f"- [{_text(title)}]({path})\n" for title, path in rows)

    years = [(v.title.removeprefix("Comunicados de "), v.src_uri) for v in views if v.kind == "year"]
    dependencias = [(v.title, v.src_uri) for v in views if v.kind == "dependencia"]
    labels = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
    parts = [
        "---\ntitle: Mapa del sitio\nsearch:\n  exclude: true\n---\n\n",
        "# Mapa del sitio\n\n",
        f"Todas las secciones del portal de {_text(site_name)}.\n\n",
        "## Secciones\n\n",
        items(sections),
    ]
    if others:
        parts += ["\n## Otras páginas\n\n", items(others)]
    if dependencias:
        parts += ["\n## Dependencias\n\n", items(dependencias)]
    if years:
        parts += ["\n## Comunicados por año\n\n", items(years)]
    parts += [
        "\n## Suscripción a los comunicados\n\n",
        "".join(f"- [{labels[k]}]({url})\n" for k, url in feeds.items()),
    ]
    return "".join(parts)


def _text(value: str) -> str:
    """Markdown-safe link text (no markup, no brackets that would end the link)."""
    return "".join("\\" + c if c in "\\`*_[]<>#!|" else c for c in value)


def add_site_map(
    files: Files, config: MkDocsConfig, views: Iterable[View], feeds: dict[str, str], search_page: str
) -> None:
    """Add the page unless the site has its own ``mapa-del-sitio.md``."""
    if files.get_file_from_path(SITE_MAP_PAGE) is None:
        content = site_map_markdown(config.site_name, views, config.nav, feeds, search_page)
        files.append(File.generated(config, SITE_MAP_PAGE, content=content))
