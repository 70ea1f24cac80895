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

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..syndicate.jsonlines import RecordError, append_records
from ..syndicate.validation_es import EXPECTED
from .jsonl import read_places
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


Count = Annotated[int, Field(ge=0)]


class _Line(BaseModel):
    """What every metrics line has. Fields a later Pregón adds are ignored, not refused."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)
    v: Literal[1]
    date: date
    channel: str = Field(min_length=1)


class _AccountLine(_Line):
    kind: Literal["account"]
    followers: Count | None = None
    posts: Count | None = None


class _PostLine(_Line):
    kind: Literal["post"]
    taken_at: datetime
    item_id: str = Field(min_length=1)
    update_id: str | None = None
    remote_id: str | int
    impressions: Count | None = None
    reactions: Count | None = None
    shares: Count | None = None
    replies: Count | None = None


class _GoneLine(_Line):
    kind: Literal["gone"]
    remote_id: str | int | None = None


class _MentionsLine(_Line):
    kind: Literal["mentions"]
    replies: Count = 0
    mentions: Count = 0


_METRIC_LINE: TypeAdapter[_AccountLine | _PostLine | _GoneLine | _MentionsLine] = TypeAdapter(
    Annotated[_AccountLine | _PostLine | _GoneLine | _MentionsLine, Field(discriminator="kind")]
)
_EXPECTED = {
    **EXPECTED,
    "date_type": "se esperaba una fecha AAAA-MM-DD",
    "date_parsing": "se esperaba una fecha AAAA-MM-DD",
    "date_from_datetime_parsing": "se esperaba una fecha AAAA-MM-DD",
    "greater_than_equal": "se esperaba un número entero de 0 en adelante",
    "string_too_short": "no puede estar vacío",
    "literal_error": "valor no permitido (se esperaba 1)",
    "union_tag_invalid": "tipo desconocido (account, post, gone o mentions)",
    "union_tag_not_found": "falta este campo (account, post, gone o mentions)",
}


def _parse(where: str, line: dict[str, Any]) -> _AccountLine | _PostLine | _GoneLine | _MentionsLine:
    """One metrics line, checked field by field; :class:`RecordError` names the place and field.
    Like the ledger, it says what a field should be, never the value it holds."""
    try:
        # Strict JSON mode: "12" is not 12 and true is not 1, as a hand edit might leave; dates
        # and times are still read from their ISO text.
        return _METRIC_LINE.validate_json(json.dumps(line))
    except ValidationError as exc:
        expected: dict[str, list[str]] = {}  # field → what it should have been, in pydantic's order
        for error in exc.errors():
            field_name, what = _problem(error)
            if what not in expected.setdefault(field_name, []):
                expected[field_name].append(what)
        problems = "; ".join(f"campo `{name}`: {_either(whats)}" for name, whats in expected.items())
        raise RecordError(f"{where}: línea de métricas ilegible ({problems})") from None


_MEMBERS = frozenset({"str", "int", "none"})  # how pydantic names the members of ``str | int`` in a location


def _problem(error: Any) -> tuple[str, str]:
    """The field an error is about, and what that field should have been."""
    # The first part of a location inside the union is the kind's tag, the field comes after it,
    # and a field of several types (``remote_id``) adds the member that was tried.
    parts = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
    if len(parts) > 1 and parts[0] in ("account", "post", "gone", "mentions"):
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] in _MEMBERS:
        parts = parts[:-1]
    field_name = ".".join(parts) or "línea"
    if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        field_name = "kind"
    return field_name, _EXPECTED.get(error.get("type", ""), "valor no válido")


def _either(whats: list[str]) -> str:
    """«se esperaba un texto o un número entero» from two expectations of one field."""
    rest = [w.removeprefix("se esperaba ") for w in whats[1:]]
    return " o ".join([whats[0], *rest])


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

    def lines(self, month: Month) -> Iterator[_AccountLine | _PostLine | _GoneLine | _MentionsLine]:
        """The lines of ``month``'s file, each checked (:class:`RecordError` on the first bad one)."""
        for where, line in read_places(self.path(month)):
            yield _parse(where, line)

    def accounts(self, month: Month) -> list[AccountSnapshot]:
        """The latest account snapshot of each (channel, day) of ``month``, sorted by channel and day."""
        latest: dict[tuple[str, date], _AccountLine] = {}
        for line in self.lines(month):
            if isinstance(line, _AccountLine):
                latest[(line.channel, line.date)] = line
        return [AccountSnapshot(d, c, line.followers, line.posts) for (c, d), line in sorted(latest.items())]

    def months(self) -> list[Month]:
        """Every month that has a metrics file, oldest first."""
        found = (Month.parse(p.stem) for p in self.folder.glob("*.jsonl") if _is_month(p.stem))
        return sorted(found)

    def gone(self) -> set[tuple[str, str]]:
        """(channel, remote id) of posts found deleted on the network: not measured again."""
        return {
            (line.channel, str(line.remote_id))
            for month in self.months()
            for line in self.lines(month)
            if isinstance(line, _GoneLine)
        }

    def posts(self, month: Month | None = None) -> list[PostSnapshot]:
        """The latest snapshot of each syndicated post measured during ``month`` (or ever)."""
        latest: dict[tuple[str, str, str | None], _PostLine] = {}
        months = [month] if month is not None else self.months()
        for line in (line for m in months for line in self.lines(m)):
            if isinstance(line, _PostLine):
                key = (line.channel, line.item_id, line.update_id)
                if key not in latest or _instant(line.taken_at) >= _instant(latest[key].taken_at):
                    latest[key] = line
        return [
            PostSnapshot(
                day=line.date,
                taken_at=line.taken_at,
                channel=line.channel,
                item_id=line.item_id,
                update_id=line.update_id,
                remote_id=str(line.remote_id),
                **{f: getattr(line, f) for f in POST_FIELDS},
            )
            for _, line in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
        ]

    def mention_counts(self, month: Month) -> list[MentionCount]:
        totals: dict[tuple[str, date], list[int]] = {}
        for line in self.lines(month):
            if isinstance(line, _MentionsLine):
                pair = totals.setdefault((line.channel, line.date), [0, 0])
                pair[0] += line.replies
                pair[1] += line.mentions
        return [MentionCount(d, c, r, m) for (c, d), (r, m) in sorted(totals.items())]


def _instant(moment: datetime) -> datetime:
    """``moment`` comparable with any other: a time without a zone is taken as UTC, as written."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class PlannedMetrics(MetricsStore):
    """A metrics store for ``--dry-run``: it reads as usual and keeps the lines it would append."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.planned: list[dict[str, Any]] = []

    def append(self, lines: Iterable[dict[str, Any]]) -> None:
        self.planned.extend(lines)
