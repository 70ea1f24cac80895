"""One run at a time: an exclusive ``fcntl`` lock on ``<records>/.lock``.

The lock is held by the open file, so the kernel frees it when the process dies (even SIGKILL):
no stale lock to clean up. The file says who holds it (pid, host, since) so the second run can
tell the office which run is still going.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from pregon.json_input import loads as json_loads


class LockBusy(RuntimeError):
    """Another run holds the lock; the message (Spanish) names it."""


class RunLock:
    """Context manager around the records lock."""

    def __init__(self, records: Path):
        self.path = records / ".lock"
        self._handle: IO[str] | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            try:
                info = json_loads(holder)
                who = f"proceso {info['pid']} en {info['host']}, desde {info['since']}"
            except (ValueError, KeyError, TypeError):
                who = "otro proceso"
            raise LockBusy(
                f"Otra ejecución de `pregon syndicate` está en curso ({who}). "
                "Espere a que termine; esta ejecución no publicó nada."
            ) from None
        handle.seek(0)
        handle.truncate()
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        handle.write(json.dumps(record))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
