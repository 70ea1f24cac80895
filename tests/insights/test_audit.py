"""`pregon audit`: every decision, approval and post of the month, in xlsx and csv, matching the records."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from click.testing import CliRunner

from pregon.cli import main as pregon

BOGOTA = ZoneInfo("America/Bogota")
MONTH = "2026-01"


def _month_lines(folder: Path, month: str) -> list[dict]:
    lines = [json.loads(x) for p in sorted(folder.glob("*.jsonl")) for x in p.read_text().splitlines() if x.strip()]
    return [x for x in lines if datetime.fromisoformat(x["at"]).astimezone(BOGOTA).strftime("%Y-%m") == month]


def test_audit_exports_every_record_of_the_month(year, tmp_path: Path) -> None:
    result = CliRunner().invoke(pregon, ["audit", "-f", str(year.config), "--month", MONTH, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    decisions = _month_lines(year.records / "decisions", MONTH)
    approvals = _month_lines(year.records / "approvals", MONTH)
    ledger = [
        x
        for p in sorted((year.records / "ledger").glob("*.jsonl"))
        for x in map(json.loads, p.read_text().splitlines())
    ]
    posts_in_month = {(x["item"], x["channel"]) for x in _month_lines(year.records / "ledger", MONTH)}

    book = openpyxl.load_workbook(tmp_path / f"auditoria-{MONTH}.xlsx")
    assert book.sheetnames == [
        "Decisiones",
        "Aprobaciones",
        "Publicaciones",
        "Sin comprobar",
        "Correcciones y vencimiento",
    ]

    def table(name: str) -> list[dict]:
        rows = list(book[name].iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r[0] in ("Fecha y hora", "Comunicado"))
        return [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1 :] if r[0] is not None]

    assert len(table("Decisiones")) == len(decisions) > 0
    first = table("Decisiones")[0]
    assert first["Aprobadores y roles"] == "contenido: jefa-prensa; diseño: disenador"
    assert first["Decisión"] == "aprobado" and first["Referencia (PR)"].startswith("PR #")
    assert len(table("Aprobaciones")) == len(approvals)
    assert {r["Rol"] for r in table("Aprobaciones")} == {"contenido", "diseño"}

    posts = table("Publicaciones")
    assert {(r["Identificador"], r["Cuenta"]) for r in posts} == posts_in_month
    retried = {(x["item"], x["channel"]) for x in ledger if x["state"] == "failed"} & posts_in_month
    for row in posts:
        key = (row["Identificador"], row["Cuenta"])
        assert row["Intentos"] == (2 if key in retried else 1)
        assert row["Resultado"] == "publicado" and row["URL remota"].startswith("https://")

    with (tmp_path / f"auditoria-{MONTH}-publicaciones.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(posts) and rows[0]["URL remota"].startswith("https://")
    # Local time to the minute, written as a Colombian reader writes it.
    assert all(r["Publicado"] == "" or re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r["Publicado"]) for r in rows)
    assert all(isinstance(r["Publicado"], datetime) and r["Publicado"].second == 0 for r in posts if r["Publicado"])
    assert (tmp_path / f"auditoria-{MONTH}-decisiones.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_audit_names_releases_by_title(year, tmp_path: Path) -> None:
    from pregon.insights import audit as registers
    from pregon.insights.months import Month
    from pregon.insights.posts import syndicated_posts

    posts = syndicated_posts(year.records)
    item = next(p.item_id for p in posts if Month.parse(MONTH).contains(p.first_at, BOGOTA))
    data = registers.build(Month.parse(MONTH), year.records, posts, {item: "Jornada de vacunación en la plaza"})
    row = next(r for r in data.posts if r[1] == item)
    assert row[0] == "Jornada de vacunación en la plaza"


def test_audit_of_an_empty_month(year, tmp_path: Path) -> None:
    result = CliRunner().invoke(pregon, ["audit", "-f", str(year.config), "--month", "2024-02", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert (
        "No hay decisiones de aprobación, aprobaciones ni publicaciones registradas en febrero de 2024" in result.output
    )
    assert not list(tmp_path.iterdir())


def test_a_post_por_verificar_and_its_resolution_show_in_the_audit(tmp_path: Path) -> None:
    from pregon.syndicate.ledger import Ledger

    project = tmp_path / "p"
    (project / "records").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: P\nplugins:\n  - pregon\n")
    ledger = Ledger(project / "records" / "ledger", run="r1")
    common = {"key": "k-tg", "item": "2026-01-puente", "channel": "telegram", "digest": "sha256:aa"}
    ledger.append("intent", attempt=1, **common)
    ledger.append("unverified", attempt=1, **common)
    month = datetime.fromisoformat(ledger.history("k-tg").entries[0].at).astimezone(BOGOTA).strftime("%Y-%m")

    def outcome() -> list[str]:
        out = tmp_path / f"salida-{len(list(tmp_path.iterdir()))}"
        result = CliRunner().invoke(
            pregon, ["audit", "-f", str(project / "mkdocs.yml"), "--month", month, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        with next(out.glob("*-publicaciones.csv")).open(encoding="utf-8-sig") as fh:
            return [row["Resultado"] for row in csv.DictReader(fh)]

    assert outcome() == ["por verificar"]
    ledger.append("reconciled", attempt=1, remote_id="77", by="Ana", **common)
    assert outcome() == ["publicado (conciliado)"]
