"""The ``pregon`` command: one entry point, each subcommand defined next to the code it runs.

Subcommands are imported lazily so that ``pregon check`` does not load the network clients and
``pregon syndicate`` does not load MkDocs.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

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

# name -> "module:attribute" of a click command
COMMANDS: dict[str, str] = {
    "demo": "pregon.demo:demo",
    "syndicate": "pregon.syndicate.cli:syndicate",
    "approve": "pregon.review.approve:approve",
    "check": "pregon.review.cli:check",
    "new": "pregon.review.cli:new",
    "collect": "pregon.insights.cli:collect",
    "report": "pregon.insights.cli:report",
    "audit": "pregon.insights.cli:audit",
    "sentiment": "pregon.insights.cli:sentiment",
    "pendiente": "pregon.pendiente_cli:pendiente",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup)
@click.version_option(package_name="pregon")
def main() -> None:
    """Pregón: el portal oficial primero, las redes después."""
