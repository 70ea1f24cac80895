"""The correction flow's gates, end to end (``pregon syndicate`` as a subprocess).

The outbox (local files) carries the edits, so these tests are about the core: web-first (a
correction waits while the portal still serves the old version), the dry run (shows, writes
nothing), and a network that cannot be asked whether a send arrived (the test network of
testnet.py, a real local HTTP server, here without lookups): an interrupted correction is left
"por verificar", never sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pregon.syndicate.channels.base import Post, Published, post_key

from tests.syndicate import testnet
from tests.syndicate.harness import KillingProxy, Result, SyndicateProcess, run_pregon, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project
from tests.syndicate.testnet import FakeNet

BLIND_CHANNEL = "tests.syndicate.test_corrections_flow:BlindNetChannel"


class BlindNetChannel(testnet.TestNetChannel):
    """The test network as a network that cannot list its posts (like Telegram's Bot API)."""

    can_look_up = False
    correction_modes = frozenset({"responder", "nada"})

    def find_existing(self, post: Post) -> Published | None:
        return None


def outbox_text(project: Path, item_id: str) -> str:
    return json.loads((project / "outbox" / f"{post_key(item_id, 'outbox')}.json").read_text(encoding="utf-8"))["text"]


def test_a_correction_waits_for_the_portal_and_a_dry_run_only_shows_it(tmp_path: Path, hand_site: HandSite) -> None:
    v1 = Spec("corrige-portal", title="Audiencia pública el miércoles")
    v2 = Spec("corrige-portal", version="2", title="Audiencia pública el jueves")
    project = make_project(tmp_path / "project", {"channels": {"outbox": {"folder": "outbox", "correccion": "editar"}}})
    approve(project, v1.digest)
    approve(project, v2.digest)
    hand_site.write([v1])
    with hand_site.serve() as site:
        assert run_syndicate(project, site).returncode == 0
        hand_site.write([v2], page_digests={v2.id: v1.digest})  # the manifest is new, the page is not
        stale = run_syndicate(project, site)
        assert "no está en el portal" in stale.stdout
        assert "miércoles" in outbox_text(project, v1.id)
        hand_site.write([v2])
        before = ledger_lines(project)
        dry = run_syndicate(project, site, "--dry-run")
        assert "se corregiría: editada en la red" in dry.stdout
        assert ledger_lines(project) == before and "miércoles" in outbox_text(project, v1.id)
        done = run_syndicate(project, site)
    assert done.returncode == 0, done.output
    assert "corregido" in done.stdout
    text = outbox_text(project, v1.id)
    assert "jueves" in text and "miércoles" not in text
    states = [line["state"] for line in ledger_lines(project)]
    assert states.count("correction_done") == 1 and states.count("correction_intent") == 1


BLIND = Spec("corrige-ciego", version="2", title="Vacunación el domingo")


@contextmanager
def interrupted_blind_correction(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> Iterator[tuple[Path, Callable[[], Result]]]:
    """A ``responder`` correction on the blind network, killed after the network took it (so the
    test network holds 2 posts); yields the project and a function running ``pregon syndicate``."""
    v1 = Spec("corrige-ciego", title="Vacunación el sábado")
    hand_site.write([v1])
    with hand_site.serve() as site, KillingProxy(fakenet.url) as proxy:
        project = make_project(
            tmp_path / "project",
            {
                "channels": {
                    "ciego": {"network": "ciego", "api_base": proxy.url, "token": "__T__", "correccion": "responder"}
                }
            },
            env_tags={"__T__": "TESTNET_TOKEN"},
        )
        approve(project, v1.digest)
        approve(project, BLIND.digest)
        env = {"TESTNET_TOKEN": fakenet.token}
        channels = {"ciego": BLIND_CHANNEL}
        assert run_syndicate(project, site, env=env, channels=channels).returncode == 0
        hand_site.write([BLIND])
        run = SyndicateProcess(project, site, env=env, channels=channels)
        proxy.kill_after(lambda method, path: method == "POST" and path == "/v1/posts", run.kill_now)
        assert run.start().wait().killed
        assert len(fakenet.posts) == 2  # the correction arrived; the run died before hearing it
        yield project, lambda: run_syndicate(project, site, env=env, channels=channels)


def correction_states(project: Path) -> list[str]:
    return [line["state"] for line in ledger_lines(project) if line["state"].startswith("correction_")]


def test_an_interrupted_correction_on_a_network_without_lookups_is_left_to_verify(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    with interrupted_blind_correction(tmp_path, hand_site, fakenet) as (project, syndicate):
        again = syndicate()
        third = syndicate()
        assert again.returncode == 1 and "por verificar" in again.stdout
        assert third.returncode == 1 and "por verificar" in third.stdout
        assert len(fakenet.posts) == 2  # never re-sent by itself
        assert correction_states(project) == ["correction_intent", "correction_unverified"]

        before = ledger_lines(project)
        dry = run_pregon(
            project, "registros", "confirmar", BLIND.id, "ciego", "--publicado", "--por", "Ana", "--dry-run"
        )
        assert dry.returncode == 0, dry.stderr
        assert "se registraría la corrección de corrige-ciego en ciego como publicada" in dry.stdout
        assert ledger_lines(project) == before
        reply = list(fakenet.posts.values())[1]  # the correction reply (dicts keep insertion order)
        resolved = run_pregon(
            project, "registros", "confirmar", BLIND.id, "ciego", "--publicado", "--id", str(reply["id"]),
            "--por", "Ana Pérez (prensa)",
        )  # fmt: skip
        assert resolved.returncode == 0, resolved.stderr
        assert "La corrección de corrige-ciego en ciego: publicada" in resolved.stdout
        last = ledger_lines(project)[-1]
        assert last["state"] == "correction_done" and last["by"] == "Ana Pérez (prensa)"
        assert last["digest"] == BLIND.digest and last["action"] == "responder"
        assert last["remote_id"] == str(reply["id"])
        after = syndicate()
    assert after.returncode == 0, after.output
    assert len(fakenet.posts) == 2  # resolved as sent: never sent again
    assert correction_states(project)[-1] == "correction_done"


def test_a_correction_verified_as_missing_is_sent_again_on_the_next_run(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    with interrupted_blind_correction(tmp_path, hand_site, fakenet) as (project, syndicate):
        assert syndicate().returncode == 1
        del fakenet.posts[list(fakenet.posts)[1]]  # as if the correction reply never arrived
        resolved = run_pregon(project, "registros", "confirmar", BLIND.id, "ciego", "--no-publicado", "--por", "Ana")
        assert resolved.returncode == 0, resolved.stderr
        assert "no publicada: la próxima ejecución la enviará" in resolved.stdout
        assert ledger_lines(project)[-1]["state"] == "correction_failed" and ledger_lines(project)[-1]["by"] == "Ana"
        again = syndicate()
        refused = run_pregon(project, "registros", "confirmar", BLIND.id, "ciego", "--publicado", "--por", "Ana")
    assert again.returncode == 0, again.output
    assert len(fakenet.posts) == 2  # the reply sent again, once
    assert correction_states(project)[-3:] == ["correction_failed", "correction_intent", "correction_done"]
    assert refused.returncode == 2 and "no hay ninguna publicación por verificar" in refused.stderr
