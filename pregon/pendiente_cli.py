"""``pregon pendiente`` as a subcommand; the logic (standard library only) is :mod:`pregon.pendiente`."""

from __future__ import annotations

import sys

import click

from . import pendiente as logic


@click.command(name="pendiente")
@click.option("--site", required=True, help="Dirección del portal publicado.")
@click.option("--commit", help="Commit que se publicaría (por omisión: el HEAD de git).")
@click.option("--exit-code", is_flag=True, help="Termina con 0 si hay que construir y con 3 si no.")
def pendiente(site: str, commit: str | None, exit_code: bool) -> None:
    """¿Hay algo que publicar? Compara /pregon/next.json del portal con la hora y el commit."""
    decision = logic.run(site, commit)
    if exit_code and not decision.due:
        sys.exit(3)
