"""``Channel.read_back``: a confirmed post read back from its network (issue 13, part 7).

Bluesky runs against the real PDS of tests/servers (``com.atproto.repo.getRecord``). The other
networks run against the local servers of this folder, which reproduce each official API's
documented read requests and errors: Mastodon ``GET /api/v1/statuses/:id`` (404 once deleted), X
``GET /2/tweets?ids=`` (HTTP 200 with an ``errors`` "Not Found Error" entry), Graph
``GET /{object-id}`` (error 100, subcode 33 "does not exist"), LinkedIn "Retrieve Posts"
``GET /rest/posts/{urn}`` (404), YouTube ``videos.list`` (empty ``items``), TikTok
``/v2/video/query/`` and ``status/fetch``. Telegram and e-mail cannot read back and say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PermanentError, ReadBack, TransientError
from pregon.syndicate.channels.bluesky import BlueskyChannel
from pregon.syndicate.channels.email import EmailChannel
from pregon.syndicate.channels.facebook import FacebookChannel
from pregon.syndicate.channels.instagram import InstagramChannel
from pregon.syndicate.channels.linkedin import LinkedInChannel
from pregon.syndicate.channels.mastodon import MastodonChannel
from pregon.syndicate.channels.outbox import OutboxChannel
from pregon.syndicate.channels.telegram import TelegramChannel
from pregon.syndicate.channels.tiktok import TikTokChannel
from pregon.syndicate.channels.x import XChannel
from pregon.syndicate.channels.youtube import YouTubeChannel

from tests.conftest import serve_directory
from tests.fakes.api_server import Reply
from tests.mp4 import mp4
from tests.syndicate.channels.fakes_graph import TOKEN as GRAPH_TOKEN
from tests.syndicate.channels.fakes_graph import FacebookFake, InstagramFake, make_images, make_item
from tests.syndicate.channels.fakes_linkedin import FakeLinkedIn
from tests.syndicate.channels.fakes_mastodon import FakeMastodon
from tests.syndicate.channels.fakes_tiktok import TOKEN as TIKTOK_TOKEN
from tests.syndicate.channels.fakes_tiktok import FakeTikTok
from tests.syndicate.channels.fakes_x import FakeX
from tests.syndicate.channels.fakes_youtube import FakeYouTube
from tests.syndicate.channels.sample_release import image, release

# --- Bluesky: the real PDS -----------------------------------------------------------------------


@pytest.fixture()
def bluesky(bluesky_config: dict[str, object]) -> Iterator[BlueskyChannel]:
    chan = BlueskyChannel(bluesky_config)
    yield chan
    chan.close()


def test_bluesky_post_is_read_back_from_the_pds_and_a_deleted_one_is_not(bluesky, bluesky_account, media_site):
    post = bluesky.render(release(media_site, id="lectura-bsky", media=()))
    published = bluesky.publish(post)
    result = bluesky.read_back(published, post)
    assert result == ReadBack.verified(published.url)
    assert result.url.endswith(f"/profile/{bluesky_account['handle']}/post/{published.extra['rkey']}")
    other = replace(post, text=post.text + " (otra versión)")
    assert bluesky.read_back(published, other).status == "failed"
    assert "texto" in bluesky.read_back(published, other).reason
    bluesky.delete(published)  # deleted right after sending
    gone = bluesky.read_back(published, post)
    assert gone.status == "failed" and "ya no existe" in gone.reason and published.remote_id in gone.reason


# --- Mastodon ------------------------------------------------------------------------------------
MASTODON_TOKEN = "mastodon-token-lectura"


@pytest.fixture()
def mastodon() -> Iterator[tuple[FakeMastodon, MastodonChannel]]:
    with FakeMastodon(MASTODON_TOKEN) as fake:
        chan = MastodonChannel({"instance": fake.url, "access_token": MASTODON_TOKEN})
        yield fake, chan
        chan.close()
    fake.assert_no_violations()


def test_mastodon_status_is_read_back_and_404_once_deleted(mastodon, media_site):
    fake, chan = mastodon
    post = chan.render(release(media_site, media=()))
    published = chan.publish(post)
    assert chan.read_back(published, post) == ReadBack.verified(published.url)
    assert chan.read_back(published, replace(post, link=media_site + "otro/")).status == "failed"
    chan.delete(published)
    gone = chan.read_back(published, post)
    assert gone.status == "failed" and "404" in gone.reason
    fake.fail_next("status_get", Reply(503, {"error": "unavailable"}))
    with pytest.raises(TransientError):
        chan.read_back(published, post)


# --- X -------------------------------------------------------------------------------------------
X_SECRETS = {"consumer_key": "ck", "consumer_secret": "cs-s3cret", "access_token": "1-at", "access_token_secret": "a"}


@pytest.fixture()
def x() -> Iterator[tuple[FakeX, XChannel]]:
    with FakeX(*X_SECRETS.values()) as fake:
        chan = XChannel({**X_SECRETS, "api_base": fake.url})
        yield fake, chan
        chan.close()
    fake.assert_no_violations()


def test_x_post_is_read_back_by_its_expanded_link_and_not_found_once_deleted(x, media_site):
    fake, chan = x
    post = chan.render(release(media_site, media=()))
    published = chan.publish(post)
    assert chan.read_back(published, post) == ReadBack.verified(f"https://x.com/i/web/status/{published.remote_id}")
    lookup = fake.calls("lookup_tweets")[-1]
    assert lookup.query["ids"] == [published.remote_id]
    assert set(lookup.query["tweet.fields"][0].split(",")) == {"entities", "author_id"}
    assert chan.read_back(published, replace(post, link=media_site + "otro/")).status == "failed"
    chan.delete(published)
    gone = chan.read_back(published, post)
    assert gone.status == "failed" and "Not Found Error" in gone.reason


# --- Facebook and Instagram (Graph API) ----------------------------------------------------------


@pytest.fixture(scope="module")
def graph_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("portal-graph")
    make_images(root, [("portada.jpg", "JPEG", 1200, 630), ("cuadrada.jpg", "JPEG", 1080, 1080)])
    with serve_directory(root) as url:
        yield url


def test_facebook_post_is_read_back_with_its_permalink_and_gone_after_deletion(graph_site):
    with FacebookFake() as fake:
        chan = FacebookChannel({"page_id": fake.page_id, "page_access_token": GRAPH_TOKEN, "api_base": fake.api_base})
        post = chan.render(make_item(graph_site, [("portada.jpg", 1200, 630)]))
        published = chan.publish(post)
        result = chan.read_back(published, post)
        assert result == ReadBack.verified(fake.live_posts()[0]["permalink_url"])
        assert chan.read_back(published, replace(post, text="Otro texto")).status == "failed"
        chan.delete(published)
        gone = chan.read_back(published, post)
        assert gone.status == "failed" and "ya no existe" in gone.reason
        fake.assert_no_violations()
        chan.close()


def test_instagram_media_is_read_back_by_caption_and_permalink(graph_site):
    with InstagramFake() as fake:
        chan = InstagramChannel(
            {"ig_user_id": fake.ig_user_id, "access_token": GRAPH_TOKEN, "api_base": fake.api_base, "poll_interval": 0}
        )
        post = chan.render(make_item(graph_site, [("cuadrada.jpg", 1080, 1080)]))
        assert post.sendable, post.problems
        published = chan.publish(post)
        assert chan.read_back(published, post) == ReadBack.verified(fake.media[0]["permalink"])
        fake.media.clear()  # deleted by hand in the Instagram app
        gone = chan.read_back(published, post)
        assert gone.status == "failed" and "ya no existe" in gone.reason
        fake.assert_no_violations()
        chan.close()


# --- LinkedIn ------------------------------------------------------------------------------------


def test_linkedin_post_is_retrieved_and_404_once_deleted(media_site):
    with FakeLinkedIn("li-token", "urn:li:organization:5590") as fake:
        chan = LinkedInChannel({"organization": "5590", "access_token": "li-token", "api_base": fake.url})
        post = chan.render(release(media_site, media=()))
        published = chan.publish(post)
        assert chan.read_back(published, post) == ReadBack.verified(published.url)
        assert fake.calls("get_post")[-1].header("linkedin-version")
        assert "texto" in chan.read_back(published, replace(post, text="Otro texto")).reason
        chan.delete(published)
        gone = chan.read_back(published, post)
        assert gone.status == "failed" and "404" in gone.reason
        fake.assert_no_violations()
        chan.close()


# --- YouTube -------------------------------------------------------------------------------------
YT = {"client_id": "cid.apps.googleusercontent.com", "client_secret": "gsecret", "refresh_token": "1//refresh"}


def test_youtube_video_is_listed_with_its_key_tag_and_missing_once_deleted(media_site):
    media = (
        {"kind": "image", "url": media_site + "principal.jpg", "alt": "Foto"},
        {"kind": "video", "url": media_site + "video.mp4", "mime": "video/mp4"},
    )
    with FakeYouTube(*YT.values()) as fake:
        chan = YouTubeChannel({**YT, "api_base": fake.url, "token_uri": fake.url + "/token", "chunk_size": 1024 * 1024})
        post = chan.render(release(media_site, media=media))
        published = chan.publish(post)
        assert chan.read_back(published, post) == ReadBack.verified(published.url)
        other = replace(post, key="0" * 32)
        assert "no es el de esta publicación" in chan.read_back(published, other).reason
        chan.delete(published)
        assert "ya no existe" in chan.read_back(published, post).reason
        fake.assert_no_violations()
        chan.close()


# --- TikTok --------------------------------------------------------------------------------------


def test_tiktok_public_video_is_queried_and_missing_once_deleted(tmp_path: Path):
    (tmp_path / "vertical.mp4").write_bytes(mp4(1080, 1920, 45))
    make_images(tmp_path, [("foto1.jpg", "JPEG", 1080, 1350)])
    with serve_directory(tmp_path) as site, FakeTikTok() as fake:
        fake.verified_prefixes = [site]
        chan = TikTokChannel({"access_token": TIKTOK_TOKEN, "api_base": fake.url, "poll_interval": 0.01})
        video = {"kind": "video", "url": site + "vertical.mp4", "alt": "Recorrido", "mime": "video/mp4"}
        item = release(site, media=({"kind": "image", "url": site + "foto1.jpg", "alt": "Foto"}, video))
        item = item.model_copy(update={"media": (*item.media[:1], item.media[1].model_copy(update=_VIDEO))})
        post = chan.render(item)
        assert post.sendable, post.problems
        published = chan.publish(post)
        assert chan.read_back(published, post) == ReadBack.verified(published.url)
        fake.publishes.clear()  # removed by the account on TikTok: no longer listed
        gone = chan.read_back(published, post)
        assert gone.status == "failed" and "ya no es público" in gone.reason
        fake.assert_no_violations()
        chan.close()


_VIDEO = {"width": 1080, "height": 1920, "duration": 45.0}


def test_tiktok_inbox_upload_is_not_verified_until_someone_posts_it_from_the_app(tmp_path: Path):
    (tmp_path / "vertical.mp4").write_bytes(mp4(1080, 1920, 45))
    with serve_directory(tmp_path) as site, FakeTikTok() as fake:
        fake.verified_prefixes = [site]
        fake.audited = False  # an unaudited app: the video goes to the account's inbox
        config = {"access_token": TIKTOK_TOKEN, "api_base": fake.url, "poll_interval": 0.01, "fallback": "inbox"}
        chan = TikTokChannel({**config, "publish_log": str(tmp_path / "tiktok-log.jsonl")})
        video = {"kind": "video", "url": site + "vertical.mp4", "alt": "Recorrido", "mime": "video/mp4", **_VIDEO}
        post = chan.render(release(site, media=(video,)))
        published = chan.publish(post)
        assert published.url is None and not published.remote_id.isdigit()  # a publish_id, no public post
        inbox = chan.read_back(published, post)
        assert inbox.status == "failed" and "bandeja" in inbox.reason
        assert fake.calls("status")[-1].json() == {"publish_id": published.remote_id}
        fake.assert_no_violations()
        chan.close()


def test_threads_post_is_read_back_by_text_and_permalink(graph_site):
    from pregon.syndicate.channels.threads import ThreadsChannel

    from tests.syndicate.channels.fakes_graph import ThreadsFake

    with ThreadsFake() as fake:
        chan = ThreadsChannel(
            {
                "threads_user_id": fake.user_id,
                "access_token": GRAPH_TOKEN,
                "api_base": fake.api_base,
                "poll_interval": 0,
            }
        )
        post = chan.render(make_item(graph_site))
        published = chan.publish(post)
        assert chan.read_back(published, post) == ReadBack.verified(fake.media[0]["permalink"])
        chan.delete(published)
        assert "ya no existe" in chan.read_back(published, post).reason
        fake.assert_no_violations()
        chan.close()


# --- networks that cannot read back, and the outbox ---------------------------------------------


def test_telegram_and_email_say_why_they_cannot_read_back(media_site):
    from pregon.syndicate.channels.base import Published

    telegram = TelegramChannel({"bot_token": "1:x", "chat_id": "@canal"}).read_back(Published("5"), None)
    assert telegram.status == "unavailable" and "Bot API" in telegram.reason
    email_options = {"host": "127.0.0.1", "sender": "prensa@alcaldia.test", "unsubscribe_mailto": "baja@alcaldia.test"}
    email = EmailChannel(email_options).read_back(Published("x"), None)
    assert email.status == "unavailable" and "correo" in email.reason


def test_outbox_reads_its_file_back(tmp_path: Path, media_site):
    chan = OutboxChannel({"folder": str(tmp_path / "outbox")})
    post = chan.render(release(media_site, media=(image(media_site, "principal.jpg"),)))
    published = chan.publish(post)
    assert chan.read_back(published, post) == ReadBack.verified(published.url)
    assert chan.read_back(published, replace(post, text="otro")).status == "failed"
    chan.delete(published)
    gone = chan.read_back(published, post)
    assert gone.status == "failed" and "ya no existe" in gone.reason
    chan.close()


def test_graph_errors_other_than_a_missing_object_are_raised(graph_site):
    from tests.syndicate.channels.fakes_graph import graph_error

    with FacebookFake() as fake:
        chan = FacebookChannel({"page_id": fake.page_id, "page_access_token": GRAPH_TOKEN, "api_base": fake.api_base})
        published = chan.publish(chan.render(make_item(graph_site, [("portada.jpg", 1200, 630)])))
        fake.fail_next("node", graph_error(400, 190, "Error validating access token"))
        with pytest.raises(PermanentError):
            chan.read_back(published, None)
        chan.close()
