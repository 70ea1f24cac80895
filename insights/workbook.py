"""Small helpers over xlsxwriter shared by every report: formats, tables, native charts.

Numbers are written as numbers (never as text), so an analyst can sort, sum and chart them in
Excel; percentages are fractions shown with a percent format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

_INVALID_SHEET = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = "text"
    """text | int | float | pct | date | datetime"""


class Report:
    """An xlsx workbook with the house formats; use as a context manager."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.book: Workbook = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
        add = self.book.add_format
        self.formats = {
            "title": add({"bold": True, "font_size": 16, "font_color": "#1F3864"}),
            "subtitle": add({"italic": True, "font_color": "#595959"}),
            "header": add({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}),
            "text": add({"text_wrap": False}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            "int": add({"num_format": "#,##0"}),
            "float": add({"num_format": "#,##0.00"}),
            "pct": add({"num_format": "0.00%"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm"}),
            "big": add({"bold": True, "font_size": 13}),
        }
        self.sheet_names: set[str] = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.book.close()

    def sheet(self, name: str) -> Worksheet:
        """A new sheet; the name is made valid (31 characters, no []:*?/\\) and unique."""
        base = name.translate(_INVALID_SHEET).strip()[:31] or "Hoja"
        candidate, n = base, 2
        while candidate.lower() in self.sheet_names:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.sheet_names.add(candidate.lower())
        return self.book.add_worksheet(candidate)

    def heading(self, sheet: Worksheet, title: str, subtitle: str = "") -> int:
        """Title (and subtitle) at the top; returns the first free row."""
        sheet.write(0, 0, title, self.formats["title"])
        if subtitle:
            sheet.write(1, 0, subtitle, self.formats["subtitle"])
        return 3

    def table(
        self, sheet: Worksheet, row: int, col: int, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
    ) -> int:
        """Header + rows from (``row``, ``col``); returns the first free row after it."""
        for j, column in enumerate(columns):
            sheet.write(row, col + j, column.title, self.formats["header"])
            sheet.set_column(col + j, col + j, column.width)
        for i, values in enumerate(rows, start=1):
            for j, (column, value) in enumerate(zip(columns, values, strict=True)):
                self.cell(sheet, row + i, col + j, value, column.kind)
        if rows:
            sheet.autofilter(row, col, row + len(rows), col + len(columns) - 1)
        return row + len(rows) + 2

    def cell(self, sheet: Worksheet, row: int, col: int, value: Any, kind: str = "text") -> None:
        if value is None:
            sheet.write_blank(row, col, None)
        elif kind in ("date", "datetime") and isinstance(value, (date, datetime)):
            sheet.write_datetime(row, col, value, self.formats[kind])
        elif kind in ("int", "float", "pct") and isinstance(value, (int, float)):
            sheet.write_number(row, col, value, self.formats[kind])
        elif kind == "wrap":
            sheet.write_string(row, col, str(value), self.formats["wrap"])
        else:
            sheet.write_string(row, col, str(value))

    def chart(
        self,
        sheet: Worksheet,
        anchor: tuple[int, int],
        kind: str,
        title: str,
        categories: tuple[str, int, int, int],
        series: Sequence[tuple[str, tuple[str, int, int, int]]],
        *,
        y_title: str = "",
        percent: bool = False,
        stacked: bool = False,
    ) -> None:
        """A native Excel chart. Ranges are (sheet name, column, first row, last row), 0-based."""
        chart = self.book.add_chart({"type": kind, **({"subtype": "stacked"} if stacked else {})})
        assert chart is not None
        for name, values in series:
            chart.add_series({"name": name, "categories": _ref(categories), "values": _ref(values)})
        chart.set_title({"name": title})
        chart.set_legend({"position": "bottom" if len(series) > 1 else "none"})
        if y_title:
            chart.set_y_axis({"name": y_title, **({"num_format": "0%"} if percent else {})})
        chart.set_size({"width": 620, "height": 300})
        sheet.insert_chart(anchor[0], anchor[1], chart)


def _ref(where: tuple[str, int, int, int]) -> list[Any]:
    name, col, first, last = where
    return [name, first, col, last, col]
