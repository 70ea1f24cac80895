"""How ``pregon check`` shows its result: terminal, GitHub Actions annotations + summary, JSON."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import IO

from pregon.safe_text import command_data, command_property, defuse_lines, neutralise

from .findings import CheckResult, Finding, Preview, ReleaseReport, Severity

JSON_VERSION = 1


# --- GitHub Actions -----------------------------------------------------------------------------
# Release values reach every format below; pregon.safe_text keeps them from starting workflow
# commands of their own (only `annotation` prints commands, with GitHub's escaping).


def annotation(finding: Finding) -> str:
    """One ``::error file=…,line=…,title=…::message`` line."""
    props = [f"file={command_property(finding.path)}", f"line={finding.line or 1}"]
    if finding.col:
        props.append(f"col={finding.col}")
    props.append(f"title={command_property(f'Pregón: {finding.rule}')}")
    return f"::{finding.severity.value} {','.join(props)}::{command_data(finding.message)}"


def _cell(text: str) -> str:
    return neutralise(" ".join(text.splitlines())).replace("|", "\\|")


def _fenced(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _preview_md(preview: Preview) -> list[str]:
    if preview.length is not None and preview.limit is not None:
        status = "✅" if preview.length <= preview.limit else "❌"
        count = f"{status} {preview.length} / {preview.limit} {preview.unit}".rstrip()
    else:
        count = "sin límite de longitud"
    name = f"{preview.channel} ({preview.update})" if preview.update else preview.channel
    if preview.skipped:
        return [f"#### {name} — no se publica", "", f"- {_cell(preview.skipped)}", ""]
    out = [f"#### {name} — {count}", "", _fenced(preview.text), ""]
    for url, alt in preview.media:
        name = url.rsplit("/", 1)[-1]
        out.append(f"- Imagen o video: `{name}` — texto alternativo: «{_cell(alt) or 'FALTA'}»")
    if preview.card:
        card = preview.card
        out.append(
            f"- Tarjeta de enlace: **{_cell(str(card.get('title', '')))}** — {_cell(str(card.get('description', '')))}"
            + (f" (miniatura `{str(card['thumb']).rsplit('/', 1)[-1]}`)" if card.get("thumb") else "")
        )
    for problem in preview.problems:
        out.append(f"- ❌ {problem}")
    if preview.note:
        out.append(f"- ℹ️ {preview.note}")
    out.append("")
    return out


def summary_markdown(result: CheckResult) -> str:
    """The job summary: totals, then per release its findings and the post on each network."""
    e, w, n = (result.count(s) for s in Severity)
    verdict = "❌ Hay errores que impiden publicar" if result.failed else "✅ Sin errores"
    out = ["## Revisión de comunicados (pregon check)", "", f"{verdict}: {e} errores, {w} advertencias, {n} notas.", ""]
    if not result.reports and not result.general:
        out.append("Este cambio no agrega ni modifica comunicados.")
    for finding in result.general:
        out.append(f"- **{finding.severity.spanish}** `{finding.path}`: {_cell(finding.message)}")
    for report in result.reports:
        out += ["", f"### {_cell(report.title or report.path)}", "", f"Archivo: `{report.path}`"]
        if report.url:
            out.append(f"Dirección al publicarse: {report.url}")
        out.append("")
        if report.findings:
            out += ["| Nivel | Línea | Regla | Mensaje |", "|---|---|---|---|"]
            out += [
                f"| {f.severity.spanish} | {f.line or ''} | {f.rule} | {_cell(f.message)} |" for f in report.findings
            ]
        else:
            out.append("Sin observaciones.")
        if report.previews:
            out += ["", "<details open><summary>Así se verá en cada red</summary>", ""]
            for preview in report.previews:
                out += _preview_md(preview)
            out += ["</details>"]
    return "\n".join(out) + "\n"


def write_github(result: CheckResult, stream: IO[str]) -> None:
    """Annotations on ``stream``; the summary to ``$GITHUB_STEP_SUMMARY`` (appended) or ``stream``."""
    for finding in result.findings:
        stream.write(annotation(finding) + "\n")
    # Printed to the log when there is no summary file, so defused either way.
    summary = defuse_lines(summary_markdown(result))
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(summary)
    else:
        stream.write(summary)


# --- JSON ---------------------------------------------------------------------------------------


def to_json(result: CheckResult) -> str:
    def release(report: ReleaseReport) -> dict[str, object]:
        return {
            "path": report.path,
            "title": report.title,
            "url": report.url,
            "findings": [f.to_dict() for f in report.findings],
            "previews": [p.to_dict() for p in report.previews],
        }

    document = {
        "version": JSON_VERSION,
        "ok": not result.failed,
        "counts": {s.value: result.count(s) for s in Severity},
        "general": [f.to_dict() for f in result.general],
        "releases": [release(r) for r in result.reports],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # JSON escapes say the same thing to a parser and nothing to the runner's line reader.
    return _JSON_UNSAFE.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group()), text)


# The runner's older command prefix "##[" (anywhere in a line) and line breaks JSON leaves raw.
_JSON_UNSAFE = re.compile("(?<=##)\\[|[\x85\u2028\u2029]")


# --- Terminal -----------------------------------------------------------------------------------

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}


def write_terminal(result: CheckResult, *, previews: bool, stream: IO[str] | None = None) -> None:
    """Findings as ``file:line  level  [rule] message``, then per-network counts (or full previews)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    def safe(text: str) -> str:
        return escape(neutralise(text))

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for finding in result.general:
        console.print(
            f"[{_STYLE[finding.severity]}]{finding.severity.spanish}[/] {safe(finding.path)}: {safe(finding.message)}"
        )
    for report in result.reports:
        console.rule(safe(report.title or report.path))
        for f in report.findings:
            where = f"{f.path}:{f.line}" if f.line else f.path
            console.print(
                f"{safe(where)}  [{_STYLE[f.severity]}]{f.severity.spanish}[/]  [dim]\\[{f.rule}][/] {safe(f.message)}"
            )
        for p in report.previews:
            count = f"{p.length}/{p.limit} {p.unit}" if p.length is not None and p.limit else "sin límite"
            style = "red" if p.problems else "green"
            name = neutralise(f"{p.channel} ({p.update})" if p.update else p.channel)
            if p.skipped:
                console.print(f"  [dim]{escape(name)}: no se publica ({safe(p.skipped)})[/]")
                continue
            if previews:
                text = escape(defuse_lines(p.text))
                console.print(Panel(text, title=escape(f"{name} — {count}"), title_align="left", border_style=style))
                for url, alt in p.media:
                    console.print(f"  imagen: {safe(url.rsplit('/', 1)[-1])} — alt: «{safe(alt)}»")
            else:
                console.print(
                    f"  [{style}]{escape(name)}[/]: {count}" + (f" [dim]({safe(p.note)})[/]" if p.note else "")
                )
    e, w, n = (result.count(s) for s in Severity)
    checked = len(result.reports)
    console.print(
        f"\n{checked} comunicado(s) revisado(s): [bold red]{e} error(es)[/], [yellow]{w} advertencia(s)[/], [cyan]{n} nota(s)[/]"
    )
    if not checked and not result.general:
        console.print("No hay comunicados nuevos ni modificados que revisar (use --all para revisarlos todos).")
