"""Proof that each post is out: the run reads its posts back (``pregon syndicate`` end to end).

Subprocess runs against a hand-made live site over real HTTP, the outbox, the test network
(``testnet.py``: no read endpoint, so "no comprobable") and ``readnet.py`` (the test network with
``GET /v1/posts/{id}``, 404 once deleted). The retry window and the containment of the step are
checked in process on a real ledger folder with :class:`read_back.ReadBackStep`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pregon.syndicate.breaker import Breaker
from pregon.syndicate.channels.base import Published, ReadBack, TransientError
from pregon.syndicate.channels.outbox import OutboxChannel
from pregon.syndicate.ledger import Ledger
from pregon.syndicate.read_back import FINAL_SUFFIX, ReadBackStep, due
from pregon.syndicate.report import RunReport

from tests.syndicate.harness import SyndicateProcess, run_syndicate
from tests.syndicate.readnet import READNET_CHANNEL, ReadNet
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project, sending_lines
from tests.syndicate.testnet import TESTNET_CHANNEL

CHANNELS = {"readnet": READNET_CHANNEL, "testnet": TESTNET_CHANNEL}


@pytest.fixture()
def readnet():
    with ReadNet() as api:
        yield api
    api.assert_no_violations()


def project_for(tmp_path: Path, api_url: str) -> Path:
    config = {
        "channels": {
            "outbox": {"folder": "outbox"},
            "readnet": {"api_base": api_url, "token": "__TOKEN__"},
            "testnet": {"api_base": api_url, "token": "__TOKEN__"},
        },
        "retry": {"max_attempts": 2, "max_wait": 5, "backoff": 0.05},
    }
    return make_project(tmp_path / "project", config, env_tags={"__TOKEN__": "TESTNET_TOKEN"})


def run(project: Path, site: str, net: ReadNet):
    return run_syndicate(project, site, env={"TESTNET_TOKEN": net.token}, channels=CHANNELS)


def read_back_lines(project: Path) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (line["channel"], line["state"], line["url"], line["error"])
        for line in ledger_lines(project)
        if line["state"].startswith("read_back")
    ]


def test_each_post_is_read_back_and_recorded_with_its_public_url(
    tmp_path: Path, hand_site: HandSite, readnet: ReadNet
) -> None:
    project = project_for(tmp_path, readnet.url)
    spec = Spec("comprobado", title="Vacunación")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        first = run(project, site, readnet)
        second = run(project, site, readnet)
    assert first.returncode == 0 and second.returncode == 0, first.output + second.output
    lines = {channel: (state, url, error) for channel, state, url, error in read_back_lines(project)}
    outbox_file = next((project / "outbox").glob("*.json")).resolve().as_uri()
    posted = next(iter(readnet.posts.values()))
    assert lines["outbox"] == ("read_back", outbox_file, None)
    assert lines["readnet"] == ("read_back", posted["url"], None)
    state, _, error = lines["testnet"]
    assert state == "read_back_failed" and error.startswith("no comprobable: testnet: ")
    assert len(read_back_lines(project)) == 3  # the second run proves nothing again and asks nothing
    assert len(readnet.calls("get")) == 1 and len(readnet.calls("create")) == 2
    assert re.search(r"comprobado en la red\s*│", first.stdout) and re.search(r"no comprobable\s*│", first.stdout)
    assert "Comprobación en la red: 2 comprobadas, 0 no comprobadas, 1 no comprobables" in first.stdout
    assert "comprobado en la red" not in second.stdout


def test_a_post_deleted_right_after_sending_is_read_back_failed_and_never_reposted(
    tmp_path: Path, hand_site: HandSite, readnet: ReadNet
) -> None:
    project = project_for(tmp_path, readnet.url)
    spec = Spec("borrado")
    hand_site.write([spec])
    approve(project, spec.digest)
    readnet.after_next("create", lambda request: readnet.delete("tn-1"))  # gone before the run reads it
    with hand_site.serve() as site:
        first = run(project, site, readnet)
        second = run(project, site, readnet)
    assert first.returncode == 0 and second.returncode == 0, first.output  # confirmed: read-back never fails a run
    failed = [(s, e) for c, s, _, e in read_back_lines(project) if c == "readnet"]
    assert [s for s, _ in failed] == ["read_back_failed", "read_back_failed"]  # tried again by the second run
    assert "ya no existe (404)" in failed[0][1] and "se volverá a comprobar" in failed[0][1]
    assert "no comprobado" in first.stdout and "ya no existe (404)" in first.stdout
    assert len(readnet.calls("create")) == 2  # readnet once and testnet once: nothing re-posted
    assert [line["state"] for line in sending_lines(project) if line["channel"] == "readnet"] == [
        "intent",
        "confirmed",
    ]


def test_a_crash_between_post_and_read_back_is_read_back_by_the_next_run(
    tmp_path: Path, hand_site: HandSite, readnet: ReadNet
) -> None:
    project = project_for(tmp_path, readnet.url)
    spec = Spec("interrumpido")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        process = SyndicateProcess(project, site, env={"TESTNET_TOKEN": readnet.token}, channels=CHANNELS)
        readnet.after_next("get", process.kill_now)  # confirmed and recorded; killed while reading it back
        assert process.start().wait().killed
        assert not [line for line in read_back_lines(project) if line[0] == "readnet"]
        again = run(project, site, readnet)
    assert again.returncode == 0, again.output
    assert [(c, s) for c, s, _, _ in read_back_lines(project) if c == "readnet"] == [("readnet", "read_back")]
    assert len([c for c in readnet.calls("create") if c.json()["key"]]) == 2  # readnet + testnet, once each


# --- the step in process: retry window and containment -------------------------------------------


class Flaky(OutboxChannel):
    """An outbox whose reads fail as a network that is down (each one counted)."""

    reads = 0

    def read_back(self, published: Published, post=None) -> ReadBack:
        Flaky.reads += 1
        raise TransientError("flaky: error temporal (503)", status=503)


def _confirmed(ledger: Ledger, key: str, channel: str) -> None:
    ledger.append("intent", key=key, item="c", channel=channel, digest="d", attempt=1)
    ledger.append("confirmed", key=key, item="c", channel=channel, digest="d", attempt=1, remote_id=key, url=None)


def write_ledger(folder: Path, lines: list[dict]) -> Ledger:
    """A ledger folder with hand-written lines (``at`` as datetimes): posts done hours or days ago."""
    folder.mkdir(parents=True, exist_ok=True)
    for line in lines:
        at = line["at"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
        fields = {"v": 1, "key": "k1", "item": "c", "channel": "outbox", "digest": "d", **line, "at": at}
        with (folder / f"{at[:7]}.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(fields) + "\n")
    return Ledger(folder, run="r2")


def test_a_failed_read_back_is_tried_again_while_the_post_is_less_than_24_hours_old(tmp_path: Path) -> None:
    channel = OutboxChannel({"folder": str(tmp_path / "outbox")})  # no file: every read-back fails
    ledger = Ledger(tmp_path / "ledger", run="r1")
    _confirmed(ledger, "k1", "outbox")
    for _ in range(2):
        [row] = ReadBackStep(ledger, {"outbox": channel}, [], 3, Breaker()).run()
        assert row.status == "read_back_failed" and "se volverá a comprobar" in row.detail
    assert len(ledger.history("k1").read_back_failures) == 2
    assert ledger.history("k1").done.state == "confirmed"  # still done: never sent again


def test_the_first_attempt_after_24_hours_is_the_last_one(tmp_path: Path) -> None:
    done = datetime.now(UTC) - timedelta(hours=30)
    ledger = write_ledger(
        tmp_path / "ledger",
        [
            {"state": "confirmed", "at": done, "remote_id": "k1"},
            {"state": "read_back_failed", "at": done + timedelta(hours=20), "remote_id": "k1", "error": "no estaba"},
        ],
    )
    channel = OutboxChannel({"folder": str(tmp_path / "outbox")})
    [row] = ReadBackStep(ledger, {"outbox": channel}, [], 3, Breaker()).run()
    assert row.status == "read_back_failed" and row.detail.endswith(FINAL_SUFFIX)
    assert not due(ledger.history("k1"), datetime.now(UTC))
    assert ReadBackStep(ledger, {"outbox": channel}, [], 3, Breaker()).run() == []  # never again


def test_a_post_done_more_than_a_week_ago_and_never_read_back_is_left_alone(tmp_path: Path) -> None:
    done = datetime.now(UTC) - timedelta(days=8)
    ledger = write_ledger(tmp_path / "ledger", [{"state": "confirmed", "at": done, "remote_id": "k1"}])
    assert not due(ledger.history("k1"), datetime.now(UTC))
    assert due(ledger.history("k1"), done + timedelta(days=6))
    seeded = write_ledger(tmp_path / "seeded", [{"state": "seeded", "at": datetime.now(UTC), "remote_id": "k1"}])
    assert not due(seeded.history("k1"), datetime.now(UTC))  # adopted, never sent by Pregón


def test_a_post_the_office_took_down_on_purpose_is_not_read_back_as_missing(tmp_path: Path) -> None:
    """Expiry (``vencimiento: borrar``) and a delete-and-repost correction remove the post on
    purpose: the read-back must not report it as missing, while a plain edit is still read."""
    now = datetime.now(UTC)
    done = now - timedelta(hours=1)
    confirmed = {"state": "confirmed", "at": done, "remote_id": "k1"}
    expired = write_ledger(
        tmp_path / "expired",
        [confirmed, {"state": "expiry_done", "at": done + timedelta(minutes=5), "remote_id": "k1"}],
    )
    reposted = write_ledger(
        tmp_path / "reposted",
        [confirmed, {"state": "correction_done", "at": done, "remote_id": "k2", "action": "borrar_y_publicar"}],
    )
    edited = write_ledger(
        tmp_path / "edited",
        [confirmed, {"state": "correction_done", "at": done, "remote_id": "k1", "action": "editar"}],
    )
    assert not due(expired.history("k1"), now)
    assert not due(reposted.history("k1"), now)
    assert due(edited.history("k1"), now)
    channel = OutboxChannel({"folder": str(tmp_path / "outbox")})  # no file: a read would fail
    assert ReadBackStep(expired, {"outbox": channel}, [], 3, Breaker()).run() == []


def test_a_failing_network_is_left_for_the_next_run_without_stopping_others_or_the_exit_status(
    tmp_path: Path,
) -> None:
    Flaky.reads = 0
    ledger = Ledger(tmp_path / "ledger", run="r1")
    good = OutboxChannel({"folder": str(tmp_path / "outbox")})
    good.folder.mkdir()
    (good.folder / "ok.json").write_text('{"text": "x", "link": null}', encoding="utf-8")
    for n in range(6):
        _confirmed(ledger, f"f{n}", "flaky")
    _confirmed(ledger, "ok", "outbox")
    flaky = Flaky({"folder": str(tmp_path / "nada")})
    flaky.account = "flaky"
    step = ReadBackStep(ledger, {"flaky": flaky, "outbox": good}, [], 3, Breaker())
    rows = step.run()
    assert Flaky.reads == 3  # the step's own breaker opened after three failures
    assert [o.status for o in rows if o.channel == "outbox"] == ["read_back"]
    assert [o.status for o in rows if o.channel == "flaky"] == ["read_back_failed"] * 3
    assert any("flaky: 3 comprobaciones quedan para la próxima ejecución" in n for n in step.notes())
    report = RunReport("https://portal.example/", checks=rows)
    assert report.ok and report.exit_code == 0
    assert [o.channel for o in report.read_backs["read_back"]] == ["outbox"]
