"""The portal's Content-Security-Policy in a real Chromium: every page type loads with zero
violations (the policy allows everything the portal itself does, Pagefind's WebAssembly
included), and a hostile release's script never runs, neither as written (the sanitiser drops
it) nor if it reached the page some other way (the policy blocks it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.browser.conftest import Offsite, new_page
from tests.conftest import ROOT, build_site, free_port, serve_directory

HOSTILE_ID = "prensa/2026/11/aviso-hostil"
HOSTILE = """---
title: Aviso de prueba con contenido hostil
date: 2026-11-19 08:00
summary: Un comunicado que intenta ejecutar código en el navegador de quien lo lee.
dependencia: gobierno
image: ../03/biblioteca-horario-extendido.jpg
image_alt: Estantes de una biblioteca.
---

Texto del aviso.

<script>window.__pwned = "script"</script>

<img src="data:," alt="x" onerror="window.__pwned = 'onerror'">

<a id="malo" href="jav&#x61;script:window.__pwned='enlace'">Enlace</a> y [otro](javascript:window.__pwned='md')

<iframe src="https://evil.example/"></iframe>

<svg><script>window.__pwned = "svg"</script></svg>

<p style="position:fixed;inset:0;background:red">Aviso falso</p>
"""

PAGES = {
    "inicio": "",
    "listado": "prensa/",
    "archivo": "prensa/archivo/",
    "dependencias": "dependencias/",
    "dependencia": "dependencias/salud/",
    "comunicado": "prensa/2026/04/siembra-arboles-ribera/",
    "en vivo": "prensa/2026/11/vias-rurales-temporada-de-lluvias/",
    "video": "prensa/2026/08/cine-al-parque/",
    "vencido": "prensa/2026/02/jornada-vacunacion-barrios-veredas/",
    "guía": "guia/",
    "búsqueda": "buscar/?q=biblioteca",
    "404": "404.html",
    "hostil": HOSTILE_ID + "/",
}

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project plus one hostile release, built without --strict (its body warns)."""
    project = tmp_path_factory.mktemp("csp") / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "content", "records"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    (project / "content" / f"{HOSTILE_ID}.md").write_text(HOSTILE, encoding="utf-8")
    port = free_port()
    site = project / "site"
    result = build_site(site, f"http://127.0.0.1:{port}/", project=project, strict=False)
    assert result.returncode == 0, result.stderr
    with serve_directory(site, port) as url:
        yield url


def _open(browser: Browser, offsite: Offsite, url: str) -> tuple[Page, list[str]]:
    page = new_page(browser, offsite, reduced_motion="reduce")
    console: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", record)
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, console


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_type_loads_without_a_policy_violation(
    browser: Browser, offsite: Offsite, hostile_site: str, name: str
) -> None:
    page, console = _open(browser, offsite, hostile_site + PAGES[name])
    try:
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert policy.count() == 1
        content = policy.get_attribute("content") or ""
        assert "'unsafe-inline'" not in content and "'unsafe-eval'" not in content
        if name == "búsqueda":  # Pagefind ran (WebAssembly allowed) and found the release
            page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
        if name == "video":
            assert page.locator('iframe[src^="https://www.youtube-nocookie.com/embed/"]').count() == 1
        # Material's own scripts ran: the theme's JavaScript marks the document.
        assert page.evaluate("document.documentElement.classList.contains('js')")
        assert page.evaluate("window.__csp") == [] and console == []
        assert page.evaluate("window.__pwned") is None
    finally:
        page.context.close()


def test_a_hostile_release_never_runs_its_script(browser: Browser, offsite: Offsite, hostile_site: str) -> None:
    page, _ = _open(browser, offsite, hostile_site + HOSTILE_ID + "/")
    try:
        body = page.locator(".pregon-release__body")
        assert "Texto del aviso." in body.inner_text()
        assert body.locator("script, svg, [onerror], [style], iframe[src]").count() == 0
        page.locator("#malo").click()  # an anchor without a target: nothing happens
        page.get_by_text("otro").click()
        assert page.evaluate("window.__pwned") is None

        # Had a script reached the page another way, the policy still refuses it.
        page.evaluate(
            """() => {
                const s = document.createElement('script');
                s.textContent = "window.__pwned = 'inyectado'";
                document.body.appendChild(s);
                const i = document.createElement('img');
                i.setAttribute('onerror', "window.__pwned = 'atributo'");
                i.src = 'no-existe.jpg';
                document.body.appendChild(i);
            }"""
        )
        page.wait_for_function("window.__csp.length >= 2")
        assert page.evaluate("window.__pwned") is None
        assert all(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    finally:
        page.context.close()


def test_frames_from_other_hosts_are_refused_by_the_policy(
    browser: Browser, offsite: Offsite, hostile_site: str
) -> None:
    page, _ = _open(browser, offsite, hostile_site + HOSTILE_ID + "/")
    try:
        page.evaluate(
            """() => { const f = document.createElement('iframe'); f.src = 'https://evil.example/';
                       document.body.appendChild(f); }"""
        )
        page.wait_for_function("window.__csp.some(v => v.startsWith('frame-src'))")
    finally:
        page.context.close()
