"""Spanish month names, the one list every date shown to people is written with (site, press
e-mail, reports)."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def long_date(day: date) -> str:
    """«20 de noviembre de 2026» (a datetime gives its own day: convert it to local time first)."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def month_and_year(year: int, month: int) -> str:
    """«noviembre de 2026»."""
    return f"{MONTHS[month - 1]} de {year}"
