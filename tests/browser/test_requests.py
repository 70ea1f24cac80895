"""No failed request while a page loads: every address a page (or the theme's scripts) asks for
exists on the built site.

Material fetches ``sitemap.xml`` next to every ``<link rel="alternate">`` (its language switcher),
so a dependencia's feed links make release pages ask for ``dependencias/<slug>/sitemap.xml``;
the build publishes one there. Requests are watched with Playwright's ``requestfailed`` and
``response`` events until the network is idle.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response

from tests.browser.conftest import Offsite

PAGES = [
    ("prensa/2026/06/festival-del-rio/", "dependencias/cultura/sitemap.xml"),
    ("prensa/2026/11/vias-rurales-temporada-de-lluvias/", "dependencias/gobierno/sitemap.xml"),
    ("dependencias/ambiente/", "dependencias/ambiente/sitemap.xml"),
    ("", None),
]


@pytest.mark.parametrize(("path", "sitemap"), PAGES)
def test_a_page_loads_without_failed_requests(
    page: Page, served_site: str, offsite: Offsite, path: str, sitemap: str | None
) -> None:
    failed: list[str] = []
    answered: dict[str, int] = {}

    def on_response(response: Response) -> None:
        answered[response.url] = response.status
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("requestfailed", lambda request: failed.append(f"{request.failure} {request.url}"))
    page.on("response", on_response)
    page.goto(served_site + path)
    page.wait_for_load_state("networkidle")
    assert failed == [] and offsite.urls == []
    if sitemap is not None:
        # The theme did ask where it looks: the test saw the request it is about.
        assert answered.get(served_site + sitemap) == 200, sorted(answered)
