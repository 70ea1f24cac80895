"""Instagram channel against a local reproduction of Instagram's content publishing API.

The server (fakes_graph.InstagramFake) is a real HTTP server on 127.0.0.1 following "Content
Publishing" (https://developers.facebook.com/docs/instagram-platform/content-publishing/), the IG
User Media, IG Container and content_publishing_limit references: containers go IN_PROGRESS →
FINISHED, publishing before FINISHED or twice is a violation, and every image_url is downloaded
from the real image server as Meta does, then checked against the image specification.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PermanentError, RateLimited, TransientError
from pregon.syndicate.channels.instagram import InstagramChannel

from tests.conftest import serve_directory
from tests.fakes.api_server import Reply
from tests.syndicate.channels.fakes_graph import (
    TOKEN,
    InstagramFake,
    graph_error,
    make_images,
    make_item,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("portal")
    make_images(
        root,
        [
            ("portada.jpg", "JPEG", 1200, 630),
            ("cuadrada.jpg", "JPEG", 1080, 1080),
            ("vertical.jpg", "JPEG", 1080, 1350),
            ("alta.jpg", "JPEG", 600, 1400),
            ("logo.png", "PNG", 800, 800),
        ],
    )
    with serve_directory(root) as url:
        yield url


@pytest.fixture()
def ig() -> Iterator[InstagramFake]:
    with InstagramFake() as fake:
        yield fake  # type: ignore[misc]


def channel(fake: InstagramFake, **config: object) -> InstagramChannel:
    return InstagramChannel(
        {
            "ig_user_id": fake.ig_user_id,
            "access_token": TOKEN,
            "api_base": fake.api_base,
            "poll_interval": 0.01,
            **config,
        }
    )


def test_single_image_container_is_polled_then_published(ig: InstagramFake, site: str) -> None:
    """Container with image_url, caption, alt_text; status_code read until FINISHED; media_publish."""
    ch = channel(ig)
    item = make_item(site, [("portada.jpg", 1200, 630)])
    post = ch.render(item)
    assert post.sendable, post.problems
    published = ch.publish(post)
    ig.assert_no_violations()
    container_id = published.extra["container_id"]
    container = ig.containers[container_id]
    assert (container["image_url"], container["caption"], container["alt_text"]) == (
        site + "portada.jpg",
        post.text,
        "Foto: portada.jpg",
    )
    assert container["status"] == "PUBLISHED" and container["polls"] >= 2  # read IN_PROGRESS, then FINISHED
    assert ig.fetched == [site + "portada.jpg"]
    assert published.remote_id == ig.media[0]["id"] and published.url == ig.media[0]["permalink"]
    assert len(ig.calls("publishing_limit")) == 1
    assert ig.calls("publishing_limit")[0].query["fields"] == ["quota_usage,config"]


def test_several_images_make_one_carousel(ig: InstagramFake, site: str) -> None:
    """Children with is_carousel_item=true (no caption), then media_type=CAROUSEL with children."""
    ch = channel(ig)
    post = ch.render(
        make_item(site, [("portada.jpg", 1200, 630), ("cuadrada.jpg", 1080, 1080), ("vertical.jpg", 1080, 1350)])
    )
    ch.publish(post)
    ig.assert_no_violations()
    parents = [c for c in ig.containers.values() if c["media_type"] == "CAROUSEL"]
    assert len(parents) == 1 and len(parents[0]["children"]) == 3 and parents[0]["caption"] == post.text
    assert [ig.containers[c]["alt_text"] for c in parents[0]["children"]] == [
        "Foto: portada.jpg",
        "Foto: cuadrada.jpg",
        "Foto: vertical.jpg",
    ]
    assert len(ig.media) == 1 and ig.quota_usage == 1


def test_render_reports_what_instagram_would_refuse_without_truncating(site: str) -> None:
    """IG User Media image specification (JPEG, 8 MB, 4:5…1.91:1) and caption limits, in render."""
    ch = InstagramChannel({"ig_user_id": "1", "access_token": TOKEN})
    no_image = ch.render(make_item(site))
    assert not no_image.sendable and "sin imagen" in no_image.problems[0]
    live = make_item(
        site,
        [("portada.jpg", 1200, 630)],
        live=True,
        updates=[
            {
                "id": "u1",
                "time": "2026-11-20T12:00:00-05:00",
                "digest": "sha256:" + "cd" * 32,
                "text": "12:00: se abrió el albergue.",
                "url": site + "prensa/2026/11/x/#u1",
            }
        ],
    )
    text_update = ch.render(live, live.updates[0])
    # A text-only live update does not apply to Instagram: skipped, not an error that fails every run.
    assert text_update.skip and not text_update.problems and not text_update.sendable
    png = ch.render(make_item(site, [("logo.png", 800, 800)]))
    assert any("solo acepta JPEG" in p and "logo.png" in p for p in png.problems)
    tall = ch.render(make_item(site, [("alta.jpg", 600, 1400)]))
    assert any("600×1400" in p and "4:5" in p and "(proporción 0,43)" in p for p in tall.problems)
    wide_but_fine = ch.render(make_item(site, [("portada.jpg", 2400, 1260)]))
    assert wide_but_fine.sendable  # widths over 1440 are rescaled by Instagram, not refused
    tags = " ".join(f"#tema{n}" for n in range(31))
    many = ch.render(
        make_item(site, [("portada.jpg", 1200, 630)], summary=tags + " " + " ".join(f"@c{n}" for n in range(21)))
    )
    assert any("31 etiquetas" in p for p in many.problems) and any("21 cuentas" in p for p in many.problems)
    long_text = "texto " * 400
    long = ch.render(make_item(site, [("portada.jpg", 1200, 630)], summary=long_text))
    assert long.length > 2200 and any("2200" in p for p in long.problems)
    assert long_text.strip() in long.text  # never truncated


def test_without_manifest_metadata_the_live_image_is_checked_before_any_container(ig: InstagramFake, site: str) -> None:
    """Content Publishing: Meta cURLs the image, so the live file is what gets checked."""
    ch = channel(ig)
    post = ch.render(make_item(site, [("logo.png", 800, 800)], metadata=False))
    assert post.sendable  # render cannot know: the manifest carries no format or size
    with pytest.raises(PermanentError) as err:
        ch.publish(post)
    assert "JPEG" in err.value.message and "logo.png" in err.value.message
    assert ig.containers == {}
    good = ch.publish(ch.render(make_item(site, [("cuadrada.jpg", 1080, 1080)], metadata=False)))
    assert good.remote_id == ig.media[0]["id"]


def test_an_image_that_is_not_public_fails_permanently(ig: InstagramFake, site: str) -> None:
    """Meta cURLs the media; an unpublished file is error 9004/2207052 (media download failed)."""
    ch = channel(ig)
    with pytest.raises(PermanentError) as err:
        ch.publish(ch.render(make_item(site, [("no-existe.jpg", 1200, 630)])))
    assert "9004/2207052" in err.value.message and ig.media == []


def test_full_publishing_quota_is_rate_limited_before_making_containers(ig: InstagramFake, site: str) -> None:
    """content_publishing_limit reference: quota_usage against config.quota_total."""
    ig.quota_usage = ig.quota_total
    with pytest.raises(RateLimited) as err:
        channel(ig).publish(channel(ig).render(make_item(site, [("portada.jpg", 1200, 630)])))
    assert err.value.retry_after and err.value.retry_after > 0
    assert ig.containers == {}


def test_publish_cap_subcode_2207042_is_rate_limited(ig: InstagramFake, site: str) -> None:
    """media_publish refused with subcode 2207042 (publishing limit reached)."""
    ig.fail_next("media_publish", graph_error(400, 9, "Application request limit reached", 2207042))
    with pytest.raises(RateLimited):
        channel(ig).publish(channel(ig).render(make_item(site, [("portada.jpg", 1200, 630)])))
    assert ig.media == []


def test_container_error_is_permanent_and_slow_container_is_transient(ig: InstagramFake, site: str) -> None:
    """IG Container reference: status_code ERROR vs. IN_PROGRESS beyond the bounded polling."""
    post = channel(ig).render(make_item(site, [("portada.jpg", 1200, 630)]))
    ig.container_error = "2207001"
    with pytest.raises(PermanentError):
        channel(ig).publish(post)
    ig.container_error = None
    ig.polls_until_finished = 1000
    with pytest.raises(TransientError) as err:
        channel(ig, poll_attempts=3).publish(post)
    assert "3 consultas" in err.value.message
    assert ig.media == []
    ig.assert_no_violations()


def test_publish_answer_lost_is_resolved_from_the_container_status(ig: InstagramFake, site: str) -> None:
    """media_publish took effect but the answer timed out: status_code PUBLISHED ⇒ find the post."""
    ch = channel(ig, timeout=0.5)
    post = ch.render(make_item(site, [("portada.jpg", 1200, 630)]))
    ig.after_next("media_publish", lambda req: time.sleep(1.5))
    published = ch.publish(post)
    ig.assert_no_violations()  # publishing the PUBLISHED container again would be one
    assert len(ig.media) == 1 and published.remote_id == ig.media[0]["id"]
    assert published.extra["container_id"] == ig.media[0]["container"]


def test_published_container_not_yet_listed_is_never_published_again(ig: InstagramFake, site: str) -> None:
    """status_code PUBLISHED but the media list lags: transient, and the retry only looks again."""
    ch = channel(ig, timeout=0.5)
    post = ch.render(make_item(site, [("portada.jpg", 1200, 630)]))
    ig.after_next("media_publish", lambda req: time.sleep(1.5))
    ig.fail_next("media_list", Reply(200, {"data": []}))
    with pytest.raises(TransientError) as err:
        ch.publish(post)
    assert "ya está publicado" in err.value.message
    again = ch.publish(post)
    ig.assert_no_violations()
    assert len(ig.media) == 1 and len(ig.calls("media_publish")) == 1 and len(ig.containers) == 1
    assert again.remote_id == ig.media[0]["id"]


def test_failed_publish_keeps_the_container_for_the_retry(ig: InstagramFake, site: str) -> None:
    """A 503 on media_publish: the error names the container and the retry publishes that one."""
    ch = channel(ig)
    post = ch.render(make_item(site, [("portada.jpg", 1200, 630)]))
    ig.fail_next("media_publish", Reply(503, "Service Unavailable"))
    with pytest.raises(TransientError) as err:
        ch.publish(post)
    (container_id,) = ig.containers
    assert container_id in err.value.message and ig.media == []
    again = ch.publish(post)
    ig.assert_no_violations()
    assert list(ig.containers) == [container_id] and again.extra["container_id"] == container_id
    assert len(ig.media) == 1


def test_find_existing_matches_the_caption_across_pages(ig: InstagramFake, site: str) -> None:
    """IG User Media list (fields caption,permalink,timestamp) paged by paging.next."""
    ch = channel(ig)
    ours = ch.render(make_item(site, [("portada.jpg", 1200, 630)], item_id="el-nuestro"))
    made = ch.publish(ours)
    for n in range(4):
        ch.publish(ch.render(make_item(site, [("cuadrada.jpg", 1080, 1080)], item_id=f"otro-{n}", title=f"Otro {n}")))
    found = ch.find_existing(ours)
    ig.assert_no_violations()
    assert found is not None and found.remote_id == made.remote_id and found.url == made.url
    assert ch.find_existing(ch.render(make_item(site, [("portada.jpg", 1200, 630)], item_id="nunca"))) is None


def test_stats_and_comments(ig: InstagramFake, site: str) -> None:
    """IG User fields, IG Media insights (views, reach, saved, likes, comments, shares), comments."""
    ch = channel(ig)
    published = ch.publish(ch.render(make_item(site, [("portada.jpg", 1200, 630)])))
    ig.comments[published.remote_id].append(
        {
            "id": "991",
            "text": "¿Dónde queda el punto?",
            "username": "vecina_23",
            "timestamp": "2026-11-20T15:00:00+0000",
        }
    )
    assert ch.account_stats().followers == 2890
    stats = ch.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.shares, stats.replies) == (950, 88, 4, 9)
    mentions = ch.mentions()
    assert [(m.author, m.text, m.in_reply_to) for m in mentions] == [
        ("vecina_23", "¿Dónde queda el punto?", published.remote_id)
    ]
    ig.assert_no_violations()
