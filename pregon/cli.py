"""The ``pregon`` command: one entry point, each subcommand defined next to the code it runs.

Subcommands are imported lazily so that ``pregon check`` does not load the network clients and
``pregon syndicate`` does not load MkDocs.
"""

from __future__ import annotations

import importlib
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click

from . import click_es

# Every message of the command in Spanish, click's own ("Uso:", "Falta un argumento") included.
click_es.install()

# Full help texts: wide enough for the Spanish descriptions. Outside a terminal (CI logs, pipes)
# click would assume 80 columns; the help is laid out at 110 there.
CONTEXT_SETTINGS = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": 110,
    "terminal_width": None if sys.stdout.isatty() else 110,
}

# The option every subcommand shares: which portal configuration to read.
config_option = click.option(
    "-f",
    "--config",
    "config_path",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Configuración del portal: su mkdocs.yml.",
)

# Every command that writes something (records, files, posts) takes it.
dry_run_option = click.option(
    "--dry-run",
    "--simular",
    "dry_run",
    is_flag=True,
    help="Muestra lo que se haría, sin escribir ni enviar nada.",
)

_NOT_ON_ONE_LINE = frozenset(("Cc", "Cf", "Zl", "Zp"))
"""Unicode categories of control, format and line-break characters: none belongs in a value typed
on the command line that ends up in a file (a name, an address, a title), and each would break it."""

_EMOJI_JOINER = "\u200d"
"""The zero-width joiner inside emoji such as 👩‍⚕️: a format character that belongs in a title."""


def one_line(value: str, option: str) -> str:
    """``value`` without surrounding spaces; refused if it holds a line break or a control character."""
    bad = next((c for c in value if unicodedata.category(c) in _NOT_ON_ONE_LINE and c != _EMOJI_JOINER), None)
    if bad is not None:
        raise click.BadParameter(
            f"contiene un salto de línea o un carácter de control (U+{ord(bad):04X}); escríbalo en una sola línea",
            param_hint=option,
        )
    return value.strip()


def one_line_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback for a free-text option whose value goes into a record or a file: :func:`one_line`."""
    shown = param.opts[0] if getattr(param, "opts", None) else str(param.name)
    return None if value is None else one_line(value, shown)


def site_address(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of every ``--site`` option: the published portal's address, checked."""
    from .site_url import check_site

    if value is None:
        return None
    try:
        return check_site(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


# name -> "module:attribute" of a click command
COMMANDS: dict[str, str] = {
    "demo": "pregon.demo:demo",
    "syndicate": "pregon.syndicate.cli:syndicate",
    "registros": "pregon.syndicate.records_cli:registros",
    "approve": "pregon.review.approve:approve",
    "aprobacion": "pregon.review.approval_cli:aprobacion",
    "alerta": "pregon.syndicate.alerts_cli:alerta",
    "check": "pregon.review.cli:check",
    "new": "pregon.review.cli:new",
    "collect": "pregon.insights.cli:collect",
    "report": "pregon.insights.cli:report",
    "audit": "pregon.insights.cli:audit",
    "sentiment": "pregon.insights.cli:sentiment",
    "pendiente": "pregon.pendiente_cli:pendiente",
    "init": "pregon.init:init",
}


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a file the system refused (a folder that is a file, a full disk, no
        permission) ends it with the path and the reason in Spanish, not a traceback. Commands
        report the refusals they expect themselves; this is the last word on the others."""
        from .clock import ClockError
        from .os_errors import reason

        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) and exc.filename.isprintable() else None
            raise click.ClickException(f"{where}: {reason(exc)}" if where else reason(exc)) from None
        except ClockError as exc:
            raise click.ClickException(str(exc)) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # A shell cannot pass NUL, but a program calling pregon can; no path or text holds one.
        if any("\x00" in arg for arg in args):
            raise click.UsageError("un argumento contiene el carácter NUL (U+0000)", ctx)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return click_es.localise(getattr(importlib.import_module(module), attribute))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole first sentence (click would cut it at the line width)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section(click_es.gettext("Commands")):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS, invoke_without_command=False, no_args_is_help=True)
@click.version_option(package_name="pregon", message="%(prog)s, versión %(version)s")
def main() -> None:
    """Pregón: el portal oficial primero, las redes después.

    Use `pregon COMANDO --help` para ver la ayuda completa de cada comando.
    """


click_es.localise(main)
