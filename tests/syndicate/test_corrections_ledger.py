"""The ledger's correction and expiry lines: written, read back, and what they mean for a thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import Published
from pregon.syndicate.ledger import Ledger, LedgerError


def test_correction_lines_survive_a_reread_and_move_the_current_version(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    ledger = Ledger(folder, run="r1")
    common = {"key": "k-main", "item": "i", "channel": "bluesky"}
    ledger.append("confirmed", digest="sha256:v1", remote_id="at://a/p/1", url="https://x/1", **common)
    ledger.append("confirmed", key="k-u1", item="i", channel="bluesky", digest="sha256:u", remote_id="at://a/p/2")
    ledger.append("correction_intent", digest="sha256:v2", action="responder", remote_id="at://a/p/1", **common)
    ledger.append("correction_done", digest="sha256:v2", action="responder", remote_id="at://a/p/3", **common)
    ledger.append("expiry_seen", digest="sha256:v2", expires="2026-11-25T00:00:00-05:00", **common)

    again = Ledger(folder)
    history = again.history("k-main")
    assert history.current_digest == "sha256:v2"
    assert history.current_post == Published("at://a/p/1", "https://x/1")  # a reply does not replace it
    assert again.thread_tip(["k-main", "k-u1"]) == Published("at://a/p/3", None)  # the reply came last
    assert history.expiry_lines()[0].expires == "2026-11-25T00:00:00-05:00"
    lines = [json.loads(line) for path in folder.glob("*.jsonl") for line in path.read_text().splitlines()]
    assert "action" not in lines[0] and "expires" not in lines[0]  # only where they mean something
    assert lines[3]["action"] == "responder"


def test_a_repost_replaces_the_post_and_an_update_order_does_not_decide_the_tip(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    ledger.append("confirmed", key="main", item="i", channel="x", digest="d1", remote_id="1")
    ledger.append("confirmed", key="u-late", item="i", channel="x", digest="du", remote_id="2")
    # Keys listed in update-time order (the late update first) still give the last post made.
    assert ledger.thread_tip(["main", "u-late"]) == ledger.thread_tip(["u-late", "main"]) == Published("2", None)
    ledger.append(
        "correction_done", key="main", item="i", channel="x", digest="d2", action="borrar_y_publicar", remote_id="3"
    )
    assert ledger.history("main").current_post == Published("3", None)
    assert ledger.thread_tip(["main", "u-late"]) == Published("3", None)
    ledger.append("correction_done", key="main", item="i", channel="x", digest="d3", action="editar", remote_id="3")
    assert ledger.thread_tip(["main", "u-late"]) == Published("3", None)  # an edit makes no new post


def test_an_unknown_correction_state_is_an_unreadable_line(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    line = {
        "v": 1,
        "state": "correction_maybe",
        "key": "k",
        "item": "i",
        "channel": "x",
        "digest": "d",
        "at": "2026-11-20T10:00:00Z",
    }
    (folder / "2026-11.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="estado desconocido"):
        Ledger(folder)
