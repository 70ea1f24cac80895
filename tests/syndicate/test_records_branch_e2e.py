"""The whole publish flow on a forge whose ``main`` is protected, with a job killed mid-run.

Real pieces: the example portal built by the real plugins and served over HTTP on 127.0.0.1; a
bare git repository whose ``pre-receive`` hook refuses pushes to ``main`` as branch protection
does (tests/syndicate/gitkit.py); ``pregon registros preparar`` and ``pregon syndicate`` as real
subprocesses in fresh clones, as a CI job runs them. The networks are the outbox (a folder outside
the clones, standing for the network) and Mastodon, which cannot run here: ``FakeMastodon``
reproduces the documented API (docs.joinmastodon.org ``methods/statuses``, with
``Idempotency-Key``) over real HTTP. Its idempotency memory is wiped after the crash, as a real
instance forgets keys after an hour, so only Pregón's records can prevent a duplicate.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from tests.syndicate.channels.fakes_mastodon import FakeMastodon
from tests.syndicate.gitkit import IDENTITY, clone, git, protected_server, show
from tests.syndicate.harness import SyndicateProcess, run_pregon, run_syndicate

TOKEN = "mastodon-token-e2e-secreto"
BRANCH = "pregon-registros"


def project_for(project_copy: Path, outbox: Path, instance: str) -> Path:
    for name in ("ledger", "decisions"):
        shutil.rmtree(project_copy / "records" / name, ignore_errors=True)
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "          outbox: {folder: outbox}\n" in text
    config.write_text(
        text.replace(
            "          outbox: {folder: outbox}\n",
            f"          outbox: {{folder: {outbox}}}\n"
            f"          mastodon: {{instance: {instance}, access_token: !ENV MASTODON_TOKEN}}\n",
        ),
        encoding="utf-8",
    )
    return project_copy


def ledger(server: Path) -> list[dict]:
    lines: list[dict] = []
    for name in git(server, "ls-tree", "--name-only", f"{BRANCH}:ledger").split():
        lines += [json.loads(x) for x in show(server, BRANCH, f"ledger/{name}").splitlines()]
    return lines


def test_killed_job_then_fresh_clone_posts_nothing_twice_and_main_is_never_pushed(
    served_site: str, project_copy: Path, tmp_path: Path
) -> None:
    env = {"MASTODON_TOKEN": TOKEN, **IDENTITY}
    with FakeMastodon(TOKEN) as fake:
        server = protected_server(tmp_path, project_for(project_copy, tmp_path / "red-outbox", fake.url))
        main_before = git(server, "rev-parse", "main")

        # Job 1: prepare the records branch, syndicate, die right after Mastodon stored a post.
        job1 = clone(server, tmp_path / "trabajo-1")
        prepared = run_pregon(job1, "registros", "preparar", env=env)
        assert prepared.returncode == 0, prepared.stderr
        run = SyndicateProcess(job1, served_site, "--publish-backlog", env=env)
        fake.after_next("statuses", run.kill_now)
        assert run.start().wait().killed
        assert len(fake.own_statuses()) == 1
        shutil.rmtree(job1)  # the runner's disk is thrown away with everything not pushed
        fake.idempotency.clear()  # hours later: the instance no longer remembers the key

        # Job 2, on a fresh clone: finds the interrupted run in the records branch and asks first.
        job2 = clone(server, tmp_path / "trabajo-2")
        assert run_pregon(job2, "registros", "preparar", env=env).returncode == 0
        again = run_syndicate(job2, served_site, "--publish-backlog", env=env)
        assert "Traceback" not in again.output
        saved = run_pregon(job2, "registros", "guardar", "-m", "Registros de difusión (2)", env=env)
        assert saved.returncode == 0, saved.stderr
        fake.assert_no_violations()

    lines = ledger(server)
    done = [line for line in lines if line["state"] in ("confirmed", "reconciled")]
    # Every post exactly once: no key is done twice, and the network has one status per key.
    assert all(n == 1 for n in Counter(line["key"] for line in done).values())
    mastodon = [line for line in done if line["channel"] == "mastodon"]
    assert mastodon and len(fake.own_statuses()) == len(mastodon)
    assert len({s["content"] for s in fake.own_statuses()}) == len(mastodon)
    # The post of the killed job was found, not sent again — on both networks.
    reconciled = {(line["channel"], line["item"]) for line in done if line["state"] == "reconciled"}
    first_item = next(line["item"] for line in mastodon if line["state"] == "reconciled")
    assert {("mastodon", first_item), ("outbox", first_item)} <= reconciled
    outbox_done = [line for line in done if line["channel"] == "outbox"]
    assert len(list((tmp_path / "red-outbox").glob("*.json"))) == len(outbox_done)
    # The records live on their branch only; main was never pushed to.
    assert git(server, "rev-parse", "main") == main_before
    journal = [json.loads(x) for n in git(server, "ls-tree", "--name-only", f"{BRANCH}:runs").split()
               for x in show(server, BRANCH, f"runs/{n}").splitlines()]  # fmt: skip
    assert [line["state"] for line in journal] == ["started", "started", "finished"]
    assert TOKEN not in again.output and TOKEN not in "".join(json.dumps(x) for x in lines)
