"""Playwright fixtures: the Debian Chromium (never a browser downloaded by Playwright), one page per
test in a fresh context, requests outside the site recorded and refused (the portal must work
offline), axe-core from npm (installed by tools/install-test-tools.sh) and screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.conftest import FIXED_NOW, ROOT, build_site, free_port, serve_directory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = ROOT / ".cache/node/node_modules/axe-core/axe.min.js"
# Screenshots for people to look at (home, a release, a live release, the list, at phone and
# desktop widths): a folder git ignores, which CI can keep as an artifact (docs/ci.md).
REVIEW_SHOTS = Path(os.environ.get("PREGON_SCREENSHOTS", ROOT / "tests/browser/screenshots"))

RELEASE = "prensa/2026/04/siembra-arboles-ribera/"
LIVE = "prensa/2026/11/vias-rurales-temporada-de-lluvias/"
# One page of each kind the portal has, on a build whose list has numbered pages (PAGED_PER_PAGE).
PAGE_TYPES = {
    "inicio": "",
    "comunicado": RELEASE,
    "en vivo": LIVE,
    "listado": "prensa/",
    "página de la lista": "prensa/pagina/1/",
    "mes": "prensa/2026/11/",
    "año": "prensa/2026/",
    "archivo": "prensa/archivo/",
    "dependencia": "dependencias/salud/",
    "dependencias": "dependencias/",
    "búsqueda": "buscar/?q=puente",
    "404": "404.html",
    "guía para editores": "guia/",
}
PAGED_PER_PAGE = 5
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"falta {CHROMIUM}: ejecute tools/install-test-tools.sh (instala el paquete Debian chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Offsite:
    """Requests the page tried to make to any host other than the test server (all refused)."""

    urls: list[str] = field(default_factory=list)


@pytest.fixture()
def offsite() -> Offsite:
    return Offsite()


def new_page(browser: Browser, offsite: Offsite, now: str = FIXED_NOW, **context_options: object) -> Page:
    """A page in a fresh context (own sessionStorage) that may only talk to 127.0.0.1.

    The page's clock reads ``now`` (timers still run), the same moment the site was built for,
    so what depends on the date (an announcement's expiry) does not change with the calendar."""
    options: dict = {"locale": "es-CO", "viewport": {"width": 1280, "height": 900}, **context_options}
    context = browser.new_context(**options)
    context.clock.set_fixed_time(datetime.fromisoformat(now))

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            offsite.urls.append(url)
            route.abort()

    context.route("**/*", guard)
    return context.new_page()


@pytest.fixture()
def page(browser: Browser, offsite: Offsite) -> Iterator[Page]:
    # Reduced motion: the carousel does not autoplay, so what a test sees is what it did.
    page = new_page(browser, offsite, reduced_motion="reduce")
    yield page
    page.context.close()


@pytest.fixture()
def screenshot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot under the test's tmp dir; returns its path for messages."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _build_variant(tmp_path_factory: pytest.TempPathFactory, name: str, edits: dict[str, str]) -> Path:
    """A copy of the example project with ``edits`` (old → new) applied to its mkdocs.yml, built."""
    import shutil

    project = tmp_path_factory.mktemp(name) / "project"
    project.mkdir()
    for item in ("mkdocs.yml", "content", "records"):
        (shutil.copytree if (ROOT / item).is_dir() else shutil.copy2)(ROOT / item, project / item)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text, f"mkdocs.yml del ejemplo ya no tiene {old!r}"
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    return project


@dataclass
class BuiltSite:
    root: Path  # the built files
    url: str  # where they are served


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The example with a short list page, so the numbered pages of the list exist too."""
    project = _build_variant(tmp_path_factory, "paged", {"per_page: 20": f"per_page: {PAGED_PER_PAGE}"})
    yield from _serve_built(project)


@pytest.fixture(scope="session")
def popup_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """``paged_site`` with its announcement as a pop-up dialog instead of a banner."""
    project = _build_variant(
        tmp_path_factory, "popup", {"kind: banner": "kind: popup", "per_page: 20": f"per_page: {PAGED_PER_PAGE}"}
    )
    yield from _serve_built(project)


def _serve_built(project: Path) -> Iterator[BuiltSite]:
    port = free_port()
    site = project / "site"
    result = build_site(site, f"http://127.0.0.1:{port}/", project=project)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    with serve_directory(site, port) as url:
        yield BuiltSite(site, url)


def show_every_image(page: Page) -> None:
    """Load the lazy images too and wait until every image has arrived (for a full screenshot)."""
    from playwright.sync_api import expect

    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
    for img in page.locator("img").all():
        expect(img).to_have_js_property("complete", True)
    # Decoded too, or a tall full-page screenshot may paint some of them blank.
    page.evaluate("async () => { await Promise.all([...document.images].map(i => i.decode().catch(() => null))); }")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"falta {AXE_JS}: ejecute tools/install-test-tools.sh (instala axe-core de npm)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture()
def axe(axe_source: str) -> Callable[..., list[dict]]:
    """Run axe-core (WCAG 2.x A/AA rules and best practices) in the page; return its violations
    (by default the serious and critical ones)."""

    def check(page: Page, impacts: tuple[str, ...] | None = BLOCKING_IMPACTS) -> list[dict]:
        """``impacts=None``: every violation, minor and moderate ones too."""
        # Evaluated through the DevTools protocol: the portal's CSP refuses inline <script> tags.
        page.evaluate(axe_source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if impacts is None or v["impact"] in impacts
        ]

    return check
