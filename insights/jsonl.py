"""Reading one month's JSON Lines file (metrics, private store).

Whole record folders are read with :func:`pregon.syndicate.jsonlines.read_records`; insights reads
single months too (a report needs one month of metrics, not the whole history), and refuses a line
whose version it does not know rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..syndicate.jsonlines import RecordError, read_file


def read_places(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of ``path`` with their place (``path:line``), one per non-blank line; nothing
    if the file does not exist."""
    if not path.is_file():
        return
    for place, line in read_file(path):
        if not isinstance(line, dict) or line.get("v") != 1:
            raise RecordError(f'{place}: se esperaba un objeto con "v": 1')
        yield place, line


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of ``path``, one per non-blank line; nothing if the file does not exist."""
    for _, line in read_places(path):
        yield line
