"""Generated listing pages: home, all releases (paginated), archive, dependencias.

Each view is a real MkDocs page (``File.generated``) rendered by a template in
``theme/pregon/``; the plugin hands the view to the template in ``on_page_context``.
Listings only slice lists built once per build, so their cost is linear in the number of pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from pregon.calendar_es import month_and_year

from .catalog import Catalog, Entry


@dataclass
class View:
    """What one generated page shows."""

    kind: str  # home | list | archive | year | month | dependencias | dependencia
    src_uri: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    featured: list[Entry] = field(default_factory=list)
    # Numbered from the oldest (0: the first page, with the latest); no page shows the total,
    # which would change every page of the archive with every new release.
    page: int = 0
    previous: str | None = None  # site-relative URLs of the neighbour pages
    next: str | None = None
    # archive/dependencias summaries
    groups: list[dict[str, Any]] = field(default_factory=list)
    dependencia: str | None = None
    feeds: dict[str, str] = field(default_factory=dict)
    list_url: str | None = None  # home: the full list; dependencia: the archive
    total: int = 0  # releases of a dependencia, when the page shows only the latest


def _paginate(kind: str, base: str, title: str, entries: list[Entry], per_page: int) -> list[View]:
    """``base/index.md`` with the latest ``per_page`` entries, then ``base/pagina/<n>/index.md``.

    Numbered pages are counted from the OLDEST release and hold exactly ``per_page`` each, so a
    new release changes the first page only (and, once in every ``per_page`` releases, adds a
    page and the link to it from the one before): the archive's pages stay as they were, and a
    warm build serves them from the cache. ``entries`` is newest first, and so is every page.
    """
    full = len(entries) // per_page  # complete pages, oldest first
    numbered = [entries[len(entries) - n * per_page : len(entries) - (n - 1) * per_page] for n in range(1, full + 1)]
    # The first page shows the latest ``per_page``; its "older" link skips a page it shows whole.
    newest_beyond = full if len(entries) % per_page else full - 1
    urls = {n: f"{base}/pagina/{n}/" for n in range(1, full + 1)}
    views = [
        View(
            kind,
            f"{base}/index.md",
            title,
            entries[:per_page],
            page=0,
            next=urls.get(newest_beyond),
        )
    ]
    for n, chunk in enumerate(numbered, start=1):
        views.append(
            View(
                kind,
                f"{base}/pagina/{n}/index.md",
                f"{title} (página {n})",
                chunk,
                page=n,
                previous=urls.get(n + 1, f"{base}/"),
                next=urls.get(n - 1),
            )
        )
    return views


def build_views(
    catalog: Catalog,
    *,
    per_page: int,
    home_latest: int,
    feeds: dict[str, dict[str, str]],
) -> list[View]:
    """Every listing page of the site, from the catalog's listed entries."""
    listed = catalog.listed
    base = catalog.rules.releases_dir
    views = [
        View(
            "home",
            "index.md",
            "Inicio",
            listed[:home_latest],
            featured=[e for e in listed if e.featured],
            list_url=f"{base}/",
        )
    ]
    views += _paginate("list", base, "Comunicados de prensa", listed, per_page)

    by_month: dict[int, dict[int, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in listed:
        by_month[e.release.date.year][e.release.date.month].append(e)
    years = []
    for year in sorted(by_month, reverse=True):
        months = [
            {
                "title": month_and_year(year, m).capitalize(),
                "url": f"{base}/{year}/{m:02d}/",
                "count": len(by_month[year][m]),
            }
            for m in sorted(by_month[year], reverse=True)
        ]
        years.append(
            {
                "title": str(year),
                "url": f"{base}/{year}/",
                "count": sum(len(by_month[year][m]) for m in by_month[year]),
                "months": months,
            }
        )
        views.append(
            View(
                "year",
                f"{base}/{year}/index.md",
                f"Comunicados de {year}",
                groups=months,
            )
        )
        for m in sorted(by_month[year]):
            views.append(
                View(
                    "month",
                    f"{base}/{year}/{m:02d}/index.md",
                    f"Comunicados de {month_and_year(year, m)}",
                    by_month[year][m],
                )
            )
    views.append(
        View(
            "archive",
            f"{base}/archivo/index.md",
            "Archivo de comunicados",
            groups=years,
        )
    )

    groups = catalog.by_dependencia()
    summary = []
    for slug, name in catalog.rules.dependencias.items():
        entries = groups.get(slug, [])
        summary.append(
            {
                "title": name,
                "url": f"dependencias/{slug}/",
                "count": len(entries),
                "feeds": feeds.get(slug, {}),
            }
        )
        # One page per dependencia with its latest releases; older ones are in the archive, in
        # its feeds and in search (filter by dependencia). Paginating every dependencia too would
        # repeat the whole archive once more and add as many pages to every build.
        views.append(
            View(
                "dependencia",
                f"dependencias/{slug}/index.md",
                name,
                entries[:per_page],
                dependencia=slug,
                feeds=feeds.get(slug, {}),
                total=len(entries),
                list_url=f"{base}/archivo/",
            )
        )
    views.append(View("dependencias", "dependencias/index.md", "Dependencias", groups=summary))
    return views


def add_view_files(views: list[View], files: Files, config: MkDocsConfig) -> dict[str, View]:
    """Add a generated page per view (an existing file with that path keeps its text); map src_uri → view."""
    by_uri: dict[str, View] = {}
    for view in views:
        if files.get_file_from_path(view.src_uri) is None:
            files.append(File.generated(config, view.src_uri, content=""))
        by_uri[view.src_uri] = view
    return by_uri


def share_links(url: str, title: str) -> list[dict[str, str]]:
    """Share links for a release page; each network's documented share URL, no scripts."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        {
            "network": "facebook",
            "label": "Facebook",
            "href": f"https://www.facebook.com/sharer/sharer.php?u={u}",
        },
        {
            "network": "x",
            "label": "X",
            "href": f"https://x.com/intent/post?url={u}&text={t}",
        },
        {
            "network": "linkedin",
            "label": "LinkedIn",
            "href": f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
        },
        {
            "network": "whatsapp",
            "label": "WhatsApp",
            "href": f"https://wa.me/?text={t}%20{u}",
        },
        {
            "network": "telegram",
            "label": "Telegram",
            "href": f"https://t.me/share/url?url={u}&text={t}",
        },
        {
            "network": "email",
            "label": "Correo electrónico",
            "href": f"mailto:?subject={t}&body={u}",
        },
    ]
