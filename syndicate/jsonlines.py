"""The one way ``records/`` files are read and written: monthly, append-only JSON Lines.

Ledger, approvals and decisions all live in ``<folder>/AAAA-MM.jsonl`` files of one JSON object
per line. Reading goes through every month in order; a line that cannot be read (a torn last
line after a crash, a bad hand edit) stops the run with the file and line named, because acting on
half-read records could post twice or post something unapproved.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class RecordError(ValueError):
    """A records file cannot be read; the message (Spanish) names the file and the line."""


def read_records(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object of every ``*.jsonl`` file in ``folder``, oldest month first, with its place
    (``path:line``) for the caller's own error messages."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        for place, data in read_file(path):
            if not isinstance(data, dict):
                raise RecordError(f"{place}: se esperaba un objeto JSON")
            yield place, data


def read_file(path: Path) -> Iterator[tuple[str, Any]]:
    """The JSON value of each non-blank line of ``path`` with its place (``path:line``).

    Lines end at ``\n`` only: a U+2028 inside a string (JSON written with ``ensure_ascii=False``)
    is text, not a line break."""
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise RecordError(f"{path}:{number}: línea ilegible ({exc})") from None
            yield f"{path}:{number}", data


def append_records(folder: Path, month: str, records: list[dict[str, Any]], *, durable: bool = False) -> None:
    """Append ``records`` to ``<folder>/<month>.jsonl`` (``AAAA-MM``); ``durable`` fsyncs before returning."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{month}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        handle.flush()
        if durable:
            os.fsync(handle.fileno())
