"""The `pregon` command line speaks Spanish, click's own messages included; help texts are whole;
tables keep one row per line in CI logs; every command that writes can be simulated."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pregon import click_es
from pregon.cli import COMMANDS, main

ENGLISH = ("Usage:", "Show this message", "Missing argument", "Missing option", "No such command", "Error: Invalid")


def _click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every text click marks for translation: ``_("…")`` and ``ngettext("…", "…", n)``."""
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and len(texts) == 1:
                singular.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plural.add((texts[0], texts[1]))
    return singular, plural


def test_every_text_click_marks_has_a_spanish_translation() -> None:
    singular, plural = _click_texts()
    assert len(singular) > 40 and len(plural) >= 5  # the scan found click's catalogue
    assert sorted(singular - set(click_es.SINGULAR)) == []
    assert sorted(plural - set(click_es.PLURAL)) == []


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), prog_name="pregon", catch_exceptions=False)
    return result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], "Uso: pregon [OPCIONES] COMANDO [ARGUMENTOS]..."),
        (["nada"], "Error: No existe el comando 'nada'."),
        (["syndicate"], "Error: Falta la opción '--site'."),
        (["check", "--format", "xx"], "no es ninguno de estos: 'terminal', 'github', 'json'"),
        (["report", "growth"], "Error: Falta la opción '--month'"),
        (["new"], "Error: Falta el argumento 'TITULO'."),
    ],
)
def test_messages_are_in_spanish(args: list[str], expected: str) -> None:
    output = _run(*args)
    assert expected in output
    assert not any(word in output for word in ENGLISH), output


def _all_commands() -> list[tuple[str, click.Command]]:
    out = []
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert command is not None
        out.append((name, command))
        if isinstance(command, click.Group):
            out += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    return out


def test_every_help_is_whole_and_in_spanish() -> None:
    listing = _run("--help")
    assert "..." not in listing.split("Comandos:")[1]  # no description cut short
    for name, command in _all_commands():
        assert command.help, f"pregon {name} no tiene ayuda"
        output = _run(*name.split(), "--help")
        assert "-h, --help" in output and "Muestra esta ayuda y termina." in output, name
        assert not any(word in output for word in ENGLISH), (name, output)
        assert "[OPTIONS]" not in output, name


WRITERS = {"syndicate", "check", "new", "collect", "report growth", "report sentiment", "audit", "sentiment train"}


def test_every_command_that_writes_can_be_simulated() -> None:
    commands = dict(_all_commands())
    for name in WRITERS:
        params = {p.name for p in commands[name].params}
        assert "dry_run" in params, f"pregon {name} no tiene --dry-run"


def test_new_with_dry_run_writes_nothing(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_NOW", "2026-11-20T10:00:00-05:00")
    before = sorted(p for p in project_copy.rglob("*") if ".git" not in p.parts)
    output = _run("new", "Feria del libro en la plaza", "-d", "cultura", "--dry-run")
    assert "Se crearía content/prensa/2026/11/feria-del-libro-en-la-plaza.md" in output
    assert 'title: "Feria del libro en la plaza"' in output or "title: Feria del libro en la plaza" in output
    assert sorted(p for p in project_copy.rglob("*") if ".git" not in p.parts) == before


def test_audit_with_dry_run_writes_nothing(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    out = project_copy / "informes-prueba"
    output = _run("audit", "--month", "2026-11", "-o", str(out), "--dry-run")
    assert "Simulación" in output or "No hay" in output
    assert not out.exists()


def test_tables_keep_one_row_per_line_outside_a_terminal() -> None:
    from pregon.syndicate.cli import print_report
    from pregon.syndicate.report import Outcome, RunReport

    from pregon.console import make_console

    report = RunReport("https://portal.example/")
    long_id = "prensa/2026/11/jornada-de-vacunacion-gratuita-en-barrios-y-veredas-del-municipio"
    report.outcomes.append(
        Outcome(
            long_id,
            "Jornada de vacunación gratuita en barrios y veredas",
            "x-alcalde",
            "error",
            "la red respondió 503 " * 5,
        )
    )
    console = make_console()
    with console.capture() as captured:
        print_report(report, console)
    lines = [line for line in captured.get().splitlines() if long_id in line]
    assert len(lines) == 1 and "x-alcalde" in lines[0] and "503" in lines[0]
