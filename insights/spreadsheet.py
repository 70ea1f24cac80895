"""Rows of a spreadsheet an office hands in (labels, corrections), read defensively.

These files come from people and from other programs: Excel on Windows saves «CSV (delimitado por
comas)» in Windows-1252 and, with Colombian regional settings, with semicolons; a file renamed to
``.xlsx`` may be anything. Whatever is wrong with one becomes a :class:`SpreadsheetError` whose
Spanish message names the file, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from pregon.os_errors import reason


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message names the file."""


ENCODINGS = ("utf-8-sig", "cp1252")
"""Tried in order after UTF-16 with a byte-order mark: UTF-8 (with or without Excel's mark), then
Excel's Windows-1252."""


def csv_rows(path: Path) -> list[list[object]]:
    """Every row of a CSV file, the delimiter (comma, semicolon or tab) guessed from its start."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(f"{path}: no se pudo leer ({reason(exc)})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's «Texto Unicode»
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise SpreadsheetError(f"{path}: el texto UTF-16 está dañado; guárdelo como «CSV UTF-8»") from None
    if b"\x00" in data:
        raise SpreadsheetError(f"{path}: no es un archivo de texto (¿es una hoja de cálculo con otra extensión?)")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(f"{path}: el texto no está en UTF-8 ni en Windows-1252; guárdelo como «CSV UTF-8»")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error:  # an unclosed quote or a cell past the csv module's size limit
        raise SpreadsheetError(
            f"{path}: no se pudo leer como CSV: revise las comillas (una celda con comillas sin cerrar o demasiado larga)"
        ) from None


def xlsx_rows(path: Path, sheet: str | None = None) -> list[list[object]]:
    """Every row of ``sheet`` (the first sheet when ``None``) of an Excel workbook, as values."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a damaged or foreign file fails anywhere inside zipfile, XML or openpyxl
        raise SpreadsheetError(f"{path}: no es un libro de Excel (.xlsx) válido o está dañado") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SpreadsheetError(f"{path}: falta la hoja «{sheet}»")
        if not book.worksheets:
            raise SpreadsheetError(f"{path}: el libro no tiene hojas")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        try:
            return [list(row) for row in worksheet.iter_rows(values_only=True)]
        except Exception:
            raise SpreadsheetError(f"{path}: la hoja «{worksheet.title}» está dañada y no se pudo leer") from None
    finally:
        book.close()
