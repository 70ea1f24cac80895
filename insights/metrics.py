"""Dated metric snapshots in ``records/metrics/AAAA-MM.jsonl`` (committed, reviewable, aggregates only).

Each ``pregon collect`` appends one line per measurement; every line has ``"v": 1`` and a
``kind``:

* ``account``  — ``channel``, ``followers``, ``posts`` of the official account that day;
* ``post``     — ``channel``, ``item_id``, ``update_id``, ``remote_id``, and the cumulative
  ``impressions``, ``reactions``, ``shares``, ``replies`` of one syndicated post (``null`` where
  the network does not give the figure);
* ``gone``     — ``channel``, ``item_id``, ``update_id``, ``remote_id`` of a post found deleted on
  the network (by hand): it is not measured again;
* ``mentions`` — ``channel``, ``replies``, ``mentions``: how many new replies and mentions were
  collected, counted by the local day they were written (no texts, no authors).

``date`` is the local day in Colombia (America/Bogota) and ``taken_at`` the UTC instant of the snapshot.
Collecting twice the same day is harmless: readers keep the latest snapshot of each day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..syndicate.jsonlines import append_records
from .jsonl import read_lines
from .months import Month

POST_FIELDS = ("impressions", "reactions", "shares", "replies")


def _is_month(text: str) -> bool:
    try:
        Month.parse(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class AccountSnapshot:
    day: date
    channel: str
    followers: int | None
    posts: int | None


@dataclass(frozen=True)
class PostSnapshot:
    day: date
    taken_at: datetime
    channel: str
    item_id: str
    update_id: str | None
    remote_id: str
    impressions: int | None
    reactions: int | None
    shares: int | None
    replies: int | None

    @property
    def engagement(self) -> int:
        """Reactions + shares + replies: the interactions every network counts the same way."""
        return sum(v or 0 for v in (self.reactions, self.shares, self.replies))


@dataclass(frozen=True)
class MentionCount:
    day: date
    channel: str
    replies: int
    mentions: int


class MetricsStore:
    """Append and read the metric snapshots under ``records/metrics``."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, month: Month) -> Path:
        return self.folder / f"{month}.jsonl"

    def append(self, lines: Iterable[dict[str, Any]]) -> None:
        """Append lines (each with ``kind`` and ``date``) to the file of their month."""
        by_month: dict[str, list[dict[str, Any]]] = {}
        for line in lines:
            by_month.setdefault(line["date"][:7], []).append({"v": 1, **line})
        for month, batch in sorted(by_month.items()):
            append_records(self.folder, month, batch)

    def lines(self, month: Month) -> Iterator[dict[str, Any]]:
        return read_lines(self.path(month))

    def accounts(self, month: Month) -> list[AccountSnapshot]:
        """The latest account snapshot of each (channel, day) of ``month``, sorted by channel and day."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for line in self.lines(month):
            if line["kind"] == "account":
                latest[(line["channel"], line["date"])] = line
        return [
            AccountSnapshot(date.fromisoformat(d), c, line.get("followers"), line.get("posts"))
            for (c, d), line in sorted(latest.items())
        ]

    def months(self) -> list[Month]:
        """Every month that has a metrics file, oldest first."""
        found = (Month.parse(p.stem) for p in self.folder.glob("*.jsonl") if _is_month(p.stem))
        return sorted(found)

    def gone(self) -> set[tuple[str, str]]:
        """(channel, remote id) of posts found deleted on the network: not measured again."""
        return {
            (line["channel"], str(line.get("remote_id")))
            for month in self.months()
            for line in self.lines(month)
            if line["kind"] == "gone"
        }

    def posts(self, month: Month | None = None) -> list[PostSnapshot]:
        """The latest snapshot of each syndicated post measured during ``month`` (or ever)."""
        latest: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        months = [month] if month is not None else self.months()
        for line in (line for m in months for line in self.lines(m)):
            if line["kind"] == "post":
                key = (line["channel"], line["item_id"], line.get("update_id"))
                if key not in latest or line["taken_at"] >= latest[key]["taken_at"]:
                    latest[key] = line
        return [
            PostSnapshot(
                day=date.fromisoformat(line["date"]),
                taken_at=datetime.fromisoformat(line["taken_at"]),
                channel=line["channel"],
                item_id=line["item_id"],
                update_id=line.get("update_id"),
                remote_id=line["remote_id"],
                **{f: line.get(f) for f in POST_FIELDS},
            )
            for _, line in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
        ]

    def mention_counts(self, month: Month) -> list[MentionCount]:
        totals: dict[tuple[str, str], list[int]] = {}
        for line in self.lines(month):
            if line["kind"] == "mentions":
                pair = totals.setdefault((line["channel"], line["date"]), [0, 0])
                pair[0] += line.get("replies", 0)
                pair[1] += line.get("mentions", 0)
        return [MentionCount(date.fromisoformat(d), c, r, m) for (c, d), (r, m) in sorted(totals.items())]


class PlannedMetrics(MetricsStore):
    """A metrics store for ``--dry-run``: it reads as usual and keeps the lines it would append."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.planned: list[dict[str, Any]] = []

    def append(self, lines: Iterable[dict[str, Any]]) -> None:
        self.planned.extend(lines)
