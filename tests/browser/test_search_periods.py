"""Search across periods: each past year of releases is its own Pagefind bundle, the newest year
one per quarter (its first semester one bundle once closed), merged in the browser.

A copy of the example project gets a release from 2025; a query whose words are in releases of
both years lists both, the dependencia filter still works across bundles, and the bundles the
search page merges are those the build wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import Offsite, new_page
from tests.conftest import build_site, free_port, serve_directory

OLD_TITLE = "Siembra de árboles en la ribera de la quebrada El Cedral"
NEW_TITLE = "Vecinos y estudiantes siembran 2.000 árboles en la ribera"


def add_2025_release(project: Path) -> None:
    folder = project / "content" / "prensa" / "2025" / "09"
    folder.mkdir(parents=True)
    image = project / "content" / "prensa" / "2026" / "04" / "siembra-arboles-ribera.jpg"
    (folder / "siembra-quebrada.jpg").write_bytes(image.read_bytes())
    (folder / "siembra-quebrada.md").write_text(
        f"---\ntitle: {OLD_TITLE}\ndate: 2025-09-12 10:00\n"
        "summary: Voluntarios plantaron guaduas y nogales en la ribera de la quebrada.\n"
        "dependencia: ambiente\nimage: siembra-quebrada.jpg\n"
        "image_alt: Voluntarios plantan árboles junto a una quebrada.\n---\n\n"
        "La jornada de siembra en la ribera reunió a cien voluntarios.\n",
        encoding="utf-8",
    )


def test_one_query_finds_releases_of_several_years(
    browser: Browser, project_copy: Path, offsite: Offsite, tmp_path: Path
) -> None:
    add_2025_release(project_copy)
    port = free_port()
    site = tmp_path / "site"
    result = build_site(site, f"http://127.0.0.1:{port}/", project=project_copy)
    assert result.returncode == 0, result.stderr
    assert (site / "pagefind" / "2025" / "pagefind-entry.json").exists()
    assert (site / "pagefind" / "2026-s1" / "pagefind-entry.json").exists()  # April's release: a closed semester
    with serve_directory(site, port) as url:
        page = new_page(browser, offsite)
        try:
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(url + "buscar/?q=siembra%20ribera")
            links = page.locator(".pagefind-ui__result-link")
            expect(links.filter(has_text=OLD_TITLE)).to_be_visible(timeout=10_000)
            expect(links.filter(has_text=NEW_TITLE)).to_be_visible(timeout=10_000)
            assert links.filter(has_text=OLD_TITLE).get_attribute("href") == "/prensa/2025/09/siembra-quebrada/"
            # The primary bundle, one per older year, then 2026's first semester, third and open
            # fourth quarter (the newest release is from November), all from this site.
            entries = [u for u in requested if "pagefind-entry.json" in u]
            bundles = sorted({re.sub(r"pagefind-entry\.json.*$", "", u).removeprefix(url) for u in entries})
            periods = ["pagefind/2026-s1/", "pagefind/2026-t3/", "pagefind/2026-t4/"]
            assert bundles == ["pagefind/", "pagefind/2025/", *periods], entries
            # The filter spans bundles: both releases are Secretaría de Ambiente's.
            page.get_by_label(re.compile("Secretaría de Ambiente")).check()
            expect(links).to_have_count(2, timeout=5_000)
            assert offsite.urls == []
        finally:
            page.context.close()
