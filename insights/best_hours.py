"""Best posting hours per network and weekday, from the office's own engagement data.

Each syndicated post contributes its engagement (reactions + shares + replies, latest snapshot)
to the local hour and weekday it was confirmed at (from the ledger). An hour is a candidate once
at least ``min_posts`` posts of the channel (any weekday) stand behind it. For each weekday, an
hour's score is its mean engagement on that weekday shrunk towards its mean over all weekdays,
as if ``min_posts`` all-weekday posts were added to the weekday's own: a weekday with few posts
leans on the channel's general pattern instead of trusting two lucky posts. The ``top`` hours are
kept. A channel without any candidate hour is left out, so ``pregon syndicate`` falls back to the
configured windows and says so (see ``syndicate/schedule.py``, which defines the file format).

Besides the ``channels`` mapping the schedule reads, the file keeps the evidence behind each hour
(``evidence``: that weekday's posts, all weekdays' posts, score) and why a channel was left out
(``insufficient``).
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
    """Posts at this hour on this weekday."""
    all_days: int
    """Posts at this hour on any weekday."""
    score: float
    """Expected engagement of a post at this hour on this weekday."""


@dataclass(frozen=True)
class BestHours:
    hours: dict[str, dict[str, list[HourEvidence]]]
    """channel -> weekday (lun…dom) -> best hours, best first."""
    insufficient: dict[str, str]
    """channel -> Spanish reason it has no best hours (the schedule uses its windows)."""


def _best(own: dict[int, list[int]], pooled: dict[int, list[int]], min_posts: int, top: int) -> list[HourEvidence]:
    ranked = []
    for hour, values in pooled.items():
        if len(values) < min_posts:
            continue
        day = own.get(hour, [])
        score = (sum(day) + min_posts * statistics.fmean(values)) / (len(day) + min_posts)
        ranked.append(HourEvidence(hour, len(day), len(values), round(score, 2)))
    ranked.sort(key=lambda e: (-e.score, -e.posts, e.hour))
    return ranked[:top]


def compute(
    posts: Iterable[SyndicatedPost],
    snapshots: Iterable[PostSnapshot],
    channels: Iterable[str],
    *,
    min_posts: int,
    top: int,
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

    result = BestHours({}, {})
    for channel in sorted(set(channels)):
        pooled = by_hour.get(channel, {})
        days = {day: _best(by_day.get(channel, {}).get(day, {}), pooled, min_posts, top) for day in DAYS}
        if not any(days.values()):
            measured = sum(len(v) for v in pooled.values())
            result.insufficient[channel] = (
                f"{measured} publicaciones con métricas y ninguna hora con al menos {min_posts}; "
                "se usan las ventanas configuradas"
            )
            continue
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
                d: [{"hour": e.hour, "posts": e.posts, "all_days": e.all_days, "score": e.score} for e in hours]
                for d, hours in days.items()
            }
            for c, days in best.hours.items()
        },
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
