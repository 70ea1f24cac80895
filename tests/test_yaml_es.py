"""PyYAML's reasons in Spanish: what an editor reads when a front matter or mkdocs.yml is refused."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pregon.yaml_es import yaml_line, yaml_reason

ENGLISH = re.compile(r"\b(?:expected|found|while|allowed|could|token|stream|but|got|mapping|scalar)\b")


def _refusal(text: str) -> yaml.YAMLError:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("title: Vía cerrada: desvío por la 5\n", "hay un «:» que no separa un campo de su valor"),
        ("tags: [obras, vías\nsummary: x\n", "se esperaba «,» o «]» y se encontró"),
        ('title: "Sin cerrar\n', "el texto termina antes de cerrar unas comillas o un corchete"),
        ("title: x\n\tsummary: y\n", "hay un tabulador: use espacios para la sangría"),
        ("title: *destacado\n", "el alias 'destacado' no existe"),
        ('title: "Ruta C:\\documentos"\n', "la secuencia 'd' no existe entre comillas dobles"),
        ("title: x\n- y\n", "la sangría no cuadra: se encontró '-' donde terminaba un bloque"),
        ("title: '@alcaldia' dijo\n", "la sangría no cuadra: se encontró un texto donde terminaba un bloque"),
        ("dependencia:\n  slug: salud\n nombre: Salud\n", "se encontró un campo con otra sangría"),
        ("tags: [obras\n", "se esperaba «,» o «]» y se encontró el final del texto"),
        ("title: @alcaldia\n", "el carácter '@' no puede empezar un valor"),
    ],
)
def test_common_mistakes_are_explained_in_spanish(text: str, reason: str) -> None:
    refusal = _refusal(text)
    assert reason in yaml_reason(refusal)
    assert not ENGLISH.search(yaml_reason(refusal))
    assert re.fullmatch(r":\d+", yaml_line(refusal))


LOADERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tags: [obras\n---\n", "se esperaba «,» o «]»: cierre el corchete de la lista"),
        ("title: Vía cerrada: desvío\n", "hay un «:» que no separa un campo de su valor"),
        ("title: @alcaldia\n", "hay un carácter que no puede empezar un valor"),
        ("title: x\n\tsummary: y\n", "hay un tabulador"),
        ("title: " + "[" * 20_000 + "]" * 20_000 + "\n", "tiene demasiados niveles anidados"),
    ],
)
def test_the_c_parser_the_build_uses_is_explained_too(text: str, reason: str) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML sin libyaml: la construcción usa el analizador en Python, probado arriba")
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.load(text, Loader=yaml.CSafeLoader)
    assert reason in yaml_reason(caught.value)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab :-[]{},\"'\\&*!|>#@%`\t\n ñ?0.")), max_size=40),
    loader=st.sampled_from(LOADERS),
)
def test_no_refusal_is_reported_in_english(text: str, loader: type) -> None:
    try:
        yaml.load(text, Loader=loader)  # only the safe loaders are sampled
    except yaml.YAMLError as exc:
        reason = yaml_reason(exc)
        assert reason and not ENGLISH.search(reason), (text, getattr(exc, "problem", None), reason)
