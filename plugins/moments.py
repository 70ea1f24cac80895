"""Dates and times as editors write them: one strict reader for the loader, validation and the digest.

Accepted: ``AAAA-MM-DD`` and ``AAAA-MM-DD HH:MM[:SS[.fracción]]`` (``T`` or spaces between date and
time), optionally followed by ``Z`` or an offset ``±HH:MM`` (``±HHMM``, ``±HH``). Refused: every
other ISO 8601 shape (week dates, ordinal dates, compact forms), impossible calendar dates, years
outside :data:`YEARS` and offsets beyond the ones that exist on Earth (−12:00 … +14:00).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

YEARS = range(1900, 2201)
"""Plausible years for a press release: anything else is a typo (0001, 20266…)."""

_MOMENT = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"(?:[ \t]*(?P<tz>[Zz]|[-+]\d{1,2}(?::?\d{2})?))?)?"
)
_OFFSET = re.compile(r"([-+])(\d{1,2}):?(\d{2})?")
_EARTH_OFFSETS = (-timedelta(hours=12), timedelta(hours=14))


class MomentError(ValueError):
    """The text is not a date this module accepts; ``str()`` is a Spanish reason."""


def read_moment(text: str) -> date | datetime:
    """A ``date`` (no time written) or a ``datetime`` (aware when an offset is written)."""
    match = _MOMENT.fullmatch(text.strip())
    if match is None:
        raise MomentError("no tiene la forma AAAA-MM-DD o AAAA-MM-DD HH:MM")
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if year not in YEARS:
        raise MomentError(f"el año {year} no es plausible (use uno entre {YEARS.start} y {YEARS.stop - 1})")
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise MomentError(f"el día {day:02d}/{month:02d}/{year} no existe en el calendario") from None
    if match["H"] is None:
        return day_value
    fraction = int((match["f"] or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime.combine(day_value, datetime.min.time()).replace(
            hour=int(match["H"]), minute=int(match["M"]), second=int(match["S"] or 0), microsecond=fraction
        )
    except ValueError:
        raise MomentError(f"la hora {match['H']}:{match['M']} no existe (use de 00:00 a 23:59)") from None
    return moment.replace(tzinfo=_offset(match["tz"])) if match["tz"] else moment


def _offset(text: str) -> tzinfo:
    if text in ("Z", "z"):
        return UTC
    sign, hours, minutes = _OFFSET.fullmatch(text).groups()  # type: ignore[union-attr]  # _MOMENT matched it
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    delta = -delta if sign == "-" else delta
    if int(minutes or 0) >= 60 or not _EARTH_OFFSETS[0] <= delta <= _EARTH_OFFSETS[1]:
        raise MomentError(f"la diferencia horaria {text} no existe (va de -12:00 a +14:00; Colombia es -05:00)")
    return timezone(delta)


def check_year(moment: date) -> None:
    """Raise :class:`MomentError` when a date built elsewhere has an implausible year."""
    if moment.year not in YEARS:
        raise MomentError(f"el año {moment.year} no es plausible (use uno entre {YEARS.start} y {YEARS.stop - 1})")


def as_moment(value: Any, tz: tzinfo) -> datetime:
    """``value`` (date, datetime or text) as an aware datetime; naive values are in ``tz``.

    Raises :class:`MomentError` (a ``ValueError``) or ``TypeError`` for anything else.
    """
    if isinstance(value, str):
        value = read_moment(value)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        raise TypeError(value)
    check_year(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def canonical_moment(value: Any) -> Any:
    """The digest's form of a date field: ISO 8601 text, with the offset only when one was written.

    ``2026-03-10 09:30`` and the YAML timestamp ``2026-03-10 09:30:00`` mean the same moment and give
    ``2026-03-10T09:30:00``; values that are not dates come back unchanged (validation refuses them).
    """
    if isinstance(value, str):
        try:
            value = read_moment(value)
        except MomentError:
            return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    return value
