"""The sentiment report as an Excel workbook, and reading analysts' corrections back from it.

Sheets: «Resumen» (totals, a chart, how to correct), «Por cuenta», «Por semana», «Por comunicado»
(stacked column/bar charts), «Términos» (most frequent words per class), «Muestras»
(pseudonymised replies with the model's label and an empty ``etiqueta_corregida`` column) and
«Base de datos» (every pseudonymised comment of the month: network, account, post, date, label,
confidence, corrected label), the database the procedures ask for. Each class has one colour
everywhere (:data:`..colombia.SENTIMENT_COLOURS`).

An analyst fills ``etiqueta_corregida`` (positivo, neutro o negativo) and hands the file back with
``pregon report sentiment --correcciones``; the corrections are kept in the private store by
pseudonymous id and honoured on every later run.
"""

from __future__ import annotations

from pathlib import Path

from ..colombia import SENTIMENT_COLOURS
from ..growth import display_name
from ..spreadsheet import SpreadsheetError, xlsx_rows
from ..workbook import Column, Report
from .labelled import LABELS, canonical_label
from .report import SentimentReport

SAMPLES_SHEET = "Muestras"
ID_COLUMN = "id"
CORRECTION_COLUMN = "etiqueta_corregida"


class CorrectionsError(ValueError):
    """A corrections file that cannot be used; names the file, row and column."""


COLOURS = [SENTIMENT_COLOURS[label] for label in LABELS]


def write_sentiment(
    report: SentimentReport,
    path: Path,
    samples: int,
    model_note: str,
    entity: str = "",
    networks: dict[str, str] | None = None,
) -> Path:
    networks = networks or {}
    with Report(path, entity=entity, title="Informe de sentimiento", period=report.month.name_es) as book:
        _summary(book, report, model_note)
        for title, key, label in (("Por cuenta", "channel", "Cuenta"), ("Por semana", "week", "Semana (lunes)"),
                                  ("Por comunicado", "release", "Comunicado")):  # fmt: skip
            _distribution(book, report, title, key, label)
        _terms(book, report)
        _samples(book, report, samples)
        _database(book, report, networks)
    return path


def _summary(book: Report, report: SentimentReport, model_note: str) -> None:
    sheet = book.sheet("Resumen")
    row = book.heading(sheet, f"Sentimiento de respuestas y menciones — {report.month.name_es}",
                       "Datos seudonimizados (Ley 1581 de 2012): sin usuarios, nombres, correos ni teléfonos")  # fmt: skip
    totals = report.totals()
    total = sum(totals.values())
    first = row
    rows = [[label, totals[label], totals[label] / total if total else None] for label in LABELS]
    row = book.table(
        sheet, row, 0, (Column("Clase", 14), Column("Textos", 10, "int"), Column("Porcentaje", 12, "pct")), rows
    )
    book.chart(sheet, (first, 4), "pie", "Distribución del sentimiento",
               (sheet.name, 0, first + 1, first + 3), [("Textos", (sheet.name, 1, first + 1, first + 3))],
               colours=COLOURS)  # fmt: skip
    notes = [
        f"Total: {total} textos; {report.corrections_applied} con etiqueta corregida por una persona.",
        model_note,
        "Para corregir: llene la columna etiqueta_corregida de la hoja «Muestras» y ejecute "
        "pregon report sentiment --month " + str(report.month) + " --correcciones ESTE_ARCHIVO.xlsx",
    ]
    for note in notes:
        sheet.write(row, 0, note, book.formats["subtitle"])
        row += 1
    sheet.activate()


def _distribution(book: Report, report: SentimentReport, title: str, key: str, label: str) -> None:
    sheet = book.sheet(title)
    row = book.heading(sheet, f"Sentimiento {title.lower()} — {report.month.name_es}")
    groups = report.distribution(key)
    columns = (Column(label, 34, "date" if key == "week" else "text"), *(Column(c.capitalize(), 11, "int") for c in LABELS),
               Column("Total", 10, "int"))  # fmt: skip
    rows = [[group, *(counts[c] for c in LABELS), sum(counts.values())] for group, counts in groups]
    first = row
    end = book.table(sheet, row, 0, columns, rows)
    if rows:
        last = first + len(rows)
        series = [(c.capitalize(), (sheet.name, 1 + i, first + 1, last)) for i, c in enumerate(LABELS)]
        chart = "bar" if key == "release" else "column"
        book.chart(sheet, (end, 0), chart, f"Sentimiento {title.lower()}", (sheet.name, 0, first + 1, last), series,
                   y_title="Textos", stacked=True, colours=COLOURS)  # fmt: skip


def _terms(book: Report, report: SentimentReport) -> None:
    sheet = book.sheet("Términos")
    row = book.heading(sheet, "Términos más frecuentes por clase", "Cada término cuenta una vez por texto")
    for i, (label, terms) in enumerate(report.terms().items()):
        book.table(
            sheet, row, i * 3, (Column(label.capitalize(), 18), Column("Textos", 8, "int")), [list(t) for t in terms]
        )


def _samples(book: Report, report: SentimentReport, limit: int) -> None:
    sheet = book.sheet(SAMPLES_SHEET)
    columns = (
        Column(ID_COLUMN, 14),
        Column("red", 11),
        Column("fecha", 17, "datetime"),
        Column("autor_seudonimo", 14),
        Column("comunicado", 28),
        Column("texto", 70, "wrap"),
        Column("etiqueta_modelo", 12),
        Column(CORRECTION_COLUMN, 14),
    )
    rows = [
        [r.id, display_name(r.channel), r.created.replace(tzinfo=None), r.author, r.release, r.text, r.predicted, r.corrected]
        for r in report.samples(limit)
    ]  # fmt: skip
    book.table(sheet, 0, 0, columns, rows)
    if rows:
        sheet.data_validation(1, 7, len(rows), 7, {"validate": "list", "source": list(LABELS)})
    sheet.freeze_panes(1, 0)


DATABASE_SHEET = "Base de datos"


def _database(book: Report, report: SentimentReport, networks: dict[str, str]) -> None:
    """Every comment of the month, pseudonymised, one row each: the office's sentiment database."""
    sheet = book.sheet(DATABASE_SHEET)
    columns = (
        Column(ID_COLUMN, 14),
        Column("red", 11),
        Column("cuenta", 14),
        Column("publicación", 30),
        Column("fecha", 17, "datetime"),
        Column("autor_seudonimo", 14),
        Column("texto", 70, "wrap"),
        Column("etiqueta_modelo", 12),
        Column("confianza", 10, "pct"),
        Column(CORRECTION_COLUMN, 14),
        Column("etiqueta_final", 12),
    )
    rows = [
        [r.id, display_name(networks.get(r.channel, r.channel)), r.channel, r.release, r.created.replace(tzinfo=None),
         r.author, r.text, r.predicted, r.confidence, r.corrected, r.label]
        for r in report.rows
    ]  # fmt: skip
    book.table(sheet, 0, 0, columns, rows)
    sheet.freeze_panes(1, 0)


def read_corrections(path: Path) -> dict[str, str]:
    """``id -> label`` from the «Muestras» sheet of a report an analyst edited."""
    if not path.is_file():
        what = (
            "es una carpeta" if path.is_dir() else "no es un archivo común" if path.exists() else "el archivo no existe"
        )
        raise CorrectionsError(f"{path}: {what}")
    try:
        rows = xlsx_rows(path, SAMPLES_SHEET)
    except SpreadsheetError as exc:
        raise CorrectionsError(
            f"{exc} (se espera el informe de sentimiento con la columna {CORRECTION_COLUMN})"
        ) from None
    header = [str(h or "").strip().lower() for h in (rows[0] if rows else ())]
    if ID_COLUMN not in header or CORRECTION_COLUMN not in header:
        raise CorrectionsError(f"{path}, hoja «{SAMPLES_SHEET}»: faltan las columnas {ID_COLUMN} y {CORRECTION_COLUMN}")
    id_col, fix_col = header.index(ID_COLUMN), header.index(CORRECTION_COLUMN)
    corrections: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        raw = row[fix_col] if fix_col < len(row) else None
        if raw is None or not str(raw).strip():
            continue
        label = canonical_label(raw)
        if label is None:
            raise CorrectionsError(
                f"{path}, hoja «{SAMPLES_SHEET}», fila {number}, columna {CORRECTION_COLUMN}: "
                f"{raw!r} no es positivo, neutro ni negativo"
            )
        sample = row[id_col] if id_col < len(row) else None
        if sample is None or not str(sample).strip():
            raise CorrectionsError(
                f"{path}, hoja «{SAMPLES_SHEET}», fila {number}, columna {ID_COLUMN}: está vacía; "
                "la corrección no se puede ligar a su muestra"
            )
        corrections[str(sample)] = label
    return corrections
