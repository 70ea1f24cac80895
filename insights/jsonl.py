"""Reading the append-only JSON Lines files of ``records/`` and of the private store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class RecordsError(ValueError):
    """A records file that cannot be read; the message names the file and the line (Spanish)."""


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of ``path``, one per non-blank line; nothing if the file does not exist."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except ValueError as exc:
                raise RecordsError(f"{path}, línea {number}: no es JSON válido ({exc})") from exc
            if not isinstance(line, dict) or line.get("v") != 1:
                raise RecordsError(f'{path}, línea {number}: se esperaba un objeto con "v": 1')
            yield line


def read_folder(folder: Path) -> Iterator[dict[str, Any]]:
    """The lines of every ``*.jsonl`` file in ``folder``, files in name (= month) order."""
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
        yield from read_lines(path)
