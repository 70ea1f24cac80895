"""The growth report as an Excel workbook, in Spanish, summary first.

Sheets: «Resumen» (one minute for the head of office: three key facts, a table per account with
the month before beside it and a total row, and charts), one sheet per account (daily followers, net growth and growth %, its posts, two charts),
«Publicaciones» (posts and engagement per post by network) and «Comunicados» (top releases).
"""

from __future__ import annotations

from pathlib import Path

from . import colombia
from .growth import GrowthReport, NetworkGrowth, display_name
from .workbook import Column, Report

TOP_RELEASES = 15

SUMMARY_COLUMNS = (
    Column("Cuenta", 16),
    Column("Red", 12),
    Column("Seguidores al inicio", 13, "int"),
    Column("Seguidores al cierre", 13, "int"),
    Column("Crecimiento neto", 12, "int"),
    Column("Crecimiento %", 12, "pct"),
    Column("Publicaciones", 13, "int"),
    Column("Interacciones", 13, "int"),
    Column("Interacciones por publicación", 15, "float"),
    Column("Respuestas y menciones", 14, "int"),
    Column("Mes anterior: crecimiento neto", 14, "int"),
    Column("Mes anterior: publicaciones", 14, "int"),
    Column("Mes anterior: interacciones", 14, "int"),
)

DAILY_COLUMNS = (
    Column("Fecha", 12, "date"),
    Column("Seguidores", 12, "int"),
    Column("Crecimiento neto", 12, "int"),
    Column("Crecimiento %", 12, "pct"),
)

POST_COLUMNS = (
    Column("Fecha", 12, "date"),
    Column("Comunicado", 34),
    Column("Actualización", 14),
    Column("Enlace", 30),
    Column("Impresiones", 12, "int"),
    Column("Reacciones", 12, "int"),
    Column("Compartidos", 12, "int"),
    Column("Respuestas", 12, "int"),
    Column("Interacciones", 12, "int"),
)


def summary_row(report: GrowthReport, network: NetworkGrowth) -> list[object]:
    before = report.previous.get(network.channel)
    return [
        network.channel,
        display_name(report.network_of(network.channel)),
        network.start,
        network.end,
        network.net,
        network.rate,
        len(network.posts),
        network.engagement,
        network.engagement_per_post,
        network.replies + network.mentions,
        before.net if before else None,
        before.posts if before else None,
        before.engagement if before else None,
    ]


def total_row(report: GrowthReport) -> list[object]:
    total = report.total()
    replies = sum(n.replies + n.mentions for n in report.networks)
    measured = sum(len(n.measured) for n in report.networks)
    engagement_before = sum(p.engagement for p in report.previous.values()) if report.previous else None
    return [
        "Total", "", total.start, total.end, total.net, total.rate, total.posts, total.engagement,
        total.engagement / measured if measured else None, replies, total.previous_net, total.previous_posts,
        engagement_before,
    ]  # fmt: skip


def _number(value: int, sign: bool = False) -> str:
    return colombia.integer(value, sign=sign)


def key_facts(report: GrowthReport) -> list[str]:
    """Three sentences a head of office reads first."""
    facts: list[str] = []
    grown = [n for n in report.networks if n.net is not None]
    if grown:
        best = max(grown, key=lambda n: (n.rate if n.rate is not None else float("-inf"), n.net or 0))
        rate = f" ({colombia.percent(best.rate, 1, sign=True)})" if best.rate is not None else ""
        facts.append(
            f"Mayor crecimiento: {display_name(best.channel)}, {_number(best.net or 0, True)} seguidores{rate}."
        )
        total = sum(n.net or 0 for n in grown)
        facts.append(f"Crecimiento neto en todas las redes: {_number(total, True)} seguidores.")
    else:
        facts.append("No hay mediciones de seguidores en este mes.")
    posts = sum(len(n.posts) for n in report.networks)
    if report.releases:
        top = report.releases[0]
        facts.append(
            f"{_number(posts)} publicaciones; el comunicado con más interacción fue «{report.title(top.item_id)}» "
            f"({_number(top.engagement)} interacciones en {top.posts} publicaciones)."
        )
    else:
        facts.append("No se difundieron comunicados en este mes.")
    return facts


def write_growth(report: GrowthReport, path: Path, entity: str = "") -> Path:
    """Write the workbook to ``path`` and return it."""
    with Report(path, entity=entity, title="Informe de redes sociales", period=report.month.name_es) as book:
        _summary(book, report)
        for network in report.networks:
            _network(book, report, network)
        _posts(book, report)
        _releases(book, report)
    return path


def _summary(book: Report, report: GrowthReport) -> None:
    sheet = book.sheet("Resumen")
    row = book.heading(
        sheet, f"Redes sociales — {report.month.name_es}", "Informe mensual de crecimiento e interacción"
    )
    for fact in key_facts(report):
        sheet.write(row, 0, "• " + fact, book.formats["big"])
        row += 1
    row += 1
    first = row
    rows = [summary_row(report, n) for n in report.networks]
    row = book.table(sheet, row, 0, SUMMARY_COLUMNS, [*rows, total_row(report)] if rows else rows)
    if report.networks:
        last = first + len(report.networks)
        growing = all((n.net or 0) >= 0 for n in report.networks)
        book.chart(sheet, (row, 0), "column", "Crecimiento neto de seguidores por cuenta",
                   (sheet.name, 0, first + 1, last), [("Crecimiento neto", (sheet.name, 5, first + 1, last)),
                                                      ("Mes anterior", (sheet.name, 11, first + 1, last))],
                   y_title="Seguidores", from_zero=growing)  # fmt: skip
        book.chart(sheet, (row, 7), "bar", "Interacciones por publicación",
                   (sheet.name, 0, first + 1, last), [("Interacciones por publicación", (sheet.name, 9, first + 1, last))])  # fmt: skip
    sheet.write(
        row + 17,
        0,
        "Interacciones = reacciones + compartidos + respuestas, al cierre del mes.",
        book.formats["subtitle"],
    )
    sheet.activate()


def _network(book: Report, report: GrowthReport, network: NetworkGrowth) -> None:
    name = network.channel if network.channel != report.network_of(network.channel) else display_name(network.channel)
    sheet = book.sheet(name)
    row = book.heading(sheet, f"{name} — {report.month.name_es}", "Seguidores por día y publicaciones del mes")
    first = row
    daily = [[d.day, d.followers, d.net, d.rate] for d in network.days]
    end = book.table(sheet, row, 0, DAILY_COLUMNS, daily)
    if daily:
        last = first + len(daily)
        book.chart(sheet, (first, 5), "line", f"Seguidores diarios en {name}",
                   (sheet.name, 0, first + 1, last), [("Seguidores", (sheet.name, 1, first + 1, last))],
                   y_title="Seguidores")  # fmt: skip
        book.chart(sheet, (first + 16, 5), "column", f"Crecimiento neto diario en {name}",
                   (sheet.name, 0, first + 1, last), [("Crecimiento neto", (sheet.name, 2, first + 1, last))],
                   from_zero=all((d.net or 0) >= 0 for d in network.days))  # fmt: skip
    row = max(end, first + 33)
    sheet.write(row, 0, f"Publicaciones en {name}", book.formats["big"])
    rows = [
        [p.posted_at, report.title(p.item_id), p.update_id, p.url,
         *((p.snapshot.impressions, p.snapshot.reactions, p.snapshot.shares, p.snapshot.replies, p.engagement)
           if p.snapshot else (None,) * 5)]
        for p in network.posts
    ]  # fmt: skip
    book.table(sheet, row + 1, 0, POST_COLUMNS, rows)


def _posts(book: Report, report: GrowthReport) -> None:
    sheet = book.sheet("Publicaciones")
    row = book.heading(sheet, f"Publicaciones por red — {report.month.name_es}")
    columns = (
        Column("Cuenta", 16),
        Column("Publicaciones", 13, "int"),
        Column("Publicaciones medidas", 13, "int"),
        Column("Interacciones", 13, "int"),
        Column("Interacciones por publicación", 15, "float"),
    )
    rows = [[n.channel, len(n.posts), len(n.measured), n.engagement, n.engagement_per_post] for n in report.networks]
    first = row
    end = book.table(sheet, row, 0, columns, rows)
    if rows:
        last = first + len(rows)
        book.chart(sheet, (end, 0), "column", "Publicaciones por red",
                   (sheet.name, 0, first + 1, last), [("Publicaciones", (sheet.name, 1, first + 1, last))])  # fmt: skip


def _releases(book: Report, report: GrowthReport) -> None:
    sheet = book.sheet("Comunicados")
    row = book.heading(sheet, f"Comunicados con más interacción — {report.month.name_es}")
    columns = (
        Column("Comunicado", 40),
        Column("Redes", 30),
        Column("Publicaciones", 13, "int"),
        Column("Interacciones", 13, "int"),
        Column("Impresiones", 13, "int"),
        Column("Identificador", 40),
    )
    top = report.releases[:TOP_RELEASES]
    rows = [
        [report.title(r.item_id), ", ".join(display_name(c) for c in r.channels), r.posts, r.engagement,
         r.impressions, r.item_id]
        for r in top
    ]  # fmt: skip
    first = row
    end = book.table(sheet, row, 0, columns, rows)
    if rows:
        last = first + len(rows)
        book.chart(sheet, (end, 0), "bar", "Interacciones por comunicado",
                   (sheet.name, 0, first + 1, last), [("Interacciones", (sheet.name, 3, first + 1, last))])  # fmt: skip
