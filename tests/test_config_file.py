"""mkdocs.yml that cannot be read: every command that reads it says why in Spanish, with the line."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pregon.cli import main

EXAMPLE_CONFIG = (Path(__file__).resolve().parent.parent / "mkdocs.yml").read_bytes()

COMMANDS = [
    ["syndicate", "--dry-run", "--site", "http://127.0.0.1:9/"],
    ["collect", "--dry-run"],
    ["check"],
    ["report", "growth", "--month", "2026-11", "--dry-run"],
    ["report", "sentiment", "--month", "2026-11", "--dry-run"],
    ["audit", "--month", "2026-11", "--dry-run"],
    ["approve", "--role", "contenido", "--all", "--dry-run"],
    ["alerta", "--motivo", "x", "--dry-run"],
    ["init", "--dry-run", "--nombre", "Alcaldía de Prueba", "--url", "https://prensa.prueba.gov.co/"],
]


def _damage(project: Path, how: str) -> int:
    """Spoil mkdocs.yml; returns the line where it now fails."""
    config = project / "mkdocs.yml"
    data = config.read_bytes()
    if how == "windows-1252":
        first = "Alcaldía".encode()
        line = data[: data.index(first)].count(b"\n") + 1
        config.write_bytes(data.replace(first, "Alcaldía".encode("cp1252"), 1))
        return line
    config.write_bytes(data.replace(b"use_directory_urls: true", b"use_directory_urls: [true", 1))
    return data[: data.index(b"use_directory_urls")].count(b"\n") + 2


@pytest.mark.parametrize("how", ["windows-1252", "yaml"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_config_that_cannot_be_read_is_explained_in_spanish(
    project_copy: Path, command: list[str], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _damage(project_copy, how)
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(project_copy.parent / "privado"))
    result = CliRunner().invoke(main, command, prog_name="pregon")
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    expected = "el archivo no está en UTF-8" if how == "windows-1252" else "YAML inválido ("
    assert f"mkdocs.yml:{line}: {expected}" in result.output, result.output
    assert "Traceback" not in result.output and "codec" not in result.output


def test_a_tab_that_only_libyaml_accepts_is_refused_with_the_line(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libyaml reads «{default:<TAB>immediate}», PyYAML (MkDocs' parser and the syndicator's)
    does not: the shared check uses PyYAML's, so the office hears it once, in Spanish, with the
    line, instead of a ScannerError from a later reader."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("schedule: {default: immediate}", "schedule: {default:\timmediate}", 1), encoding="utf-8"
    )
    line = text[: text.index("schedule: {default: immediate}")].count("\n") + 1
    monkeypatch.chdir(project_copy)
    for command in (["audit", "--month", "2026-11", "--dry-run"], ["check", "--all"], ["collect", "--dry-run"]):
        result = CliRunner().invoke(main, command, prog_name="pregon")
        assert result.exit_code not in (0, None) and isinstance(result.exception, SystemExit), repr(result.exception)
        assert f"mkdocs.yml:{line}: YAML inválido (hay un tabulador" in result.output, result.output


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("timezone: America/Bogota", "timezone: Marte/Olimpo", "`timezone: Marte/Olimpo` no es una zona horaria"),
        ("  - pregon:\n", "  - search:\n  - tags:\n  - pregon_no:\n", "configuración inválida"),
    ],
)
def test_check_explains_a_config_without_a_usable_pregon_plugin(
    project_copy: Path, old: str, new: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(project_copy)
    result = CliRunner().invoke(main, ["check", "--all"], prog_name="pregon")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert says in result.output


def test_check_says_when_mkdocs_yml_does_not_enable_pregon(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("plugins:\n")
    config.write_text(text[:start] + "plugins:\n  - search\n", encoding="utf-8")
    monkeypatch.chdir(project_copy)
    result = CliRunner().invoke(main, ["check", "--all"], prog_name="pregon")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "no activa el plugin de Pregón" in result.output


_MUTATION = st.lists(
    st.tuples(st.integers(0, 10**6), st.sampled_from([*b"\x00\t\n \"':-[{!&*\xff\xc3", 65])),
    min_size=1,
    max_size=6,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=_MUTATION, cut_at=st.one_of(st.none(), st.floats(0, 1)), command=st.sampled_from(COMMANDS[:6]))
def test_a_damaged_mkdocs_yml_never_ends_a_command_in_a_traceback(
    project_copy: Path,
    cuts: list[tuple[int, int]],
    cut_at: float | None,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bytes of mkdocs.yml replaced (NUL, tab, quotes, YAML indicators, a stray UTF-8 byte) or the
    file cut short, as an editor or a bad merge leaves it: every command ends with its own
    message (a SystemExit), never another exception."""
    config = project_copy / "mkdocs.yml"  # the same copy for every example: start from the original
    data = bytearray(EXAMPLE_CONFIG)
    for position, value in cuts:
        data[position % len(data)] = value
    if cut_at is not None:
        data = data[: int(len(data) * cut_at)]
    config.write_bytes(bytes(data))
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(project_copy.parent / "privado"))
    result = CliRunner().invoke(main, command, prog_name="pregon")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


class _TaglessLoader(yaml.SafeLoader):
    """The example mkdocs.yml as plain data (its one ``!ENV`` becomes the default it names)."""


_TaglessLoader.add_constructor("!ENV", lambda loader, node: "http://127.0.0.1:8000/")
EXAMPLE_DOCUMENT = yaml.load(EXAMPLE_CONFIG.decode("utf-8"), Loader=_TaglessLoader)


def _node_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found += _node_paths(child, (*prefix, key))
    return found


NODE_PATHS = _node_paths(EXAMPLE_DOCUMENT)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.dates(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "../../etc", "/abs", "x" * 3000, "2026-13-45", "es", "material"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
# What MkDocs' own validators say in English; every command must say it in Spanish.
MKDOCS_ENGLISH = re.compile(
    r"Expected|received|Config value|Invalid |Unrecognised|is not a valid|isn't an existing|Failed to load|Sub-option|Plugin '"
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(st.tuples(st.sampled_from(NODE_PATHS), _VALUES), min_size=1, max_size=2),
    command=st.sampled_from([*COMMANDS[:7], ["new", "Un comunicado", "-d", "salud", "--dry-run"]]),
)
def test_a_value_of_the_wrong_kind_anywhere_in_mkdocs_yml_is_explained_in_spanish(
    project_copy: Path, changes: list[tuple[tuple[Any, ...], Any]], command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any option of the example replaced by a value of another kind (a date for a list, a map for
    a name, a number for a theme…), as a hand edit leaves it: every command ends with its own
    message, never a traceback, and MkDocs' English validation messages reach the office in Spanish."""
    document = copy.deepcopy(EXAMPLE_DOCUMENT)
    for path, value in changes:
        node = document
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed this option's parent
            continue
    (project_copy / "mkdocs.yml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(project_copy.parent / "privado"))
    result = CliRunner().invoke(main, command, prog_name="pregon")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert not MKDOCS_ENGLISH.search(result.output), result.output
