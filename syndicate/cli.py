"""``pregon syndicate``: post what is live and approved, exactly once, and say what happened.

Exit status: 0 when everything due was posted (or is waiting for a gate), 1 when something that
should have been posted could not be (or the site/manifest could not be read), 2 for a
configuration error (also when only one account could not be configured: the others still ran),
3 when another run holds the lock.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from pregon.cli import config_option, dry_run_option, site_address
from pregon.clock import fixed_now
from pregon.console import make_console
from pregon.safe_text import defuse_lines, neutralise

from .alerts import UNVERIFIED, notify, run_alert
from .config import ConfigError, load_config
from .durability import DurabilityError
from .jsonlines import RecordError
from .ledger import LedgerError
from .lock import LockBusy
from .redaction import redact
from .report import LABELS, Outcome, RunReport
from .runner import syndicate as run_syndicate

_STYLES = {
    "published": "green",
    "reconciled": "green",
    "adopted": "green",
    "seeded": "cyan",
    "would_post": "cyan",
    "waiting": "yellow",
    "changed": "magenta",
    "unverified": "bold magenta",
    "error": "bold red",
    "already": "dim",
    "skipped": "dim",
}


def print_report(report: RunReport, console: Console) -> None:
    """The dry-run previews (exact text, counts and limits) and the per-item, per-channel table."""
    if report.fatal:
        console.print(f"[bold red]Error:[/] {escape(neutralise(redact(report.fatal)))}")
        for note in report.notes:
            console.print(Text(defuse_lines(redact(note))))
        return
    for outcome in report.outcomes:
        if outcome.status == "would_post" and outcome.post is not None:
            post = outcome.post
            title = f"{outcome.channel} · {outcome.item}" + (
                f" · actualización {outcome.update}" if outcome.update else ""
            )
            media = "".join(f"\n[imagen] {m.url} — alt: {m.alt}" for m in post.media)
            reply = f"\n[en respuesta a] {post.reply_to.remote_id}" if post.reply_to else ""
            console.print(
                Panel(
                    Text(defuse_lines(post.text + media + reply)),  # the post's text: never markup nor a command
                    title=escape(neutralise(title)),
                    subtitle=f"{post.length} / {post.limit} {_unit(post.network or post.channel)}",
                    expand=False,
                )
            )
    # Posts done earlier, and channels with nothing to send for an item, would fill the table on
    # every run; they are counted in the notes (a dry run lists the skipped ones).
    hidden = ("already",) if report.dry_run else ("already", "skipped")
    rows = [o for o in report.outcomes if o.status not in hidden] + report.checks  # checks: read-back rows
    if rows:
        table = Table(
            title="Difusión: resultado por comunicado y red" + (" (simulación, nada cambió)" if report.dry_run else "")
        )
        for column in ("Comunicado", "Cuenta", "Actualización", "Estado", "Detalle"):
            table.add_column(column, overflow="fold")
        for o in rows:
            length = f" ({o.post.length}/{o.post.limit})" if o.post is not None else ""
            detail = o.detail + length
            if o.url and o.status != "would_post":
                detail += f" {o.url}"
            # Details quote networks, editors, URLs and the live site: plain Text, so "[...]" is never
            # markup, and one defused line, so nothing they say starts a workflow command.
            table.add_row(
                Text(neutralise(o.item)),
                Text(neutralise(_account(o))),
                Text(neutralise(o.update or "")),
                Text(LABELS[o.status], style=_STYLES.get(o.status, "")),
                Text(neutralise(detail)),
            )
        console.print(table)
    for note in report.notes:
        console.print(Text(defuse_lines(redact(note))))
    if not rows:
        console.print("Nada nuevo que publicar.")
    if report.unverified:
        console.print(
            f"[bold magenta]{len(report.unverified)} publicaciones por verificar:[/] revise la red y resuélvalas con "
            "`pregon registros confirmar COMUNICADO CANAL --publicado|--no-publicado`."
        )
    if not report.ok:
        console.print("[bold red]Hubo publicaciones que no se pudieron hacer; revise la tabla.[/]")


def _account(outcome: Outcome) -> str:
    """``x-alcalde (x)`` for an account whose key is not its network's name."""
    network = outcome.post.network if outcome.post is not None else ""
    if network and network != outcome.channel:
        return f"{outcome.channel} ({network})"
    return outcome.channel


def _unit(channel: str) -> str:
    from .counting import RULES

    return RULES[channel].unit if channel in RULES else "caracteres"


def _now() -> datetime | None:
    # PREGON_NOW fixes the schedule's clock (reproducible tests and demos), as it does for builds.
    return fixed_now()


@click.command()
@click.option(
    "--site",
    envvar="PREGON_SITE_URL",
    required=True,
    callback=site_address,
    help="URL del portal publicado (de ahí se lee el manifiesto).",
)
@config_option
@dry_run_option
@click.option(
    "--seed",
    is_flag=True,
    help="Marca lo ya publicado en el portal como difundido, sin publicar (adopción de Pregón).",
)
@click.option(
    "--publish-backlog",
    is_flag=True,
    help="Permite publicar todo el archivo la primera vez que se usa un canal.",
)
def syndicate(site: str, config_path: Path, dry_run: bool, seed: bool, publish_backlog: bool) -> None:
    """Difunde en las redes lo que está publicado en el portal y aprobado, una única vez."""
    console = make_console()
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        click.echo(redact(str(exc)), err=True)
        sys.exit(2)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    task = progress.add_task("Revisando comunicados", total=None)

    def on_item(number: int, total: int, item: object) -> None:
        progress.update(task, completed=number, total=total)

    try:
        with progress:
            report = run_syndicate(
                site,
                config,
                dry_run=dry_run,
                seed=seed,
                publish_backlog=publish_backlog,
                now=_now(),
                on_item=on_item,
            )
    except LockBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(3)
    except (LedgerError, RecordError, DurabilityError) as exc:
        click.echo(redact(f"Error en los registros: {exc}. No se publicó nada más."), err=True)
        sys.exit(1)
    print_report(report, console)
    alerted = notify(run_alert(report, site), config.alerts, config.channels)
    if alerted:
        console.print(Text(alerted))
    unverified = any(o.status == UNVERIFIED for o in report.outcomes)
    sys.exit(report.exit_code or (1 if unverified else 0))
