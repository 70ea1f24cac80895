"""The monthly reports are ready for the mayor's desk: they print (landscape, fitted to the width,
entity and month in the header, page numbers), use Colombian number formats, their charts have
legends, data labels and axes from zero, each sentiment has one colour, and a PDF of each report is
made from the same data. The PDFs are rendered to images with poppler (pdftoppm) as a person would
see them."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pregon.insights import colombia
from pypdf import PdfReader

from pregon.cli import main as pregon

MONTH = "2026-03"


@pytest.fixture(scope="module")
def entity(year) -> str:
    from pregon.insights.config import load_settings

    name = load_settings(year.config).entity
    assert name
    return name


@pytest.fixture(scope="module")
def growth_files(year, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("impresion") / "redes.xlsx"
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(year.config), "--month", MONTH, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_numbers_read_the_colombian_way() -> None:
    assert colombia.integer(9493) == "9.493" and colombia.integer(1234567, sign=True) == "+1.234.567"
    assert colombia.percent(0.0163) == "1,63 %" and colombia.percent(-0.5, 1, sign=True) == "-50,0 %"
    assert colombia.decimal(1234.5) == "1.234,50"


def test_every_sheet_prints_landscape_fitted_with_header_and_page_numbers(growth_files: Path, entity: str) -> None:
    book = openpyxl.load_workbook(growth_files)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert str(sheet.page_setup.paperSize) == "1"  # letter
        # fitToWidth is 1 when absent (the OOXML default), as Excel reads it.
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (sheet.page_setup.fitToWidth or 1) == 1
        assert sheet.page_setup.fitToHeight == 0
        assert entity in sheet.oddHeader.left.text and "marzo de 2026" in sheet.oddHeader.right.text
        assert sheet.oddFooter.center.text == "Página &P de &N"


def test_cells_carry_colombian_number_formats(growth_files: Path) -> None:
    sheet = openpyxl.load_workbook(growth_files)["Resumen"]
    formats = {c.number_format for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))}
    assert formats and all(f.startswith("[$-240A]") for f in formats), formats
    assert colombia.EXCEL_FORMATS["pct"] in formats


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]


def test_charts_have_legends_labels_and_axes_from_zero(growth_files: Path) -> None:
    charts = _charts(growth_files)
    assert charts
    for chart in charts:
        assert "<c:legend>" in chart
        assert re.search(r'<c:dLbls>.*?<c:show(Val|Percent) val="1"/>', chart, re.S)
        if "<c:barChart>" in chart and '<c:min val="0"/>' not in chart:
            # Only a series that goes below zero may have an axis that does not start at zero.
            assert "Crecimiento neto" in chart


def test_no_growth_workbook_without_social_networks(project_copy: Path, tmp_path: Path) -> None:
    """The example ships only the outbox: posts there are not followers of any network."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pregon.syndicate.channels.base import post_key
    from pregon.syndicate.ledger import Ledger

    item = "prensa/2026/11/nueva-sede-hospital"
    Ledger(project_copy / "records" / "ledger").append(
        "confirmed", key=post_key(item, "outbox"), item=item, channel="outbox", digest="sha256:1", attempt=1
    )
    month = datetime.now(ZoneInfo("America/Bogota")).strftime("%Y-%m")
    out = tmp_path / "redes.xlsx"
    result = CliRunner().invoke(
        pregon, ["report", "growth", "-f", str(project_copy / "mkdocs.yml"), "--month", month, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "No hay datos de redes" in result.output and not out.exists() and not out.with_suffix(".pdf").exists()


def _pdf_pages(pdf: Path, folder: Path) -> list[str]:
    """Render every page with pdftoppm (as a person would see it) and return each page's text."""
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils no está instalado"
    pages = len(PdfReader(pdf).pages)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "p")], check=True)
    assert len(list(folder.glob("p-*.png"))) == pages
    return [
        subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"], check=True,
                       capture_output=True, text=True).stdout
        for i in range(1, pages + 1)
    ]  # fmt: skip


def test_growth_pdf_pages_charts_and_numbers(growth_files: Path, entity: str, tmp_path: Path) -> None:
    pdf = growth_files.with_suffix(".pdf")
    texts = _pdf_pages(pdf, tmp_path)
    assert 2 <= len(texts) <= 4
    for number, text in enumerate(texts, start=1):
        assert entity in text and f"Página {number} de {len(texts)}" in text
    everything = "\n".join(texts)
    assert "Redes sociales — marzo de 2026" in everything and "Total" in everything
    assert re.search(r"\d\.\d{3}", everything) and re.search(r"\d,\d\d %", everything)  # 9.493 and 1,63 %
    assert not re.search(r"\d,\d{3}\b(?! %)", everything.replace(" %", "%"))  # no US thousands
    # Each chart lies whole on one page: its title and its legend are on the same page.
    for title, legend in (
        ("Crecimiento neto de seguidores por cuenta", "Crecimiento neto"),
        ("Publicaciones por cuenta: este mes y el anterior", "Mes anterior"),
        ("Comunicados con más interacción", "Interacciones"),
    ):
        [page] = [t for t in texts if title in t]
        assert legend in page.replace(title, "")


def test_sentiment_pdf_states_the_model_and_keeps_one_colour_per_class(year, private_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "sentimiento.xlsx"
    result = CliRunner().invoke(
        pregon, ["report", "sentiment", "-f", str(year.config), "--month", MONTH, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    colours = [colombia.SENTIMENT_COLOURS[c][1:] for c in ("negativo", "neutro", "positivo")]
    for chart in _charts(out):
        found = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"/>', chart)
        assert found[: len(colours)] == colours, found
    texts = _pdf_pages(out.with_suffix(".pdf"), tmp_path)
    everything = "\n".join(texts)
    assert "Sentimiento de respuestas y menciones — marzo de 2026" in everything
    assert "Clasificador" in everything
    [pie] = [t for t in texts if "Distribución del sentimiento" in t]
    assert all(label in pie for label in ("negativo:", "neutro:", "positivo:"))
