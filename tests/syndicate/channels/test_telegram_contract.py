"""Telegram through the core's fault scenarios: a real ``pregon syndicate`` process against the
fake Bot API (core.telegram.org/bots/api: sendPhoto, ResponseParameters.retry_after). See
contract_kit.py and fakes_telegram.py.

The Bot API cannot list a channel's messages, so after a crash between send and confirm no run
can tell whether the message arrived: the post is "por verificar" (exit 1, never re-sent) until
the office resolves it with ``pregon registros confirmar``, as telegram.py documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syndicate.channels.contract_kit import SPEC, Network, Scenario
from tests.syndicate.channels.fakes_telegram import FakeTelegram
from tests.syndicate.harness import run_pregon
from tests.syndicate.sitekit import HandSite

TOKEN = "7012345678:AAH-contract-s3cret"

NETWORK = Network(
    name="telegram",
    config=lambda fake: {
        "bot_token": TOKEN,
        "chat_id": "@alcaldia_demo",
        "api_base": fake.url,
    },
    env={TOKEN: "TELEGRAM_BOT_TOKEN"},
    publish_route="bot",
    posts=lambda fake: len(fake.messages),  # type: ignore[attr-defined]
    throttle=lambda: FakeTelegram.flood(retry_after=1),
    refuse=lambda: FakeTelegram.bad_request("not enough rights to send photos to the chat"),
    refusal_text="not enough rights",
)


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    with FakeTelegram(TOKEN) as fake, hand_site.serve():
        yield Scenario(NETWORK, fake, hand_site, tmp_path)
        fake.assert_no_violations()


def test_crash_between_send_and_confirm_is_por_verificar_and_never_resent_by_itself(
    scenario: Scenario,
) -> None:
    """Telegram cannot be asked whether a message arrived: the interrupted post is reported "por
    verificar" (exit 1) run after run, never re-sent, until the office resolves it by hand."""
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    assert NETWORK.posts(scenario.fake) == 1
    again = scenario.run()
    assert again.returncode == 1 and "por verificar" in again.output, again.output
    assert "pregon registros confirmar" in again.output
    assert scenario.states() == ["intent", "unverified"]
    third = scenario.run()
    assert third.returncode == 1 and "por verificar" in third.output
    assert scenario.states() == ["intent", "unverified"]  # reported again, not re-recorded
    assert NETWORK.posts(scenario.fake) == 1  # never re-sent
    [message] = scenario.fake.sent()  # type: ignore[attr-defined]

    resolved = run_pregon(
        scenario.project,
        "registros", "confirmar", SPEC.id, NETWORK.name, "--publicado",
        "--id", str(message["message_id"]), "--por", "Ana Pérez (prensa)",
    )  # fmt: skip
    assert resolved.returncode == 0, resolved.stderr
    last = scenario.ledger()[-1]
    assert last["state"] == "reconciled" and last["by"] == "Ana Pérez (prensa)"
    assert last["remote_id"] == str(message["message_id"]) and last["digest"] == SPEC.digest
    after = scenario.run()
    assert after.returncode == 0, after.output
    assert NETWORK.posts(scenario.fake) == 1
    assert not scenario.secrets_leaked(killed.output, again.output, after.output)


def test_a_post_verified_as_missing_is_sent_on_the_next_run(scenario: Scenario) -> None:
    scenario.run_killed_after_publish()
    scenario.fake.messages.clear()  # type: ignore[attr-defined]  # as if it never arrived
    assert scenario.run().returncode == 1
    resolved = run_pregon(
        scenario.project, "registros", "confirmar", SPEC.id, NETWORK.name, "--no-publicado", "--por", "Ana"
    )
    assert resolved.returncode == 0, resolved.stderr
    assert scenario.ledger()[-1]["state"] == "failed" and scenario.ledger()[-1]["by"] == "Ana"
    again = scenario.run()
    assert again.returncode == 0, again.output
    assert NETWORK.posts(scenario.fake) == 1
    assert scenario.states()[-2:] == ["intent", "confirmed"]


def test_confirm_refuses_a_post_that_is_not_waiting(scenario: Scenario) -> None:
    assert scenario.run().returncode == 0
    result = run_pregon(
        scenario.project, "registros", "confirmar", SPEC.id, NETWORK.name, "--publicado", "--por", "Ana"
    )
    assert result.returncode == 2 and "no hay ninguna publicación por verificar" in result.stderr
    assert "Traceback" not in result.stderr


def test_flood_wait_then_success_posts_once(scenario: Scenario) -> None:
    scenario.check_throttled_then_posted_once()


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried()
