"""Best posting hours per network and weekday, from the office's own engagement data.

Each syndicated post contributes its engagement (reactions + shares + replies, latest snapshot)
to the local hour and weekday it was confirmed at (from the ledger). An hour is trusted once at
least ``min_posts`` posts stand behind it; the ``top`` hours with the highest mean engagement are
kept. A weekday without enough data takes the channel's best hours over all weekdays pooled; a
channel without enough data at all is left out, so ``pregon syndicate`` falls back to the
configured windows and says so (see ``syndicate/schedule.py``, which defines the file format).

Besides the ``channels`` mapping the schedule reads, the file keeps the evidence behind each hour
(``evidence``: posts and mean engagement) and why a channel was left out (``insufficient``).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..syndicate.schedule import BEST_HOURS_FILE, DAYS, TIMEZONE
from .metrics import PostSnapshot
from .posts import SyndicatedPost


@dataclass(frozen=True)
class HourEvidence:
    hour: int
    posts: int
    mean_engagement: float


@dataclass(frozen=True)
class BestHours:
    hours: dict[str, dict[str, list[HourEvidence]]]
    """channel -> weekday (lun…dom) -> best hours, best first."""
    pooled: dict[str, set[str]]
    """channel -> weekdays that took the all-weekdays hours for lack of their own data."""
    insufficient: dict[str, str]
    """channel -> Spanish reason it has no best hours (the schedule uses its windows)."""


def _best(samples: dict[int, list[int]], min_posts: int, top: int) -> list[HourEvidence]:
    trusted = [
        HourEvidence(hour, len(values), round(statistics.fmean(values), 2))
        for hour, values in samples.items()
        if len(values) >= min_posts
    ]
    trusted.sort(key=lambda e: (-e.mean_engagement, -e.posts, e.hour))
    return trusted[:top]


def compute(
    posts: Iterable[SyndicatedPost], snapshots: Iterable[PostSnapshot], channels: Iterable[str], *, min_posts: int, top: int
) -> BestHours:
    """Best hours of each of ``channels`` from posting times and their latest engagement."""
    engagement = {(s.channel, s.item_id, s.update_id): s.engagement for s in snapshots}
    by_day: dict[str, dict[str, dict[int, list[int]]]] = {}
    by_hour: dict[str, dict[int, list[int]]] = {}
    for post in posts:
        value = engagement.get((post.channel, post.item_id, post.update_id))
        if post.done_at is None or value is None:
            continue
        local = post.done_at.astimezone(TIMEZONE)
        day = DAYS[local.weekday()]
        by_day.setdefault(post.channel, {}).setdefault(day, {}).setdefault(local.hour, []).append(value)
        by_hour.setdefault(post.channel, {}).setdefault(local.hour, []).append(value)

    result = BestHours({}, {}, {})
    for channel in sorted(set(channels)):
        pooled = _best(by_hour.get(channel, {}), min_posts, top)
        if not pooled:
            measured = sum(len(v) for v in by_hour.get(channel, {}).values())
            result.insufficient[channel] = (
                f"{measured} publicaciones con métricas y ninguna hora con al menos {min_posts}; "
                "se usan las ventanas configuradas"
            )
            continue
        days: dict[str, list[HourEvidence]] = {}
        for day in DAYS:
            own = _best(by_day.get(channel, {}).get(day, {}), min_posts, top)
            if not own:
                result.pooled.setdefault(channel, set()).add(day)
            days[day] = own or pooled
        result.hours[channel] = days
    return result


def to_document(best: BestHours, generated_at: datetime, min_posts: int) -> dict[str, Any]:
    """The JSON document ``syndicate/schedule.py`` reads (plus evidence for people)."""
    return {
        "v": 1,
        "generated_at": generated_at.astimezone(TIMEZONE).isoformat(),
        "timezone": str(TIMEZONE),
        "min_posts": min_posts,
        "channels": {c: {d: [e.hour for e in hours] for d, hours in days.items()} for c, days in best.hours.items()},
        "evidence": {
            c: {
                d: [
                    {"hour": e.hour, "posts": e.posts, "mean_engagement": e.mean_engagement,
                     "basis": "todos_los_dias" if d in best.pooled.get(c, set()) else "dia"}
                    for e in hours
                ]
                for d, hours in days.items()
            }
            for c, days in best.hours.items()
        },  # fmt: skip
        "insufficient": best.insufficient,
    }


def write(records: Path, document: dict[str, Any]) -> Path:
    """Write the best-hours file where the schedule looks for it; return its path."""
    path = records / BEST_HOURS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
