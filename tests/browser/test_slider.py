"""The home page's featured carousel (markup and script by the portal build) in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

VISIBLE_SLIDE = """() => {
    const list = document.querySelector('.pregon-carousel__slides');
    const box = list.getBoundingClientRect();
    const slides = [...list.querySelectorAll('.pregon-carousel__slide')];
    const shown = slides.filter(s => {
        const r = s.getBoundingClientRect();
        return Math.abs(r.left - box.left) < 2 && r.width > 0;
    });
    return shown.length === 1 ? slides.indexOf(shown[0]) : -1;
}"""


def visible(page: Page) -> int:
    page.wait_for_function(
        "() => { const l = document.querySelector('.pregon-carousel__slides');"
        " return Math.abs(l.scrollLeft - Math.round(l.scrollLeft)) < 1; }"
    )
    return page.evaluate(VISIBLE_SLIDE)


def test_next_and_previous_change_the_visible_slide(page: Page, served_site: str, screenshot) -> None:
    page.goto(served_site)
    carousel = page.locator("[data-pregon-carousel]")
    count = carousel.locator(".pregon-carousel__slide").count()
    assert count >= 2, "el ejemplo debe tener al menos dos destacados"
    expect(carousel.get_by_role("button", name="Siguiente")).to_be_visible()  # script enabled the controls
    assert visible(page) == 0
    carousel.get_by_role("button", name="Siguiente").click()
    page.wait_for_function(f"({VISIBLE_SLIDE})() === 1")
    shown = visible(page)
    if shown != 1:  # a full-page screenshot resizes the viewport: take it only to explain a failure
        raise AssertionError(f"se ve la diapositiva {shown}; captura: {screenshot(page, 'carrusel-2')}")
    expect(carousel.locator("[data-pregon-dot]").nth(1)).to_have_attribute("aria-current", "true")
    carousel.get_by_role("button", name="Anterior").click()
    page.wait_for_function(f"({VISIBLE_SLIDE})() === 0")
    carousel.get_by_role("button", name="Anterior").click()  # wraps around to the last one
    page.wait_for_function(f"({VISIBLE_SLIDE})() === {count - 1}")


def test_carousel_works_from_the_keyboard(page: Page, served_site: str) -> None:
    page.goto(served_site)
    carousel = page.locator("[data-pregon-carousel]")
    next_button = carousel.get_by_role("button", name="Siguiente")
    # Reach the button by tabbing, as a keyboard user would.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-pregon-next')"):
            break
    else:
        raise AssertionError("«Siguiente» no se alcanza con el tabulador")
    count = carousel.locator(".pregon-carousel__slide").count()
    page.keyboard.press("Enter")
    page.wait_for_function(f"({VISIBLE_SLIDE})() === 1")
    page.keyboard.press("Space")
    page.wait_for_function(f"({VISIBLE_SLIDE})() === {2 % count}")
    pause = carousel.get_by_role("button", name="Pausar").or_(carousel.get_by_role("button", name="Reproducir"))
    expect(pause).to_have_attribute("aria-pressed", "true")  # moving by hand stops the autoplay
    expect(next_button).to_be_focused()
