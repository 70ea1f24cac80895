"""YouTube channel against a local server reproducing the Data API v3 and Google's token endpoint.

No YouTube server can run here. Follows developers.google.com/youtube/v3:
guides/using_resumable_upload_protocol, docs/videos/insert, docs/errors, determine_quota_cost,
docs/channels/list, docs/playlistItems/list, docs/videos/list. The real google-api-python-client
talks to the fake (``fakes_youtube.FakeYouTube``), which checks the resumable protocol byte by byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pregon.syndicate.channels.base import NotSupported, PermanentError, RateLimited
from pregon.syndicate.channels.transport import seconds_until_midnight
from pregon.syndicate.channels.youtube import PACIFIC, YouTubeChannel, key_tag

from tests.syndicate.channels.fakes_youtube import FakeYouTube, google_error
from tests.syndicate.channels.sample_release import VIDEO_BYTES, live_release, release

CREDENTIALS = {
    "client_id": "cid.apps.googleusercontent.com",
    "client_secret": "gsecret",
    "refresh_token": "1//refresh",
}


def video_release(site: str, **fields):
    media = (
        {"kind": "image", "url": site + "principal.jpg", "alt": "Foto"},
        {"kind": "video", "url": site + "video.mp4", "mime": "video/mp4"},
    )
    return release(site, media=media, **fields)


@pytest.fixture()
def fake() -> Iterator[FakeYouTube]:
    with FakeYouTube(*CREDENTIALS.values()) as api:
        yield api


@pytest.fixture()
def channel(fake: FakeYouTube) -> Iterator[YouTubeChannel]:
    ch = YouTubeChannel(
        {
            **CREDENTIALS,
            "api_base": fake.url,
            "token_uri": fake.url + "/token",
            "chunk_size": 1024 * 1024,
            "resume_backoff": 0,
        }
    )
    yield ch
    ch.close()


def test_render_uploads_only_videos_published_on_the_portal(media_site: str) -> None:
    ch = YouTubeChannel({"api_base": "http://127.0.0.1:9"})  # render is offline
    post = ch.render(video_release(media_site))
    assert post.sendable and "skip" not in post.extra and post.media[0].kind == "video"
    assert key_tag(post.key) in post.extra["tags"]
    assert "Comunicado completo: " + post.link in post.text
    embedded = release(
        media_site,
        media=({"kind": "video", "url": "https://youtu.be/abc", "youtube_id": "abc"},),
    )
    assert "ya está en YouTube (abc)" in ch.render(embedded).skip
    assert ch.render(release(media_site)).skip == "el comunicado no tiene video"
    item = live_release(media_site)
    assert "actualizaciones" in ch.render(item, item.updates[0]).skip
    with pytest.raises(NotSupported):
        ch.publish(ch.render(embedded))


def test_render_problems_for_title_and_markup(media_site: str) -> None:
    ch = YouTubeChannel({})
    post = ch.render(video_release(media_site, title="T" * 101, summary="Edad <5 años"))
    assert any("límite es 100" in p for p in post.problems)
    assert any("< ni >" in p for p in post.problems)


def test_resumable_upload_in_chunks(fake: FakeYouTube, channel: YouTubeChannel, media_site: str) -> None:
    item = video_release(media_site)
    published = channel.publish(channel.render(item))
    fake.assert_no_violations()
    video = fake.videos[published.remote_id]
    assert video["size"] == VIDEO_BYTES and video["snippet"]["title"] == item.title
    assert published.url == f"https://www.youtube.com/watch?v={published.remote_id}"
    assert len(fake.calls("upload_chunk")) == 4  # 3 MiB + 123 bytes in 1 MiB chunks
    start = fake.calls("upload_start")[0]
    assert start.header("x-upload-content-type") == "video/mp4"
    assert start.query["uploadType"] == ["resumable"] and start.query["part"] == ["snippet,status"]


def test_interrupted_chunk_is_resumed_from_what_youtube_received(
    fake: FakeYouTube, channel: YouTubeChannel, media_site: str
) -> None:
    fake.interrupt_next_chunk(keep=300_000)
    published = channel.publish(channel.render(video_release(media_site)))
    fake.assert_no_violations()
    assert fake.videos[published.remote_id]["data"] == httpx.get(media_site + "video.mp4").content
    ranges = [c.header("content-range") for c in fake.calls("upload_chunk")]
    assert f"bytes */{VIDEO_BYTES}" in ranges  # asked YouTube how much arrived…
    assert any(r.startswith("bytes 300000-") for r in ranges)  # …and continued from there


def test_quota_exhausted_waits_until_midnight_pacific(
    fake: FakeYouTube, channel: YouTubeChannel, media_site: str
) -> None:
    fake.fail_next("upload_start", FakeYouTube.quota_exceeded())
    with pytest.raises(RateLimited) as caught:
        channel.publish(channel.render(video_release(media_site)))
    assert abs(caught.value.retry_after - seconds_until_midnight(PACIFIC)) < 5
    assert "hora del Pacífico" in caught.value.message and fake.videos == {}


def test_revoked_refresh_token_is_explained(fake: FakeYouTube, media_site: str) -> None:
    ch = YouTubeChannel(
        {
            **CREDENTIALS,
            "refresh_token": "revoked",
            "api_base": fake.url,
            "token_uri": fake.url + "/token",
        }
    )
    with pytest.raises(PermanentError, match="refresh token"):
        ch.publish(ch.render(video_release(media_site)))


def test_find_existing_uses_the_uploads_playlist_not_search(
    fake: FakeYouTube, channel: YouTubeChannel, media_site: str
) -> None:
    post = channel.render(video_release(media_site))
    assert channel.find_existing(post) is None
    published = channel.publish(post)
    for n in range(60):  # newer uploads push ours to the second page
        fake.add_video(f"Otro {n}", ["pregon-otro"])
    assert channel.find_existing(post) == published
    assert [c.query.get("pageToken") for c in fake.calls("playlist_items")][-2:] == [
        None,
        ["50"],
    ]
    fake.assert_no_violations()


def test_delete_and_metrics(fake: FakeYouTube, channel: YouTubeChannel, media_site: str) -> None:
    published = channel.publish(channel.render(video_release(media_site)))
    assert channel.account_stats().followers == 3100
    stats = channel.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.replies) == (540, 31, 6)
    comments = channel.mentions(since=datetime(2026, 11, 1, tzinfo=UTC))
    assert [c.in_reply_to for c in comments] == [published.remote_id]
    assert comments[0].author == "@vecino"
    channel.delete(published)
    assert fake.videos == {}
    with pytest.raises(PermanentError, match="ya no existe"):
        channel.post_stats(published)
    fake.assert_no_violations()


def test_channel_upload_limit_is_a_daily_wait(fake: FakeYouTube, channel: YouTubeChannel, media_site: str) -> None:
    fake.fail_next(
        "upload_start",
        google_error(
            400,
            "uploadLimitExceeded",
            "The user has exceeded the number of videos they may upload.",
            "youtube.video",
        ),
    )
    with pytest.raises(RateLimited, match="subidas de video del canal"):
        channel.publish(channel.render(video_release(media_site)))
