"""The syndicator's reading of the live manifest: what no Pregón build writes is refused whole.

The build refuses control characters in every source file and front-matter value
(``plugins/source.py``), so a manifest that carries one was not written by it: a hand-made or
altered deploy. Unit tests feed documents to :func:`parse_manifest`; the last test runs
``pregon syndicate`` as a subprocess against a real HTTP server of a hand-made live site.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pregon.syndicate.manifest import ManifestError, parse_manifest

from pregon.safe_text import INVISIBLE
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project

ITEM = {
    "id": "2026/vacunacion",
    "url": "https://portal.example/prensa/2026/vacunacion/",
    "digest": "sha256:" + "a" * 64,
    "title": "Jornada de vacunación",
    "summary": "Resumen.",
    "date": "2026-11-19T09:00:00-05:00",
    "dependencia": {"slug": "salud", "name": "Secretaría de Salud"},
    "tags": ["salud"],
    "social": {"x": "Texto para X"},
    "media": [{"kind": "image", "url": "https://portal.example/a.jpg", "alt": "Una foto"}],
    "source": {"path": "content/prensa/2026/vacunacion.md"},
    "live": True,
    "updates": [
        {
            "id": "u1",
            "time": "2026-11-19T10:00:00-05:00",
            "text": "Primera actualización\ncon dos líneas.",
            "digest": "sha256:" + "b" * 64,
            "url": "https://portal.example/prensa/2026/vacunacion/#u1",
        }
    ],
}
MANIFEST = {
    "format": "pregon-manifest",
    "version": 1,
    "generated_at": "2026-11-20T10:00:00-05:00",
    "site_url": "https://portal.example/",
    "feeds": {"rss": "a", "atom": "b", "json": "c"},
    "entity": {"name": "Alcaldía de Ejemplo"},
    "items": [ITEM],
}

# Where a text can sit in a manifest, as a path of keys and list positions.
TEXT_PLACES = [
    ("items", 0, "title"),
    ("items", 0, "summary"),
    ("items", 0, "tags", 0),
    ("items", 0, "social", "x"),
    ("items", 0, "media", 0, "alt"),
    ("items", 0, "dependencia", "name"),
    ("items", 0, "updates", 0, "text"),
    ("entity", "name"),
]


def with_text(place: tuple[Any, ...], text: str) -> dict[str, Any]:
    document = copy.deepcopy(MANIFEST)
    target: Any = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = text
    return document


def test_a_manifest_as_the_build_writes_it_is_read() -> None:
    manifest = parse_manifest(json.dumps(MANIFEST, ensure_ascii=False))
    assert manifest.items[0].updates[0].text == "Primera actualización\ncon dos líneas."


@pytest.mark.parametrize("place", TEXT_PLACES, ids=lambda p: ".".join(map(str, p)))
@pytest.mark.parametrize("char", ["\x1b", "\x00", "\r", "\x85", "\u2028", "\x7f"])
def test_a_control_character_in_any_text_refuses_the_manifest_and_names_the_field(
    place: tuple[Any, ...], char: str
) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(json.dumps(with_text(place, f"Texto{char}[31m::error::x")))
    message = str(caught.value)
    assert message.isprintable() and char not in message  # one line; the value is never echoed
    assert "::error::" not in message
    assert f"carácter invisible (U+{ord(char):04X})" in message
    field, key = (place[-2], place[-1]) if place[-2] in ("social", "tags") else (place[-1], None)
    assert f"→ {field}: contiene" in message
    if key == "x":
        assert "en «x»" in message
    elif key == 0:
        assert "en el elemento 1" in message
    if place[0] == "items":
        assert "items[0] («2026/vacunacion»)" in message


def test_a_social_text_key_with_a_control_character_is_refused_too() -> None:
    document = copy.deepcopy(MANIFEST)
    document["items"][0]["social"] = {"x\x1b": "texto"}
    with pytest.raises(ManifestError, match=r"carácter invisible \(U\+001B\) en un nombre"):
        parse_manifest(json.dumps(document))


def test_errors_are_spanish_name_each_field_and_an_unprintable_id_is_not_shown() -> None:
    document = copy.deepcopy(MANIFEST)
    document["items"] = [{"id": "x\n::error::y", "title": 3, "date": "ayer"}]
    with pytest.raises(ManifestError) as caught:
        parse_manifest(json.dumps(document))
    message = str(caught.value)
    assert message.startswith("manifiesto inválido: ")
    assert message.isprintable() and "::error::" not in message
    assert "items[0] → title: se esperaba un texto" in message
    assert "items[0] → date: se esperaba una fecha y hora ISO 8601" in message
    assert "items[0] → url: falta este campo" in message
    assert "validation error" not in message and "Input should" not in message


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(TEXT_PLACES), text=st.text(max_size=40))
def test_any_text_is_either_kept_exactly_or_refused_with_a_clear_error(place: tuple[Any, ...], text: str) -> None:
    raw = json.dumps(with_text(place, text), ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        manifest = parse_manifest(raw)
    except ManifestError as exc:
        assert str(exc).isprintable()
        assert INVISIBLE.search(text), f"refused a text the build may write: {text!r}: {exc}"
        return
    assert not INVISIBLE.search(text)
    value: Any = manifest.model_dump(by_alias=True)
    for step in place:
        value = value[step]
    assert value == text


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(ITEM)), value=_json)
def test_any_value_in_any_item_field_gives_a_manifest_or_a_manifest_error(field: str, value: Any) -> None:
    document = copy.deepcopy(MANIFEST)
    document["items"][0][field] = value
    try:
        parse_manifest(json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except ManifestError as exc:
        assert str(exc).isprintable()


def test_syndicate_posts_nothing_from_a_manifest_with_a_control_character(tmp_path: Path, hand_site: HandSite) -> None:
    good = Spec("bueno")
    bad = Spec("malo", title="Título\x1b[2J::error::borrado")
    hand_site.write([good, bad])
    project = make_project(tmp_path / "project", {"channels": {"outbox": {"folder": "outbox"}}})
    approve(project, good.digest)
    approve(project, bad.digest)
    with hand_site.serve() as site:
        result = run_syndicate(project, site)
    assert result.returncode != 0
    assert "manifiesto inválido" in result.output and "«malo»" in result.output
    assert "carácter invisible (U+001B)" in result.output and "no se publicó nada" in result.output
    assert "\x1b" not in result.output
    assert not (project / "outbox").exists()
    assert not any(line.get("state") == "intent" for line in ledger_lines(project))
