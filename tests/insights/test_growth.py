"""`pregon report growth`: the workbook's numbers match the raw records, and it has native charts.

Expected values are recomputed here straight from the JSON Lines files (not through insights/).
"""

from __future__ import annotations

import itertools
import json
import os
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from pregon.cli import main as pregon

BOGOTA = ZoneInfo("America/Bogota")
MONTH = "2026-03"
NAMES = {"bluesky": "Bluesky", "mastodon": "Mastodon", "facebook": "Facebook", "x": "X"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def expected_figures(records: Path, month: str, previous: str) -> dict[str, dict[str, float]]:
    """Followers at start/end, posts and engagement per channel, from the raw files."""

    def last_followers(month_name: str) -> dict[str, dict[str, int]]:
        days: dict[str, dict[str, int]] = defaultdict(dict)
        for line in _lines(records / "metrics" / f"{month_name}.jsonl"):
            if line["kind"] == "account":
                days[line["channel"]][line["date"]] = line["followers"]
        return days

    now, before = last_followers(month), last_followers(previous)
    confirmed = {}
    for path in sorted((records / "ledger").glob("*.jsonl")):
        for line in _lines(path):
            at = datetime.fromisoformat(line["at"]).astimezone(BOGOTA)
            if line["state"] == "confirmed" and at.strftime("%Y-%m") == month:
                confirmed[(line["channel"], line["item"])] = line
    latest: dict[tuple[str, str], dict] = {}
    for line in _lines(records / "metrics" / f"{month}.jsonl"):
        if line["kind"] == "post":
            key = (line["channel"], line["item_id"])
            if key not in latest or line["taken_at"] >= latest[key]["taken_at"]:
                latest[key] = line
    out = {}
    for channel, days in now.items():
        start = before[channel][max(before[channel])] if channel in before else days[min(days)]
        end = days[max(days)]
        posts = [k for k in confirmed if k[0] == channel]
        engagement = sum(
            latest[k]["reactions"] + latest[k]["shares"] + latest[k]["replies"] for k in posts if k in latest
        )
        measured = sum(1 for k in posts if k in latest)
        out[channel] = {"start": start, "end": end, "net": end - start, "rate": (end - start) / start,
                        "posts": len(posts), "engagement": engagement, "per_post": engagement / measured}  # fmt: skip
    return out


@pytest.fixture(scope="module")
def growth_book(year, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("growth") / "redes.xlsx"
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(year.config), "--month", MONTH, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


def test_summary_sheet_comes_first_and_matches_records(year, growth_book: Path) -> None:
    book = openpyxl.load_workbook(growth_book)
    assert book.sheetnames[0] == "Resumen"
    assert {"Bluesky", "Mastodon", "Facebook", "X", "Publicaciones", "Comunicados"} <= set(book.sheetnames)
    sheet = book["Resumen"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Cuenta")
    table = {r[0]: r for r in rows[header + 1 :] if r[0] in NAMES}
    expected = expected_figures(year.records, MONTH, "2026-02")
    before = expected_figures(year.records, "2026-02", "2026-01")
    assert set(table) == set(expected)
    for channel, figures in expected.items():
        row = table[channel]
        assert row[1] == NAMES[channel]
        assert row[2:5] == (figures["start"], figures["end"], figures["net"])
        assert row[5] == pytest.approx(figures["rate"])
        assert row[6] == figures["posts"] and row[7] == figures["engagement"]
        assert row[8] == pytest.approx(figures["per_post"])
        # Month over month: the same account's figures of February beside March's.
        assert row[10:12] == (before[channel]["net"], before[channel]["posts"])
    total = next(r for r in rows[header + 1 :] if r[0] == "Total")
    assert total[4] == sum(f["net"] for f in expected.values())
    assert total[6] == sum(f["posts"] for f in expected.values())
    # The head of office's one-minute reading: key facts above the table name the best network.
    best = max(expected, key=lambda c: expected[c]["rate"])
    facts = " ".join(str(r[0]) for r in rows[:header] if r[0])
    assert f"Mayor crecimiento: {NAMES[best]}, +{expected[best]['net']}" in facts


def test_network_sheet_has_daily_followers_growth_and_rate(year, growth_book: Path) -> None:
    sheet = openpyxl.load_workbook(growth_book)["Bluesky"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Fecha")
    daily = list(itertools.takewhile(lambda r: isinstance(r[0], datetime), rows[header + 1 :]))
    raw = {
        line["date"]: line["followers"]
        for line in _lines(year.records / "metrics" / f"{MONTH}.jsonl")
        if line["kind"] == "account" and line["channel"] == "bluesky"
    }
    assert [d[0].date().isoformat() for d in daily] == sorted(raw)
    assert [d[1] for d in daily] == [raw[k] for k in sorted(raw)]
    values = [raw[k] for k in sorted(raw)]
    for row, value, previous in zip(daily[1:], values[1:], values[:-1], strict=True):
        assert row[2] == value - previous
        assert row[3] == pytest.approx((value - previous) / previous)


def test_workbook_has_native_line_and_bar_charts(growth_book: Path) -> None:
    with zipfile.ZipFile(growth_book) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
        drawings = [n for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    assert charts and drawings and not media  # charts, not pictures
    assert any("<c:lineChart>" in c for c in charts)
    assert any("<c:barChart>" in c for c in charts)
    # Charts point at the sheet's own cells, so Excel redraws them when an analyst edits a value.
    assert all("<c:f>" in c for c in charts)


def test_top_releases_are_ordered_by_engagement(growth_book: Path) -> None:
    rows = list(openpyxl.load_workbook(growth_book)["Comunicados"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Comunicado")
    engagement = [r[3] for r in rows[header + 1 :] if r[0]]
    assert len(engagement) == 15
    assert engagement == sorted(engagement, reverse=True)


def test_empty_month_says_so_in_spanish_and_writes_nothing(year, tmp_path: Path) -> None:
    out = tmp_path / "vacio.xlsx"
    result = CliRunner().invoke(
        pregon, ["report", "growth", "-f", str(year.config), "--month", "2024-01", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "No hay datos de redes para enero de 2024" in result.output
    assert not out.exists()


def test_bad_month_is_a_clear_error(year) -> None:
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(year.config), "--month", "marzo"])
    assert result.exit_code == 2
    assert "use el formato AAAA-MM" in result.output


@pytest.mark.parametrize("command", [["report", "growth"], ["report", "sentiment"], ["audit"]])
@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12"])
def test_a_month_at_the_edge_of_the_calendar_is_a_clear_error(
    year, command: list[str], month: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Year 0 does not exist, and year 1 has no previous month nor 9999 a next one for the
    month-over-month comparison: a Spanish usage error, not a ValueError or OverflowError."""
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(tmp_path / "privado"))
    result = CliRunner().invoke(pregon, [*command, "-f", str(year.config), "--month", month, "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"mes inválido '{month}': el año debe estar entre 1900 y 2200" in result.output


def test_portal_page_is_written_when_configured(year, tmp_path: Path) -> None:
    project = tmp_path / "portal"
    project.mkdir()
    config = year.config.read_text().replace(
        "        insights:\n", "        insights:\n          portal_page: content/transparencia/redes-{mes}.md\n"
    )
    (project / "mkdocs.yml").write_text(config.replace("records: records", f"records: {year.records}"))
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(project / "mkdocs.yml"), "--month", MONTH,
                                         "-o", str(tmp_path / "r.xlsx")])  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (project / "content" / "transparencia" / f"redes-{MONTH}.md").read_text()
    expected = expected_figures(year.records, MONTH, "2026-02")
    assert page.startswith("---\ntitle:")
    net = expected["facebook"]["net"]
    assert f"| Facebook | {expected['facebook']['start']:,d}".replace(",", ".") in page
    assert f"| {net:,d} |".replace(",", ".") in page


def test_portal_builds_the_growth_page(year, project_copy: Path, tmp_path: Path) -> None:
    """The Markdown page goes live with a normal strict build of the portal (no release needed)."""
    from pregon.insights.growth import build
    from pregon.insights.growth_page import write_page
    from pregon.insights.metrics import MetricsStore
    from pregon.insights.months import Month
    from pregon.insights.posts import syndicated_posts

    from tests.conftest import build_site

    figures = build(Month.parse(MONTH), MetricsStore(year.records / "metrics"), syndicated_posts(year.records))
    page = write_page(figures, project_copy, "content/transparencia/redes-{mes}.md")
    result = build_site(tmp_path / "site", "http://127.0.0.1:8000/", project=project_copy)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "transparencia" / f"redes-{MONTH}" / "index.html").read_text(encoding="utf-8")
    assert page.is_file() and "Redes sociales: marzo de 2026" in html
    assert html.count("<tr>") >= 1 + len(figures.networks)
    expected = expected_figures(year.records, MONTH, "2026-02")
    assert f"{expected['x']['end']:,d}".replace(",", ".") in html


def test_bad_insights_options_name_the_key_in_spanish(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: x\nplugins:\n  - pregon:\n      syndicate:\n        insights:\n"
        "          retention_days: 0\n          best_hours: {min_post: 3}\n"
    )
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(config), "--month", MONTH])
    assert result.exit_code == 2
    assert "insights → retention_days: debe ser un número mayor o igual que 1" in result.output
    assert "insights → best_hours → min_post: opción desconocida" in result.output


def test_releases_are_named_by_their_titles(project_copy: Path, tmp_path: Path) -> None:
    """With the repository's content at hand, reports show titles instead of ids."""
    from pregon.insights.metrics import MetricsStore
    from pregon.syndicate.channels.base import post_key
    from pregon.syndicate.ledger import Ledger

    item = "prensa/2026/11/nueva-sede-hospital"
    records = project_copy / "records"
    key = post_key(item, "x")
    Ledger(records / "ledger").append("confirmed", key=key, item=item, channel="x", digest="sha256:1", attempt=1,
                                      remote_id="123", url="https://x.com/i/123")  # fmt: skip
    today = datetime.now(BOGOTA)
    MetricsStore(records / "metrics").append([
        {"kind": "post", "date": today.date().isoformat(), "taken_at": today.isoformat(), "channel": "x",
         "item_id": item, "update_id": None, "remote_id": "123", "impressions": 50, "reactions": 4, "shares": 2,
         "replies": 1},
    ])  # fmt: skip
    out = tmp_path / "r.xlsx"
    month = today.strftime("%Y-%m")
    result = CliRunner().invoke(pregon, ["report", "growth", "-f", str(project_copy / "mkdocs.yml"), "--month", month,
                                         "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["Comunicados"].iter_rows(values_only=True))
    assert ("Abre sus puertas la nueva sede del hospital municipal", "X", 1, 7, 50, item) in rows


@pytest.mark.parametrize("command", [["report", "growth"], ["report", "sentiment"], ["audit"]])
def test_an_output_that_cannot_be_written_is_a_spanish_error(
    year, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that is a file, a name that is not .xlsx, a place with no permission: a message
    naming the path, never a FileExistsError or xlsxwriter's FileCreateError."""
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(year.private))
    a_file = tmp_path / "archivo"
    a_file.write_text("x", encoding="utf-8")
    locked = tmp_path / "cerrada"
    locked.mkdir(mode=0o500)
    wrong_suffix = tmp_path / "informe.txt"
    for output, says in (
        (a_file / "x.xlsx", f"{a_file}"),
        (wrong_suffix, "use un archivo .xlsx o una carpeta")
        if command[0] == "report"
        else (a_file, "debe ser una carpeta"),
    ):
        result = CliRunner().invoke(pregon, [*command, "-f", str(year.config), "--month", MONTH, "-o", str(output)])
        assert result.exit_code in (1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert says in result.output and "Traceback" not in result.output
    if os.geteuid() != 0:  # root writes anywhere
        result = CliRunner().invoke(pregon, [*command, "-f", str(year.config), "--month", MONTH, "-o", str(locked)])
        assert result.exit_code == 1 and "no hay permiso" in result.output, result.output
