"""``pregon registros``: the records branch (prepare, save), torn lines, posts and corrections "por verificar".

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

from pregon.cli import config_option, dry_run_option, one_line_option

from .channels.base import post_key
from .config import ConfigError, SyndicateConfig, load_config
from .durability import DurabilityError
from .jsonlines import RecordError, repair_folder
from .ledger import Entry, Ledger, PostHistory
from .lock import LockBusy, RunLock
from .records_git import GitRecords, Remote, current_branch, durability_for, prepare
from .records_preview import preview_prepare, preview_save

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
@dry_run_option
@_errors
def preparar(config_path: Path, dry_run: bool) -> None:
    """Pone la rama de registros (records_branch) en la carpeta de registros, creándola la primera vez.

    Con --dry-run dice qué haría (traer o crear la rama, ponerla en la carpeta), sin tocar git ni archivos.
    """
    config = _config(config_path)
    if dry_run:
        for note in preview_prepare(config.records, config.records_branch, Remote.from_environment()):
            click.echo(f"Simulación: {note}")
        click.echo("No se cambió nada.")
        return
    for note in prepare(config.records, config.records_branch, Remote.from_environment()):
        click.echo(note)
    click.echo(f"Registros en {config.records} = rama {config.records_branch}.")


@registros.command()
@config_option
@click.option("-m", "--mensaje", default="Registros", show_default=True, help="Mensaje del commit.")
@dry_run_option
@_errors
def guardar(config_path: Path, mensaje: str, dry_run: bool) -> None:
    """Guarda (commit) y sube los registros a su rama, uniendo lo que otros trabajos subieron.

    Con --dry-run lista lo que se guardaría y subiría, sin hacer commit ni push.
    """
    config = _config(config_path)
    if current_branch(config.records) != config.records_branch:
        click.echo(
            f"{config.records} no es la rama {config.records_branch}; ejecute antes `pregon registros preparar`",
            err=True,
        )
        sys.exit(2)
    if dry_run:
        for path in torn_files(config.records):
            click.echo(f"Simulación: {path}: la última línea incompleta se apartaría en {path.name}.ilegible")
        for note in preview_save(config.records, config.records_branch, mensaje):
            click.echo(f"Simulación: {note}")
        click.echo("No se hizo commit ni push.")
        return
    store = GitRecords(config.records, config.records_branch, Remote.from_environment())
    for note in repair_folder(config.records):
        click.echo(f"Aviso: {note}")
    committed = store.commit(mensaje)
    store.push()
    click.echo(f"Registros subidos a {config.records_branch}." if committed else "Sin cambios nuevos en los registros.")


@registros.command()
@config_option
@dry_run_option
@_errors
def reparar(config_path: Path, dry_run: bool) -> None:
    """Aparta en <archivo>.ilegible la última línea incompleta de cada archivo (nunca borra nada).

    Con --dry-run dice qué archivos tienen una última línea incompleta, sin moverla.
    """
    config = _config(config_path)
    if dry_run:
        torn = torn_files(config.records)
        for path in torn:
            click.echo(f"Simulación: {path}: la última línea está incompleta; se apartaría en {path.name}.ilegible")
        click.echo("Nada que reparar." if not torn else "No se cambió nada.")
        return
    with RunLock(config.records):
        notes = repair_folder(config.records)
    for note in notes:
        click.echo(note)
    if not notes:
        click.echo("Nada que reparar: todos los archivos de registros terminan en una línea completa.")


@registros.command()
@click.argument("comunicado")
@click.argument("canal")
@click.option(
    "--actualizacion", default=None, callback=one_line_option, help="Id de la actualización, si es una actualización."
)
@click.option(
    "--publicado/--no-publicado",
    "posted",
    required=True,
    default=None,
    help="Lo que se vio en la red: la publicación está (no se reenvía) o no está (se enviará).",
)
@click.option("--url", default=None, callback=one_line_option, help="Dirección de la publicación en la red, si está.")
@click.option(
    "--id",
    "remote_id",
    default=None,
    callback=one_line_option,
    help="Id de la publicación en la red (p. ej. el número del mensaje).",
)
@click.option(
    "--por", "by", default=None, callback=one_line_option, help="Quién lo comprobó (por omisión, la identidad de git)."
)
@config_option
@dry_run_option
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
    dry_run: bool,
) -> None:
    """Resuelve una publicación o una corrección «por verificar»: dice si llegó a la red y quién lo comprobó.

    Con --dry-run dice qué se registraría, sin escribir en el registro de difusión.
    """
    config = _config(config_path)
    by = by or _git_identity(config.records)
    if not by:
        click.echo("Indique quién lo comprobó con --por (no hay identidad de git configurada).", err=True)
        sys.exit(2)
    key = post_key(comunicado, canal, actualizacion)
    if dry_run:
        what, _ = _waiting(Ledger(config.records / "ledger", read_only=True).history(key), comunicado, canal)
        verdict = "publicada (no se volvería a enviar)" if posted else "no publicada (la próxima ejecución la enviaría)"
        click.echo(f"Simulación: se registraría {what} como {verdict}, comprobado por {by}. No se escribió nada.")
        return
    with RunLock(config.records):
        ledger = Ledger(config.records / "ledger")
        history = ledger.history(key)
        what, correction = _waiting(history, comunicado, canal)
        common: dict[str, Any] = {"key": key, "item": comunicado, "channel": canal, "update": actualizacion, "by": by}
        if correction is not None:
            common.update(digest=correction.digest, action=correction.action)
            if posted:  # the reply or repost the office saw; without --id/--url, none to edit or delete later
                ledger.append("correction_done", remote_id=remote_id or url, url=url, **common)
            else:  # not uncertain: the next run sends the correction again
                ledger.append("correction_failed", error=f"comprobado por {by}: no llegó a la red", **common)
        else:
            intent = history.last_intent
            common.update(
                digest=intent.digest if intent is not None else history.entries[-1].digest, attempt=history.attempts
            )
            if posted:
                ledger.append("reconciled", remote_id=remote_id or url or "verificado-a-mano", url=url, **common)
            else:
                ledger.append("failed", error=f"comprobado por {by}: no llegó a la red", **common)
        verdict = "publicada: no se volverá a enviar" if posted else "no publicada: la próxima ejecución la enviará"
        durability_for(config.records, config.records_branch).make_durable(f"{canal} {comunicado} verificado")
    click.echo(f"{what[0].upper()}{what[1:]}: {verdict} (comprobado por {by}).")


def _waiting(history: PostHistory, comunicado: str, canal: str) -> tuple[str, Entry | None]:
    """What waits for the office under one post key: the post itself ("por verificar"), or an
    interrupted correction (``correction_unverified``, returned). Exits 2 when nothing waits."""
    if history.needs_reconciliation:
        return f"{comunicado} en {canal}", None
    correction = history.unverified_correction
    if correction is None:
        click.echo(f"{comunicado} en {canal}: no hay ninguna publicación por verificar.", err=True)
        sys.exit(2)
    return f"la corrección de {comunicado} en {canal}", correction


def torn_files(records: Path) -> list[Path]:
    """The ``*.jsonl`` files whose last line is incomplete (what ``reparar`` would set aside); reads only."""
    if not records.is_dir():
        return []
    return [p for p in sorted(records.rglob("*.jsonl")) if (data := p.read_bytes()) and not data.endswith(b"\n")]


def _git_identity(folder: Path) -> str | None:
    def read(key: str) -> str:
        result = subprocess.run(
            ["git", "config", key], cwd=folder if folder.is_dir() else None, capture_output=True, text=True
        )
        return result.stdout.strip()

    name, email = read("user.name"), read("user.email")
    return f"{name} <{email}>" if name and email else name or email or None
