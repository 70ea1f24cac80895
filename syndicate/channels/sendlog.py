"""A channel's own memory of what it handed to a network, for APIs that cannot be asked later.

TikTok answers a publish with a ``publish_id`` that is the only handle to ask what became of the
post; WhatsApp has no idempotency key, so only our own note says a subscriber was already sent a
message. :class:`SendLog` keeps such notes: append-only JSON Lines, one object per line with a
``key``, fsynced line by line (the note must exist before the next step can be lost to a crash),
created with owner-only permissions. The latest line of a key wins.

``path=None`` keeps the notes in memory only (one process). Nothing personal goes in: callers
store keyed hashes, never phone numbers or addresses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..jsonlines import read_file
from .base import PermanentError


class SendLog:
    def __init__(self, path: Path | None, *, network: str):
        self.path = path
        self.network = network
        self._latest: dict[str, dict[str, Any]] = {}
        if path is not None and path.exists():
            try:
                for place, entry in read_file(path):
                    if not isinstance(entry, dict) or "key" not in entry:
                        raise PermanentError(f"{network}: {place}: se esperaba un objeto con `key`")
                    self._latest[str(entry["key"])] = entry
            except ValueError as exc:  # RecordError: a torn or hand-broken line
                raise PermanentError(f"{network}: registro de envíos ilegible: {exc}") from None

    def get(self, key: str) -> dict[str, Any] | None:
        return self._latest.get(key)

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self._latest.items())

    def record(self, key: str, **fields: Any) -> dict[str, Any]:
        entry = {"v": 1, "at": datetime.now(UTC).isoformat(timespec="seconds"), "key": key, **fields}
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        self._latest[key] = entry
        return entry
