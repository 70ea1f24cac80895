"""Electoral restriction periods (Ley 996 de 2005, "ley de garantías").

A release whose publication date falls inside a period of the office's calendar gets a warning, so
the reviewer checks it is not propaganda of the administration and shows no candidates. The
calendar shipped with Pregón (``rules/calendario_electoral.yml``) is an example for 2026 that each
office must verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .findings import ReleaseReport
from .inclusive import RuleFileError, read_yaml_mapping

RULE = "ley-de-garantias"


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    end: date
    rule: str = ""

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def load_calendar(path: Path) -> list[Period]:
    """Read the calendar file at ``path`` (``periods:`` with ``name``, ``start``, ``end``)."""
    data = read_yaml_mapping(path, "el calendario electoral")
    entries = data.get("periods") or []
    if not isinstance(entries, list):
        raise RuleFileError(f"{path}: `periods` debe ser una lista de periodos")
    periods = []
    for i, entry in enumerate(entries):
        entry = entry if isinstance(entry, dict) else {}
        start, end = entry.get("start"), entry.get("end")
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise RuleFileError(
                f"{path}: el periodo {i + 1} necesita `start` y `end` como fechas AAAA-MM-DD, con `end` después de `start`"
            )
        periods.append(Period(str(entry.get("name") or f"periodo {i + 1}"), start, end, str(entry.get("rule") or "")))
    return periods


def publication_day(release_date: datetime, today: datetime) -> date:
    """The day a release goes out: its ``date``, or the merge day when that date has passed."""
    return max(release_date, today).astimezone(release_date.tzinfo).date()


def check(report: ReleaseReport, published: date, periods: list[Period], line: int | None) -> None:
    """Warn if ``published`` (see :func:`publication_day`) is inside a restricted period."""
    for period in periods:
        if published in period:
            report.warning(
                RULE,
                f"se publicará el {published:%Y-%m-%d}, dentro del periodo de restricción «{period.name}» "
                f"({period.start:%Y-%m-%d} a {period.end:%Y-%m-%d}): confirme que no es propaganda de gestión "
                "y que no muestra ni menciona candidatos (Ley 996 de 2005)",
                line,
            )
