"""mkdocs.yml that cannot be read: every command that reads it says why in Spanish, with the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pregon.cli import main

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
