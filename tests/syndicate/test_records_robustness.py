"""Records that cannot be read, or written, fail cleanly: a Spanish "línea ilegible" naming file and
line, never a traceback; an append is all or nothing; a torn last line is set aside, never lost.

The disk-full case is real: a subprocess lowers its own RLIMIT_FSIZE so the kernel refuses the
write part-way (EFBIG after a short write), exactly what a full disk does to an append.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.insights.audit import build
from pregon.insights.months import Month
from pregon.insights.posts import syndicated_posts
from pregon.syndicate.jsonlines import RecordError, TornLine, append_records, read_records, repair_folder
from pregon.syndicate.ledger import Ledger, LedgerError

from pregon.cli import main
from tests.syndicate.harness import ROOT
from tests.syndicate.sitekit import make_project

GOOD = {
    "v": 1,
    "at": "2026-11-20T15:02:11.412Z",
    "state": "intent",
    "key": "k1",
    "item": "2026-11-x",
    "channel": "bluesky",
    "update": None,
    "digest": "sha256:aa",
    "attempt": 1,
    "remote_id": None,
    "url": None,
    "error": None,
    "run": "r1",
}


def ledger_file(records: Path, body: bytes) -> Path:
    path = records / "ledger" / "2026-11.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def line(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False).encode() + b"\n"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (b'{"v": 1, "state": "intent", "item": "caf\xe9"}\n', "no son UTF-8"),
        (line(attempt="x"), "campo `attempt`: se esperaba un número entero"),
        (line(attempt=True), "campo `attempt`"),
        (line(state="borrado"), "campo `state`: estado desconocido"),
        (line(at="ayer"), "campo `at`"),
        (line(at="2026-11-20T15:02:11"), "campo `at`"),
        (line(sorpresa=1), "campo `sorpresa`: campo desconocido"),
        (line(key=["a"]), "campo `key`"),
        (b"[1, 2]\n", "se esperaba un objeto JSON"),
        (b'{"v": 1, "state": \n', "línea ilegible (falta un valor)"),
        (b'{"v": 1 "state": "intent"}\n', "línea ilegible (falta una coma)"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "línea ilegible (tiene demasiados niveles anidados)"),
    ],
)
def test_an_unreadable_line_names_file_line_and_field(tmp_path: Path, bad: bytes, says: str) -> None:
    path = ledger_file(tmp_path, line() + bad)
    with pytest.raises(LedgerError) as caught:
        Ledger(tmp_path / "ledger")
    assert f"{path}:2: línea ilegible" in str(caught.value) and says in str(caught.value)


def test_a_torn_last_line_is_refused_then_quarantined_byte_for_byte(tmp_path: Path) -> None:
    torn = line(item="Inauguración 🚧")[:-9]  # cut inside the emoji's four bytes, no newline
    path = ledger_file(tmp_path, line() + torn)
    with pytest.raises(RecordError, match="pregon registros reparar") as caught:
        Ledger(tmp_path / "ledger")
    assert f"{path}:2:" in str(caught.value)
    with pytest.raises(TornLine):  # an append would glue the next line to it: refused too
        append_records(path.parent, "2026-11", [GOOD])

    [note] = repair_folder(tmp_path)
    assert "2026-11.jsonl.ilegible" in note
    assert path.read_bytes() == line()  # what was complete is untouched
    assert (path.parent / "2026-11.jsonl.ilegible").read_bytes() == torn + b"\n"  # nothing lost
    assert [e.key for _, h in Ledger(tmp_path / "ledger").histories() for e in h.entries] == ["k1"]
    assert repair_folder(tmp_path) == []  # nothing more to do


DISK_FULL = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from pregon.syndicate.jsonlines import RecordError, append_records
    folder = Path(sys.argv[1])
    size = (folder / "2026-11.jsonl").stat().st_size
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG, as with a full disk, not a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 40, size + 40))
    try:
        append_records(folder, "2026-11", [{"v": 1, "texto": "x" * 400}], durable=True)
    except RecordError as exc:
        print(exc)
        sys.exit(7)
    """
)


def test_disk_full_leaves_nothing_half_written(tmp_path: Path) -> None:
    path = ledger_file(tmp_path, line())
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(path.parent), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 7, result.stderr
    assert "disco lleno" in result.stdout and "no se escribió nada" in result.stdout
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before  # the short write was cut back: no torn line


BAD_LINES = [
    b'{"v": 1, "item": "\xff\xfe"}\n',
    line(attempt="x"),
    line(item="Inauguración 🚧")[:-9],
]


@pytest.mark.parametrize("bad", BAD_LINES)
@pytest.mark.parametrize(
    "command",
    [
        ("syndicate", "--site", "http://127.0.0.1:9/"),
        ("collect",),
        ("audit", "--month", "2026-11"),
    ],
)
def test_commands_report_unreadable_records_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: bytes, command: tuple[str, ...]
) -> None:
    project = make_project(tmp_path / "p", {"channels": {"outbox": {"folder": "outbox"}}})
    ledger_file(project / "records", line() + bad)
    monkeypatch.chdir(project)
    # (syndicate reads the records, under its lock, before it asks the site — here nobody answers.)
    result = CliRunner().invoke(main, list(command))
    assert isinstance(result.exception, SystemExit), result.exception  # a clean exit, no traceback
    assert result.exit_code == 1, result.output
    if command[0] == "syndicate" and not bad.endswith(b"\n"):
        # syndicate sets a torn last line aside itself and says so; nothing else is touched.
        assert (project / "records" / "ledger" / "2026-11.jsonl.ilegible").read_bytes() == bad + b"\n"
        assert "se apartó en 2026-11.jsonl.ilegible" in result.output
        return
    assert "2026-11.jsonl:2" in result.output
    assert "línea ilegible" in result.output or "pregon registros reparar" in result.output


# --- fuzz: any line, any bytes -------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
field_values = st.fixed_dictionaries(
    {},
    optional={name: json_values | st.just(value) for name, value in GOOD.items()},
)
raw_lines = st.one_of(
    field_values.map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    st.binary(max_size=60),
    field_values.map(lambda d: json.dumps(d, ensure_ascii=False).encode()).flatmap(
        lambda b: st.integers(0, len(b)).map(lambda cut: b[:cut])
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(raw_lines, min_size=1, max_size=4), newline_at_end=st.booleans())
def test_fuzz_ledger_lines_never_raise_anything_but_a_records_error(
    tmp_path: Path, lines: list[bytes], newline_at_end: bool
) -> None:
    records = tmp_path / "fuzz"
    body = b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    ledger_file(records, body)
    (records / "decisions").mkdir(exist_ok=True)
    (records / "decisions" / "2026-11.jsonl").write_bytes(body)
    try:
        ledger = Ledger(records / "ledger")
        for _, history in ledger.histories():
            _ = (history.done, history.attempts, history.needs_reconciliation, history.last_intent)
        posts = syndicated_posts(records)
        build(Month.parse("2026-11"), records, posts)
    except RecordError as exc:
        assert str(exc).startswith(str(records)), exc
    finally:
        for path in records.rglob("*"):
            if path.is_file():
                path.unlink()


def test_read_records_skips_blank_lines_and_reads_what_it_wrote(tmp_path: Path) -> None:
    append_records(tmp_path, "2026-11", [GOOD, {"v": 1, "texto": "línea\u2028con separador"}])
    (tmp_path / "2026-11.jsonl").open("a").write("\n   \n")
    assert [data for _, data in read_records(tmp_path)] == [GOOD, {"v": 1, "texto": "línea\u2028con separador"}]
