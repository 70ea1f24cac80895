"""Every page the portal builds passes the Nu HTML Checker (vnu.jar from npm's vnu-jar, run with
the system Java; installed by tools/install-test-tools.sh): the example site with numbered list
pages and a banner, and the same site with its announcement as a pop-up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import PAGE_TYPES, BuiltSite
from tests.conftest import ROOT

VNU_JAR = ROOT / ".cache/node/node_modules/vnu-jar/build/dist/vnu.jar"


def nu_errors(files: list[Path]) -> list[dict]:
    """The checker's errors for ``files`` (its JSON output, warnings left out)."""
    if not VNU_JAR.exists():
        pytest.fail(f"falta {VNU_JAR}: ejecute tools/install-test-tools.sh (instala vnu-jar de npm)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("falta Java: ejecute tools/install-test-tools.sh (instala openjdk-17-jre-headless)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The checker writes its JSON report on standard error.
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def html_files(site: BuiltSite) -> list[Path]:
    return sorted(site.root.rglob("*.html"))


def page_file(site: BuiltSite, path: str) -> Path:
    path = path.split("?")[0]
    return site.root / (path if path.endswith(".html") else path + "index.html")


def describe(errors: list[dict], root: Path) -> str:
    return "\n".join(
        f"{m.get('url', '').replace(root.as_uri(), '')}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" — {m.get('extract', '').strip()[:120]!r}"
        for m in errors[:40]
    )


def test_the_checker_finds_errors_when_there_are_some(tmp_path: Path) -> None:
    """Guards the test below: a page with known errors does not pass."""
    bad = tmp_path / "malo.html"
    bad.write_text(
        '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<input type="checkbox" id="a" autocomplete="off"><label for="nada">x</label></body></html>',
        encoding="utf-8",
    )
    messages = " ".join(m["message"] for m in nu_errors([bad]))
    assert "autocomplete" in messages and "for" in messages


@pytest.mark.parametrize("variant", ["paged_site", "popup_site"])
def test_every_page_passes_the_nu_html_checker(variant: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(variant)
    files = html_files(site)
    missing = [name for name, path in PAGE_TYPES.items() if not page_file(site, path).exists()]
    assert not missing, f"la construcción no tiene páginas de estos tipos: {missing}"
    errors = nu_errors(files)
    assert errors == [], f"{len(errors)} errores en {len(files)} páginas:\n{describe(errors, site.root)}"
