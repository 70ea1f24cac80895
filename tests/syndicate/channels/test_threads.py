"""Threads channel against a local reproduction of the Threads API.

The server (fakes_graph.ThreadsFake) is a real HTTP server on 127.0.0.1 following the Threads
"Posts" guide (https://developers.facebook.com/docs/threads/posts/), the publishing reference
(https://developers.facebook.com/documentation/threads/reference/publishing), "Delete Posts",
"Overview" (250 posts per 24 h, ``threads_publishing_limit``) and "Troubleshooting" (container
``status``/``error_message``). Image URLs are downloaded from a real image server as Threads does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PermanentError, Published, RateLimited
from pregon.syndicate.channels.threads import ThreadsChannel
from pregon.syndicate.counting import threads_length

from tests.conftest import serve_directory
from tests.syndicate.channels.fakes_graph import (
    TOKEN,
    ThreadsFake,
    iso,
    make_images,
    make_item,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("portal")
    make_images(root, [("portada.jpg", "JPEG", 1200, 630), ("galeria-1.jpg", "JPEG", 1080, 1080)])
    with serve_directory(root) as url:
        yield url


@pytest.fixture()
def th() -> Iterator[ThreadsFake]:
    with ThreadsFake() as fake:
        yield fake  # type: ignore[misc]


def channel(fake: ThreadsFake, **config: object) -> ThreadsChannel:
    return ThreadsChannel(
        {
            "threads_user_id": fake.user_id,
            "access_token": TOKEN,
            "api_base": fake.api_base,
            "poll_interval": 0.01,
            **config,
        }
    )


UPDATE = {
    "id": "u1",
    "time": "2026-11-20T11:00:00-05:00",
    "text": "Se habilitan dos puntos más.",
    "digest": "sha256:" + "cd" * 32,
}


def test_text_post_checks_limit_and_status_before_publishing(th: ThreadsFake, site: str) -> None:
    """TEXT container, GET ?fields=status,error_message until FINISHED, then threads_publish."""
    ch = channel(th)
    post = ch.render(make_item(site))
    published = ch.publish(post)
    th.assert_no_violations()
    (container,) = th.containers.values()
    assert (container["media_type"], container["text"]) == ("TEXT", post.text)
    status_reads = [r for r in th.calls("node") if r.query.get("fields") == ["status,error_message"]]
    assert len(status_reads) >= 2  # IN_PROGRESS, then FINISHED
    assert th.calls("publishing_limit")[0].query["fields"] == ["quota_usage,config"]
    assert published.remote_id == th.media[0]["id"] and published.url == th.media[0]["permalink"]


def test_image_and_carousel_posts_carry_alt_text(th: ThreadsFake, site: str) -> None:
    """Threads "Posts": IMAGE with image_url/alt_text; CAROUSEL from is_carousel_item children."""
    ch = channel(th)
    ch.publish(ch.render(make_item(site, [("portada.jpg", 1200, 630)])))
    single = next(c for c in th.containers.values() if c["media_type"] == "IMAGE")
    assert (single["image_url"], single["alt_text"]) == (site + "portada.jpg", "Foto: portada.jpg")
    ch.publish(ch.render(make_item(site, [("portada.jpg", 1200, 630), ("galeria-1.jpg", 1080, 1080)], item_id="otro")))
    th.assert_no_violations()
    carousel = next(c for c in th.containers.values() if c["media_type"] == "CAROUSEL")
    assert [th.containers[c]["alt_text"] for c in carousel["children"]] == ["Foto: portada.jpg", "Foto: galeria-1.jpg"]
    assert th.fetched.count(site + "portada.jpg") == 2 and len(th.media) == 2


def test_live_update_is_a_reply_and_is_found_among_replies(th: ThreadsFake, site: str) -> None:
    """Publishing reference: reply_to_id; replies are listed by /{user}/replies."""
    ch = channel(th)
    item = make_item(site, live=True, updates=[{**UPDATE, "url": f"{site}prensa/x/#u1"}])
    first = ch.publish(ch.render(item))
    reply_post = ch.render(item, item.updates[0], reply_to=Published(first.remote_id, first.url))
    reply = ch.publish(reply_post)
    th.assert_no_violations()
    assert th.media[1]["reply_to_id"] == first.remote_id
    assert ch.find_existing(reply_post) == Published(reply.remote_id, reply.url)
    assert th.calls("replies_list") and ch.find_existing(ch.render(item)) == Published(first.remote_id, first.url)


def test_length_counts_emoji_as_utf8_bytes_and_links_are_limited(site: str) -> None:
    """Threads "Posts": 500 characters, emoji as UTF-8 bytes; more than 5 links fail."""
    ch = ThreadsChannel({"threads_user_id": "1", "access_token": TOKEN})
    emoji_text = "🎉" * 110  # 110 characters, 440 bytes: over 500 with the rest of the post
    post = ch.render(make_item(site, social={"threads": emoji_text}))
    assert post.length == threads_length(post.text) and post.length > 500
    assert any("500" in p for p in post.problems) and emoji_text in post.text
    links = " ".join(f"https://ejemplo.gov.co/{n}" for n in range(5))
    many = ch.render(make_item(site, social={"threads": "Enlaces: " + links}))
    assert any("6 enlaces" in p for p in many.problems)  # 5 + the release URL appended
    assert ch.render(make_item(site)).sendable


def test_publishing_limit_reached_is_rate_limited_before_any_container(th: ThreadsFake, site: str) -> None:
    """Overview: 250 API posts per 24 h, read from threads_publishing_limit."""
    th.quota_usage = 250
    with pytest.raises(RateLimited):
        channel(th).publish(channel(th).render(make_item(site)))
    assert th.containers == {}


def test_reply_quota_is_checked_for_live_updates(th: ThreadsFake, site: str) -> None:
    """Overview: replies have their own quota (1,000 per 24 h): reply_quota_usage/reply_config."""
    ch = channel(th)
    item = make_item(site, live=True, updates=[{**UPDATE, "url": f"{site}prensa/x/#u1"}])
    first = ch.publish(ch.render(item))
    th.reply_quota_usage = 1000
    with pytest.raises(RateLimited) as err:
        ch.publish(ch.render(item, item.updates[0], reply_to=first))
    assert "respuestas" in err.value.message
    assert th.calls("publishing_limit")[-1].query["fields"] == ["reply_quota_usage,reply_config"]
    assert len(th.media) == 1


def test_container_error_message_is_reported(th: ThreadsFake, site: str) -> None:
    """Troubleshooting: a container in ERROR carries error_message."""
    th.container_error = "FAILED_DOWNLOADING_VIDEO"
    with pytest.raises(PermanentError) as err:
        channel(th).publish(channel(th).render(make_item(site)))
    assert "FAILED_DOWNLOADING_VIDEO" in err.value.message and th.media == []


def test_delete_stats_and_replies(th: ThreadsFake, site: str) -> None:
    """ "Delete Posts", media and user insights, and /{media-id}/replies."""
    ch = channel(th)
    published = ch.publish(ch.render(make_item(site)))
    now = datetime.now(UTC)
    th.replies[published.remote_id] += [
        {
            "id": "501",
            "text": "¿Y los niños?",
            "username": "padre_de_familia",
            "timestamp": iso(now),
            "permalink": "https://www.threads.net/@p/post/1",
            "is_reply_owned_by_me": False,
        },
        {
            "id": "502",
            "text": "Sí, también.",
            "username": "alcaldia",
            "timestamp": iso(now),
            "permalink": "https://www.threads.net/@a/post/2",
            "is_reply_owned_by_me": True,
        },
    ]
    assert ch.account_stats().followers == 1203
    stats = ch.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.shares, stats.replies) == (400, 31, 3, 6)
    mentions = ch.mentions(now - timedelta(hours=1))
    assert [(m.author, m.text) for m in mentions] == [("padre_de_familia", "¿Y los niños?")]
    ch.delete(published)
    assert th.live_media() == []
    th.assert_no_violations()
