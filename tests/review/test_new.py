"""`pregon new`: a release skeleton that passes the schema once its blanks are filled."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release
from pregon.review.new import ReleaseExists, UnknownDependencia, create_release, slugify

from .conftest import Workspace, jpeg
from .test_output import run_cli


def test_slug_has_no_accents_and_is_short() -> None:
    assert slugify("¡Vacunación gratis en Ñame y Cúcuta!") == "vacunacion-gratis-en-name-y-cucuta"
    assert len(slugify("palabra " * 20)) <= 60 and not slugify("palabra " * 20).endswith("-")
    assert slugify("¿?") == "comunicado"


def test_new_release_fails_the_schema_until_filled_then_passes(ws: Workspace) -> None:
    project = ws.project()
    created = create_release(project, 'Jornada de "salud" en la plaza', "salud")
    assert created.path == ws.root / "content/prensa/2026/11/jornada-de-salud-en-la-plaza.md"  # PREGON_NOW month
    assert created.folder.is_dir()
    text = created.path.read_text(encoding="utf-8")
    assert 'title: "Jornada de \\"salud\\" en la plaza"' in text and "date: 2026-11-20 10:00" in text

    with pytest.raises(ReleaseError) as blank:
        load_release(created.path, project.rules)
    assert {p.field for p in blank.value.problems} == {"summary"}  # the blank the editor must fill, named

    text = text.replace('summary: ""', "summary: Atención gratuita el sábado en la plaza principal.", 1)
    created.path.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError) as blank:
        load_release(created.path, project.rules)
    assert {p.field for p in blank.value.problems} == {"image", "image_alt"}  # no photo yet, no description

    (created.folder / "foto.jpg").write_bytes(jpeg())
    text = text.replace('image_alt: ""', "image_alt: Una enfermera toma la presión a un señor en una carpa.", 1)
    created.path.write_text(text, encoding="utf-8")
    release = load_release(created.path, project.rules)
    assert release.meta.dependencia == "salud" and release.image is not None

    report = ws.report(created.path)
    assert [f for f in report.findings if f.severity.value == "error"] == []


def test_new_refuses_to_overwrite_and_checks_the_dependencia(ws: Workspace) -> None:
    project = ws.project()
    create_release(project, "Un título", "salud")
    with pytest.raises(ReleaseExists):
        create_release(project, "Un título", "cultura")
    with pytest.raises(UnknownDependencia, match="salud"):
        create_release(project, "Otro título", "hacienda")


def test_new_command_prints_next_steps_in_spanish(ws: Workspace) -> None:
    result = run_cli(ws.root, "new", "Cierre de la vía al Alto", "--dependencia", "gobierno")
    assert result.returncode == 0, result.stderr
    assert "content/prensa/2026/11/cierre-de-la-via-al-alto.md" in result.stdout
    assert "pull request" in result.stdout and "pregon check" in result.stdout
    again = run_cli(ws.root, "new", "Cierre de la vía al Alto", "--dependencia", "gobierno")
    assert again.returncode == 1 and "ya existe" in again.stderr
    wrong = run_cli(ws.root, "new", "Algo", "--dependencia", "hacienda")
    assert wrong.returncode == 1 and "gobierno" in wrong.stderr


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", "Valor inválido para TITULO: está vacío"),
        ("Cierre de la vía\nal Alto", "Valor inválido para TITULO: contiene un salto de línea o un carácter de control (U+000A)"),
        ("Cierre\x1b[31m de la vía", "(U+001B)"),
        ("Cierre\u202e de la vía", "(U+202E)"),
    ],
)  # fmt: skip
def test_new_refuses_a_blank_title_or_one_with_control_characters(ws: Workspace, title: str, message: str) -> None:
    before = sorted((ws.root / "content").rglob("*"))
    result = run_cli(ws.root, "new", title, "--dependencia", "gobierno")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert sorted((ws.root / "content").rglob("*")) == before


def test_new_keeps_an_emoji_title_whole(ws: Workspace) -> None:
    """The zero-width joiner inside an emoji is not refused as a control character."""
    result = run_cli(ws.root, "new", "Jornada de salud 👩‍⚕️ en la plaza", "--dependencia", "salud")
    assert result.returncode == 0, result.stderr
    created = ws.root / "content/prensa/2026/11/jornada-de-salud-en-la-plaza.md"
    assert 'title: "Jornada de salud 👩‍⚕️ en la plaza"' in created.read_text(encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80
    ).filter(lambda t: t.strip())
)
def test_what_new_writes_the_loader_reads_back_as_the_same_title(ws: Workspace, title: str) -> None:
    """Any title an editor can type (quotes, colons, #, emoji, right-to-left letters…) survives the
    YAML that `pregon new` writes: once the blanks are filled, the release loads with that title,
    or the loader names the title's own problem."""
    project = ws.project()
    try:
        created = create_release(project, title.strip(), "salud")
    except ReleaseExists:
        return
    text = created.path.read_text(encoding="utf-8")
    text = text.replace('summary: ""', "summary: Atención gratuita el sábado en la plaza.", 1)
    text = text.replace('image_alt: ""', "image_alt: Una enfermera toma la presión a un señor.", 1)
    (created.folder / "foto.jpg").write_bytes(jpeg())
    created.path.write_text(text, encoding="utf-8")
    try:
        release = load_release(created.path, project.rules)
    except ReleaseError as refused:
        assert {p.field for p in refused.value.problems} <= {"title"}, refused.value.problems
    else:
        assert release.meta.title == title.strip()
    created.path.unlink()
