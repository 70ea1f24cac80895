"""Spreadsheets an office hands in (labels for `pregon sentiment train`, corrections for the
sentiment report): whatever is in them, the answer is a Spanish error naming the file, or the rows.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.insights.sentiment.labelled import LabelledFileError, read_labelled
from pregon.insights.sentiment.xlsx import CorrectionsError, read_corrections

from pregon.cli import main as pregon


def _workbook_bytes(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = _workbook_bytes([["texto", "etiqueta"], ["Gracias por el parque", "positivo"], ["Sigue el hueco", "-1"]])

HOSTILE = {
    "binario.csv": b"\xff\xfe\x00\x01basura",
    "utf16_roto.csv": "texto,etiqueta\nhola,positivo\n".encode("utf-16")[:-1],
    "no_es_zip.xlsx": b"PK\x03\x04esto no es un libro",
    "texto.xlsx": b"texto,etiqueta\nhola,positivo\n",
    "truncado.xlsx": GOOD_XLSX[: len(GOOD_XLSX) // 2],
    "vacio.xlsx": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_damaged_or_foreign_labels_file_is_a_spanish_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    result = CliRunner().invoke(pregon, ["sentiment", "train", "--dry-run", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"Error: {path}: " in result.output
    assert "Traceback" not in result.output


def test_excel_csv_in_windows_1252_with_semicolons_is_read(tmp_path: Path) -> None:
    """What Excel with Colombian regional settings saves as «CSV (delimitado por comas)»."""
    path = tmp_path / "etiquetas.csv"
    path.write_bytes(
        "texto;etiqueta\r\nQué buen servicio, gracias;Positivo\r\nLa vía está mal;negativo\r\n".encode("cp1252")
    )
    examples = read_labelled(path)
    assert [(e.text, e.label) for e in examples] == [
        ("Qué buen servicio, gracias", "positivo"),
        ("La vía está mal", "negativo"),
    ]


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's «Texto Unicode» export: UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "etiquetas.csv"
    path.write_bytes("texto\tetiqueta\r\n¿Dónde queda la sede?\tneutro\r\n".encode("utf-16"))
    assert [(e.text, e.label) for e in read_labelled(path)] == [("¿Dónde queda la sede?", "neutro")]


def test_a_cell_past_the_csv_size_limit_is_a_spanish_error(tmp_path: Path) -> None:
    path = tmp_path / "etiquetas.csv"
    path.write_text('texto,etiqueta\n"' + "x" * 200_000 + '",positivo\n', encoding="utf-8")
    with pytest.raises(LabelledFileError, match="revise las comillas") as caught:
        read_labelled(path)
    assert "field larger" not in str(caught.value)


def test_an_empty_label_is_named_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "etiquetas.csv"
    path.write_text('texto,etiqueta\nhola,positivo\n"sin etiqueta\n', encoding="utf-8")
    with pytest.raises(LabelledFileError, match="fila 3, columna etiqueta: está vacía"):
        read_labelled(path)


def test_corrections_from_a_file_that_is_not_the_report(tmp_path: Path) -> None:
    damaged = tmp_path / "informe.xlsx"
    damaged.write_bytes(GOOD_XLSX[:300])
    with pytest.raises(CorrectionsError, match="no es un libro de Excel"):
        read_corrections(damaged)
    other = tmp_path / "otro.xlsx"
    other.write_bytes(GOOD_XLSX)
    with pytest.raises(CorrectionsError, match="falta la hoja «Muestras»"):
        read_corrections(other)


def test_a_correction_without_its_sample_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "informe.xlsx"
    path.write_bytes(_workbook_bytes([["id", "etiqueta_corregida"], [None, "positivo"]], title="Muestras"))
    with pytest.raises(CorrectionsError, match="fila 2, columna id: está vacía"):
        read_corrections(path)


def _mutated(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in cuts:
        buffer[position % len(buffer)] = value
    return bytes(buffer)


_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda cuts: _mutated(GOOD_XLSX, cuts)
        ),
        st.integers(0, len(GOOD_XLSX)).map(lambda n: GOOD_XLSX[:n]),
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_any_bytes_give_rows_or_a_labelled_file_error(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"etiquetas{suffix}"
    path.write_bytes(data)
    try:
        examples = read_labelled(path)
    except LabelledFileError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert examples and all(e.label in ("positivo", "neutro", "negativo") for e in examples)


@pytest.mark.parametrize("reader", [read_labelled, read_corrections])
def test_a_path_that_is_not_a_file_says_what_it_is(tmp_path: Path, reader: Any) -> None:
    folder = tmp_path / "etiquetas.csv"
    folder.mkdir()
    cases = [
        (folder, "es una carpeta"),
        (Path("/dev/null"), "no es un archivo común"),
        (tmp_path / "no.csv", "el archivo no existe"),
    ]
    for path, said in cases:
        with pytest.raises((LabelledFileError, CorrectionsError)) as refused:
            reader(path)
        assert str(refused.value) == f"{path}: {said}"
