"""JSON from outside the process: a Spanish ValueError for anything that is not a document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pregon.syndicate.manifest import ManifestError, parse_manifest

from pregon.json_input import JSONInputError, loads
from pregon.pendiente import decide

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "falta un valor"),
        ('{"a" 1}', "faltan los dos puntos"),
        ('{"a": 1 "b": 2}', "falta una coma"),
        ("{a: 1}", "un nombre de campo va entre comillas dobles"),
        ('"sin cerrar', "un texto sin cerrar las comillas"),
        ('{"a": 1} {}', "sobra texto después del documento"),
        (DEEP, "tiene demasiados niveles anidados"),
        (b'{"a": "caf\xe9"}', "el texto no está en UTF-8"),
        ('{"seguidores": NaN}', "«NaN» no es un número que Pregón pueda leer"),
        ("[-Infinity]", "«-Infinity» no es un número que Pregón pueda leer"),
        ('{"alcance": 1e999}', "«1e999» no es un número que Pregón pueda leer"),
        ("[" + "9" * 5000 + "]", "«" + "9" * 39 + "…» no es un número que Pregón pueda leer"),
    ],
)
def test_every_refusal_is_a_spanish_value_error(text: str | bytes, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        loads(text)
    assert isinstance(caught.value, JSONInputError) and caught.value.msg == reason


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('{}[]",:0123456789.-eEtrufalsn \\u\n\x00ñ')), max_size=30))
def test_any_text_is_a_value_or_a_json_input_error(text: str) -> None:
    try:
        value = loads(text)
    except JSONInputError as exc:
        assert exc.msg and "Expecting" not in str(exc)
    else:
        assert value == json.loads(text)


def test_a_deeply_nested_next_json_means_build() -> None:
    """`pregon pendiente` ran into a RecursionError; a document it cannot read means «build»."""
    decision = decide(('{"a":' * 5000 + "1" + "}" * 5000).encode(), datetime(2026, 12, 3, tzinfo=UTC), "abc1234")
    assert decision.due and "no es válido" in decision.reason


def test_a_manifest_that_is_not_json_is_refused_in_spanish() -> None:
    for raw in (DEEP, '{"format": "pregon-manifest",}'):
        with pytest.raises(ManifestError) as caught:
            parse_manifest(raw)
        assert str(caught.value).startswith("el manifiesto no es JSON válido: ")
        assert "Expecting" not in str(caught.value)
