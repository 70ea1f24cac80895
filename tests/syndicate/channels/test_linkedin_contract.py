"""LinkedIn through the core's fault scenarios: a real ``pregon syndicate`` process against the
fake REST Posts/Images API (learn.microsoft.com/linkedin: community-management/shares/posts-api,
shared/api-guide/concepts/rate-limits). See contract_kit.py and fakes_linkedin.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.api_server import Reply
from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_linkedin import FakeLinkedIn
from tests.syndicate.sitekit import HandSite

ORG = "urn:li:organization:5590"

NETWORK = Network(
    name="linkedin",
    config=lambda fake: {
        "organization": "5590",
        "access_token": "li-tok-8e21",
        "api_base": fake.url,
    },
    env={"li-tok-8e21": "LINKEDIN_TOKEN"},
    publish_route="create_post",
    posts=lambda fake: len(fake.posts),  # type: ignore[attr-defined]
    throttle=FakeLinkedIn.throttled,
    refuse=lambda: Reply(
        400,
        {"status": 400, "message": "Invalid value for field content.article.source"},
    ),
    refusal_text="Invalid value for field",
)


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    with FakeLinkedIn("li-tok-8e21", ORG) as fake, hand_site.serve():
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
    assert NETWORK.posts(scenario.fake) == 1 and len(scenario.fake.calls("create_post")) == 1
    assert scenario.ledger()[-1]["remote_id"] in scenario.fake.posts  # type: ignore[attr-defined]
    assert not scenario.secrets_leaked(killed.output, again.output)


def test_daily_limit_then_next_run_posts_once(scenario: Scenario) -> None:
    """LinkedIn's daily limits reset at midnight UTC: far beyond max_wait, so the next run posts."""
    scenario.fake.fail_next(NETWORK.publish_route, NETWORK.throttle())
    first = scenario.run()
    assert first.returncode != 0 and "medianoche UTC" in first.output
    second = scenario.run()
    assert second.returncode == 0, second.output
    assert NETWORK.posts(scenario.fake) == 1
    assert scenario.states() == ["intent", "failed", "intent", "confirmed"]


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried()
