"""Best posting hours: the planted window of the synthetic year is found and the schedule obeys it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pregon.insights import best_hours
from pregon.insights.metrics import MetricsStore
from pregon.insights.posts import syndicated_posts
from pregon.syndicate.schedule import (
    DAYS,
    TIMEZONE,
    ChannelSchedule,
    ScheduleConfig,
    Scheduler,
    Window,
    load_best_hours,
)


def _compute(records: Path, min_posts: int, channels: tuple[str, ...] = ("bluesky", "mastodon", "facebook", "x")):
    return best_hours.compute(
        syndicated_posts(records), MetricsStore(records / "metrics").posts(), channels, min_posts=min_posts, top=1
    )


def test_planted_best_hour_is_found_for_every_network_and_weekday(year, tmp_path: Path) -> None:
    best = _compute(year.records, min_posts=4)
    assert set(best.hours) == set(year.planted)
    for channel, hour in year.planted.items():
        assert {day: hours[0].hour for day, hours in best.hours[channel].items()} == dict.fromkeys(DAYS, hour)
        # Weekdays have their own evidence; the sparse weekend leans on the all-weekdays pattern.
        assert all(best.hours[channel][day][0].posts >= 4 for day in ("lun", "mar", "mie", "jue", "vie"))
        assert all(best.hours[channel][day][0].all_days >= 4 for day in DAYS)

    path = best_hours.write(tmp_path, best_hours.to_document(best, datetime(2026, 11, 1, tzinfo=TIMEZONE), 4))
    document = json.loads(path.read_text())
    assert document["evidence"]["facebook"]["lun"][0]["posts"] >= 4
    # The schedule reads exactly this file: a Facebook post is due at 18:00 on a Monday, not at 10:00.
    scheduler = Scheduler(
        ScheduleConfig(channels={"facebook": ChannelSchedule(best_hours=True)}), load_best_hours(tmp_path)
    )
    monday = datetime(2026, 11, 23, 18, 5, tzinfo=TIMEZONE)
    assert DAYS[monday.weekday()] == "lun"
    assert scheduler.due("facebook", monday).due
    assert not scheduler.due("facebook", monday.replace(hour=10)).due


def test_without_enough_data_the_configured_windows_apply(year, tmp_path: Path) -> None:
    best = _compute(year.records, min_posts=10_000, channels=("facebook",))
    assert best.hours == {}
    assert "ninguna hora con al menos 10000" in best.insufficient["facebook"]
    best_hours.write(tmp_path, best_hours.to_document(best, datetime(2026, 11, 1, tzinfo=TIMEZONE), 10_000))
    window = Window(days=("lun",), start="08:00", end="09:00")
    scheduler = Scheduler(
        ScheduleConfig(channels={"facebook": ChannelSchedule(windows=(window,), best_hours=True)}),
        load_best_hours(tmp_path),
    )
    due = scheduler.due("facebook", datetime(2026, 11, 23, 8, 30, tzinfo=TIMEZONE))
    assert due.due and "se usan las ventanas configuradas" in due.reason
