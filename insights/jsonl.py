"""Reading one month's JSON Lines file (metrics, private store).

Whole record folders are read with :func:`pregon.syndicate.jsonlines.read_records`; insights reads
single months too (a report needs one month of metrics, not the whole history), and refuses a line
whose version it does not know rather than guessing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..syndicate.jsonlines import RecordError


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
                raise RecordError(f"{path}:{number}: línea ilegible ({exc})") from None
            if not isinstance(line, dict) or line.get("v") != 1:
                raise RecordError(f'{path}:{number}: se esperaba un objeto con "v": 1')
            yield line
