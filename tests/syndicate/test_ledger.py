"""The ledger's file format and the outbox's reconciliation after an interrupted run."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import post_key
from pregon.syndicate.ledger import Ledger, LedgerError

from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project, sending_lines


def test_lines_are_versioned_monthly_and_replayed(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, run="r1")
    ledger.append("intent", key="k", item="i", channel="outbox", digest="sha256:1", attempt=1)
    ledger.append(
        "confirmed",
        key="k",
        item="i",
        channel="outbox",
        digest="sha256:1",
        attempt=1,
        remote_id="id1",
        url="u",
    )
    files = list(tmp_path.glob("*.jsonl"))
    assert len(files) == 1 and len(files[0].stem) == 7  # AAAA-MM
    first = json.loads(files[0].read_text().splitlines()[0])
    assert first["v"] == 1 and first["state"] == "intent" and first["run"] == "r1" and first["at"].endswith("Z")
    again = Ledger(tmp_path)
    assert again.history("k").done is not None and again.history("k").done.remote_id == "id1"
    assert again.knows_channel("outbox") and not again.knows_channel("x")


def test_torn_line_is_reported_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "2026-11.jsonl").write_text('{"v": 1, "state": "intent", "key": "k"\n')
    with pytest.raises(LedgerError, match=r"2026-11.jsonl:1"):
        Ledger(tmp_path)


def test_dry_run_ledger_refuses_writes(tmp_path: Path) -> None:
    with pytest.raises(LedgerError):
        Ledger(tmp_path, read_only=True).append("intent", key="k", item="i", channel="c", digest="d")
    assert not list(tmp_path.iterdir())


@contextlib.contextmanager
def published_once(tmp_path: Path, hand_site: HandSite) -> Iterator[tuple[Path, str, Path]]:
    """A project whose approved release «uno» went out to the outbox in a first run, with its
    live site still served: (project, site, ledger file)."""
    project = make_project(tmp_path / "project", {})
    spec = Spec("uno")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        assert run_syndicate(project, site).returncode == 0
        yield project, site, next((project / "records" / "ledger").glob("*.jsonl"))


def test_outbox_reconciles_an_intent_left_by_a_crash(tmp_path: Path, hand_site: HandSite) -> None:
    """The outbox wrote its files, the run died before confirming: the next run adopts them."""
    with published_once(tmp_path, hand_site) as (project, site, path):
        key = post_key("uno", "outbox")
        written = (project / "outbox" / f"{key}.json").read_text()
        path.write_text(path.read_text().splitlines()[0] + "\n")  # keep only the intent
        result = run_syndicate(project, site)
    assert result.returncode == 0, result.output
    assert "ya existía" in result.stdout
    assert [line["state"] for line in sending_lines(project)] == ["intent", "reconciled"]
    assert (project / "outbox" / f"{key}.json").read_text() == written


def test_an_intent_whose_confirmation_is_gone_is_looked_up_not_sent_again(tmp_path: Path, hand_site: HandSite) -> None:
    """Found by mutating a real ledger: with the `confirmed` line lost (a hand edit, a bad merge)
    but its `read_back` line kept, the last line was no intent, so the post was sent again without
    looking. Only an outcome settles an intent: the run finds the post and reconciles it."""
    with published_once(tmp_path, hand_site) as (project, site, path):
        kept = [line for line in path.read_text().splitlines() if json.loads(line)["state"] != "confirmed"]
        assert [json.loads(line)["state"] for line in kept][-1] == "read_back"
        path.write_text("\n".join(kept) + "\n")
        result = run_syndicate(project, site)
    assert result.returncode == 0, result.output
    assert "ya existía" in result.stdout
    assert [line["state"] for line in sending_lines(project)].count("intent") == 1  # nothing sent twice


def test_a_history_is_settled_only_by_an_outcome(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, run="r1")
    common = {"item": "i", "channel": "outbox", "digest": "sha256:1", "attempt": 1}
    for key, states in {
        "sin-resultado": ["intent", "read_back"],
        "fallo": ["intent", "failed"],
        "hecho": ["intent", "confirmed", "read_back"],
        "reintento": ["intent", "failed", "intent"],
    }.items():
        for state in states:
            ledger.append(state, key=key, **common)  # type: ignore[arg-type]
    assert [k for k in ("sin-resultado", "fallo", "hecho", "reintento") if ledger.history(k).needs_reconciliation] == [
        "sin-resultado",
        "reintento",
    ]


def test_unreadable_approval_records_stop_the_run(tmp_path: Path, hand_site: HandSite) -> None:
    project = make_project(tmp_path / "project", {})
    spec = Spec("uno")
    hand_site.write([spec])
    approve(project, spec.digest)
    with (project / "records" / "approvals" / "2026-11.jsonl").open("a") as handle:
        handle.write('{"v": 1, "by": "jefa-prensa"\n')  # a bad hand edit
    with hand_site.serve() as site:
        result = run_syndicate(project, site)
    assert result.returncode == 1
    assert "approvals/2026-11.jsonl:3: línea ilegible" in result.stderr
    assert not (project / "outbox").exists()


def test_records_with_unicode_line_separators_in_text_read_back_whole(tmp_path: Path) -> None:
    """Records are written with ensure_ascii=False, so U+2028 and NEL (pasted from word processors)
    reach the file raw; only "\\n" ends a line."""
    from pregon.insights.jsonl import read_lines
    from pregon.syndicate.jsonlines import append_records, read_records

    records = [{"v": 1, "text": "Primera línea\u2028segunda\x85tercera"}, {"v": 1, "text": "otra"}]
    append_records(tmp_path, "2026-11", records)
    assert [data for _, data in read_records(tmp_path)] == records
    assert list(read_lines(tmp_path / "2026-11.jsonl")) == records
