"""Material options whose shape Material's templates take on trust, and the plugin's own options:
``mkdocs build`` refuses a bad one in Spanish, with its line, instead of a traceback from inside a
template or MkDocs' English. The build tests run ``mkdocs build`` on a copy of the project."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from pregon.plugins.theme_options import material_problem

from tests.conftest import build_site

MATERIAL_DIRS = [str(Path(__import__("material").__file__).parent / "templates")]


def _refused(theme: dict[str, Any], extra: dict[str, Any] | None = None) -> list[str] | None:
    problem = material_problem(theme, extra or {}, MATERIAL_DIRS)
    return problem[0] if problem else None


def test_the_shapes_material_uses_without_checking() -> None:
    fine = {"features": ["navigation.top"], "palette": [{"primary": "indigo"}], "language": "es"}
    assert _refused(fine) is None
    assert _refused({**fine, "palette": {"primary": "indigo"}, "features": None}) is None
    assert _refused({**fine, "features": "navigation.top"}) == ["theme", "features"]  # a substring test
    assert _refused({**fine, "palette": 3}) == ["theme", "palette"]
    assert _refused({**fine, "palette": [1]}) == ["theme", "palette"]
    for language in (None, 1, [], "xx", "../es", "es/../es"):
        assert _refused({**fine, "language": language}) == ["theme", "language"], language
    assert _refused({**fine, "language": "pt-BR"}) is None
    good_extra = {
        "version": {"provider": "mike"},
        "analytics": {"provider": "google", "property": "G-X", "feedback": {"ratings": []}},
        "consent": {"cookies": {"analytics": "Analítica"}, "actions": ["accept"]},
    }
    assert _refused(fine, good_extra) is None
    assert _refused(fine, {"version": datetime.date(2026, 1, 1)}) == ["extra", "version"]
    assert _refused(fine, {"annotate": {"json": [datetime.date(2026, 1, 1)]}}) == ["extra", "annotate"]
    assert _refused(fine, {"analytics": {"provider": "nope"}}) == ["extra", "analytics", "provider"]
    assert _refused(fine, {"analytics": {"provider": 1}}) == ["extra", "analytics", "provider"]
    assert _refused(fine, {"analytics": {"feedback": {"ratings": 1}}}) == ["extra", "analytics", "feedback", "ratings"]
    assert _refused(fine, {"consent": {"cookies": 1}}) == ["extra", "consent", "cookies"]
    assert _refused(fine, {"consent": {"actions": "accept"}}) == ["extra", "consent", "actions"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    - navigation.top\n", "    - 2026-01-01\n", "`theme → features`: se esperaba una lista de textos"),
        (
            "  language: es\n",
            "  language: [es]\n",
            "`theme → language`: se esperaba el código de un idioma (es) y se encontró una lista",
        ),
        ("  language: es\n", "  language: español\n", "`theme → language`: Material no tiene el idioma «español»"),
        (
            "strict: false\n",
            "strict: false\nextra:\n  version: 2026-12-01\n",
            "`extra → version`: tiene un valor que no",
        ),
    ],
)
def test_the_build_refuses_a_theme_option_with_its_line(project_copy: Path, old: str, new: str, expected: str) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    if "features" in expected:
        line = text[: text.index("  features:")].count("\n") + 1
    if "version" in expected:
        line += 2
    result = build_site(project_copy / "site", "https://portal.example/", project=project_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"pregon: mkdocs.yml:{line}: {expected}" in output, output
    assert "Traceback" not in output


def test_the_build_says_what_is_wrong_with_a_plugin_option_in_spanish(project_copy: Path) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("        kind: banner\n", "        kind: cartel\n", 1), encoding="utf-8")
    result = build_site(project_copy / "site", "https://portal.example/", project=project_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # MkDocs writes the prefix naming the option; the plugin says the reason.
    assert (
        "Plugin 'pregon' option 'announcement': Sub-option 'kind': debe ser uno de estos valores: banner, popup"
        in output
    )
    assert "Expected" not in output and "Traceback" not in output
