"""Telegram through the core's fault scenarios: a real ``pregon syndicate`` process against the
fake Bot API (core.telegram.org/bots/api: sendPhoto, ResponseParameters.retry_after). See
contract_kit.py and fakes_telegram.py.

The Bot API cannot list a channel's messages, so after a crash between send and confirm the next
run cannot find the first message and sends again: **two messages**, as telegram.py documents.
The test asserts exactly that, so a change of behaviour is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_telegram import FakeTelegram
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


def test_crash_between_send_and_confirm_posts_again_as_documented(
    scenario: Scenario,
) -> None:
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    assert NETWORK.posts(scenario.fake) == 1
    again = scenario.run()
    assert again.returncode == 0, again.output
    assert scenario.states() == ["intent", "intent", "confirmed"]
    assert NETWORK.posts(scenario.fake) == 2  # the documented duplicate
    first, second = scenario.fake.sent()  # type: ignore[attr-defined]
    assert scenario.ledger()[-1]["remote_id"] == str(second["message_id"])
    assert first["caption"] == second["caption"]
    # A third run posts nothing: the confirmed message is in the ledger.
    assert scenario.run().returncode == 0 and NETWORK.posts(scenario.fake) == 2
    assert not scenario.secrets_leaked(killed.output, again.output)


def test_flood_wait_then_success_posts_once(scenario: Scenario) -> None:
    scenario.check_throttled_then_posted_once()


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried()
