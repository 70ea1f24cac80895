"""``pregon alerta``: e-mail the office that a CI job failed (``syndicate.alerts``), then fail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pregon.cli import config_option

from .alerts import AlertError, deliver, failure_alert
from .config import ConfigError, load_config


@click.command()
@click.option("--motivo", required=True, help="Qué falló (p. ej. «la publicación del portal»).")
@click.option("--detalle", default="", help="Detalle y enlace a la ejecución.")
@config_option
def alerta(motivo: str, detalle: str, config_path: Path) -> None:
    """Avisa por correo a la oficina (syndicate.alerts.email) que algo falló en CI.

    Sale con código 1 (el aviso nunca hace pasar un job fallido) y con 2 si no se pudo avisar.
    """
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    try:
        click.echo(deliver(failure_alert(motivo, detalle), config.alerts, config.channels))
    except AlertError as exc:
        click.echo(f"no se pudo enviar el aviso a la oficina: {exc}", err=True)
        sys.exit(2)
    sys.exit(1)
