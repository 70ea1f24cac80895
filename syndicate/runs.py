"""``<records>/runs/AAAA-MM.jsonl``: which runs started, on which channels, and which ended.

A run writes one ``started`` line naming the channels it may send on, and makes it durable (pushed
to the records branch) before its first send; it writes ``finished`` at the end. The per-post
intents of channels that can look their posts up (Bluesky, Mastodon, e-mail's sent log…) are then
pushed with the outcomes, not one by one: if the job dies in between, a later run on a fresh clone
finds a ``started`` without ``finished`` and asks the network before sending any post of those
channels that has no ledger line since that run began. One push before the first send instead of
one per post, and nothing sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .jsonlines import RecordError, append_records, read_records
from .ledger import PostHistory


@dataclass(frozen=True)
class _Started:
    at: str
    channels: frozenset[str]


class RunJournal:
    def __init__(self, folder: Path, run: str):
        self.folder = folder
        self.run = run
        started: dict[str, _Started] = {}
        finished: set[str] = set()
        for place, line in read_records(folder):
            run_id, state, at, channels = line.get("run"), line.get("state"), line.get("at"), line.get("channels", [])
            if not isinstance(run_id, str) or not isinstance(at, str) or state not in ("started", "finished"):
                raise RecordError(f"{place}: línea ilegible (se esperaban run, state started/finished y at)")
            if state == "finished":
                finished.add(run_id)
            elif not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
                raise RecordError(f"{place}: línea ilegible (campo `channels`: se esperaba una lista de textos)")
            else:
                started[run_id] = _Started(at, frozenset(channels))
        self.interrupted = [s for run_id, s in started.items() if run_id not in finished]
        self._started = False

    @property
    def started(self) -> bool:
        return self._started

    def suspect(self, channel: str, history: PostHistory) -> bool:
        """Whether an interrupted run may have sent this post without a durable intent."""
        last = history.last.at if history.last is not None else ""
        return any(channel in run.channels and last < run.at for run in self.interrupted)

    def start(self, channels: list[str]) -> None:
        self._write({"state": "started", "channels": sorted(channels)})
        self._started = True

    def finish(self) -> None:
        if self._started:
            self._write({"state": "finished"})

    def _write(self, fields: dict[str, object]) -> None:
        at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        append_records(self.folder, at[:7], [{"v": 1, "run": self.run, "at": at, **fields}], durable=True)
