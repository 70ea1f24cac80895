"""When a post is due: immediately, inside configured time windows, or at the best hours.

Times are local to the entity: America/Bogota (UTC−5, no daylight saving). Per account (its key
in ``channels``; an account without an entry of its own follows its network's entry, then the
default)::

    schedule:
      default: immediate                     # or a channel schedule like the ones below
      channels:
        facebook:
          windows: [{days: [lun, mar, mie, jue, vie], start: "07:00", end: "19:00"}]
          best_hours: true                   # prefer the hours insights computed

Days are ``lun mar mie jue vie sab dom`` (accents and English ``mon…sun`` accepted). A window
includes ``start`` and excludes ``end``.

Best hours file (written by ``pregon collect``/insights, read here), ``<records>/metrics/best_hours.json``::

    {"v": 1,
     "generated_at": "2026-11-01T00:00:00-05:00",
     "timezone": "America/Bogota",
     "channels": {"facebook": {"lun": [7, 12, 18], "mar": [7, 12], "sab": [10]}}}

Each account maps a weekday to the local hours (0–23) whose posts did best (an account without
hours of its own uses none: its audience is not its network's other account's). A post is due when
the current local hour is listed for today. When ``best_hours: true`` but the file is missing,
unreadable or has no entry for the channel, the configured ``windows`` apply and the run says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pregon.json_input import loads as json_loads

TIMEZONE = ZoneInfo("America/Bogota")
DAYS = ("lun", "mar", "mie", "jue", "vie", "sab", "dom")
_ENGLISH = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BEST_HOURS_FILE = Path("metrics") / "best_hours.json"


def day_key(name: str) -> str:
    """``"Miércoles"``/``"mié"``/``"wed"`` → ``"mie"``; ValueError for anything else."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()[:3]
    if plain in DAYS:
        return plain
    if plain in _ENGLISH:
        return DAYS[_ENGLISH.index(plain)]
    raise ValueError(f"día desconocido {name!r}; use {', '.join(DAYS)}")


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    days: tuple[str, ...] = DAYS
    start: time
    end: time

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: object) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)):
            raise ValueError("days debe ser una lista de días")
        return tuple(day_key(v) for v in value)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(TIMEZONE)
        return DAYS[local.weekday()] in self.days and self.start <= local.time() < self.end


class ChannelSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    windows: tuple[Window, ...] = ()
    best_hours: bool = False


class ScheduleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Literal["immediate"] | ChannelSchedule = "immediate"
    channels: dict[str, Literal["immediate"] | ChannelSchedule] = Field(default_factory=dict)

    def for_channel(self, channel: str, network: str | None = None) -> Literal["immediate"] | ChannelSchedule:
        """The rule of account ``channel``; else of its ``network``; else the default."""
        if channel in self.channels:
            return self.channels[channel]
        return self.channels.get(network or channel, self.default)


@dataclass(frozen=True)
class Due:
    due: bool
    reason: str
    """Spanish: why it is (not) due now; mentions a fallback to windows when that happened."""


def load_best_hours(records: Path) -> dict[str, dict[str, frozenset[int]]]:
    """The best-hours file as channel -> day -> hours; empty when missing or unreadable."""
    try:
        data = json_loads((records / BEST_HOURS_FILE).read_text(encoding="utf-8"))
        out: dict[str, dict[str, frozenset[int]]] = {}
        for channel, days in (data.get("channels") or {}).items():
            out[channel] = {day_key(d): frozenset(int(h) for h in hours) for d, hours in days.items()}
        return out
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


class Scheduler:
    """Decides, per channel, whether a post may go out at ``now``."""

    def __init__(self, config: ScheduleConfig, best_hours: dict[str, dict[str, frozenset[int]]]):
        self.config = config
        self.best_hours = best_hours
        self.fallbacks: set[str] = set()
        """Channels configured for best hours that had none and used their windows this run."""

    def due(self, channel: str, now: datetime, network: str | None = None) -> Due:
        """Whether account ``channel`` (of ``network``) may post at ``now``."""
        rule = self.config.for_channel(channel, network)
        if rule == "immediate":
            return Due(True, "inmediato")
        assert isinstance(rule, ChannelSchedule)
        local = now.astimezone(TIMEZONE)
        today = DAYS[local.weekday()]
        note = ""
        if rule.best_hours:
            hours = self.best_hours.get(channel)
            if hours:
                if local.hour in hours.get(today, frozenset()):
                    return Due(True, "mejor hora según las métricas")
                wanted = ", ".join(f"{h}:00" for h in sorted(hours.get(today, ()))) or "ninguna hoy"
                return Due(False, f"fuera de las mejores horas ({wanted}, hora de Bogotá)")
            note = "sin mejores horas calculadas para este canal; se usan las ventanas configuradas. "
            self.fallbacks.add(channel)
        if not rule.windows:
            return Due(True, note + "sin ventanas configuradas: inmediato")
        if any(w.contains(now) for w in rule.windows):
            return Due(True, note + "dentro de la ventana configurada")
        shown = "; ".join(
            f"{','.join(w.days)} {w.start.strftime('%H:%M')}–{w.end.strftime('%H:%M')}" for w in rule.windows
        )
        return Due(
            False,
            note + f"fuera de la ventana de publicación ({shown}, hora de Bogotá)",
        )
