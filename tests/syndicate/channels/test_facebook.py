"""Facebook Page channel against a local reproduction of the Pages API (tests/…/fakes_graph.py).

The server is a real HTTP server on 127.0.0.1 that follows the Pages API "Posts" guide
(https://developers.facebook.com/docs/pages-api/posts), the Page Feed and Page Photos references
(https://developers.facebook.com/docs/graph-api/reference/page/feed, …/page/photos), Graph API
"Handling Errors" and "Rate Limits"; it rejects requests those pages do not allow. Images are real
files on a real HTTP server, downloaded by the fake as Facebook would.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import (
    DuplicateRejected,
    PermanentError,
    Published,
    RateLimited,
    TransientError,
)
from pregon.syndicate.channels.facebook import FacebookChannel
from pregon.syndicate.redaction import HIDDEN

from tests.conftest import serve_directory
from tests.fakes.api_server import Reply
from tests.syndicate.channels.fakes_graph import (
    TOKEN,
    FacebookFake,
    buc_headers,
    graph_error,
    make_images,
    make_item,
    rate_limited,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal's published images on a real HTTP server."""
    root: Path = tmp_path_factory.mktemp("portal")
    make_images(root, [("portada.jpg", "JPEG", 1200, 630), ("galeria-1.jpg", "JPEG", 1080, 1080)])
    with serve_directory(root) as url:
        yield url


@pytest.fixture()
def fb() -> Iterator[FacebookFake]:
    with FacebookFake() as fake:
        yield fake  # type: ignore[misc]


def channel(fake: FacebookFake, **config: object) -> FacebookChannel:
    return FacebookChannel({"page_id": fake.page_id, "page_access_token": TOKEN, "api_base": fake.api_base, **config})


def test_link_post_sends_message_and_link_with_token_in_the_form(fb: FacebookFake, site: str) -> None:
    """Pages API "Posts": POST /{page-id}/feed with message and link → {"id": "{page}_{post}"}."""
    ch = channel(fb)
    item = make_item(site, [("portada.jpg", 1200, 630)])
    post = ch.render(item)
    published = ch.publish(post)
    fb.assert_no_violations()
    assert published.remote_id.startswith(fb.page_id + "_")
    assert published.url == fb.live_posts()[0]["permalink_url"]
    assert fb.live_posts()[0]["message"] == post.text and fb.live_posts()[0]["link"] == item.url
    assert item.url in post.text and post.media == ()  # link format: Facebook builds the card
    call = fb.calls("feed")[0]
    assert call.form()["access_token"] == [TOKEN] and call.query == {}  # form field, not the URL
    read = fb.calls("node")[0]  # the permalink lookup: a read, token in the header
    assert read.header("authorization") == f"Bearer {TOKEN}" and "access_token" not in read.query
    assert fb.fetched == []  # a link post sends no image


def test_single_photo_post_uses_the_published_image_url(fb: FacebookFake, site: str) -> None:
    """Page Photos reference: POST /{page-id}/photos with url (Facebook downloads it) and caption."""
    ch = channel(fb, format="photos")
    post = ch.render(make_item(site, [("portada.jpg", 1200, 630)]))
    published = ch.publish(post)
    fb.assert_no_violations()
    assert fb.fetched == [site + "portada.jpg"]
    assert fb.calls("photos")[0].form()["caption"] == [post.text]
    assert published.remote_id == fb.live_posts()[0]["id"]
    assert published.extra["photo_id"] in fb.photos


def test_several_photos_are_uploaded_unpublished_then_attached(fb: FacebookFake, site: str) -> None:
    """Multi-photo post: each photo with published=false, then /feed with attached_media[n]."""
    ch = channel(fb, format="photos")
    post = ch.render(make_item(site, [("portada.jpg", 1200, 630), ("galeria-1.jpg", 1080, 1080)]))
    published = ch.publish(post)
    fb.assert_no_violations()
    assert [c.form()["published"] for c in fb.calls("photos")] == [["false"], ["false"]]
    assert fb.live_posts()[0]["attached"] == list(published.extra["photo_ids"])
    assert len(fb.live_posts()) == 1


def test_an_image_that_is_not_public_is_refused_and_nothing_is_posted(fb: FacebookFake, site: str) -> None:
    """Page Photos reference: Facebook downloads ``url``; an unreachable file is error 324."""
    ch = channel(fb, format="photos")
    post = ch.render(make_item(site, [("no-publicada.jpg", 1200, 630)]))
    with pytest.raises(PermanentError) as err:
        ch.publish(post)
    assert "324" in err.value.message
    assert fb.live_posts() == []


def test_find_existing_pages_through_published_posts_without_leaking_the_token(fb: FacebookFake, site: str) -> None:
    """published_posts pages by paging.next (which carries access_token, as Graph's links do)."""
    ch = channel(fb)
    ours = ch.render(make_item(site, item_id="2026-11-18-nuestro"))
    made = ch.publish(ours)
    for n in range(5):
        ch.publish(ch.render(make_item(site, item_id=f"2026-11-19-otro-{n}", title=f"Otro comunicado {n}")))
    found = ch.find_existing(ours)
    fb.assert_no_violations()  # would fail if the token had been sent back in a URL
    assert found == Published(made.remote_id, made.url)
    assert len(fb.calls("published_posts")) == 3  # 6 posts, 2 per page, ours is the oldest
    assert ch.find_existing(ch.render(make_item(site, item_id="nunca-publicado", title="Nunca"))) is None


@pytest.mark.parametrize(
    "fault, expected, wait",
    [
        (rate_limited(FacebookFake.page_id, minutes=3), RateLimited, 180.0),
        (graph_error(400, 17, "(#17) User request limit reached"), RateLimited, None),
        (graph_error(400, 32, "Page request limit reached", headers=buc_headers("1", 5)), RateLimited, 300.0),
        (graph_error(400, 613, "Calls to this api have exceeded the rate limit."), RateLimited, None),
        (graph_error(400, 80001, "There have been too many calls to this Page account."), RateLimited, None),
        (graph_error(400, 368, "The action attempted has been deemed abusive"), RateLimited, None),
        (
            graph_error(500, 2, "Service temporarily unavailable", error_type="FacebookApiException"),
            TransientError,
            None,
        ),
        (Reply(502, "<html>Bad Gateway</html>"), TransientError, None),
        (graph_error(400, 100, "Invalid parameter"), PermanentError, None),
    ],
)
def test_graph_errors_map_to_the_core_errors(
    fb: FacebookFake, site: str, fault: Reply, expected: type, wait: float | None
) -> None:
    """Graph "Handling Errors" codes and the BUC header's estimated_time_to_regain_access (minutes)."""
    ch = channel(fb)
    fb.fail_next("feed", fault)
    with pytest.raises(expected) as err:
        ch.publish(ch.render(make_item(site)))
    assert type(err.value) is expected
    assert err.value.retry_after == wait
    assert fb.live_posts() == []


def test_expired_token_is_permanent_and_never_printed(fb: FacebookFake, site: str) -> None:
    """Graph "Handling Errors": code 190 (subcode 463, session expired) means get a new token."""
    ch = channel(fb)
    fb.token_expired = True
    with pytest.raises(PermanentError) as err:
        ch.publish(ch.render(make_item(site)))
    assert "token vencido" in err.value.message and "190" in err.value.message
    assert TOKEN not in str(err.value)


def test_a_secret_echoed_by_meta_is_scrubbed_from_the_message(fb: FacebookFake, site: str) -> None:
    """Graph error messages are shown to the office; a token inside one is masked."""
    ch = channel(fb)
    fb.fail_next("feed", graph_error(400, 100, f"Malformed access token {TOKEN}"))
    with pytest.raises(PermanentError) as err:
        ch.publish(ch.render(make_item(site)))
    assert TOKEN not in str(err.value) and HIDDEN in err.value.message


def test_duplicate_post_is_reported_as_duplicate(fb: FacebookFake, site: str) -> None:
    """Error 506 "Duplicate Post": consecutive identical posts are refused by Facebook."""
    ch = channel(fb)
    post = ch.render(make_item(site))
    ch.publish(post)
    with pytest.raises(DuplicateRejected):
        ch.publish(post)
    assert len(fb.live_posts()) == 1


def test_timeout_after_the_post_is_made_is_transient_and_reconcilable(fb: FacebookFake, site: str) -> None:
    """The ambiguous case: Facebook made the post but the answer never came."""
    ch = channel(fb, timeout=0.5)
    post = ch.render(make_item(site))
    fb.after_next("feed", lambda req: time.sleep(1.5))
    with pytest.raises(TransientError) as err:
        ch.publish(post)
    assert "a tiempo" in err.value.message and "127.0.0.1" not in err.value.message
    found = ch.find_existing(post)
    assert found is not None and found.remote_id == fb.live_posts()[0]["id"]


def test_too_long_text_is_a_problem_and_is_not_truncated(fb: FacebookFake, site: str) -> None:
    """Post text limit (63,206 characters, reference §1): a problem in render, never a cut."""
    long_summary = "palabra " * 8000
    post = channel(fb).render(make_item(site, summary=long_summary))
    assert not post.sendable and post.length > 63206
    assert "63206" in post.problems[0] and long_summary.strip() in post.text


def test_live_update_is_a_link_post_to_the_update_anchor(fb: FacebookFake, site: str) -> None:
    """Pages API "Posts": a live update is its own /feed link post to the update's anchor."""
    item = make_item(
        site,
        live=True,
        updates=[
            {
                "id": "u1",
                "time": "2026-11-20T09:00:00-05:00",
                "text": "Abren dos puntos más.",
                "digest": "sha256:1",
                "url": f"{site}prensa/2026/11/2026-11-20-jornada-de-vacunacion/#u1",
            }
        ],
    )
    ch = channel(fb)
    post = ch.render(item, item.updates[0])
    ch.publish(post)
    assert fb.live_posts()[0]["link"] == item.updates[0].url
    assert post.key != ch.render(item).key


def test_delete_stats_and_mentions(fb: FacebookFake, site: str) -> None:
    """Post insights with the metric names in use since 2026-06-15, shares and comment summary."""
    ch = channel(fb)
    published = ch.publish(ch.render(make_item(site)))
    fb.add_comment(published.remote_id, "Ana Pérez", "¿Hasta qué hora atienden?")
    fb.add_comment(published.remote_id, "Alcaldía", "Hasta las 4 p. m.", from_page=True)
    assert ch.account_stats().followers == 5321
    stats = ch.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.shares, stats.replies) == (812, 45, 3, 2)
    since = datetime.now(UTC) - timedelta(hours=1)
    mentions = ch.mentions(since)
    assert [(m.author, m.text, m.in_reply_to) for m in mentions] == [
        ("Ana Pérez", "¿Hasta qué hora atienden?", published.remote_id)
    ]
    ch.delete(published)
    assert fb.live_posts() == []
    fb.assert_no_violations()


def test_missing_configuration_names_the_key() -> None:
    """Configuration error names the mkdocs.yml key (no request is made without a token); a
    channel error, so the run contains it in that account's rows instead of stopping."""
    ch = FacebookChannel({"page_id": "1"})
    with pytest.raises(PermanentError, match="page_access_token"):
        ch.account_stats()
