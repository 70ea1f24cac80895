"""The growth figures as a Markdown page the portal builds (transparency section), optional.

Written under the configured ``portal_page`` path (``{mes}`` = AAAA-MM), e.g.
``content/transparencia/redes-2026-11.md``; it goes live with the next build, like any page.
Only aggregates appear: no reply texts, no authors.
"""

from __future__ import annotations

from pathlib import Path

from .growth import GrowthReport, display_name
from .growth_xlsx import TOP_RELEASES, key_facts


def _cell(value: object, pct: bool = False) -> str:
    if value is None:
        return "—"
    if pct and isinstance(value, float):
        return f"{value * 100:+.2f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,d}".replace(",", ".")
    return str(value).replace("|", "\\|")


def render_page(report: GrowthReport) -> str:
    """Markdown with front matter: key facts, a table per network and the top releases."""
    lines = [
        "---",
        f'title: "Redes sociales: {report.month.name_es}"',
        f'description: "Seguidores, publicaciones e interacción de las redes oficiales en {report.month.name_es}."',
        "---",
        "",
        f"# Redes sociales: {report.month.name_es}",
        "",
        *(f"- {fact}" for fact in key_facts(report)),
        "",
        (
            "| Red | Seguidores al inicio | Seguidores al cierre | Crecimiento neto | Crecimiento % "
            "| Publicaciones | Interacciones | Interacciones por publicación |"
        ),
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for n in report.networks:
        cells = [display_name(n.channel), _cell(n.start), _cell(n.end), _cell(n.net), _cell(n.rate, pct=True),
                 _cell(len(n.posts)), _cell(n.engagement), _cell(n.engagement_per_post)]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    if report.releases:
        lines += [
            "",
            "## Comunicados con más interacción",
            "",
            "| Comunicado | Publicaciones | Interacciones |",
            "|---|--:|--:|",
        ]
        for r in report.releases[:TOP_RELEASES]:
            lines.append(f"| {_cell(report.title(r.item_id))} | {_cell(r.posts)} | {_cell(r.engagement)} |")
    lines += [
        "",
        (
            "*Interacciones = reacciones + compartidos + respuestas, medidas al cierre del mes. "
            "Cifras generadas con `pregon report growth`.*"
        ),
        "",
    ]
    return "\n".join(lines)


def write_page(report: GrowthReport, project: Path, pattern: str) -> Path:
    """Write the page at ``pattern`` (relative to the project) and return its path."""
    path = project / pattern.format(mes=str(report.month))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(report), encoding="utf-8")
    return path
