"""Site chrome in a real browser: GOV.CO bars, entity footer, announcement, accessibility, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Offsite, new_page
from tests.conftest import ROOT, build_site, free_port, serve_directory

RELEASE = "prensa/2026/04/siembra-arboles-ribera/"


def entity() -> dict:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return next(p["pregon"] for p in config["plugins"] if isinstance(p, dict) and "pregon" in p)


def test_home_has_govco_top_bar_first_and_entity_footer(
    page: Page, served_site: str, offsite: Offsite, screenshot
) -> None:
    page.goto(served_site)
    shot = screenshot(page, "inicio")
    top = page.locator(".pregon-govco").first
    expect(top.get_by_role("link", name=re.compile("GOV.CO"))).to_have_attribute("href", "https://www.gov.co/")
    # The top bar comes before the entity's header (only the skip link precedes it).
    order = page.evaluate("""() => {
        const bar = document.querySelector('.pregon-govco'), header = document.querySelector('header.md-header');
        return bar.compareDocumentPosition(header) & Node.DOCUMENT_POSITION_FOLLOWING;
    }""")
    assert order, f"la barra GOV.CO debe ir antes de la cabecera; captura: {shot}"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.pregon-govco')).backgroundColor")
        == "rgb(51, 102, 204)"
    )

    footer = page.get_by_role("contentinfo")
    expect(footer).to_have_count(1)
    data = entity()["entity"]
    for key in (
        "name",
        "nit",
        "address",
        "hours",
        "phone",
        "email",
        "notifications_email",
    ):
        expect(footer).to_contain_text(data[key])
    expect(footer.get_by_role("link", name=data["notifications_email"])).to_have_attribute(
        "href", "mailto:" + data["notifications_email"]
    )
    for url in data["networks"].values():
        expect(footer.locator(f'a[href="{url}"]')).to_have_count(1)
    for label, key in (
        ("Política de privacidad", "privacy"),
        ("Términos y condiciones", "terms"),
        ("PQRSD", "pqrsd"),
    ):
        expect(footer.get_by_role("link", name=re.compile(label))).to_have_attribute("href", data["links"][key])
    expect(footer.get_by_role("link", name=re.compile("GOV.CO"))).to_have_attribute("href", "https://www.gov.co/")
    assert offsite.urls == [], f"el portal pidió recursos externos: {offsite.urls}"


def test_banner_announcement_shows_and_stays_dismissed_for_the_session(
    browser: Browser, served_site: str, offsite: Offsite, screenshot
) -> None:
    text = entity()["announcement"]["text"]
    page = new_page(browser, offsite)
    try:
        page.goto(served_site)
        banner = page.locator(".pregon-announcement--banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(text)
        banner.get_by_role("link", name=re.compile("Más información")).click()
        expect(page.locator("h1")).to_contain_text("vías rurales")
        page.wait_for_load_state("load")  # the button works once the deferred script has run
        page.get_by_role("button", name="Cerrar aviso").click()
        expect(banner).to_be_hidden()
        page.goto(served_site + RELEASE)  # same tab, same session: stays closed
        expect(page.locator(".pregon-announcement--banner")).to_be_hidden()
        shot = screenshot(page, "aviso-cerrado")
        assert page.locator(".pregon-announcement--banner").is_hidden(), f"el aviso sigue visible; captura: {shot}"
    finally:
        page.context.close()
    fresh = new_page(browser, offsite)  # a new session sees it again
    try:
        fresh.goto(served_site)
        expect(fresh.locator(".pregon-announcement--banner")).to_be_visible()
    finally:
        fresh.context.close()


def test_popup_announcement_is_a_dismissible_modal_dialog(
    browser: Browser, project_copy: Path, offsite: Offsite, axe, screenshot
) -> None:
    config = project_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("kind: banner", "kind: popup"),
        encoding="utf-8",
    )
    port = free_port()
    site = project_copy / "site"
    result = build_site(site, f"http://127.0.0.1:{port}/", project=project_copy)
    assert result.returncode == 0, result.stderr
    with serve_directory(site, port) as url:
        page = new_page(browser, offsite)
        try:
            page.goto(url)
            dialog = page.get_by_role("dialog", name="Aviso")
            expect(dialog).to_be_visible()
            expect(dialog).to_contain_text(entity()["announcement"]["text"])
            assert page.evaluate("document.querySelector('dialog').matches(':modal')"), "el aviso debe ser modal"
            shot = screenshot(page, "aviso-emergente")
            assert axe(page) == [], f"captura: {shot}"
            page.keyboard.press("Escape")  # closes like the button does
            expect(dialog).to_be_hidden()
            page.reload()
            expect(page.locator("dialog.pregon-announcement")).to_be_hidden()
            assert page.evaluate("document.activeElement === document.body || !document.querySelector('dialog[open]')")
        finally:
            page.context.close()
        again = new_page(browser, offsite)
        try:
            again.goto(url + "prensa/")
            again.get_by_role("button", name="Cerrar aviso").click()
            expect(again.get_by_role("dialog")).to_be_hidden()
        finally:
            again.context.close()


def test_pages_have_no_serious_accessibility_violations(page: Page, served_site: str, axe, screenshot) -> None:
    found = {}
    for path in ("", RELEASE, "buscar/?q=puente", "prensa/", "dependencias/"):
        page.goto(served_site + path)
        if path.startswith("buscar"):
            expect(page.locator(".pagefind-ui__result").first).to_be_visible(timeout=10_000)
        violations = axe(page)
        if violations:
            shot = screenshot(page, path.strip("/").replace("/", "_").replace("?", "_") or "inicio")
            found[f"{served_site + path} (captura: {shot})"] = violations
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_announcement_hides_itself_once_expired_without_a_rebuild(
    browser: Browser, project_copy: Path, offsite: Offsite
) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    expires = re.search(r"^( +)expires: .*$", text, re.MULTILINE)
    assert expires, "el ejemplo debe tener un aviso con `expires`"
    # Still current when the site is built (10:00), past when the visitor opens it (13:00).
    config.write_text(
        text.replace(expires.group(0), f"{expires.group(1)}expires: 2026-11-20 12:00"),
        encoding="utf-8",
    )
    port = free_port()
    site = project_copy / "site"
    result = build_site(site, f"http://127.0.0.1:{port}/", project=project_copy)
    assert result.returncode == 0, result.stderr
    with serve_directory(site, port) as url:
        for now, shown in (
            ("2026-11-20T11:00:00-05:00", True),
            ("2026-11-20T13:00:00-05:00", False),
        ):
            page = new_page(browser, offsite, now=now)
            try:
                page.goto(url)
                banner = page.locator(".pregon-announcement--banner")
                expect(banner).to_have_count(1)  # it is in the page either way
                if shown:
                    expect(banner).to_be_visible()
                else:
                    expect(banner).to_be_hidden()
            finally:
                page.context.close()
