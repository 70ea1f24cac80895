"""Site search in the browser: Pagefind's index and UI, in Spanish, offline, and under a sub-path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Offsite, new_page
from tests.conftest import ROOT, build_site, free_port, serve_directory

KNOWN_TITLE = "Vecinos y estudiantes siembran 2.000 árboles en la ribera"
KNOWN_PATH = "prensa/2026/04/siembra-arboles-ribera/"


PAGE_SIZE = 5  # results Pagefind's UI shows before "Ver más resultados"
DEPENDENCIAS = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["plugins"][0][
    "pregon"
]["dependencias"]
VACCINATION = "Jornada de vacunación gratuita en barrios y veredas"


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


def settled_results(page: Page):
    """The result links once Pagefind has rendered all it announced (up to its first 5).

    Results render just after the count message: wait for the count the message gives (locator
    assertions, not wait_for_function: the portal's CSP forbids evaluating strings)."""
    message = page.locator(".pagefind-ui__message")
    expect(message).to_have_text(re.compile(r"^(\d+) resultados? encontrados?|^No se encontraron"), timeout=10_000)
    count = re.match(r"\d+", message.inner_text())
    expect(results(page)).to_have_count(min(int(count.group()), PAGE_SIZE) if count else 0)
    return results(page)


def test_listings_expired_releases_and_the_editors_guide_are_not_indexed(page: Page, served_site: str) -> None:
    page.goto(served_site + "buscar/?q=vacunaci%C3%B3n")
    hrefs = settled_results(page).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # The vaccination release expired in March, listings only repeat summaries, and the editors'
    # guide (whose examples speak of vaccination) is the office's, not the citizens'.
    assert not [
        h
        for h in hrefs
        if "vacunacion" in h or "/pagina/" in h or h.rstrip("/").endswith(("prensa", "2026")) or "guia" in h
    ], hrefs


def test_filter_panel_lists_every_dependencia_unfolded(page: Page, served_site: str, screenshot) -> None:
    page.goto(served_site + "buscar/?q=r%C3%ADo")
    settled_results(page)
    panel = page.locator(".pagefind-ui__filter-panel")
    for name in DEPENDENCIAS.values():
        # Salud has no release in force: its page keeps it in the filter all the same.
        expect(panel.get_by_label(re.compile(re.escape(name)))).to_be_visible()
    expect(panel.get_by_label(re.compile(r"Secretaría de Ambiente \(1\)"))).to_be_visible()
    screenshot(page, "busqueda-filtros")


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


@pytest.fixture(scope="module")
def february_site(tmp_path_factory: pytest.TempPathFactory):
    """The example in February, while the vaccination release is in force, with a content page that
    talks about vaccination at length and the editors' guide back in the index (as an office
    that did not take it out would have it)."""
    root = tmp_path_factory.mktemp("february")
    project = root / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "content", "records"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    guide = project / "content/guia/index.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("search:\n  exclude: true\n", ""), encoding="utf-8")
    (project / "content/vacunas.md").write_text(
        "# Preguntas frecuentes sobre vacunación\n\n"
        + "La vacunación protege a su familia. Pregunte por la vacunación en el puesto de salud. " * 6
        + "\n",
        encoding="utf-8",
    )
    port = free_port()
    result = build_site(root / "site", f"http://127.0.0.1:{port}/", project=project, now="2026-02-15T10:00:00-05:00")
    assert result.returncode == 0, result.stderr[-3000:]
    with serve_directory(root / "site", port) as url:
        yield url


def test_a_release_ranks_before_content_pages_without_yaml_in_excerpts(
    browser: Browser, february_site: str, offsite: Offsite, tmp_path: Path
) -> None:
    page = new_page(browser, offsite, now="2026-02-15T10:00:00-05:00")
    try:
        page.goto(february_site + "buscar/?q=vacunacion")
        links = settled_results(page)
        titles = links.all_inner_texts()
        assert titles[0] == VACCINATION, titles
        assert "Preguntas frecuentes sobre vacunación" in titles  # found, after the release
        page.screenshot(path=str(tmp_path / "busqueda-vacunacion.png"), full_page=True)
        for excerpt in page.locator(".pagefind-ui__result-excerpt").all_inner_texts():
            assert not re.search(r"\b(summary|dependencia|tags|image_alt|title):", excerpt), excerpt
    finally:
        page.context.close()
