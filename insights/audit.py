"""``pregon audit``: the month's "registros" for oversight bodies, as xlsx and csv.

Three tables, each also written as a CSV (UTF-8 with BOM, so Excel opens accents correctly):

* decisions — every gate decision of ``records/decisions`` (release, digest, approved or not,
  why, approvers by control point, PR or record);
* approvals — every approval of ``records/approvals`` (who, in which role, for which digest, PR);
* posts — every post of the ledger made or attempted during the month (release, network, remote
  URL, posting time, attempts, outcome);
* not verified — every post made during the month that the run could not prove is on its network
  (read-back, docs/difusion.md "Comprobación en la red"): deleted, different, not checkable on
  that network, or never checked, with the reason and the time of the last check;
* corrections and expiry — every correction (per account and corrected version) and every post
  deleted or kept at expiry (docs/difusion.md "Correcciones y vencimiento") whose last line falls
  in the month: the action, its time and its state (hecho, fallido, por verificar, pendiente).

Releases are named by their titles (their ids beside them), times are shown in the office's time
zone to the minute (America/Bogota), and the month is the local month.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..syndicate.jsonlines import RecordError, read_records
from ..syndicate.ledger import Entry, Ledger
from ..syndicate.read_back import FINAL_SUFFIX, UNAVAILABLE_PREFIX
from ..syndicate.schedule import TIMEZONE
from .months import Month
from .posts import SyndicatedPost
from .workbook import Column, Report

OUTCOMES = {
    "confirmed": "publicado",
    "reconciled": "publicado (conciliado)",
    "seeded": "adoptado sin publicar (siembra)",
    "failed": "fallido",
    "intent": "pendiente de confirmar",
    "unverified": "por verificar",
}

DECISION_COLUMNS = (
    Column("Fecha y hora", 17, "datetime"),
    Column("Comunicado", 34),
    Column("Identificador", 30),
    Column("Actualización", 14),
    Column("Huella", 22),
    Column("Proveedor", 11),
    Column("Decisión", 11),
    Column("Motivo", 60, "wrap"),
    Column("Aprobadores y roles", 34, "wrap"),
    Column("Referencia (PR)", 16),
)

APPROVAL_COLUMNS = (
    Column("Fecha y hora", 17, "datetime"),
    Column("Aprobador", 18),
    Column("Rol", 14),
    Column("Huella", 22),
    Column("Archivo fuente", 40),
    Column("PR", 8, "int"),
    Column("Actualizaciones aprobadas", 30, "wrap"),
)

POST_COLUMNS = (
    Column("Comunicado", 34),
    Column("Identificador", 30),
    Column("Actualización", 14),
    Column("Cuenta", 14),
    Column("URL remota", 44),
    Column("Primer intento", 17, "datetime"),
    Column("Publicado", 17, "datetime"),
    Column("Intentos", 9, "int"),
    Column("Resultado", 24),
    Column("Error", 50, "wrap"),
)


UNVERIFIED_COLUMNS = (
    Column("Comunicado", 34),
    Column("Identificador", 30),
    Column("Actualización", 14),
    Column("Cuenta", 14),
    Column("Publicado", 17, "datetime"),
    Column("URL pública", 44),
    Column("Comprobación", 26),
    Column("Motivo", 60, "wrap"),
    Column("Última comprobación", 17, "datetime"),
)


CORRECTION_COLUMNS = (
    Column("Comunicado", 34),
    Column("Identificador", 30),
    Column("Cuenta", 14),
    Column("Acción", 26),
    Column("Fecha y hora", 17, "datetime"),
    Column("Estado", 16),
    Column("URL", 44),
    Column("Detalle", 60, "wrap"),
)
CORRECTION_STATES = {
    "correction_done": "hecho",
    "correction_failed": "fallido",
    "correction_unverified": "por verificar",
    "correction_intent": "pendiente de confirmar",
    "expiry_done": "hecho",
    "expiry_failed": "fallido",
    "expiry_intent": "pendiente de confirmar",
    "expiry_kept": "hecho",
}
EXPIRY_DELETED = "borrado por vencimiento"
EXPIRY_KEPT = "conservado"


def _naive(moment: datetime | None) -> datetime | None:
    """Local wall-clock time to the minute, without zone, as spreadsheets and CSVs show it."""
    if moment is None:
        return None
    return moment.astimezone(TIMEZONE).replace(tzinfo=None, second=0, microsecond=0)


@dataclass(frozen=True)
class Audit:
    month: Month
    decisions: list[list[Any]]
    approvals: list[list[Any]]
    posts: list[list[Any]]
    unverified: list[list[Any]] = field(default_factory=list)
    """Posts of the month not proved on their network (see :func:`_unverified`)."""
    corrections: list[list[Any]] = field(default_factory=list)
    """Corrections and expiry actions of the month (see :func:`_corrections`)."""

    @property
    def empty(self) -> bool:
        return not (self.decisions or self.approvals or self.posts or self.corrections)


def build(month: Month, records: Path, posts: list[SyndicatedPost], titles: Mapping[str, str] | None = None) -> Audit:
    """Collect the month's rows from ``records`` and the ledger's ``posts``; ``titles`` names releases."""
    titles = titles or {}
    decisions = []
    for place, line in read_records(records / "decisions"):
        at = _at(place, line)
        if month.contains(at, TIMEZONE):
            approvers = "; ".join(f"{role}: {login}" for role, login in _mapping(place, line, "approvers").items())
            item = _cell(place, line, "item", required=True)
            decisions.append([
                _naive(at), titles.get(item, item), item, _cell(place, line, "update"),
                _cell(place, line, "digest"), _cell(place, line, "provider"),
                "aprobado" if line.get("approved") is True else "rechazado", _cell(place, line, "reason"),
                approvers or None, _cell(place, line, "reference"),
            ])  # fmt: skip
    approvals = []
    for place, line in read_records(records / "approvals"):
        at = _at(place, line)
        if month.contains(at, TIMEZONE):
            updates = "; ".join(f"{u}: {d}" for u, d in _mapping(place, line, "updates").items())
            approvals.append([
                _naive(at), _cell(place, line, "by"), _cell(place, line, "role"), _cell(place, line, "digest"),
                _cell(place, line, "source"), _cell(place, line, "pr", kind=int), updates or None,
            ])  # fmt: skip
    rows = []
    for post in posts:
        if month.contains(post.first_at, TIMEZONE) or (post.done_at and month.contains(post.done_at, TIMEZONE)):
            rows.append([
                titles.get(post.item_id, post.item_id), post.item_id, post.update_id, post.channel, post.url,
                _naive(post.first_at),
                _naive(post.done_at), post.attempts, OUTCOMES.get(post.outcome, post.outcome), post.error,
            ])  # fmt: skip
    ledger = Ledger(records / "ledger", read_only=True)
    unverified = _unverified(month, ledger, posts, titles)
    corrections = _corrections(month, ledger, titles)
    return Audit(month, sorted(decisions, key=_first), sorted(approvals, key=_first), rows, unverified, corrections)


def _corrections(month: Month, ledger: Ledger, titles: Mapping[str, str]) -> list[list[Any]]:
    """One row per correction (post key and corrected digest) and per post deleted or kept at
    expiry (post key, expiry moment and remote id), as its last ledger line left it, when that
    line was written in ``month``; oldest first."""
    last: dict[tuple[str, ...], Entry] = {}
    for key, history in ledger.histories():
        for entry in history.entries:
            if entry.state.startswith("correction_"):
                last[(key, "correction", entry.digest)] = entry
            elif entry.state in ("expiry_intent", "expiry_done", "expiry_failed", "expiry_kept"):
                last[(key, "expiry", entry.expires or "", entry.remote_id or "")] = entry
    rows = []
    for entry in last.values():
        at = datetime.fromisoformat(entry.at)
        if not month.contains(at, TIMEZONE):
            continue
        if entry.state.startswith("correction_"):
            action = entry.action or ""
        else:
            action = EXPIRY_KEPT if entry.state == "expiry_kept" else EXPIRY_DELETED
        detail = "; ".join(part for part in (entry.error, f"comprobado por {entry.by}" if entry.by else None) if part)
        rows.append([
            titles.get(entry.item, entry.item), entry.item, entry.channel, action, _naive(at),
            CORRECTION_STATES[entry.state], entry.url, detail or None,
        ])  # fmt: skip
    return sorted(rows, key=lambda row: row[4])


def _unverified(
    month: Month, ledger: Ledger, posts: list[SyndicatedPost], titles: Mapping[str, str]
) -> list[list[Any]]:
    """Rows of the posts sent in ``month`` whose ledger has no ``read_back`` line."""
    rows = []
    for post in posts:
        if post.done_at is None or not month.contains(post.done_at, TIMEZONE):
            continue
        history = ledger.history(post.key)
        if history.read_back is not None:
            continue
        failures = history.read_back_failures
        last = failures[-1] if failures else None
        if last is None:
            state, reason = "sin comprobación registrada", None
        elif (last.error or "").startswith(UNAVAILABLE_PREFIX):
            state, reason = "no comprobable", (last.error or "")[len(UNAVAILABLE_PREFIX) :]
        elif (last.error or "").endswith(FINAL_SUFFIX):
            state, reason = "no comprobado (definitivo)", (last.error or "")[: -len(FINAL_SUFFIX)]
        else:
            state, reason = "no comprobado (se reintenta)", last.error
        rows.append([
            titles.get(post.item_id, post.item_id), post.item_id, post.update_id, post.channel, _naive(post.done_at),
            post.url, state, reason, _naive(datetime.fromisoformat(last.at)) if last else None,
        ])  # fmt: skip
    return rows


def _at(place: str, line: dict[str, Any]) -> datetime:
    value = line.get("at")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RecordError(f"{place}: línea ilegible (campo `at`: se esperaba una fecha y hora ISO 8601 con zona)")
    return moment.astimezone(TIMEZONE)


def _cell(place: str, line: dict[str, Any], name: str, *, kind: type = str, required: bool = False) -> Any:
    """A scalar field for a cell; a hand edit with the wrong type is a clean "línea ilegible"."""
    value = line.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = "un número entero" if kind is int else "un texto"
        raise RecordError(f"{place}: línea ilegible (campo `{name}`: se esperaba {expected})")
    return value


def _mapping(place: str, line: dict[str, Any], name: str) -> dict[str, Any]:
    value = line.get(name) or {}
    if not isinstance(value, dict):
        raise RecordError(f"{place}: línea ilegible (campo `{name}`: se esperaba un mapa)")
    return value


def moment_text(value: datetime) -> str:
    """A local wall-clock time as a Colombian reader writes it: 05/03/2026 14:07."""
    return value.strftime("%d/%m/%Y %H:%M")


# OWASP "CSV Injection": a spreadsheet runs a cell that starts with one of these as a formula
# (fullwidth forms too, which some locales fold to ASCII). Record values such as update ids and
# error messages come from releases and remote APIs, so none may start one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as written: text that could start a formula gets a leading
    apostrophe (the mark spreadsheets use for "this is text"). The xlsx sheets need no such
    mark: every text goes through xlsxwriter's ``write_string``, never parsed as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def _first(row: list[Any]) -> Any:
    return row[0]


def write(audit: Audit, folder: Path, entity: str = "") -> list[Path]:
    """Write ``auditoria-AAAA-MM.xlsx`` and one CSV per table into ``folder``; return the paths."""
    stem = f"auditoria-{audit.month}"
    tables = (
        ("Decisiones", "decisiones", DECISION_COLUMNS, audit.decisions),
        ("Aprobaciones", "aprobaciones", APPROVAL_COLUMNS, audit.approvals),
        ("Publicaciones", "publicaciones", POST_COLUMNS, audit.posts),
        ("Sin comprobar", "sin-comprobar", UNVERIFIED_COLUMNS, audit.unverified),
        ("Correcciones y vencimiento", "correcciones", CORRECTION_COLUMNS, audit.corrections),
    )
    xlsx = folder / f"{stem}.xlsx"
    with Report(xlsx, entity=entity, title="Registros de auditoría", period=audit.month.name_es) as book:
        for title, _, columns, rows in tables:
            sheet = book.sheet(title)
            start = book.heading(
                sheet, f"{title} — {audit.month.name_es}", f"Registros de Pregón; horas de Colombia ({TIMEZONE})"
            )
            book.table(sheet, start, 0, columns, rows)
    paths = [xlsx]
    for _, suffix, columns, rows in tables:
        path = folder / f"{stem}-{suffix}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.title for c in columns])
            for row in rows:
                writer.writerow([csv_cell(v) for v in row])
        paths.append(path)
    return paths
