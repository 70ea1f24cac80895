"""`--site`, the published portal's address: checked once, in Spanish, never echoing a password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pregon.cli import main
from pregon.site_url import check_site

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("site", "says"),
    [
        ("http://[::1", "no es una dirección web válida"),
        ("http://127.0.0.1:99999/", "no es una dirección web válida"),
        ("", "no es una dirección web completa"),
        ("ftp://prensa.example/", "no es una dirección web completa"),
        ("prensa.example", "no es una dirección web completa"),
        ("https://editora:clave-secreta@prensa.example/", "no debe llevar usuario ni contraseña"),
    ],
)
def test_a_bad_site_is_a_usage_error_in_every_command(site: str, says: str) -> None:
    for command in (["syndicate", "--dry-run"], ["pendiente"]):
        result = CliRunner().invoke(main, [*command, "--site", site], prog_name="pregon")
        assert result.exit_code == 2, result.output
        assert says in result.output and "clave-secreta" not in result.output
        assert "Traceback" not in result.output
    # The scheduled job runs the stdlib-only module before anything is installed.
    plain = subprocess.run(
        [sys.executable, "-m", "pregon.pendiente", "--site", site, "--commit", "abcdef1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert plain.returncode == 2 and says in plain.stderr and "Traceback" not in plain.stderr
    assert "clave-secreta" not in plain.stderr + plain.stdout


def test_a_good_site_is_kept_without_surrounding_spaces() -> None:
    assert check_site("  https://prensa.example/  ") == "https://prensa.example/"
    assert check_site("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


def test_the_stdlib_only_pendiente_speaks_spanish_too() -> None:
    """The scheduled job's `python -m pregon.pendiente` has no click: argparse's own words are
    translated (usage, help, a missing or unknown argument)."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pregon.pendiente", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        return done.stdout + done.stderr

    shown = run("--help") + run() + run("--site", "https://x.example/", "--otra") + run("--site")
    assert "uso: pregon pendiente" in shown and "muestra esta ayuda y termina" in shown
    assert "faltan los argumentos: --site" in shown and "argumentos desconocidos: --otra" in shown
    assert "argumento --site: se esperaba un valor" in shown
    for english in ("usage:", "show this help", "required", "unrecognized", "expected one", "does a scheduled"):
        assert english not in shown, english
