"""LinkedIn channel against a local server reproducing the REST Posts and Images APIs.

No LinkedIn server can run here. Follows learn.microsoft.com/linkedin:
marketing/community-management/shares/posts-api, …/shares/images-api,
…/shares/little-text-format, shared/api-guide/concepts/rate-limits and the versioning page
(426 NONEXISTENT_VERSION). The fake (``fakes_linkedin.FakeLinkedIn``) validates the headers,
bodies and URN encoding; an undocumented request fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pregon.syndicate.channels.base import (
    DuplicateRejected,
    PermanentError,
    RateLimited,
)
from pregon.syndicate.channels.linkedin import LinkedInChannel, little_text
from pregon.syndicate.channels.transport import seconds_until_midnight

from tests.syndicate.channels.fakes_linkedin import FakeLinkedIn
from tests.syndicate.channels.sample_release import live_release, release

ORG = "urn:li:organization:5590"


@pytest.fixture()
def fake() -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn("li-token", ORG) as api:
        yield api


@pytest.fixture()
def channel(fake: FakeLinkedIn) -> Iterator[LinkedInChannel]:
    ch = LinkedInChannel({"organization": "5590", "access_token": "li-token", "api_base": fake.url})
    yield ch
    ch.close()


def test_little_text_escapes_reserved_characters_and_keeps_hashtags() -> None:
    assert little_text("Vía (norte) @alcaldía [cerrada] a_b") == r"Vía \(norte\) \@alcaldía \[cerrada\] a\_b"
    assert little_text("Hoy #SaludPública y C#") == r"Hoy {hashtag|\#|SaludPública} y C\#"


def test_render_supplies_the_article_card(media_site: str) -> None:
    post = LinkedInChannel({"organization": "1"}).render(release(media_site, summary="Horarios (sábado)."))
    assert post.card == {
        "source": post.link,
        "title": "Jornada de vacunación en las veredas",
        "description": "Horarios (sábado).",
        "thumbnail": media_site + "principal.jpg",
    }
    assert r"\(sábado\)" in post.text and post.length == len(post.text) and post.sendable
    long = LinkedInChannel({"organization": "1"}).render(release(media_site, summary="x" * 3100))
    assert "límite es 3000" in long.problems[0]


def test_publish_uploads_thumbnail_then_article_post(
    fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str
) -> None:
    item = release(media_site, tags=["salud pública"], summary="Puntos: vereda El_Alto (centro).")
    published = channel.publish(channel.render(item))
    fake.assert_no_violations()
    post = fake.posts[published.remote_id]
    article = post["content"]["article"]
    assert article["source"] == item.url and article["description"] == item.summary
    assert article["thumbnailAltText"] == "Fotografía principal.jpg"
    assert fake.images[article["thumbnail"].removeprefix("urn:li:image:C4D")]["data"]
    assert published.url == f"https://www.linkedin.com/feed/update/{published.remote_id}/"
    headers = fake.calls("create_post")[0].headers
    assert headers["linkedin-version"] == "202610" and headers["x-restli-protocol-version"] == "2.0.0"


def test_unescaped_commentary_would_be_caught(fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str) -> None:
    """The fake really checks the little text format: a raw text with reserved characters fails."""
    from dataclasses import replace

    post = channel.render(release(media_site, media=(), summary="Vía (norte)"))
    with pytest.raises(PermanentError):
        channel.publish(replace(post, text="Vía (norte)"))
    assert "little text format" in fake.violations[0]


def test_duplicate_names_the_existing_post(fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str) -> None:
    post = channel.render(release(media_site))
    first = channel.publish(post)
    with pytest.raises(DuplicateRejected) as caught:
        channel.publish(post)
    assert caught.value.existing == first


def test_find_existing_pages_through_the_author_finder(
    fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str
) -> None:
    post = channel.render(release(media_site, media=()))
    first = channel.publish(post)
    for n in range(60):
        channel.publish(
            channel.render(
                release(
                    media_site,
                    media=(),
                    id=f"o{n}",
                    url=f"{media_site}o{n}/",
                    summary=f"Aviso {n}",
                )
            )
        )
    assert channel.find_existing(post) == first
    assert [c.query["start"] for c in fake.calls("posts_by_author")] == [["0"], ["50"]]
    assert channel.find_existing(channel.render(release(media_site, url=media_site + "nada/"))) is None
    fake.assert_no_violations()


def test_daily_limit_waits_until_midnight_utc(fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str) -> None:
    fake.fail_next("create_post", FakeLinkedIn.throttled())
    with pytest.raises(RateLimited) as caught:
        channel.publish(channel.render(release(media_site, media=())))
    assert abs(caught.value.retry_after - seconds_until_midnight(UTC)) < 5
    assert "medianoche UTC" in caught.value.message


def test_retired_version_and_expired_token_say_what_to_do(fake: FakeLinkedIn, media_site: str) -> None:
    old = LinkedInChannel(
        {
            "organization": "5590",
            "access_token": "li-token",
            "api_base": fake.url,
            "linkedin_version": "202401",
        }
    )
    with pytest.raises(PermanentError, match="actualice `linkedin_version`"):
        old.publish(old.render(release(media_site, media=())))
    fake.fail_next("create_post", FakeLinkedIn.expired_token())
    ch = LinkedInChannel({"organization": "5590", "access_token": "li-token", "api_base": fake.url})
    with pytest.raises(PermanentError, match="60 días"):
        ch.publish(ch.render(release(media_site, media=())))
    assert fake.posts == {}


def test_live_update_is_a_new_article_post(fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str) -> None:
    item = live_release(media_site)
    channel.publish(channel.render(item))
    update = channel.publish(channel.render(item, item.updates[0]))
    assert fake.posts[update.remote_id]["content"]["article"]["source"] == item.updates[0].url
    fake.assert_no_violations()


def test_delete_and_metrics(fake: FakeLinkedIn, channel: LinkedInChannel, media_site: str) -> None:
    published = channel.publish(channel.render(release(media_site, media=())))
    assert channel.account_stats().followers == 5120
    stats = channel.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.shares, stats.replies) == (
        150,
        9,
        4,
        2,
    )
    comments = channel.mentions(since=datetime(2026, 11, 1, tzinfo=UTC))
    assert comments[0].in_reply_to == published.remote_id and "Esperanza" in comments[0].text
    channel.delete(published)
    assert fake.posts == {}
    fake.assert_no_violations()
