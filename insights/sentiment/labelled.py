"""Labelled texts: the bundled SentiMP-21 corpus and an office's own file (CSV or XLSX).

An office file has the columns ``texto`` and ``etiqueta``; labels may be written as
positivo/neutro/negativo (any case, with or without accents) or as 1/0/-1. Every problem is
reported in Spanish with the file, the row and the column, and nothing is trained from a file that
has problems.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..spreadsheet import SpreadsheetError, csv_rows, xlsx_rows

LABELS = ("negativo", "neutro", "positivo")
"""The three classes, in the order reports list them."""

_ALIASES = {
    "positivo": "positivo", "positiva": "positivo", "pos": "positivo", "1": "positivo", "+1": "positivo",
    "neutro": "neutro", "neutral": "neutro", "neu": "neutro", "0": "neutro",
    "negativo": "negativo", "negativa": "negativo", "neg": "negativo", "-1": "negativo",
}  # fmt: skip

CORPUS = "sentimp21_es.csv"


class LabelledFileError(ValueError):
    """A labelled file that cannot be used; the message names the file, row and column."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def canonical_label(raw: object) -> str | None:
    """The class name for ``raw`` (``"Positivo"``, ``1``, ``"-1"``…) or ``None`` if it is not one."""
    if raw is None:
        return None
    key = str(raw).strip().lower().replace("í", "i")
    key = key.removesuffix(".0")  # numbers read from a spreadsheet
    return _ALIASES.get(key)


def bundled_corpus() -> list[Example]:
    """SentiMP-21 (Spanish part, CC BY-SA 4.0) as shipped in the package; rows labelled x dropped."""
    text = resources.files(__package__).joinpath("data", CORPUS).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [Example(r["full_text"], label) for r in rows if (label := canonical_label(r["final_label"]))]


def corpus_bytes() -> bytes:
    """The bundled corpus file, to key the model cache on its exact content."""
    return resources.files(__package__).joinpath("data", CORPUS).read_bytes()


def read_labelled(path: Path) -> list[Example]:
    """Read an office's labelled file (``.csv`` or ``.xlsx`` with columns texto, etiqueta)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        what = (
            "es una carpeta" if path.is_dir() else "no es un archivo común" if path.exists() else "el archivo no existe"
        )
        raise LabelledFileError(f"{path}: {what}")
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise LabelledFileError(f"{path}: formato no soportado; use un archivo .csv o .xlsx")
    try:
        rows = csv_rows(path) if suffix == ".csv" else xlsx_rows(path)
    except SpreadsheetError as exc:
        raise LabelledFileError(str(exc)) from None
    return _examples(path, rows)


def _examples(path: Path, rows: Iterable[list[object]]) -> list[Example]:
    rows = list(rows)
    if not rows:
        raise LabelledFileError(f"{path}: el archivo está vacío; se esperan las columnas texto y etiqueta")
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in ("texto", "etiqueta") if c not in header]
    if missing:
        raise LabelledFileError(
            f"{path}: faltan las columnas {', '.join(missing)} en la primera fila "
            f"(encontradas: {', '.join(h for h in header if h) or 'ninguna'})"
        )
    text_col, label_col = header.index("texto"), header.index("etiqueta")
    examples: list[Example] = []
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        text, raw_label = cells[text_col], cells[label_col]
        if (text is None or not str(text).strip()) and raw_label in (None, ""):
            continue  # blank line
        label = canonical_label(raw_label)
        if text is None or not str(text).strip():
            problems.append(f"fila {number}, columna texto: está vacía")
        elif raw_label is None or not str(raw_label).strip():
            problems.append(f"fila {number}, columna etiqueta: está vacía")
        elif label is None:
            problems.append(f"fila {number}, columna etiqueta: {raw_label!r} no es positivo, neutro ni negativo")
        else:
            examples.append(Example(str(text), label))
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise LabelledFileError(f"{path}: {len(problems)} filas con problemas: {shown}")
    if not examples:
        raise LabelledFileError(f"{path}: no hay filas etiquetadas")
    return examples
