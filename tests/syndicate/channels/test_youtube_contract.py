"""YouTube through the core's fault scenarios: a real ``pregon syndicate`` process against the
fake Data API v3 (developers.google.com/youtube/v3: guides/using_resumable_upload_protocol,
docs/errors, determine_quota_cost). See contract_kit.py and fakes_youtube.py.

The release carries a video file published on the portal (added to the hand-made manifest).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.api_server import Reply
from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_youtube import FakeYouTube
from tests.syndicate.sitekit import HandSite

CLIENT = (
    "yt-client.apps.googleusercontent.com",
    "yt-secret-4c2d",
    "1//yt-refresh-9a7b",
)

NETWORK = Network(
    name="youtube",
    config=lambda fake: {
        "client_id": CLIENT[0],
        "client_secret": CLIENT[1],
        "refresh_token": CLIENT[2],
        "api_base": fake.url,
        "token_uri": fake.url + "/token",
    },
    env={CLIENT[1]: "YOUTUBE_CLIENT_SECRET", CLIENT[2]: "YOUTUBE_REFRESH_TOKEN"},
    publish_route="upload_chunk",  # a single chunk: the video exists once it is answered
    posts=lambda fake: len(fake.videos),  # type: ignore[attr-defined]
    throttle=FakeYouTube.quota_exceeded,
    refuse=lambda: Reply(
        400,
        {
            "error": {
                "code": 400,
                "message": "The request metadata specifies an invalid video title.",
                "errors": [{"reason": "invalidTitle", "domain": "youtube.video"}],
            }
        },
    ),
    refusal_text="invalid video title",
)


def add_video(manifest: dict[str, Any], root: Path) -> None:
    (root / "video").mkdir(exist_ok=True)
    (root / "video" / "clip.mp4").write_bytes(os.urandom(400_000))
    manifest["items"][0]["media"].append(
        {
            "kind": "video",
            "url": manifest["site_url"] + "video/clip.mp4",
            "mime": "video/mp4",
        }
    )


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    with FakeYouTube(*CLIENT) as fake, hand_site.serve():
        yield Scenario(NETWORK, fake, hand_site, tmp_path, patch_manifest=add_video)
        fake.assert_no_violations()


def test_crash_between_upload_and_confirm_then_rerun_uploads_once(
    scenario: Scenario,
) -> None:
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    again = scenario.run()
    assert again.returncode == 0, again.output
    assert scenario.states() == ["intent", "reconciled"]
    assert NETWORK.posts(scenario.fake) == 1 and len(scenario.fake.calls("upload_start")) == 1
    assert scenario.ledger()[-1]["remote_id"] in scenario.fake.videos  # type: ignore[attr-defined]
    assert not scenario.secrets_leaked(killed.output, again.output)


def test_quota_then_next_run_uploads_once(scenario: Scenario) -> None:
    """The quota resets at midnight Pacific: far beyond max_wait, so the next run uploads."""
    scenario.fake.fail_next("upload_start", NETWORK.throttle())
    first = scenario.run()
    assert first.returncode != 0 and "Pacífico" in first.output
    second = scenario.run()
    assert second.returncode == 0, second.output
    assert NETWORK.posts(scenario.fake) == 1
    assert scenario.states() == ["intent", "failed", "intent", "confirmed"]


def test_permanent_error_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried("upload_start")


def test_release_without_video_is_skipped_not_failed(hand_site: HandSite, tmp_path: Path) -> None:
    """Releases without a video file (or embedding an existing YouTube video) have nothing to
    upload: the run must not fail, write no YouTube ledger line and upload nothing."""
    with FakeYouTube(*CLIENT) as fake, hand_site.serve():
        scenario = Scenario(NETWORK, fake, hand_site, tmp_path)
        result = scenario.run()
        assert not fake.calls("upload_start")
        assert scenario.states() == []
        assert result.returncode == 0, result.output
