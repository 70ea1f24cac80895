"""``pregon alerta``: e-mail the office that a CI job failed (``syndicate.alerts``), then fail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pregon.cli import config_option, dry_run_option

from .alerts import AlertError, deliver, failure_alert, smtp_settings
from .config import ConfigError, load_config


@click.command()
@click.option("--motivo", required=True, help="Qué falló (p. ej. «la publicación del portal»).")
@click.option("--detalle", default="", help="Detalle y enlace a la ejecución.")
@config_option
@dry_run_option
def alerta(motivo: str, detalle: str, config_path: Path, dry_run: bool) -> None:
    """Avisa por correo a la oficina (syndicate.alerts.email) que algo falló en CI.

    Sale con código 1 (el aviso nunca hace pasar un job fallido) y con 2 si no se pudo avisar.
    Con --dry-run muestra el correo y a quién iría, sin enviarlo (y sale igual con 1).
    """
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    alert = failure_alert(motivo, detalle)
    if dry_run:
        if not config.alerts.email:
            click.echo("Simulación: no hay syndicate.alerts.email configurado; no se enviaría ningún aviso.")
        else:
            settings = smtp_settings(config.alerts, config.channels)
            server = f"{settings.host}:{settings.port}" if settings else "ningún servidor SMTP (faltaría configurarlo)"
            click.echo(f"Simulación: se enviaría a {', '.join(config.alerts.email)} por {server}:")
            click.echo(f"  Asunto: {alert.subject}")
            for line in alert.lines:
                click.echo(f"  {line}")
        click.echo("No se envió nada.")
        sys.exit(1)
    try:
        click.echo(deliver(alert, config.alerts, config.channels))
    except AlertError as exc:
        click.echo(f"no se pudo enviar el aviso a la oficina: {exc}", err=True)
        sys.exit(2)
    sys.exit(1)
