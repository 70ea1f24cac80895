"""X through the core's fault scenarios: a real ``pregon syndicate`` process against the fake X API.

The fake follows docs.x.com (x-api/posts/create-post, x-api/fundamentals/rate-limits,
x-api/fundamentals/response-codes-and-errors) and verifies every OAuth 1.0a signature; see
contract_kit.py for the scenarios and fakes_x.py for the API reproduction.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_x import FakeX
from tests.syndicate.sitekit import HandSite

SECRETS = {
    "x-ck-1f3a": "X_CONSUMER_KEY",
    "x-cs-9b2e": "X_CONSUMER_SECRET",
    "x-at-77c1": "X_ACCESS_TOKEN",
    "x-ats-5d0f": "X_ACCESS_TOKEN_SECRET",
}

NETWORK = Network(
    name="x",
    config=lambda fake: {
        "consumer_key": "x-ck-1f3a",
        "consumer_secret": "x-cs-9b2e",
        "access_token": "x-at-77c1",
        "access_token_secret": "x-ats-5d0f",
        "api_base": fake.url,
    },
    env=SECRETS,
    publish_route="create_tweet",
    posts=lambda fake: len(fake.tweets),  # type: ignore[attr-defined]
    throttle=lambda: FakeX.rate_limited(reset_in=1),
    refuse=lambda: FakeX.forbidden("You are not permitted to perform this action."),
    refusal_text="not permitted",
)


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    with FakeX(*SECRETS) as fake, hand_site.serve():
        yield Scenario(NETWORK, fake, hand_site, tmp_path)
        fake.assert_no_violations()


def test_crash_between_send_and_confirm_then_rerun_posts_once(
    scenario: Scenario,
) -> None:
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    again = scenario.run()
    assert again.returncode == 0, again.output
    assert scenario.states() == ["intent", "reconciled"]
    assert NETWORK.posts(scenario.fake) == 1
    # Reconciled through the account's own timeline, matching the release URL.
    assert scenario.fake.calls("user_tweets") and len(scenario.fake.calls("create_tweet")) == 1
    assert scenario.ledger()[-1]["remote_id"] in scenario.fake.tweets  # type: ignore[attr-defined]
    assert not scenario.secrets_leaked(killed.output, again.output)


def test_rate_limit_then_success_posts_once(scenario: Scenario) -> None:
    scenario.check_throttled_then_posted_once()


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried()
