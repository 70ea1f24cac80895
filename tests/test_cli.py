"""The `pregon` command line speaks Spanish, click's own messages included; help texts are whole;
tables keep one row per line in CI logs; every command that writes can be simulated."""

from __future__ import annotations

import ast
import re
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
        (["aprobacion", "estado", "--pr", "-5"], "Error: Valor inválido para '--pr': -5 no está en el rango x>=1."),
        (["aprobacion", "registrar", "--pr", "0"], "Error: Valor inválido para '--pr': 0 no está en el rango x>=1."),
        (["approve", "--role", "contenido", "--pr", "0"], "Error: Valor inválido para '--pr': 0 no está en el rango"),
        (
            ["aprobacion", "registrar", "--commit", "HEAD~1"],
            "'HEAD~1' no es un commit (de 7 a 64 cifras hexadecimales)",
        ),
        (["registros", "confirmar", "x", "outbox", "--publicado", "--por", "Ana\nBcc"], "Valor inválido para --por: contiene un salto de línea"),
        (["registros", "confirmar", "x", "outbox", "--publicado", "--id", "\x1b[31m"], "Valor inválido para --id: contiene un salto de línea o un carácter de control (U+001B)"),
        (["aprobacion", "estado", "--pr", "3", "--enlace", "https://x\n::error::y"], "Valor inválido para --enlace: contiene un salto de línea"),
        (["check", "-f", "mk\x00docs.yml"], "Error: un argumento contiene el carácter NUL (U+0000)"),
        (["demo", "--no-serve", "--port", "0"], "Error: Valor inválido para '--port': 0 no está en el rango 1<=x<=65436."),
        (["demo", "--no-serve", "--port", "x"], "Error: Valor inválido para '--port': 'x' no es un entero válido."),
        (["approve", "--role", "contenido", "--pr", "uno"], "Valor inválido para '--pr': 'uno' no es un entero válido."),
    ],
)  # fmt: skip
def test_messages_are_in_spanish(args: list[str], expected: str) -> None:
    output = _run(*args)
    assert expected in output
    assert not any(word in output for word in ENGLISH), output


def _all_commands() -> list[tuple[str, click.Command]]:
    """Every command and subcommand, at any depth, by its full name ("registros confirmar")."""
    out: list[tuple[str, click.Command]] = []

    def walk(name: str, command: click.Command) -> None:
        out.append((name, command))
        if isinstance(command, click.Group):
            for sub, child in command.commands.items():
                walk(f"{name} {sub}", child)

    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert command is not None
        walk(name, command)
    return out


def _listing(output: str) -> str:
    return output.split("Comandos:")[1] if "Comandos:" in output else ""


def test_every_help_is_whole_and_in_spanish() -> None:
    listing = _run("--help")
    assert "..." not in _listing(listing)  # no description cut short
    commands = _all_commands()
    assert len(commands) > len(COMMANDS)  # the walk reached the subcommands
    for name, command in commands:
        assert command.help, f"pregon {name} no tiene ayuda"
        output = _run(*name.split(), "--help")
        assert "-h, --help" in output and "Muestra esta ayuda y termina." in output, name
        assert not any(word in output for word in ENGLISH), (name, output)
        assert "[OPTIONS]" not in output, name
        # The whole description, and each subcommand's whole first sentence in a group's list.
        first = command.help.split("\n\n")[0].split()
        assert " ".join(first) in " ".join(output.split()), (name, output)
        assert "..." not in _listing(output), (name, output)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                assert " ".join(sub.help.split("\n\n")[0].split()) in " ".join(_listing(output).split()), name


def test_every_command_that_writes_can_be_simulated() -> None:
    """Every command writes something (records, files, refs, posts, statuses, e-mails): all simulate."""
    leaves = [(name, c) for name, c in _all_commands() if not isinstance(c, click.Group)]
    assert len(leaves) >= 18
    for name, command in leaves:
        option = next((p for p in command.params if p.name == "dry_run"), None)
        assert option is not None, f"pregon {name} no tiene --dry-run"
        assert "--dry-run" in option.opts and "--simular" in option.opts, name  # the shared option


def test_new_with_dry_run_writes_nothing(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_NOW", "2026-11-20T10:00:00-05:00")
    before = sorted(p for p in project_copy.rglob("*") if ".git" not in p.parts)
    output = _run("new", "Feria del libro en la plaza", "-d", "cultura", "--dry-run")
    assert "Se crearía content/prensa/2026/11/feria-del-libro-en-la-plaza.md" in output
    assert 'title: "Feria del libro en la plaza"' in output or "title: Feria del libro en la plaza" in output
    assert sorted(p for p in project_copy.rglob("*") if ".git" not in p.parts) == before


def test_a_file_the_system_refuses_ends_a_command_in_spanish(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Here a file stands where `pregon new` makes the month's folder; any command gets the path
    and the reason, never an OSError traceback."""
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_NOW", "2026-12-20T10:00:00-05:00")
    (project_copy / "content/prensa/2026/12").write_text("no es una carpeta", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "Feria del libro", "-d", "cultura"], prog_name="pregon")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "content/prensa/2026/12" in result.output and "una parte de la ruta es un archivo" in result.output


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


def test_tables_stay_one_row_per_line_at_80_columns_outside_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI log is no terminal and rich would assume 80 columns (COLUMNS=80): rows must not wrap."""
    import io

    from pregon.syndicate.cli import print_report
    from pregon.syndicate.report import Outcome, RunReport

    from pregon.console import make_console

    monkeypatch.setenv("COLUMNS", "80")
    stream = io.StringIO()  # not a tty
    monkeypatch.setattr("sys.stdout", stream)
    report = RunReport("https://portal.example/")
    ids = [f"prensa/2026/11/{'-'.join(['comunicado'] * 9)}-{n}" for n in range(3)]
    for n, item in enumerate(ids):
        report.outcomes.append(
            Outcome(item, "Título largo " * 4, f"x-alcalde-{n}", "error", "la red respondió 503 " * 4)
        )
    console = make_console()
    assert not console.is_terminal
    print_report(report, console)
    lines = stream.getvalue().splitlines()
    for n, item in enumerate(ids):
        [row] = [line for line in lines if item in line]
        assert f"x-alcalde-{n}" in row and row.count("503") == 4
    assert max(len(line) for line in lines) > 80  # wider than the 80 columns it was given


def test_first_use_training_shows_progress_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from pregon.insights.sentiment.model import TrainingProgress, cached_classifier

    monkeypatch.setenv("PREGON_CACHE_DIR", str(tmp_path))
    classifier = cached_classifier()
    err = capsys.readouterr().err
    steps = [line.strip() for line in err.splitlines() if line.strip().startswith("paso ")]
    assert [s.split(":")[0] for s in steps] == [f"paso {n} de {TrainingProgress.STEPS}" for n in range(1, 5)]
    assert err.count("listo en") == TrainingProgress.STEPS and "Modelo de sentimiento entrenado en" in err
    assert len(re.findall(r"listo en \d+,\d s", err)) == TrainingProgress.STEPS  # a Colombian decimal comma
    assert classifier.predict(["¿Ese subsidio aplica para el estrato 2?"]) == ["neutro"]
    assert list((tmp_path / "sentimiento").glob("modelo-*.joblib"))
    again = cached_classifier()  # from the cache: silent
    assert capsys.readouterr().err == ""
    assert again.predict(["Excelente gestión, gracias alcaldía"]) == classifier.predict(
        ["Excelente gestión, gracias alcaldía"]
    )


@pytest.mark.parametrize(
    "command",
    [
        ["syndicate", "--dry-run", "--site", "http://127.0.0.1:9/"],
        ["pendiente", "--site", "http://127.0.0.1:9/"],
        ["collect", "--dry-run"],
        ["new", "Feria del libro", "-d", "cultura", "--dry-run"],
        ["init", "--dry-run", "--nombre", "Alcaldía de Prueba", "--url", "https://prensa.prueba.gov.co/"],
    ],
    ids=lambda c: c[0],
)
def test_a_clock_override_that_is_not_a_moment_is_said_in_spanish(
    project_copy: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_copy)
    monkeypatch.setenv("PREGON_NOW", "mañana")
    result = CliRunner().invoke(main, command, prog_name="pregon")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "PREGON_NOW='mañana' no es una fecha ISO 8601" in result.output
