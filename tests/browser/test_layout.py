"""The portal on a phone, a tablet and a desktop, and from the keyboard, in a real Chromium:
no page scrolls sideways and axe-core finds no violation at 390, 768 and 1280 px; the skip
link is the first tab stop even with a banner; the pop-up mode leaves no empty strip; the home
page is a news portal's (carousel across the page, a grid of cards with pictures, live coverage
marked, quick access to the dependencias, GOV.CO's fonts served by the site itself). It also
leaves screenshots for people to judge the design in REVIEW_SHOTS."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LIVE,
    PAGE_TYPES,
    RELEASE,
    REVIEW_SHOTS,
    BuiltSite,
    Offsite,
    new_page,
    show_every_image,
)
from tests.conftest import ROOT

WIDTHS = (390, 768, 1280)
OVERFLOW = """() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '')),
})"""


def top(locator) -> float:
    """Distance from the top of the page scrolled to its top (the header is sticky)."""
    return locator.evaluate("el => { window.scrollTo(0, 0); return el.getBoundingClientRect().top; }")


def plugin_options() -> dict:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return next(p["pregon"] for p in config["plugins"] if isinstance(p, dict) and "pregon" in p)


@pytest.fixture()
def sized(browser: Browser, offsite: Offsite, request: pytest.FixtureRequest) -> Iterator[Page]:
    width = request.param
    page = new_page(browser, offsite, reduced_motion="reduce", viewport={"width": width, "height": 900})
    yield page
    page.context.close()


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    if "buscar/?q=" in url:
        expect(page.locator(".pagefind-ui__result").first).to_be_visible(timeout=15_000)


@pytest.mark.parametrize("sized", WIDTHS, indirect=True, ids=lambda w: f"{w}px")
def test_no_page_scrolls_sideways_and_axe_finds_nothing(sized: Page, paged_site: BuiltSite, axe) -> None:
    overflow, violations = {}, {}
    for name, path in PAGE_TYPES.items():
        open_page(sized, paged_site.url + path)
        box = sized.evaluate(OVERFLOW)
        if box["scroll"] > box["client"]:
            overflow[name] = box
        found = axe(sized, impacts=None)  # none at all, minor ones included
        if found:
            violations[name] = found
    assert not overflow, f"páginas con desplazamiento horizontal: {json.dumps(overflow, ensure_ascii=False)}"
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("sized", [390], indirect=True, ids=lambda w: f"{w}px")
def test_on_a_phone_the_carousel_buttons_wrap_and_the_mail_breaks_only_at_the_at_sign(
    sized: Page, served_site: str
) -> None:
    sized.goto(served_site)
    controls = sized.locator("[data-pregon-controls] button")
    expect(controls.first).to_be_visible()
    width = sized.evaluate("() => document.documentElement.clientWidth")
    rows = set()
    for button in controls.all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"un botón sale de la pantalla: {box}"
        rows.add(round(box["y"]))
    assert len(rows) > 1, "a 390 px los botones del carrusel deberían repartirse en más de una fila"
    mail = plugin_options()["entity"]["notifications_email"]
    link = sized.get_by_role("contentinfo").get_by_role("link", name=mail)
    expect(link).to_have_attribute("href", f"mailto:{mail}")
    # Each part (user, @domain) is drawn on one line and fits: a break can only fall between them.
    for part in link.locator("span").all():
        lines = part.evaluate("el => el.getClientRects().length")
        right = part.evaluate("el => el.getBoundingClientRect().right")
        assert lines == 1 and right <= width, f"«{part.inner_text()}» se parte o se sale ({lines} líneas, {right}px)"


@pytest.mark.parametrize("path", ["", RELEASE, "guia/"], ids=["inicio", "comunicado", "guía"])
def test_with_a_banner_the_skip_link_is_the_first_tab_stop(page: Page, served_site: str, path: str) -> None:
    page.goto(served_site + path)
    expect(page.locator(".pregon-announcement--banner")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Ir al contenido principal")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown while focused
    page.keyboard.press("Enter")
    expect(page.locator("#contenido")).to_be_focused()


def test_the_banner_sits_under_the_govco_bar_and_leaves_no_strip_once_closed(page: Page, served_site: str) -> None:
    page.goto(served_site)
    bar = page.locator(".pregon-govco").first
    banner = page.locator(".pregon-announcement--banner")
    header = page.locator("header.md-header")
    height = bar.bounding_box()["height"]
    assert top(bar) == 0
    assert top(banner) == pytest.approx(height, abs=1)
    page.get_by_role("button", name="Cerrar aviso").click()
    expect(banner).to_be_hidden()
    assert top(header) == pytest.approx(height, abs=1)


@pytest.mark.parametrize("path", ["", RELEASE, "prensa/"], ids=["inicio", "comunicado", "listado"])
def test_popup_mode_leaves_no_empty_strip_and_its_close_button_looks_like_one(
    browser: Browser, offsite: Offsite, popup_site: BuiltSite, path: str
) -> None:
    page = new_page(browser, offsite, reduced_motion="reduce")
    try:
        page.goto(popup_site.url + path)
        dialog = page.get_by_role("dialog", name="Aviso")
        expect(dialog).to_be_visible()
        close = dialog.get_by_role("button", name="Cerrar aviso")
        expect(close).to_be_visible()
        look = close.evaluate(
            "el => { const s = getComputedStyle(el); return {border: parseFloat(s.borderTopWidth),"
            " background: s.backgroundColor, height: el.getBoundingClientRect().height}; }"
        )
        assert look["border"] >= 1 and look["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), look
        assert look["height"] >= 24, look  # WCAG 2.5.8 target size
        close.click()
        expect(dialog).to_be_hidden()
        # Nothing above the GOV.CO bar, nothing between it and the header.
        bar = page.locator(".pregon-govco").first
        assert top(bar) == 0
        assert page.locator(".md-banner").count() == 0
        assert top(page.locator("header.md-header")) == pytest.approx(bar.bounding_box()["height"], abs=1)
    finally:
        page.context.close()


@pytest.mark.parametrize("sized", [1280], indirect=True, ids=lambda w: f"{w}px")
def test_home_page_is_a_news_portal(sized: Page, served_site: str, offsite: Offsite) -> None:
    sized.goto(served_site)
    content = sized.locator("#contenido")
    carousel = sized.locator("[data-pregon-carousel]")
    # The carousel spans the content column, which spans the page (no documentation sidebars).
    article = content.bounding_box()
    assert carousel.bounding_box()["width"] == pytest.approx(article["width"] - 2 * 24, abs=48)
    assert article["width"] >= 0.8 * sized.evaluate("() => document.querySelector('.md-grid').clientWidth")
    expect(sized.locator(".md-sidebar--primary")).to_be_hidden()

    latest = sized.locator(".pregon-home__latest .pregon-card")
    assert latest.count() >= 6
    tops = [round(c.bounding_box()["y"]) for c in latest.all()[:3]]
    assert len(set(tops)) == 1, f"la primera fila de la cuadrícula debería tener tres tarjetas: {tops}"
    show_every_image(sized)
    pictures = sized.locator(".pregon-home__latest img.pregon-card__image")
    assert pictures.count() >= 6
    for img in pictures.all():
        assert img.evaluate("el => el.naturalWidth") > 0, img.get_attribute("src")

    # Live coverage is marked as such, in its strip and on its card.
    live_title = sized.locator(f'.pregon-home-live a[href$="{LIVE}"]')
    expect(live_title).to_have_count(1)
    live_card = latest.filter(has=sized.locator(f'a[href$="{LIVE}"]'))
    expect(live_card.locator(".pregon-live-badge")).to_have_text("En vivo")
    expect(latest.filter(has=sized.locator(f'a[href$="{RELEASE}"]')).locator(".pregon-live-badge")).to_have_count(0)

    # Quick access to every dependencia.
    quick = sized.locator(".pregon-home__dependencias")
    for slug, name in plugin_options()["dependencias"].items():
        expect(quick.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "href", re.compile(rf"dependencias/{slug}/$")
        )

    # GOV.CO's fonts, from the site itself, and titles of a readable weight.
    families = sized.evaluate(
        "async () => { await document.fonts.ready;"
        " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, '')); }"
    )
    assert {"Montserrat", "Work Sans"} <= set(families), families
    title = sized.locator("h1").first
    assert "Montserrat" in title.evaluate("el => getComputedStyle(el).fontFamily")
    for heading in (title, sized.locator("#pregon-ultimos"), latest.first.locator("h3")):
        assert int(heading.evaluate("el => getComputedStyle(el).fontWeight")) >= 600
    assert offsite.urls == [], f"el portal pidió recursos a otros servidores: {offsite.urls}"


SHOTS = {"inicio": "", "comunicado": RELEASE, "en-vivo": LIVE, "listado": "prensa/"}


@pytest.mark.parametrize("sized", [390, 1280], indirect=True, ids=lambda w: f"{w}px")
def test_screenshots_for_review(sized: Page, served_site: str) -> None:
    """Full-page screenshots of the home, a release, a live release and the list, with every
    picture loaded, for reviewers (and for whoever changes the theme) to look at."""
    REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    width = sized.viewport_size["width"]
    for name, path in SHOTS.items():
        sized.goto(served_site + path)
        show_every_image(sized)
        sized.evaluate("() => document.fonts.ready.then(() => true)")
        target = REVIEW_SHOTS / f"{name}-{width}.png"
        sized.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    print(f"capturas para revisar en {REVIEW_SHOTS}")
