"""TikTok through the core's fault scenarios: a real ``pregon syndicate`` process against the
local reproduction of TikTok's Content Posting API (fakes_tiktok.py; no TikTok server can run
here). See contract_kit.py. The release carries a vertical video file published on the portal.

The ``publish_id`` is noted in ``records/tiktok.jsonl`` as soon as TikTok returns it, so a run
killed while TikTok processes the video, or throttled while polling, never creates a second post.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mp4 import mp4
from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_tiktok import TOKEN, FakeTikTok, envelope
from tests.syndicate.sitekit import HandSite

NETWORK = Network(
    name="tiktok",
    config=lambda fake: {
        "access_token": TOKEN,
        "api_base": fake.url,
        "poll_interval": 0.05,
        "publish_log": "records/tiktok.jsonl",
    },
    env={TOKEN: "TIKTOK_ACCESS_TOKEN"},
    publish_route="status",  # the publish exists (and is noted) once its status is asked
    posts=lambda fake: len(fake.publishes),  # type: ignore[attr-defined]  # every publish TikTok created
    throttle=lambda: FakeTikTok.throttled(),
    refuse=lambda: envelope(code="spam_risk_user_banned_from_posting", message="banned", status=403),
    refusal_text="bloqueó la cuenta",
)


def add_video(manifest: dict[str, Any], root: Path) -> None:
    (root / "video").mkdir(exist_ok=True)
    (root / "video" / "clip.mp4").write_bytes(mp4(1080, 1920, 20))
    manifest["items"][0]["media"].append(
        {
            "kind": "video",
            "url": manifest["site_url"] + "video/clip.mp4",
            "mime": "video/mp4",
            "width": 1080,
            "height": 1920,
            "duration": 20,
        }
    )


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    with FakeTikTok() as fake, hand_site.serve():
        fake.verified_prefixes = [hand_site.url]
        yield Scenario(NETWORK, fake, hand_site, tmp_path, patch_manifest=add_video)
        fake.assert_no_violations()


def test_crash_while_tiktok_processes_then_rerun_reconciles_one_post(scenario: Scenario) -> None:
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    again = scenario.run()
    assert again.returncode == 0, again.output
    assert scenario.states() == ["intent", "reconciled"]
    fake: FakeTikTok = scenario.fake  # type: ignore[assignment]
    assert len(fake.calls("video_init")) == 1 and len(fake.posts()) == 1
    assert scenario.ledger()[-1]["remote_id"] == str(fake.posts()[0]["post_id"])
    noted = [json.loads(line) for line in (scenario.project / "records" / "tiktok.jsonl").read_text().splitlines()]
    assert {n["publish_id"] for n in noted} == set(fake.publishes)
    assert not scenario.secrets_leaked(killed.output, again.output)


def test_throttled_while_polling_then_posted_once(scenario: Scenario) -> None:
    scenario.check_throttled_then_posted_once()
    assert len(scenario.fake.calls("video_init")) == 1


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried(route="video_init")
