"""Numbers, dates and colours as the reports show them to a Colombian office.

Text (key facts, PDF tables): thousands with a dot and decimals with a comma, a space before the
percent sign (9.493; 1,63 %), dates as day/month/year and times to the minute in America/Bogota.
Excel cells stay numbers; their formats carry the es-CO language tag (``[$-240A]``), which
LibreOffice honours for the separators whatever the computer's language, and Excel shows with the
computer's own Colombian settings.
"""

from __future__ import annotations

from datetime import date, datetime

from pregon.numbers_es import decimal

from ..syndicate.schedule import TIMEZONE

LANGUAGE = "[$-240A]"  # es-CO
EXCEL_FORMATS = {
    "int": LANGUAGE + "#,##0",
    "signed": LANGUAGE + "+#,##0;-#,##0;0",
    "float": LANGUAGE + "#,##0.00",
    "pct": LANGUAGE + '0.00" "%',
    "date": LANGUAGE + "dd/mm/yyyy",
    "datetime": LANGUAGE + "dd/mm/yyyy hh:mm",
}

# One colour per sentiment class, the same in every workbook, chart and PDF.
SENTIMENT_COLOURS = {"positivo": "#2E7D32", "neutro": "#9E9E9E", "negativo": "#C62828"}
SERIES_COLOURS = ("#1F3864", "#2F75B5", "#F4B183", "#A9D18E", "#FFD966", "#8FAADC", "#C9C9C9")


def integer(value: int | float, *, sign: bool = False) -> str:
    """12.345 (and +12.345 with ``sign``)."""
    text = f"{round(value):+,d}" if sign else f"{round(value):,d}"
    return text.replace(",", ".")


def percent(fraction: float, places: int = 2, *, sign: bool = False) -> str:
    """0.0163 → «1,63 %» (``sign``: «+1,63 %»)."""
    text = decimal(abs(fraction) * 100, places)
    prefix = ("+" if fraction >= 0 else "-") if sign else ("-" if fraction < 0 else "")
    return f"{prefix}{text} %"


def day(value: date) -> str:
    """05/03/2026"""
    return value.strftime("%d/%m/%Y")


def moment(value: datetime) -> str:
    """05/03/2026 14:07, in Bogotá time, to the minute."""
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")
