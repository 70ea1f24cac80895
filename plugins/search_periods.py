"""Which search bundle each release goes in: periods of the calendar, as long as they stay small.

Pagefind holds the whole bundle it indexes in memory, about 100 KB per release (650 MB for a
year of 6,700 releases, 330 MB for half of it), and the first query fetches a few chunks of
every bundle. So a bundle is the longest period that holds at most :data:`LIMIT` releases:

* a past year is one bundle (``2025``), or if it is too large one per semester (``2025-s1``),
  quarter (``2025-t3``) or month (``2025-m07``), the same division for the whole year;
* the newest year has one bundle per quarter, so a new release rebuilds a quarter only; the
  months of the open quarter, if even that is too large. Its closed first semester becomes one
  bundle once the second begins, if it fits.

A period's bundle changes only when its own releases change, or once when it closes (the first
semester in July, the year when the next begins).
"""

from __future__ import annotations

from collections.abc import Mapping

LIMIT = 3_500
"""Releases per bundle at most (about 350 MB of Pagefind), unless a single month holds more."""

Month = tuple[int, int]  # (year, month)

_DIVISIONS = ((12, ""), (6, "s"), (3, "t"), (1, "m"))  # months per part, and its letter


def _name(year: int, months: int, letter: str, month: int) -> str:
    if months == 12:
        return str(year)
    part = (month - 1) // months + 1
    return f"{year}-{letter}{part:02d}" if letter == "m" else f"{year}-{letter}{part}"


def _fits(counts: Mapping[Month, int], year: int, months: int, span: range, limit: int) -> bool:
    """Whether every part of ``months`` months within ``span`` holds at most ``limit`` releases."""
    parts: dict[int, int] = {}
    for month in span:
        parts[(month - 1) // months] = parts.get((month - 1) // months, 0) + counts.get((year, month), 0)
    return all(n <= limit for n in parts.values())


def _divide(counts: Mapping[Month, int], year: int, span: range, limit: int, coarsest: int) -> dict[Month, str]:
    """The months of ``span`` named by the coarsest division (no coarser than ``coarsest``
    months) whose parts fit; months as the last resort."""
    for months, letter in _DIVISIONS:
        if months > coarsest:
            continue
        if months == 1 or _fits(counts, year, months, span, limit):
            return {(year, m): _name(year, months, letter, m) for m in span}
    raise AssertionError("unreachable: months always fit")


def periods(counts: Mapping[Month, int], limit: int = LIMIT) -> dict[Month, str]:
    """The bundle of each month that has releases; ``counts`` is releases per (year, month)."""
    if not counts:
        return {}
    newest_year, newest_month = max(counts)
    groups: dict[Month, str] = {}
    for year in sorted({y for y, _ in counts}):
        if year < newest_year:
            groups |= _divide(counts, year, range(1, 13), limit, 12)
            continue
        open_quarter = (newest_month - 1) // 3
        first_open = open_quarter * 3 + 1
        if open_quarter >= 2:  # July or later: the first semester is closed
            groups |= _divide(counts, year, range(1, 7), limit, 6)
        if open_quarter == 1 or open_quarter == 3:  # the quarter before the open one, alone
            groups |= _divide(counts, year, range(first_open - 3, first_open), limit, 3)
        groups |= _divide(counts, year, range(first_open, first_open + 3), limit, 3)
    return {month: name for month, name in groups.items() if month in counts}


def start(name: str) -> Month:
    """The first month of a bundle's period, to list bundles in order."""
    year, _, part = name.partition("-")
    if not part:
        return int(year), 1
    months = {"s": 6, "t": 3, "m": 1}[part[0]]
    return int(year), (int(part[1:]) - 1) * months + 1
