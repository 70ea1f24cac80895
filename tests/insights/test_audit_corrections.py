"""`pregon audit` lists the month's corrections and expiry actions («Correcciones y vencimiento»)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from click.testing import CliRunner

from pregon.cli import main as pregon

BOGOTA = ZoneInfo("America/Bogota")


def test_the_audit_lists_corrections_and_expiry_per_post_with_action_local_time_and_state(tmp_path: Path) -> None:
    from pregon.syndicate.ledger import Ledger

    project = tmp_path / "p"
    (project / "records").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: P\nplugins:\n  - pregon\n")
    ledger = Ledger(project / "records" / "ledger", run="r1")

    def posted(item: str, channel: str) -> dict[str, str]:
        common = {"key": f"{item}-{channel}", "item": item, "channel": channel}
        ledger.append("intent", attempt=1, digest="sha256:v1", **common)
        ledger.append("confirmed", attempt=1, remote_id=f"id-{channel}", digest="sha256:v1", **common)
        return common

    bluesky = posted("2026-01-puente", "bluesky")
    ledger.append("correction_intent", digest="sha256:v2", action="responder", **bluesky)
    ledger.append("correction_done", digest="sha256:v2", action="responder", url="https://bsky.example/r", **bluesky)
    x = posted("2026-01-puente", "x-alcalde")
    ledger.append("correction_intent", digest="sha256:v2", action="borrar_y_publicar", **x)
    ledger.append("correction_failed", digest="sha256:v2", action="borrar_y_publicar", error="x: 503", **x)
    telegram = posted("2026-01-puente", "telegram")
    ledger.append("correction_intent", digest="sha256:v2", action="responder", **telegram)
    ledger.append("correction_unverified", digest="sha256:v2", action="responder", **telegram)
    mastodon = posted("2026-01-vacunas", "mastodon")
    ledger.append("correction_intent", digest="sha256:v2", action="editar", **mastodon)
    ledger.append("correction_failed", digest="sha256:v2", action="editar", error="no llegó", by="Ana", **mastodon)
    ledger.append("correction_intent", digest="sha256:v2", action="editar", **mastodon)
    ledger.append("correction_done", digest="sha256:v2", action="editar", **mastodon)  # retried: one row, done
    expires = {"digest": "sha256:v1", "expires": "2026-01-31T23:59:00-05:00"}
    ledger.append("expiry_intent", remote_id="id-bluesky", **expires, **bluesky)
    ledger.append("expiry_done", remote_id="id-bluesky", **expires, **bluesky)
    ledger.append("expiry_intent", remote_id="id-x-alcalde", **expires, **x)
    ledger.append("expiry_failed", remote_id="id-x-alcalde", error="x: 429", **expires, **x)
    ledger.append("expiry_kept", **expires, **telegram)
    done_at = datetime.fromisoformat(ledger.history(mastodon["key"]).last.at).astimezone(BOGOTA)
    month = done_at.strftime("%Y-%m")

    result = CliRunner().invoke(
        pregon, ["audit", "-f", str(project / "mkdocs.yml"), "--month", month, "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "o" / f"auditoria-{month}-correcciones.csv").open(encoding="utf-8-sig") as fh:
        rows = [(r["Cuenta"], r["Acción"], r["Estado"], r["Detalle"], r["Fecha y hora"]) for r in csv.DictReader(fh)]
    by_action = {(account, action): (state, detail) for account, action, state, detail, _ in rows}
    assert by_action == {
        ("bluesky", "responder"): ("hecho", ""),
        ("x-alcalde", "borrar_y_publicar"): ("fallido", "x: 503"),
        ("telegram", "responder"): ("por verificar", ""),
        ("mastodon", "editar"): ("hecho", ""),
        ("bluesky", "borrado por vencimiento"): ("hecho", ""),
        ("x-alcalde", "borrado por vencimiento"): ("fallido", "x: 429"),
        ("telegram", "conservado"): ("hecho", ""),
    }
    mastodon_at = next(at for account, action, *_, at in rows if account == "mastodon")
    assert mastodon_at == done_at.strftime("%d/%m/%Y %H:%M")
    book = openpyxl.load_workbook(tmp_path / "o" / f"auditoria-{month}.xlsx")
    sheet = list(book["Correcciones y vencimiento"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(sheet) if r[0] == "Comunicado")
    data = [r for r in sheet[header + 1 :] if r[0] is not None]
    assert len(data) == 7 and {r[0] for r in data} == {"2026-01-puente", "2026-01-vacunas"}
    edited = next(r for r in data if r[2] == "mastodon")
    assert edited[4] == done_at.replace(tzinfo=None, second=0, microsecond=0) and edited[5] == "hecho"
