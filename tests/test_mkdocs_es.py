"""MkDocs' configuration messages in Spanish: each one produced by MkDocs' own validators, so a
change of wording in a new MkDocs shows up here rather than as English in an office's CI log."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from pregon import mkdocs_es
from pregon.cli import main

ENGLISH = re.compile(
    r"Expected|received|[Ii]nvalid|[Cc]onfiguration|given|got |must be|should|isn't|Unable|Unrecognised"
)


def _message(option: c.BaseConfigOption[Any], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        option.run_validation(value) if value is None else option.validate(value)
    return str(caught.value)


class _Sub(Config):
    name = c.Type(str)


@pytest.mark.parametrize(
    ("option", "value", "spanish"),
    [
        (c.Type(str), None, "se esperaba un texto y se encontró un valor vacío"),
        (c.Type(int), "x", "se esperaba un número entero y se encontró un texto"),
        (c.Type((str, datetime.date)), 1, "se esperaba un texto o una fecha y se encontró un número entero"),
        (c.Type(list, length=2), [1], "se esperaba una lista de 2 elementos y tiene 1"),
        (c.Choice(("banner", "popup")), "cartel", "debe ser uno de estos valores: banner, popup; se encontró 'cartel'"),
        (c.SubConfig(_Sub), "hola", "se esperaba un mapa (clave: valor) y se encontró un texto"),
        (c.ListOfItems(c.Type(str)), "x", "se esperaba una lista y se encontró un texto"),
        (c.DictOfItems(c.Type(str)), [1], "se esperaba un mapa (clave: valor) y se encontró una lista"),
        (c.DictOfItems(c.Type(str)), {1: "a"}, "cada clave debe ser un texto; «1» es un número entero"),
        (c.URL(), "prensa.gov.co", "la dirección no es válida: debe empezar por http:// o https://"),
        (c.Nav(), -1, "el menú debe ser una lista; se encontró un número entero (-1)"),
        (c.Nav(), [1], "cada entrada del menú es «Título: página» o una página; se encontró un número entero (1)"),
        (
            c.Nav(),
            [{"a": "b", "c": "d"}],
            "cada entrada del menú tiene un solo «Título: página»; se encontró un mapa con 2 claves",
        ),
        (c.MarkdownExtensions(), [[1]], "cada extensión de Markdown es un nombre o «nombre: {opciones}»"),
        (c.MarkdownExtensions(), ["no_existe_xyz"], "no se pudo cargar la extensión de Markdown «no_existe_xyz»"),
        (
            c.Theme(default="mkdocs"),
            [],
            "se esperaba el nombre del tema o un mapa (name: material, …) y se encontró una lista",
        ),
        (c.Theme(default="mkdocs"), {"name": "no-existe-xyz"}, "no hay un tema «no-existe-xyz» instalado"),
        (c.IpAddress(), 8000, "se esperaba una dirección y un puerto, «127.0.0.1:8000»"),
        (c.EditURITemplate(), "{nada}", "la plantilla usa 'nada', que no existe"),
        (c.Plugins(), "x", "`plugins` es una lista de plugins, cada uno un nombre o «nombre: {opciones}»"),
        (c.Plugins(), ["no-existe-xyz"], "el plugin «no-existe-xyz» no está instalado"),
    ],
)
def test_each_validator_message_reads_in_spanish(option: c.BaseConfigOption[Any], value: object, spanish: str) -> None:
    said = mkdocs_es.reason(_message(option, value))
    assert said.startswith(spanish), said
    assert not ENGLISH.search(said), said


def test_required_and_the_path_of_a_sub_option() -> None:
    message = "Config value 'plugins': Plugin 'pregon' option 'entity': Sub-option 'name': " + _message(
        c.Type(str), None
    )
    assert mkdocs_es.option_path(message) == ["plugins", "pregon", "entity", "name"]
    assert (
        mkdocs_es.spanish(message)
        == "`plugins → pregon → entity → name`: se esperaba un texto y se encontró un valor vacío"
    )
    assert mkdocs_es.reworded(message).startswith("Config value 'plugins': Plugin 'pregon' option 'entity': Sub-option")
    with pytest.raises(ValidationError) as missing:
        c.Type(str, required=True).validate(None)
    assert mkdocs_es.reason(str(missing.value)) == "falta este valor obligatorio"


def test_one_message_per_plugin_option_when_mkdocs_joins_them() -> None:
    joined = "Config value 'plugins': Plugin 'pregon' option 'a': Expected type: <class 'str'> but received: <class 'int'>\nPlugin 'pregon' option 'b': Required configuration not provided."
    assert [mkdocs_es.spanish(m) for m in mkdocs_es.split(joined)] == [
        "`plugins → pregon → a`: se esperaba un texto y se encontró un número entero",
        "`plugins → pregon → b`: falta este valor obligatorio",
    ]


def test_an_unknown_message_is_kept_as_mkdocs_wrote_it() -> None:
    assert mkdocs_es.reason("Something new in MkDocs 2") == "Something new in MkDocs 2"


def _run_check(project: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(project)
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(project.parent / "privado"))
    result = CliRunner().invoke(main, ["check", "--all"], prog_name="pregon")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), repr(result.exception)
    return result.output


def _line(path: Path, needle: str) -> int:
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def test_check_names_the_file_line_and_option_of_a_plugin_option_in_spanish(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("        kind: banner", "        kind: cartel"), encoding="utf-8")
    output = _run_check(project_copy, monkeypatch)
    expected = (
        f"mkdocs.yml:{_line(config, 'kind: cartel')}: configuración inválida: `plugins → pregon → announcement → kind`: "
        "debe ser uno de estos valores: banner, popup; se encontró 'cartel'"
    )
    assert expected in output, output
    assert not ENGLISH.search(output.replace("mkdocs.yml", "")), output


def test_check_explains_a_value_mkdocs_crashes_on_instead_of_a_traceback(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs 1.6 raises a TypeError for ``theme: {name: {…}}`` rather than a validation error."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material", "  name: {material: true}", 1), encoding="utf-8")
    output = _run_check(project_copy, monkeypatch)
    line = _line(config, "theme:")
    assert f"mkdocs.yml:{line}: configuración inválida: `theme`: MkDocs no puede leer este valor (TypeError)" in output
    assert "Traceback" not in output
