"""Site search in the browser: Pagefind's index and UI, in Spanish, offline, and under a sub-path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Offsite, new_page
from tests.conftest import build_site, free_port, serve_directory

KNOWN_TITLE = "Vecinos y estudiantes siembran 2.000 árboles en la ribera"
KNOWN_PATH = "prensa/2026/04/siembra-arboles-ribera/"


def results(page: Page):
    return page.locator(".pagefind-ui__result-link")


def test_header_search_finds_a_release_by_spanish_words(
    page: Page, served_site: str, offsite: Offsite, screenshot
) -> None:
    page.goto(served_site)
    # No search code or index on ordinary pages: the first query is the first download.
    assert (
        page.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/pagefind/')).length") == 0
    )
    page.get_by_role("searchbox", name="Buscar en el portal").fill("arboles sembrados en la ribera")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/buscar/\?q="))
    expect(results(page).first).to_be_visible(timeout=10_000)
    shot = screenshot(page, "busqueda")
    titles = results(page).all_inner_texts()
    assert KNOWN_TITLE in titles, f"títulos: {titles}; captura: {shot}"
    link = results(page).filter(has_text=KNOWN_TITLE).first
    assert link.get_attribute("href") == "/" + KNOWN_PATH
    expect(page.get_by_text(re.compile(r"resultados? encontrados? para"))).to_be_visible()  # UI in Spanish
    assert offsite.urls == []


def test_listings_and_expired_releases_are_not_indexed(page: Page, served_site: str) -> None:
    page.goto(served_site + "buscar/?q=vacunaci%C3%B3n")
    # A locator assertion, not wait_for_function: the portal's CSP forbids evaluating strings.
    expect(page.locator(".pagefind-ui__message")).not_to_be_empty(timeout=10_000)
    page.wait_for_timeout(300)  # results render just after the count message
    hrefs = results(page).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # The vaccination release expired in March and listings only repeat summaries.
    assert not [
        h for h in hrefs if "vacunacion" in h or "/pagina/" in h or h.rstrip("/").endswith(("prensa", "2026"))
    ], hrefs


def test_filter_by_dependencia(page: Page, served_site: str) -> None:
    page.goto(served_site + "buscar/?q=r%C3%ADo")
    expect(results(page).first).to_be_visible(timeout=10_000)
    page.get_by_label(re.compile("Secretaría de Ambiente")).check()
    expect(results(page)).to_have_text([KNOWN_TITLE], timeout=5_000)


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory):
    """The example site built for, and served under, ``/portal/`` (as on many entities' servers)."""
    port = free_port()
    root = tmp_path_factory.mktemp("subpath")
    result = build_site(root / "portal", f"http://127.0.0.1:{port}/portal/")
    assert result.returncode == 0, result.stderr
    with serve_directory(root, port) as url:
        yield url + "portal/"
    shutil.rmtree(root, ignore_errors=True)


def test_search_works_on_a_site_served_from_a_sub_path(
    browser: Browser, subpath_site: str, offsite: Offsite, tmp_path: Path
) -> None:
    page = new_page(browser, offsite)
    try:
        page.goto(subpath_site + "prensa/")
        page.get_by_role("searchbox", name="Buscar en el portal").fill("ribera")
        page.keyboard.press("Enter")
        expect(results(page).first).to_be_visible(timeout=10_000)
        link = results(page).filter(has_text=KNOWN_TITLE).first
        assert link.get_attribute("href") == "/portal/" + KNOWN_PATH
        link.click()
        expect(page.locator("h1")).to_have_text(KNOWN_TITLE)
        assert offsite.urls == []
    finally:
        page.context.close()
