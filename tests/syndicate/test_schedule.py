"""Due gate: immediate, configured windows (America/Bogota) and insights' best hours."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pregon.syndicate.schedule import (
    ScheduleConfig,
    Scheduler,
    day_key,
    load_best_hours,
)

# Friday 2026-11-20, 08:30 in Bogotá (13:30 UTC).
FRIDAY_0830 = datetime.fromisoformat("2026-11-20T13:30:00+00:00")
SATURDAY_1000 = datetime.fromisoformat("2026-11-21T10:00:00-05:00")

CONFIG = ScheduleConfig.model_validate(
    {
        "default": "immediate",
        "channels": {
            "facebook": {
                "windows": [
                    {
                        "days": ["lun", "mar", "mié", "jue", "vie"],
                        "start": "07:00",
                        "end": "19:00",
                    }
                ]
            },
            "x": {
                "windows": [{"days": ["Sábado"], "start": "09:00", "end": "12:00"}],
                "best_hours": True,
            },
        },
    }
)


def test_immediate_and_windows_in_bogota_time() -> None:
    scheduler = Scheduler(CONFIG, {})
    assert scheduler.due("bluesky", SATURDAY_1000).due
    assert scheduler.due("facebook", FRIDAY_0830).due
    weekend = scheduler.due("facebook", SATURDAY_1000)
    assert not weekend.due and "fuera de la ventana" in weekend.reason and "07:00–19:00" in weekend.reason


def test_best_hours_are_used_when_insights_computed_them(tmp_path: Path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "best_hours.json").write_text(
        json.dumps(
            {
                "v": 1,
                "generated_at": "2026-11-01T00:00:00-05:00",
                "timezone": "America/Bogota",
                "channels": {"x": {"vie": [8], "sab": [18]}},
            }
        )
    )
    scheduler = Scheduler(CONFIG, load_best_hours(tmp_path))
    assert scheduler.due("x", FRIDAY_0830).due
    later = scheduler.due("x", SATURDAY_1000)  # inside the configured window, but not a best hour
    assert not later.due and "18:00" in later.reason


def test_without_best_hours_the_windows_apply_and_the_run_says_so(
    tmp_path: Path,
) -> None:
    scheduler = Scheduler(CONFIG, load_best_hours(tmp_path))  # no file
    due = scheduler.due("x", SATURDAY_1000)
    assert due.due and "se usan las ventanas configuradas" in due.reason
    assert scheduler.fallbacks == {"x"}  # the run lists it in its notes
    assert not scheduler.due("x", FRIDAY_0830).due


def test_day_names() -> None:
    assert [day_key(d) for d in ("Miércoles", "sáb", "sun", "LUN")] == [
        "mie",
        "sab",
        "dom",
        "lun",
    ]
    with pytest.raises(ValueError, match="día desconocido"):
        day_key("feriado")
