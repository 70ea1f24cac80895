"""Spanish month names, the one list every date shown to people is written with (site, press
e-mail, reports)."""

from __future__ import annotations

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


def long_date(year: int, month: int, day: int) -> str:
    """«20 de noviembre de 2026»."""
    return f"{day} de {MONTHS[month - 1]} de {year}"


def month_and_year(year: int, month: int) -> str:
    """«noviembre de 2026»."""
    return f"{MONTHS[month - 1]} de {year}"
