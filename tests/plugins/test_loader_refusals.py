"""Input the loader refuses, with the same clean Spanish error (file, line, field) in `load_release`,
the digest functions, `pregon check` and `mkdocs build` — never a traceback, in bounded time."""

from __future__ import annotations

from pathlib import Path

import pytest
from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release, load_rules

from tests.conftest import build_site

from .conftest import pregon_check

ITEM = "content/prensa/2026/03/biblioteca-amplia-horario.md"
DATE = "date: 2026-03-16 09:00"
IMAGE = "image: biblioteca-horario-extendido.jpg"
TITLE = "title: La biblioteca municipal abre también los sábados y domingos"

# (name, old text, new text, expected message fragment, expected line)
CASES = [
    ("front-matter-never-closed", None, "---\ntitle: x\n", "el encabezado nunca se cierra", 1),
    ("impossible-date", DATE, "date: 2026-02-30", "el día 30/02/2026 no existe", 3),
    ("impossible-update-time", "summary:", "updates:\n  - time: 2026-11-31\n    text: a\nsummary:", "31/11/2026", 5),
    ("offset-of-99-hours", DATE, "date: 2026-03-16 09:00:00+99:00", "la diferencia horaria +99:00 no existe", 3),
    ("offset-as-text", DATE, "date: '2026-03-16 09:00+24:00'", "la diferencia horaria +24:00 no existe", 3),
    ("timestamp-tag", DATE, "date: !!timestamp mañana", "la etiqueta `!!timestamp` no se permite", 3),
    ("year-0001", DATE, "date: 0001-03-16 09:00", "el año 1 no es plausible", 3),
    ("year-20266", DATE, "date: '20266-03-16'", "no es una fecha válida", 3),
    ("iso-week-date", DATE, "date: 2026-W10-1", "no tiene la forma AAAA-MM-DD", 3),
    ("control-char-in-title", TITLE, 'title: "La\\x07"', "`title` contiene un carácter invisible (U+0007)", 2),
    ("raw-control-char", "title: La", "title: La\x01", "carácter invisible (U+0001)", 2),
    ("nul-in-author", "summary:", 'author: "a\\0b"\nsummary:', "`author` contiene un carácter invisible (U+0000)", 4),
    ("cr-lf-in-title", TITLE, 'title: "La\\r\\nX"', "`title` contiene un carácter invisible (U+000D)", 2),
    ("newline-in-title", TITLE, 'title: "La\\nX"', "`title` tiene un salto de línea", 2),
    (
        "newline-in-image-alt",
        "image_alt: Ilustración de tres estantes de madera llenos de libros de colores.",
        'image_alt: "a\\nb"',
        "`image_alt` tiene un salto de línea",
        8,
    ),
    ("empty-image", IMAGE, 'image: ""', "`image` está vacío", 7),
    ("duplicate-top-level-key", "summary:", "title: Otro\nsummary:", "el campo `title` está dos veces", 4),
    ("duplicate-nested-key", "summary:", "social:\n  x: a\n  x: b\nsummary:", "el campo `social.x` está dos veces", 6),
    ("complex-key", "summary:", "? title\n: Otro título\nsummary:", "clave compleja", 4),
    ("anchor", "summary: ", "summary: &s ", "anclas y alias de YAML", 4),
    ("merge-key", "summary:", "<<: {title: Otro}\nsummary:", "claves de fusión `<<`", 4),
    ("env-tag", "summary: ", "summary: !ENV ", "la etiqueta `!ENV` no se permite", 4),
    ("python-tag", "summary: ", "summary: !!python/object:os.system ", "no se permite", 4),
    (
        "duplicate-update-ids",
        "summary:",
        "updates:\n  - {time: 2026-03-16 10:00, text: a}\n  - {time: 2026-03-16 10:00, text: b}\nsummary:",
        "dos actualizaciones tienen el id `u-20260316T1000`",
        6,
    ),
    ("social-key-empty", "summary:", "social: {'': hola}\nsummary:", "la clave «» no es un nombre de campo", 4),
    ("social-key-path", "summary:", "social: {../etc: hola}\nsummary:", "«../etc» no es un nombre válido", 4),
    (
        "id-of-the-manifest",
        "summary:",
        "id: pregon/manifest\nsummary:",
        "coincide con una página que genera el portal",
        4,
    ),
    ("id-index", "summary:", "id: index\nsummary:", "coincide con una página que genera el portal", 4),
    ("id-of-a-listing", "summary:", "id: prensa/2026/03\nsummary:", "coincide con una página que genera el portal", 4),
    ("id-of-a-dependencia-page", "summary:", "id: dependencias/salud\nsummary:", "coincide con una página", 4),
    ("id-in-the-search-index", "summary:", "id: pagefind/aviso\nsummary:", "coincide con una página", 4),
    ("accounts-repeated", "summary:", "accounts: [x, x]\nsummary:", "`accounts` repite una cuenta", 4),
    ("account-key-invalid", "summary:", "accounts: [X Y]\nsummary:", "`accounts[0]`: «X Y» no es un nombre válido", 4),
    (
        "focal-point-outside",
        "summary:",
        "focal_point: {x: 1.5, y: 0}\nsummary:",
        "`focal_point.x` debe ser un número entre 0 y 1",
        4,
    ),
    ("not-a-number", "summary:", "focal_point: {x: .nan, y: 0}\nsummary:", "no es un número que Pregón acepte", 4),
]


def _write(project: Path, old: str | None, new: str) -> Path:
    path = project / ITEM
    if old is None:
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "old", "new", "expected", "line"), CASES, ids=[c[0] for c in CASES])
def test_load_release_refuses_with_file_line_and_reason(
    project_copy: Path, name: str, old: str | None, new: str, expected: str, line: int
) -> None:
    path = _write(project_copy, old, new)
    with pytest.raises(ReleaseError) as caught:
        load_release(path, load_rules(project_copy / "mkdocs.yml"))
    problem = next((p for p in caught.value.problems if expected in p.message), None)
    assert problem is not None, caught.value.problems
    assert problem.line == line and problem.path.endswith("biblioteca-amplia-horario.md")


def test_not_utf8_names_the_line(project_copy: Path) -> None:
    path = project_copy / ITEM
    path.write_bytes(path.read_bytes().replace("Ilustración".encode(), "Ilustraci\xf3n".encode("latin-1"), 1))
    with pytest.raises(ReleaseError, match="no está en UTF-8") as caught:
        release_digest(path)
    assert caught.value.problems[0].line == 8


@pytest.mark.parametrize(
    "trick",
    [
        # issue 9: a complex key after the updates block changed the title without changing the digest
        "updates:\n  - time: 2026-03-16 10:00\n    text: a\n? title\n: Otro título\n",
        # issue 9: an anchor in an update, used by the summary
        "updates:\n  - time: 2026-03-16 10:00\n    text: &s Resumen falso\nsummary2: *s\n",
    ],
    ids=["complex-key-in-updates", "anchor-in-update-used-by-summary"],
)
def test_the_digest_tricks_of_issue_9_are_refused_by_every_entry_point(project_copy: Path, trick: str) -> None:
    path = project_copy / ITEM
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n\n", trick + "---\n\n", 1), encoding="utf-8")
    for call in (
        lambda: load_release(path, load_rules(project_copy / "mkdocs.yml")),
        lambda: release_digest(path),
        lambda: update_digests(path),
    ):
        with pytest.raises(ReleaseError, match=r"clave compleja|anclas y alias"):
            call()


def test_hostile_sizes_stay_clean(project_copy: Path) -> None:
    """A thousand missing gallery files give a thousand located problems; `![` × 50,000 is just text.
    (Speed is measured in bench/loader_bench.py, not asserted here.)"""
    rules = load_rules(project_copy / "mkdocs.yml")
    gallery = "gallery:\n" + "".join(f"  - src: falta-{i}.jpg\n    alt: Foto {i}\n" for i in range(1000))
    path = _write(project_copy, "summary:", gallery + "summary:")
    with pytest.raises(ReleaseError) as caught:
        load_release(path, rules)
    assert [p.line for p in caught.value.problems] == [5 + 2 * i for i in range(1000)]
    _write(project_copy, gallery, "")
    path.write_text(path.read_text(encoding="utf-8") + "![" * 50_000, encoding="utf-8")
    assert load_release(path, rules).body.endswith("![![")


def test_pregon_check_reports_the_same_errors_without_traceback(project_copy: Path) -> None:
    bad = {}
    for name, old, new, expected, line in CASES[:12]:
        target = project_copy / f"content/prensa/2026/03/{name}.md"
        target.write_bytes((project_copy / ITEM).read_bytes())
        text = target.read_text(encoding="utf-8")
        target.write_text(new if old is None else text.replace(old, new, 1), encoding="utf-8")
        bad[target] = (expected, line)
    result = pregon_check(project_copy, *bad)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    for expected, _ in bad.values():
        assert expected in output, (expected, output)


def test_mkdocs_build_stops_with_every_problem_named(project_copy: Path, tmp_path: Path) -> None:
    for name, old, new, _, _ in CASES:
        target = project_copy / f"content/prensa/2026/03/{name}.md"
        text = (project_copy / ITEM).read_text(encoding="utf-8")
        target.write_text(new if old is None else text.replace(old, new, 1), encoding="utf-8")
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    for name, _, _, expected, line in CASES:
        assert f"content/prensa/2026/03/{name}.md:{line}: " in result.stderr, name
        assert expected in result.stderr, name
