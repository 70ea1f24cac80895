"""``pregon pendiente`` as a subcommand; the logic (standard library only) is :mod:`pregon.pendiente`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from . import pendiente as logic
from .cli import dry_run_option, site_address
from .clock import fixed_now


@click.command(name="pendiente")
@click.option("--site", required=True, callback=site_address, help="Dirección del portal publicado.")
@click.option("--commit", help="Commit que se publicaría (por omisión: el HEAD de git).")
@click.option("--exit-code", is_flag=True, help="Termina con 0 si hay que construir y con 3 si no.")
@dry_run_option
def pendiente(site: str, commit: str | None, exit_code: bool, dry_run: bool) -> None:
    """¿Hay algo que publicar? Compara /pregon/next.json del portal con la hora y el commit.

    Escribe pendiente=true|false en $GITHUB_OUTPUT cuando existe; con --dry-run solo lo muestra.
    """
    if dry_run:
        now = fixed_now() or datetime.now(UTC)
        decision = logic.decide(logic.fetch(site), now, commit or logic.head_commit())
        click.echo(f"pendiente={'true' if decision.due else 'false'}")
        click.echo(f"pregon pendiente: {decision.reason}", err=True)
        click.echo("Simulación: no se escribió en $GITHUB_OUTPUT.", err=True)
    else:
        decision = logic.run(site, commit)
    if exit_code and not decision.due:
        sys.exit(3)
