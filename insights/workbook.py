"""Small helpers over xlsxwriter shared by every report: formats, tables, native charts, printing.

Numbers are written as numbers (never as text), so an analyst can sort, sum and chart them in
Excel; percentages are fractions shown with a percent format. Formats are Colombian
(:mod:`.colombia`). Every sheet prints on letter paper in landscape, fitted to the page width,
with the entity, the report and the month in the header and «Página N de M» in the footer; every
chart has a legend and data labels, and a value axis from zero.
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

from .colombia import EXCEL_FORMATS, SERIES_COLOURS

_INVALID_SHEET = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = "text"
    """text | int | float | pct | date | datetime"""


class Report:
    """An xlsx workbook with the house formats; use as a context manager."""

    def __init__(self, path: Path, *, entity: str = "", title: str = "", period: str = ""):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.entity, self.title, self.period = entity, title, period
        self.book: Workbook = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
        add = self.book.add_format
        self.formats = {
            "title": add({"bold": True, "font_size": 16, "font_color": "#1F3864"}),
            "subtitle": add({"italic": True, "font_color": "#595959"}),
            "header": add({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}),
            "text": add({"text_wrap": False}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            **{kind: add({"num_format": code}) for kind, code in EXCEL_FORMATS.items()},
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
        sheet = self.book.add_worksheet(candidate)
        self._print_setup(sheet)
        return sheet

    def _print_setup(self, sheet: Worksheet) -> None:
        sheet.set_landscape()
        sheet.set_paper(1)  # letter, the paper of Colombian offices
        sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
        sheet.fit_to_pages(1, 0)  # as wide as the page, as many pages tall as needed
        sheet.hide_gridlines(0)

        def safe(text: str) -> str:
            return text.replace("&", "&&")

        sheet.set_header(f"&L&B{safe(self.entity)}&C{safe(self.title)}&R{safe(self.period)}")
        sheet.set_footer("&CPágina &P de &N")

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
        colours: Sequence[str] | None = None,
        from_zero: bool = True,
    ) -> None:
        """A native Excel chart with legend and data labels. Ranges are (sheet name, column, first
        row, last row), 0-based. ``colours`` gives one colour per series (per slice for a pie);
        ``from_zero`` starts the value axis at zero (growth that can be negative passes False and
        gets an axis through zero)."""
        chart = self.book.add_chart({"type": kind, **({"subtype": "stacked"} if stacked else {})})
        assert chart is not None
        palette = list(colours or SERIES_COLOURS)
        for i, (name, values) in enumerate(series):
            options: dict[str, Any] = {"name": name, "categories": _ref(categories), "values": _ref(values)}
            if kind == "pie":
                options["points"] = [{"fill": {"color": c}} for c in palette]
                options["data_labels"] = {"percentage": True, "category": True, "leader_lines": True}
            else:
                colour = palette[i % len(palette)]
                line = kind == "line"
                options[("line" if line else "fill")] = {"color": colour}
                options["data_labels"] = {"value": True, **({"position": "above"} if line else {})}
            chart.add_series(options)
        chart.set_title({"name": title})
        chart.set_legend({"position": "right" if kind == "pie" else "bottom"})
        if kind != "pie":
            axis: dict[str, Any] = {"name": y_title} if y_title else {}
            if percent:
                axis["num_format"] = "0%"
            if from_zero:
                axis["min"] = 0
            value_axis = chart.set_x_axis if kind == "bar" else chart.set_y_axis
            value_axis(axis)
        chart.set_size({"width": 620, "height": 300})
        sheet.insert_chart(anchor[0], anchor[1], chart)


def _ref(where: tuple[str, int, int, int]) -> list[Any]:
    name, col, first, last = where
    return [name, first, col, last, col]
