"""The calendar month every report is about, written ``AAAA-MM`` on the command line and in file names."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from pregon.calendar_es import month_and_year

_PATTERN = re.compile(r"(\d{4})-(\d{2})")

FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Years a report can be about: the plausible years of a release's dates (``plugins/moments.py``).
Every month in this range has a previous and a next one that Python's dates can hold (year 1 has
no previous month, year 9999 no next one)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-11"`` → ``Month(2026, 11)``; a Spanish ``ValueError`` otherwise."""
        match = _PATTERN.fullmatch(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"mes inválido {text!r}: use el formato AAAA-MM, por ejemplo 2026-11")
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"mes inválido {text!r}: el año debe estar entre {FIRST_YEAR} y {LAST_YEAR}")
        return cls(year, int(match.group(2)))

    @classmethod
    def of(cls, moment: date) -> Month:
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.last_day.day)]

    def contains(self, moment: datetime, zone: tzinfo) -> bool:
        """Whether the instant ``moment`` falls in this month in the office's time zone."""
        return Month.of(moment.astimezone(zone)) == self

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """First instant of the month and first instant of the next, in ``zone``."""
        start = datetime.combine(self.first_day, time(), zone)
        return start, datetime.combine(self.last_day + timedelta(days=1), time(), zone)

    def previous(self) -> Month:
        return Month.of(self.first_day - timedelta(days=1))

    def next(self) -> Month:
        return Month.of(self.last_day + timedelta(days=1))

    @property
    def name_es(self) -> str:
        """``"noviembre de 2026"``."""
        return month_and_year(self.year, self.month)
