"""X channel against a local server reproducing X API v2 (no X server can run here).

Follows docs.x.com (xdevplatform/docs): x-api/posts/create-post, x-api/media/upload-media,
x-api/media/create-media-metadata, x-api/fundamentals/rate-limits,
x-api/fundamentals/response-codes-and-errors, fundamentals/counting-characters. The fake server
(``fakes_x.FakeX``) verifies every OAuth 1.0a signature and the request shapes; any undocumented
request is a violation that fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pregon.syndicate.channels.base import (
    DuplicateRejected,
    PermanentError,
    Published,
    RateLimited,
    TransientError,
)
from pregon.syndicate.channels.x import XChannel

from tests.syndicate.channels.fakes_x import FakeX
from tests.syndicate.channels.sample_release import image, live_release, release

SECRETS = {
    "consumer_key": "ck-demo",
    "consumer_secret": "cs-s3cret",
    "access_token": "123-at",
    "access_token_secret": "ats-s3cret",
}


@pytest.fixture()
def fake() -> Iterator[FakeX]:
    with FakeX(*SECRETS.values()) as api:
        yield api


@pytest.fixture()
def channel(fake: FakeX) -> Iterator[XChannel]:
    ch = XChannel({**SECRETS, "api_base": fake.url})
    yield ch
    ch.close()


def test_render_counts_like_x_and_never_truncates(media_site: str) -> None:
    ch = XChannel({**SECRETS, "api_base": "http://127.0.0.1:9"})  # nothing listens: render is offline
    post = ch.render(release(media_site))
    assert post.sendable and post.link in post.text
    # The URL weighs 23 whatever its length.
    assert post.length == len(post.text) - len(post.link) + 23
    long = ch.render(release(media_site, summary="Vacunación " * 30))
    assert not long.sendable and "límite es 280" in long.problems[0]
    assert long.text.count("Vacunación") == 30


def test_render_requires_alt_text_and_keeps_four_photos(media_site: str) -> None:
    ch = XChannel(SECRETS)
    gallery = tuple(image(media_site, f"galeria-{n}.jpg") for n in range(1, 7))
    assert len(ch.render(release(media_site, media=gallery)).media) == 4
    no_alt = ch.render(release(media_site, media=(image(media_site, "principal.jpg", alt=""),)))
    assert "no tiene texto alternativo" in no_alt.problems[0]


def test_publish_uploads_images_with_alt_text_then_posts(fake: FakeX, channel: XChannel, media_site: str) -> None:
    item = release(
        media_site,
        media=(image(media_site, "principal.jpg"), image(media_site, "enorme.png")),
    )
    published = channel.publish(channel.render(item))
    fake.assert_no_violations()
    tweet = fake.tweets[published.remote_id]
    assert published.url == f"https://x.com/i/web/status/{published.remote_id}"
    assert tweet["raw_text"].endswith(item.url) and len(tweet["media_ids"]) == 2
    # The 5+ MB PNG went up as a JPEG derivative within the limit; both carry their alt text.
    big = fake.media[tweet["media_ids"][1]]
    assert big["mime"] == "image/jpeg" and big["size"] <= 5 * 1024 * 1024
    assert [fake.media[m]["alt"] for m in tweet["media_ids"]] == [
        "Fotografía principal.jpg",
        "Fotografía enorme.png",
    ]
    assert fake.calls("media_upload")[0].multipart()["media_category"][1] == b"tweet_image"


def test_wrong_secret_is_caught_by_the_signature_check(fake: FakeX, media_site: str) -> None:
    ch = XChannel({**SECRETS, "access_token_secret": "wrong", "api_base": fake.url})
    with pytest.raises(PermanentError, match="credenciales"):
        ch.publish(ch.render(release(media_site, media=())))
    assert fake.violations and "signature mismatch" in fake.violations[0]
    assert fake.tweets == {}


def test_missing_credentials_are_named(media_site: str) -> None:
    ch = XChannel({"consumer_key": "k"})
    with pytest.raises(PermanentError, match=r"`syndicate.channels.x.consumer_secret`, "):
        ch.publish(ch.render(release(media_site, media=())))


def test_rate_limit_reports_the_reset_time(fake: FakeX, channel: XChannel, media_site: str) -> None:
    fake.fail_next("create_tweet", FakeX.rate_limited(reset_in=120))
    with pytest.raises(RateLimited) as caught:
        channel.publish(channel.render(release(media_site, media=())))
    assert 100 < caught.value.retry_after <= 120
    assert channel.publish(channel.render(release(media_site, media=()))).remote_id in fake.tweets
    fake.assert_no_violations()


def test_usage_cap_is_a_budget_problem(fake: FakeX, channel: XChannel, media_site: str) -> None:
    fake.fail_next("create_tweet", FakeX.usage_capped())
    with pytest.raises(PermanentError, match="presupuesto de pago por uso"):
        channel.publish(channel.render(release(media_site, media=())))


def test_server_error_is_transient(fake: FakeX, channel: XChannel, media_site: str) -> None:
    from tests.fakes.api_server import Reply

    fake.fail_next("create_tweet", Reply(503, {"title": "Service Unavailable"}))
    with pytest.raises(TransientError) as caught:
        channel.publish(channel.render(release(media_site, media=())))
    assert not isinstance(caught.value, RateLimited)


def test_duplicate_is_rejected_and_found_across_pages(fake: FakeX, channel: XChannel, media_site: str) -> None:
    post = channel.render(release(media_site, media=()))
    first = channel.publish(post)
    for n in range(130):  # newer posts push ours to the second page of the timeline
        fake.add_tweet(f"Aviso {n} {media_site}prensa/otro-{n}/")
    with pytest.raises(DuplicateRejected) as caught:
        channel.publish(post)
    assert caught.value.existing is None
    assert channel.find_existing(post) == first
    assert len(fake.calls("user_tweets")) == 2
    missing = channel.render(release(media_site, media=(), id="nunca", url=media_site + "prensa/nunca/"))
    assert channel.find_existing(missing) is None
    fake.assert_no_violations()


def test_live_update_replies_to_the_original(fake: FakeX, channel: XChannel, media_site: str) -> None:
    item = live_release(media_site)
    original = channel.publish(channel.render(item))
    update = channel.publish(channel.render(item, item.updates[0], reply_to=original))
    assert fake.tweets[update.remote_id]["in_reply_to"] == original.remote_id
    fake.assert_no_violations()


def test_delete_metrics_and_mentions(fake: FakeX, channel: XChannel, media_site: str) -> None:
    published = channel.publish(channel.render(release(media_site, media=())))
    stats = channel.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.shares, stats.replies) == (
        321,
        7,
        3,
        1,
    )
    assert channel.account_stats().followers == 1234
    mentions = channel.mentions(since=datetime(2026, 11, 1, tzinfo=UTC))
    assert mentions[0].author == "vecina" and mentions[0].in_reply_to == published.remote_id
    assert fake.calls("user_mentions")[0].query["start_time"] == ["2026-11-01T00:00:00Z"]
    channel.delete(published)
    assert fake.tweets == {}
    with pytest.raises(PermanentError, match="ya no existe"):
        channel.post_stats(Published(remote_id=published.remote_id))
    fake.assert_no_violations()


def test_templates_and_unthreaded_updates(media_site: str) -> None:
    ch = XChannel(
        {
            **SECRETS,
            "template": "{title} {hashtags} {url}",
            "update_template": "AHORA: {text} {url}",
            "thread_updates": False,
        }
    )
    item = live_release(media_site)
    assert ch.render(item).text == f"{item.title} #SaludPública #Vacunación {item.url}"
    update = ch.render(item, item.updates[0], reply_to=Published(remote_id="1"))
    assert update.text.startswith("AHORA: 12:00") and update.reply_to is None


def test_exhausted_24_hour_limit_waits_for_its_own_reset(fake: FakeX, channel: XChannel, media_site: str) -> None:
    reply = FakeX.rate_limited(reset_in=60)
    day_reset = int(reply.headers["x-rate-limit-reset"]) + 20_000
    reply.headers.update(
        {
            "x-app-limit-24hour-limit": "10000",
            "x-app-limit-24hour-remaining": "0",
            "x-app-limit-24hour-reset": str(day_reset),
        }
    )
    fake.fail_next("create_tweet", reply)
    with pytest.raises(RateLimited) as caught:
        channel.publish(channel.render(release(media_site, media=())))
    assert 20_000 < caught.value.retry_after <= 20_060
