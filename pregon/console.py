"""Rich consoles for ``pregon``'s tables and progress, in a terminal and in CI logs alike.

Outside a terminal (a CI log, a pipe) rich assumes 80 columns and wraps every table cell, which
turns one row into five lines. There the console is made wide, so each row stays on one line.
"""

from __future__ import annotations

import sys

from rich.console import Console

LOG_WIDTH = 1000


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that keeps table rows on one line when not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=LOG_WIDTH, soft_wrap=True)
