"""Metrics lines edited by hand or left by a bad merge: a Spanish error naming file, line and field.

`records/metrics/` is committed data an office can open and edit; a report or a collect must never
end in a traceback on it, and must never guess a number from a damaged line."""

from __future__ import annotations

import json
import math
import tempfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pregon.insights.metrics import MetricsStore
from pregon.insights.months import Month
from pregon.syndicate.jsonlines import RecordError

from pregon.cli import main as pregon

GOOD = {"v": 1, "kind": "account", "date": "2026-11-01", "channel": "x", "followers": 10, "posts": 3}
POST = {"v": 1, "kind": "post", "date": "2026-11-02", "taken_at": "2026-11-02T15:00:00+00:00", "channel": "x",
        "item_id": "2026-11-02-obra", "update_id": None, "remote_id": "99", "impressions": 5, "reactions": 2,
        "shares": 1, "replies": 0}  # fmt: skip


def write(folder: Path, *lines: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2026-11.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "field", "says"),
    [
        ({"v": 1}, "kind", "falta este campo"),
        ({**GOOD, "kind": "seguidores"}, "kind", "tipo desconocido"),
        ({**GOOD, "date": "2026-13-01"}, "date", "se esperaba una fecha AAAA-MM-DD"),
        ({**GOOD, "followers": "mil"}, "followers", "se esperaba un número entero"),
        ({**GOOD, "followers": "1200"}, "followers", "se esperaba un número entero"),
        ({**GOOD, "followers": True}, "followers", "se esperaba un número entero"),
        ({**GOOD, "followers": -5}, "followers", "de 0 en adelante"),
        ({k: v for k, v in GOOD.items() if k != "channel"}, "channel", "falta este campo"),
        ({**POST, "taken_at": "ayer"}, "taken_at", "se esperaba una fecha y hora ISO 8601"),
        ({**POST, "impressions": 1.5}, "impressions", "se esperaba un número entero"),
        ({**POST, "remote_id": ["99"]}, "remote_id", "se esperaba un texto o un número entero)"),
        ({"v": 1, "kind": "mentions", "date": "2026-11-02", "channel": "x", "replies": "3"}, "replies", "entero"),
    ],
)
def test_a_damaged_line_is_named_by_place_and_field_and_never_read(
    project_copy: Path, line: dict[str, object], field: str, says: str
) -> None:
    path = write(project_copy / "records" / "metrics", GOOD, line)
    config = str(project_copy / "mkdocs.yml")
    for args in (
        ["report", "growth", "--month", "2026-11", "-o", str(project_copy / "r.xlsx")],
        ["collect", "--dry-run"],
    ):
        result = CliRunner().invoke(pregon, [*args, "-f", config])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (args, result.output)
        assert f"{path}:2: línea de métricas ilegible (campo `{field}`: " in result.output
        assert says in result.output
        if isinstance(line.get(field), str):
            assert repr(line[field]) not in result.output  # it says what was expected, not the value
    assert not (project_copy / "r.xlsx").exists()


def test_valid_lines_read_as_before_and_unknown_fields_are_ignored(tmp_path: Path) -> None:
    store = MetricsStore(tmp_path / "metrics")
    later = {**POST, "taken_at": "2026-11-03T15:00:00Z", "impressions": 9, "saved": 4}  # a field of a later Pregón
    write(store.folder, GOOD, POST, later, {**GOOD, "followers": None, "date": "2026-11-02"})
    month = Month.parse("2026-11")
    assert [(a.day, a.followers) for a in store.accounts(month)] == [(date(2026, 11, 1), 10), (date(2026, 11, 2), None)]
    [post] = store.posts(month)
    assert post.impressions == 9 and post.remote_id == "99" and post.engagement == 3


FIELDS = st.sampled_from(
    ["kind", "date", "channel", "followers", "posts", "taken_at", "item_id", "remote_id", "replies", "mentions"]
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["account", "post", "gone", "mentions", "2026-11-02", "2026-11-02T10:00:00Z"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(FIELDS, VALUES))
def test_any_line_is_read_or_refused_with_a_record_error(fields: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = MetricsStore(Path(folder))
        write(store.folder, {"v": 1, **fields})
        month = Month.parse("2026-11")
        for read in (store.accounts, store.posts, store.mention_counts, lambda _: store.gone()):
            try:
                read(month)
            except RecordError as exc:
                if any(isinstance(v, float) and not math.isfinite(v) for v in fields.values()):
                    # JSON has no NaN or Infinity (json.dumps writes them anyway): refused as JSON
                    assert "2026-11.jsonl:1: línea ilegible («" in str(exc)
                    assert "no es un número que Pregón pueda leer" in str(exc)
                else:
                    assert "2026-11.jsonl:1: línea de métricas ilegible (campo `" in str(exc)
