"""Material options whose shape Material's templates take on trust, and the plugin's own options:
``mkdocs build`` refuses a bad one in Spanish, with its line, instead of a traceback from inside a
template or MkDocs' English. The build tests run ``mkdocs build`` on a copy of the project."""

from __future__ import annotations

from pathlib import Path

import pytest
from pregon.plugins.theme_options import theme_problem

from tests.conftest import build_site

MATERIAL_DIRS = [str(Path(__import__("material").__file__).parent / "templates")]


def test_the_shapes_material_uses_without_checking() -> None:
    fine = {"features": ["navigation.top"], "palette": [{"primary": "indigo"}], "language": "es"}
    assert theme_problem(fine, MATERIAL_DIRS) is None
    assert theme_problem({**fine, "palette": {"primary": "indigo"}, "features": None}, MATERIAL_DIRS) is None
    assert theme_problem({**fine, "features": "navigation.top"}, MATERIAL_DIRS) is not None  # a substring test
    assert theme_problem({**fine, "palette": 3}, MATERIAL_DIRS)[0] == "palette"  # type: ignore[index]
    assert theme_problem({**fine, "palette": [1]}, MATERIAL_DIRS)[0] == "palette"  # type: ignore[index]
    for language in (None, 1, [], "xx", "../es", "es/../es"):
        assert theme_problem({**fine, "language": language}, MATERIAL_DIRS)[0] == "language", language  # type: ignore[index]
    assert theme_problem({**fine, "language": "pt-BR"}, MATERIAL_DIRS) is None


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
