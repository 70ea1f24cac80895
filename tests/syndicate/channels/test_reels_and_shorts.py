"""A vertical video also goes out as an Instagram Reel, a Facebook Reel and a YouTube Short.

No Meta or YouTube server can run here: the channels talk to the local reproductions in
fakes_graph.py (Instagram ``media_type=REELS`` containers; Facebook's Reels Publishing API with
its start / hosted upload / status / finish phases) and fakes_youtube.py (resumable upload; the
fake files an upload as a Short by YouTube's rule, reading the uploaded file's own headers). The
videos are MP4 files whose headers say their frame size and duration, served by a real HTTP
server that the fakes download from, as Meta does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pregon.syndicate.channels.base import Published
from pregon.syndicate.channels.facebook import FacebookChannel
from pregon.syndicate.channels.instagram import InstagramChannel
from pregon.syndicate.channels.youtube import YouTubeChannel
from pregon.syndicate.manifest import Item

from tests.conftest import serve_directory
from tests.mp4 import mp4
from tests.syndicate.channels.fakes_graph import TOKEN, FacebookFake, InstagramFake, make_images
from tests.syndicate.channels.fakes_youtube import FakeYouTube

VIDEOS = {"vertical.mp4": (1080, 1920, 30), "horizontal.mp4": (1920, 1080, 30), "larga.mp4": (1080, 1920, 120)}
CREDENTIALS = {"client_id": "cid.apps.googleusercontent.com", "client_secret": "gsecret", "refresh_token": "1//r"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("portal")
    make_images(root, [("portada.jpg", "JPEG", 1200, 630)])
    for name, (width, height, seconds) in VIDEOS.items():
        (root / name).write_bytes(mp4(width, height, seconds, filler=200_000))
    with serve_directory(root) as url:
        yield url


def item(site: str, video: str | None = "vertical.mp4") -> Item:
    media: list[dict[str, Any]] = [
        {
            "kind": "image",
            "url": site + "portada.jpg",
            "alt": "Foto",
            "mime": "image/jpeg",
            "width": 1200,
            "height": 630,
        }
    ]
    if video is not None:
        width, height, seconds = VIDEOS[video]
        media.append(
            {
                "kind": "video",
                "url": site + video,
                "alt": "Video",
                "mime": "video/mp4",
                "width": width,
                "height": height,
                "duration": seconds,
                "bytes": 200_000,
            }
        )
    return Item.model_validate(
        {
            "id": "2026-12-01-feria-de-empleo",
            "url": f"{site}prensa/2026/12/feria-de-empleo/",
            "digest": "sha256:" + "ab" * 32,
            "title": "Feria de empleo en el coliseo",
            "summary": "Más de 40 empresas ofrecen 600 vacantes este viernes.",
            "date": "2026-12-01T08:00:00-05:00",
            "dependencia": {"slug": "desarrollo", "name": "Secretaría de Desarrollo Económico"},
            "media": media,
            "source": {"path": "content/prensa/2026/12/feria-de-empleo.md"},
        }
    )


# --- Instagram --------------------------------------------------------------------------------


@pytest.fixture()
def ig() -> Iterator[InstagramFake]:
    with InstagramFake() as fake:
        yield fake  # type: ignore[misc]


def instagram(fake: InstagramFake, **config: Any) -> InstagramChannel:
    return InstagramChannel(
        {
            "ig_user_id": fake.ig_user_id,
            "access_token": TOKEN,
            "api_base": fake.api_base,
            "poll_interval": 0.01,
            **config,
        }
    )


def test_instagram_reel_from_a_vertical_video(ig: InstagramFake, site: str) -> None:
    ch = instagram(ig, reels=True)
    post = ch.render(item(site))
    assert post.sendable and post.extra["reel"] and post.media[0].url == site + "vertical.mp4"
    published = ch.publish(post)
    ig.assert_no_violations()
    container = ig.containers[published.extra["container_id"]]
    assert (container["media_type"], container["video_url"]) == ("REELS", site + "vertical.mp4")
    assert (container["caption"], container["share_to_feed"]) == (post.text, "true")
    assert site + "vertical.mp4" in ig.fetched and site + "portada.jpg" not in ig.fetched


def test_instagram_without_reels_or_a_horizontal_video_posts_the_image(ig: InstagramFake, site: str) -> None:
    assert not instagram(ig).render(item(site)).extra.get("reel")
    sideways = instagram(ig, reels=True).render(item(site, "horizontal.mp4"))
    assert not sideways.extra.get("reel") and "horizontal" in sideways.extra["reel_reason"]
    instagram(ig, reels=True).publish(sideways)
    ig.assert_no_violations()
    assert [c["media_type"] for c in ig.containers.values()] == ["IMAGE"]


# --- Facebook ---------------------------------------------------------------------------------


@pytest.fixture()
def fb() -> Iterator[FacebookFake]:
    with FacebookFake() as fake:
        yield fake  # type: ignore[misc]


def facebook(fake: FacebookFake, **config: Any) -> FacebookChannel:
    return FacebookChannel(
        {
            "page_id": fake.page_id,
            "page_access_token": TOKEN,
            "api_base": fake.api_base,
            "poll_interval": 0.01,
            **config,
        }
    )


def test_facebook_reel_in_the_three_documented_phases(fb: FacebookFake, site: str) -> None:
    ch = facebook(fb, reels=True)
    post = ch.render(item(site))
    published = ch.publish(post)
    fb.assert_no_violations()
    phases = [c.form()["upload_phase"][0] for c in fb.calls("video_reels")]
    assert phases == ["start", "finish"] and len(fb.calls("reel_upload")) == 1
    upload = fb.calls("reel_upload")[0]
    assert upload.header("file_url") == site + "vertical.mp4" and not upload.body
    [reel] = fb.published_reels()
    assert reel["description"] == post.text and reel["data"] == fb.download(site + "vertical.mp4")
    assert published.remote_id == reel["id"] and published.url == f"https://www.facebook.com/reel/{reel['id']}"
    assert not fb.live_posts()
    assert facebook(fb, reels=True).find_existing(post) == Published(reel["id"], published.url)


def test_facebook_reel_limits_fall_back_to_the_usual_post(fb: FacebookFake, site: str) -> None:
    long = facebook(fb, reels=True).render(item(site, "larga.mp4"))
    assert not long.extra.get("reel") and "90 s" in long.extra["reel_reason"]
    facebook(fb, reels=True).publish(long)
    fb.assert_no_violations()
    assert len(fb.live_posts()) == 1 and not fb.reels


# --- YouTube ----------------------------------------------------------------------------------


@pytest.fixture()
def yt() -> Iterator[FakeYouTube]:
    with FakeYouTube(*CREDENTIALS.values()) as fake:
        yield fake


def youtube(fake: FakeYouTube, **config: Any) -> YouTubeChannel:
    return YouTubeChannel(
        {**CREDENTIALS, "api_base": fake.url, "token_uri": fake.url + "/token", "resume_backoff": 0, **config}
    )


def test_youtube_short_from_a_vertical_video_of_at_most_three_minutes(yt: FakeYouTube, site: str) -> None:
    ch = youtube(yt, shorts=True)
    post = ch.render(item(site))
    assert post.extra["short"] and post.text.endswith("\n\n#Shorts")
    published = ch.publish(post)
    yt.assert_no_violations()
    assert yt.is_short(published.remote_id)
    assert published.url == f"https://www.youtube.com/shorts/{published.remote_id}"
    assert yt.videos[published.remote_id]["snippet"]["description"].endswith("#Shorts")
    ch.close()


def test_youtube_without_shorts_or_with_a_horizontal_video_uploads_as_usual(yt: FakeYouTube, site: str) -> None:
    plain = youtube(yt).render(item(site))
    assert not plain.extra["short"] and "#Shorts" not in plain.text
    sideways = youtube(yt, shorts=True)
    published = sideways.publish(sideways.render(item(site, "horizontal.mp4")))
    assert not yt.is_short(published.remote_id) and "/watch?v=" in (published.url or "")
    sideways.close()
