"""``pregon registros``: the records branch (prepare, save), torn lines, posts "por verificar".

Exit status: 0 done, 1 a git or records step failed (message says why, nothing lost), 2 a usage
or configuration error, 3 another run holds the records lock.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pregon.cli import config_option

from .channels.base import post_key
from .config import ConfigError, SyndicateConfig, load_config
from .durability import DurabilityError
from .jsonlines import RecordError, repair_folder
from .ledger import Ledger
from .lock import LockBusy, RunLock
from .records_git import GitRecords, Remote, current_branch, durability_for, prepare

F = TypeVar("F", bound=Callable[..., Any])


def _errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except LockBusy as exc:
            click.echo(str(exc), err=True)
            sys.exit(3)
        except (DurabilityError, RecordError) as exc:
            click.echo(f"Error en los registros: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _config(config_path: Path) -> SyndicateConfig:
    return load_config(config_path)


@click.group()
def registros() -> None:
    """Registros de difusión en su rama de git; líneas dañadas; publicaciones por verificar."""


@registros.command()
@config_option
@_errors
def preparar(config_path: Path) -> None:
    """Pone la rama de registros (records_branch) en la carpeta de registros, creándola la primera vez."""
    config = _config(config_path)
    for note in prepare(config.records, config.records_branch, Remote.from_environment()):
        click.echo(note)
    click.echo(f"Registros en {config.records} = rama {config.records_branch}.")


@registros.command()
@config_option
@click.option("-m", "--mensaje", default="Registros", show_default=True, help="Mensaje del commit.")
@_errors
def guardar(config_path: Path, mensaje: str) -> None:
    """Guarda (commit) y sube los registros a su rama, uniendo lo que otros trabajos subieron."""
    config = _config(config_path)
    if current_branch(config.records) != config.records_branch:
        click.echo(
            f"{config.records} no es la rama {config.records_branch}; ejecute antes `pregon registros preparar`",
            err=True,
        )
        sys.exit(2)
    store = GitRecords(config.records, config.records_branch, Remote.from_environment())
    for note in repair_folder(config.records):
        click.echo(f"Aviso: {note}")
    committed = store.commit(mensaje)
    store.push()
    click.echo(f"Registros subidos a {config.records_branch}." if committed else "Sin cambios nuevos en los registros.")


@registros.command()
@config_option
@_errors
def reparar(config_path: Path) -> None:
    """Aparta en <archivo>.ilegible la última línea incompleta de cada archivo (nunca borra nada)."""
    config = _config(config_path)
    with RunLock(config.records):
        notes = repair_folder(config.records)
    for note in notes:
        click.echo(note)
    if not notes:
        click.echo("Nada que reparar: todos los archivos de registros terminan en una línea completa.")


@registros.command()
@click.argument("comunicado")
@click.argument("canal")
@click.option("--actualizacion", default=None, help="Id de la actualización, si es una actualización.")
@click.option(
    "--publicado/--no-publicado",
    "posted",
    required=True,
    default=None,
    help="Lo que se vio en la red: la publicación está (no se reenvía) o no está (se enviará).",
)
@click.option("--url", default=None, help="Dirección de la publicación en la red, si está.")
@click.option("--id", "remote_id", default=None, help="Id de la publicación en la red (p. ej. el número del mensaje).")
@click.option("--por", "by", default=None, help="Quién lo comprobó (por omisión, la identidad de git).")
@config_option
@_errors
def confirmar(
    comunicado: str,
    canal: str,
    actualizacion: str | None,
    posted: bool,
    url: str | None,
    remote_id: str | None,
    by: str | None,
    config_path: Path,
) -> None:
    """Resuelve una publicación «por verificar»: dice si llegó a la red y quién lo comprobó."""
    config = _config(config_path)
    by = by or _git_identity(config.records)
    if not by:
        click.echo("Indique quién lo comprobó con --por (no hay identidad de git configurada).", err=True)
        sys.exit(2)
    key = post_key(comunicado, canal, actualizacion)
    with RunLock(config.records):
        ledger = Ledger(config.records / "ledger")
        history = ledger.history(key)
        if not history.needs_reconciliation:
            click.echo(f"{comunicado} en {canal}: no hay ninguna publicación por verificar.", err=True)
            sys.exit(2)
        intent = history.last_intent
        digest = intent.digest if intent is not None else history.entries[-1].digest
        common: dict[str, Any] = {
            "key": key,
            "item": comunicado,
            "channel": canal,
            "digest": digest,
            "update": actualizacion,
            "attempt": history.attempts,
            "by": by,
        }
        if posted:
            ledger.append("reconciled", remote_id=remote_id or url or "verificado-a-mano", url=url, **common)
            verdict = "publicada: no se volverá a enviar"
        else:
            ledger.append("failed", error=f"comprobado por {by}: no llegó a la red", **common)
            verdict = "no publicada: la próxima ejecución la enviará"
        durability_for(config.records, config.records_branch).make_durable(f"{canal} {comunicado} verificado")
    click.echo(f"{comunicado} en {canal}: {verdict} (comprobado por {by}).")


def _git_identity(folder: Path) -> str | None:
    def read(key: str) -> str:
        result = subprocess.run(
            ["git", "config", key], cwd=folder if folder.is_dir() else None, capture_output=True, text=True
        )
        return result.stdout.strip()

    name, email = read("user.name"), read("user.email")
    return f"{name} <{email}>" if name and email else name or email or None
