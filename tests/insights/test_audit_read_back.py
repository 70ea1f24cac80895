"""`pregon audit` lists the posts of the month that were not proved to be on their network."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from click.testing import CliRunner

from pregon.cli import main as pregon

BOGOTA = ZoneInfo("America/Bogota")


def test_the_audit_lists_the_posts_not_verified_with_titles_local_times_and_accounts(tmp_path: Path) -> None:
    from pregon.syndicate.ledger import Ledger

    project = tmp_path / "p"
    (project / "records").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: P\nplugins:\n  - pregon\n")
    ledger = Ledger(project / "records" / "ledger", run="r1")

    def posted(key: str, channel: str) -> dict[str, str]:
        common = {"key": key, "item": "2026-01-puente", "channel": channel, "digest": "sha256:aa"}
        ledger.append("intent", attempt=1, **common)
        ledger.append("confirmed", attempt=1, remote_id=f"id-{key}", url=f"https://red.example/{key}", **common)
        return common

    ok = posted("k-ok", "bluesky")
    ledger.append("read_back", remote_id="id-k-ok", url="https://red.example/k-ok", **ok)
    gone = posted("k-gone", "x-alcalde")
    ledger.append("read_back_failed", error="x: la publicación id-k-gone no está en X (Not Found Error)", **gone)
    channel = posted("k-tg", "telegram")
    ledger.append("read_back_failed", error="no comprobable: telegram: la Bot API no permite leer", **channel)
    posted("k-never", "mastodon")
    done_at = datetime.fromisoformat(ledger.history("k-gone").done.at).astimezone(BOGOTA)
    month = done_at.strftime("%Y-%m")

    result = CliRunner().invoke(
        pregon, ["audit", "-f", str(project / "mkdocs.yml"), "--month", month, "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "o" / f"auditoria-{month}-sin-comprobar.csv").open(encoding="utf-8-sig") as fh:
        rows = {row["Cuenta"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"x-alcalde", "telegram", "mastodon"}  # bluesky was read back
    assert rows["x-alcalde"]["Comprobación"] == "no comprobado (se reintenta)"
    assert "Not Found Error" in rows["x-alcalde"]["Motivo"]
    assert rows["x-alcalde"]["Publicado"] == done_at.strftime("%d/%m/%Y %H:%M")
    assert rows["x-alcalde"]["URL pública"] == "https://red.example/k-gone"
    assert rows["telegram"]["Comprobación"] == "no comprobable" and rows["telegram"]["Motivo"].startswith("telegram:")
    assert rows["mastodon"]["Comprobación"] == "sin comprobación registrada" and rows["mastodon"]["Motivo"] == ""
    book = openpyxl.load_workbook(tmp_path / "o" / f"auditoria-{month}.xlsx")
    sheet = list(book["Sin comprobar"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(sheet) if r[0] == "Comunicado")
    data = [r for r in sheet[header + 1 :] if r[0] is not None]
    assert len(data) == 3 and all(r[0] == "2026-01-puente" for r in data)
    published = {r[3]: r[4] for r in data}
    assert published["x-alcalde"] == done_at.replace(tzinfo=None, second=0, microsecond=0)
