"""The monthly reports as PDF, for the mayor's desk: the same figures as the workbooks.

Letter paper in landscape; every page has the entity and the report in its header and «Página N de
M» in its footer. Charts (reportlab's own graphics: no image files, no fonts from elsewhere) carry
a legend and data labels, start their value axis at zero and use the same colours as the
workbooks. A chart and its title are kept together, so a page break never cuts one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import colombia
from .growth import GrowthReport, display_name
from .sentiment.labelled import LABELS

PAGE = landscape(letter)
MARGIN = 1.6 * cm
CHART_WIDTH, CHART_HEIGHT = 22 * cm, 7.2 * cm
TOP_RELEASES = 10

_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("titulo", parent=_STYLES["Title"], fontSize=18, spaceAfter=6, alignment=0)
HEADING = ParagraphStyle("seccion", parent=_STYLES["Heading2"], fontSize=13, spaceBefore=10, spaceAfter=4)
BODY = ParagraphStyle("cuerpo", parent=_STYLES["BodyText"], fontSize=10, leading=13)
NOTE = ParagraphStyle("nota", parent=BODY, fontSize=8.5, textColor=colors.HexColor("#595959"))
CELL = ParagraphStyle("celda", parent=BODY, fontSize=8.5, leading=10.5)


def _page_numbers(entity: str, report_title: str) -> type[Canvas]:
    """A canvas that writes the header and «Página N de M» once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = PAGE
            self.setFont("Helvetica-Bold", 9)
            self.setFillColor(colors.HexColor("#1F3864"))
            self.drawString(MARGIN, height - MARGIN / 2, entity)
            self.setFont("Helvetica", 9)
            self.drawRightString(width - MARGIN, height - MARGIN / 2, report_title)
            self.setFillColor(colors.HexColor("#595959"))
            self.drawCentredString(width / 2, MARGIN / 2, f"Página {self._pageNumber} de {total}")

    return NumberedCanvas


def _document(path: Path, entity: str, report_title: str, story: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=report_title,
        author=entity,
        # Reproducible bytes: the same data gives the same file.
        invariant=True,
    )
    doc.build(story, canvasmaker=_page_numbers(entity, report_title))
    return path


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], total: bool = False) -> Table:
    data = [[Paragraph(f"<b>{h}</b>", CELL) for h in header], *[[Paragraph(c, CELL) for c in r] for r in rows]]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E1F2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8EA9DB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
    if total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
    table.setStyle(TableStyle(style))
    return table


def _chart_block(title: str, drawing: Drawing) -> KeepTogether:
    return KeepTogether([Paragraph(title, HEADING), drawing, Spacer(1, 6)])


def _legend(drawing: Drawing, pairs: Sequence[tuple[colors.Color, str]], x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = "Helvetica", 8
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.colorNamePairs = list(pairs)
    drawing.add(legend)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    colours: Sequence[str],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    label: Any = colombia.integer,
) -> Drawing:
    """Bars with a legend, a label on each bar and a value axis that includes zero."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    left = 6.5 * cm if horizontal else 1.6 * cm
    chart.x, chart.y = left, 1.4 * cm
    chart.width, chart.height = CHART_WIDTH - left - 5.2 * cm, CHART_HEIGHT - 2.2 * cm
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = [c[:38] for c in categories]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = "Helvetica", 7.5
    if not horizontal and len(categories) > 6:
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    values = [v for _, vs in series for v in vs] or [0]
    totals = [sum(col) for col in zip(*chart.data, strict=True)] if stacked else values
    chart.valueAxis.valueMin = min(0, min(values))
    chart.valueAxis.valueMax = max(1, max(totals)) * 1.15
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = "Helvetica", 7.5
    chart.valueAxis.labelTextFormat = label
    if stacked:
        chart.categoryAxis.style = "stacked"
    for i, colour in enumerate(colours):
        chart.bars[i].fillColor = colors.HexColor(colour)
    chart.barLabelFormat = label
    chart.barLabels.fontName, chart.barLabels.fontSize = "Helvetica", 7
    chart.barLabels.nudge = 0 if stacked else 6
    if stacked:
        chart.barLabels.boxAnchor = "c"
    drawing.add(chart)
    _legend(
        drawing,
        [(colors.HexColor(c), n) for c, (n, _) in zip(colours, series, strict=True)],
        CHART_WIDTH,
        CHART_HEIGHT - 0.6 * cm,
    )
    return drawing


def pie_chart(slices: Sequence[tuple[str, int]], colours: Sequence[str]) -> Drawing:
    """A pie whose slices are labelled with their share, and a legend with the counts."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    pie = Pie()
    pie.x, pie.y = 3 * cm, 0.6 * cm
    pie.width = pie.height = CHART_HEIGHT - 1.4 * cm
    total = sum(v for _, v in slices) or 1
    pie.data = [v for _, v in slices]
    pie.labels = [colombia.percent(v / total, 1) for _, v in slices]
    pie.simpleLabels = 0
    pie.sideLabels = 1
    pie.slices.fontName, pie.slices.fontSize = "Helvetica", 8
    for i, colour in enumerate(colours):
        pie.slices[i].fillColor = colors.HexColor(colour)
    drawing.add(pie)
    _legend(
        drawing,
        [(colors.HexColor(c), f"{name}: {colombia.integer(v)}") for c, (name, v) in zip(colours, slices, strict=True)],
        CHART_WIDTH - 2 * cm,
        CHART_HEIGHT - 1 * cm,
    )
    return drawing


def _no_data(drawing_title: str) -> Drawing:
    drawing = Drawing(CHART_WIDTH, 2 * cm)
    drawing.add(String(0, 0.8 * cm, f"{drawing_title}: sin datos este mes.", fontName="Helvetica", fontSize=9))
    return drawing


# --- Growth -------------------------------------------------------------------------------------


def growth_rows(report: GrowthReport) -> tuple[list[str], list[list[str]]]:
    """The summary table as text: one row per account, month-over-month, and a total."""
    header = [
        "Cuenta",
        "Red",
        "Seguidores al inicio",
        "Seguidores al cierre",
        "Crecimiento neto",
        "Crecimiento %",
        "Mes anterior: crecimiento neto",
        "Publicaciones",
        "Mes anterior: publicaciones",
        "Interacciones",
    ]

    def n(value: int | None, sign: bool = False) -> str:
        return "—" if value is None else colombia.integer(value, sign=sign)

    rows = []
    for network in report.networks:
        before = report.previous.get(network.channel)
        rows.append(
            [
                network.channel,
                display_name(report.network_of(network.channel)),
                n(network.start),
                n(network.end),
                n(network.net, True),
                "—" if network.rate is None else colombia.percent(network.rate, sign=True),
                n(before.net if before else None, True),
                n(len(network.posts)),
                n(before.posts if before else None),
                n(network.engagement),
            ]
        )
    total = report.total()
    rows.append(
        [
            "Total",
            "",
            n(total.start),
            n(total.end),
            n(total.net, True),
            "—" if total.rate is None else colombia.percent(total.rate, sign=True),
            n(total.previous_net, True),
            n(total.posts),
            n(total.previous_posts),
            n(total.engagement),
        ]
    )
    return header, rows


def write_growth_pdf(report: GrowthReport, path: Path, entity: str, facts: Sequence[str]) -> Path:
    """The growth report as PDF at ``path``."""
    title = f"Redes sociales — {report.month.name_es}"
    story: list[Any] = [Paragraph(title, TITLE), Paragraph("Informe mensual de crecimiento e interacción", NOTE)]
    story += [Paragraph("• " + fact, BODY) for fact in facts]
    header, rows = growth_rows(report)
    usable = PAGE[0] - 2 * MARGIN
    widths = [usable * w for w in (0.13, 0.09, 0.09, 0.09, 0.09, 0.09, 0.11, 0.09, 0.11, 0.11)]
    story += [Paragraph("Resumen por cuenta", HEADING), _table(header, rows, widths, total=True)]
    names = [n.channel for n in report.networks]
    nets = [float(n.net or 0) for n in report.networks]
    story.append(
        _chart_block(
            "Crecimiento neto de seguidores por cuenta",
            bar_chart(names, [("Crecimiento neto", nets)], colombia.SERIES_COLOURS[:1])
            if names
            else _no_data("Crecimiento"),
        )
    )
    if names:
        previous = [float(report.previous[c].posts) if c in report.previous else 0.0 for c in names]
        story.append(
            _chart_block(
                "Publicaciones por cuenta: este mes y el anterior",
                bar_chart(
                    names,
                    [("Este mes", [float(len(n.posts)) for n in report.networks]), ("Mes anterior", previous)],
                    colombia.SERIES_COLOURS[:2],
                ),
            )
        )
    top = report.releases[:TOP_RELEASES]
    if top:
        story.append(
            _chart_block(
                "Comunicados con más interacción",
                bar_chart(
                    [report.title(r.item_id) for r in top][::-1],
                    [("Interacciones", [float(r.engagement) for r in top][::-1])],
                    colombia.SERIES_COLOURS[1:2],
                    horizontal=True,
                ),
            )
        )
    story.append(Paragraph("Interacciones = reacciones + compartidos + respuestas, al cierre del mes.", NOTE))
    return _document(path, entity, title, story)


# --- Sentiment ----------------------------------------------------------------------------------


def write_sentiment_pdf(report: Any, path: Path, entity: str, model_note: str) -> Path:
    """The sentiment report (a :class:`~.sentiment.report.SentimentReport`) as PDF at ``path``."""
    title = f"Sentimiento de respuestas y menciones — {report.month.name_es}"
    totals = report.totals()
    total = sum(totals.values())
    colours = [colombia.SENTIMENT_COLOURS[label] for label in LABELS]
    story: list[Any] = [
        Paragraph(title, TITLE),
        Paragraph("Datos seudonimizados (Ley 1581 de 2012): sin usuarios, nombres, correos ni teléfonos.", NOTE),
        Paragraph(model_note, BODY),
    ]
    usable = PAGE[0] - 2 * MARGIN
    rows = [
        [label, colombia.integer(totals[label]), colombia.percent(totals[label] / total if total else 0)]
        for label in LABELS
    ]
    rows.append(["Total", colombia.integer(total), colombia.percent(1 if total else 0)])
    story += [
        Paragraph("Distribución del mes", HEADING),
        _table(["Clase", "Textos", "Porcentaje"], rows, [usable * 0.2] * 3, total=True),
    ]
    story.append(
        _chart_block("Distribución del sentimiento", pie_chart([(label, totals[label]) for label in LABELS], colours))
    )
    groups = report.distribution("channel")
    if groups:
        story.append(
            _chart_block(
                "Sentimiento por cuenta",
                bar_chart(
                    [str(g) for g, _ in groups],
                    [(label, [float(c[label]) for _, c in groups]) for label in LABELS],
                    colours,
                    stacked=True,
                ),
            )
        )
    weeks = report.distribution("week")
    if weeks:
        story.append(
            _chart_block(
                "Sentimiento por semana (lunes)",
                bar_chart(
                    [colombia.day(w) for w, _ in weeks],
                    [(label, [float(c[label]) for _, c in weeks]) for label in LABELS],
                    colours,
                    stacked=True,
                ),
            )
        )
    return _document(path, entity, title, story)
