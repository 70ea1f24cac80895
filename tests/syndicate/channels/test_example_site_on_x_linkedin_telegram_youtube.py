"""Every release of the built example site, published to the X, LinkedIn and Telegram fakes and
rendered for YouTube: the real manifest, real pages and real images served over HTTP.

The fakes follow the same documentation as the per-channel tests (docs.x.com create-post and
media upload; learn.microsoft.com LinkedIn posts-api and images-api; core.telegram.org/bots/api
sendPhoto/sendMediaGroup) and reject any undocumented request.
"""

from __future__ import annotations

import httpx
from pregon.syndicate.channels.linkedin import LinkedInChannel
from pregon.syndicate.channels.telegram import TelegramChannel
from pregon.syndicate.channels.x import XChannel
from pregon.syndicate.channels.youtube import YouTubeChannel
from pregon.syndicate.manifest import MANIFEST_PATH, Manifest, parse_manifest

from tests.syndicate.channels.fakes_linkedin import FakeLinkedIn
from tests.syndicate.channels.fakes_telegram import FakeTelegram
from tests.syndicate.channels.fakes_x import FakeX


def _manifest(site: str) -> Manifest:
    return parse_manifest(httpx.get(site + MANIFEST_PATH).content)


def test_example_releases_go_out_on_x_linkedin_and_telegram(served_site: str) -> None:
    manifest = _manifest(served_site)
    assert manifest.items, "the example site has releases"
    with (
        FakeX("ck", "cs", "at", "ats") as x_api,
        FakeLinkedIn("li", "urn:li:organization:1") as li_api,
        FakeTelegram("1:tok") as tg_api,
    ):
        channels = [
            XChannel(
                {
                    "consumer_key": "ck",
                    "consumer_secret": "cs",
                    "access_token": "at",
                    "access_token_secret": "ats",
                    "api_base": x_api.url,
                }
            ),
            LinkedInChannel({"organization": "1", "access_token": "li", "api_base": li_api.url}),
            TelegramChannel(
                {
                    "bot_token": "1:tok",
                    "chat_id": "@alcaldia_demo",
                    "api_base": tg_api.url,
                }
            ),
        ]
        updates = 0
        for channel in channels:
            for item in manifest.items:
                post = channel.render(item)
                assert post.sendable, (channel.name, item.id, post.problems)
                published = channel.publish(post)
                for update in item.updates if item.live else ():
                    published = channel.publish(channel.render(item, update, reply_to=published))
                    updates += 1
            channel.close()
        for fake in (x_api, li_api, tg_api):
            fake.assert_no_violations()
    releases = len(manifest.items)
    live_updates = updates // 3
    assert len(x_api.tweets) == releases + live_updates
    assert len(li_api.posts) == releases + live_updates
    # Every image of every release (and of its live updates) went up to X with its alt text.
    alts = {m.alt for i in manifest.items for m in i.images[:4]}
    alts |= {m.alt for i in manifest.items for u in i.updates for m in u.media if m.kind == "image"}
    assert {m["alt"] for m in x_api.media.values()} == alts
    # A gallery release became a Telegram album; Telegram fetched every photo from the portal.
    assert any("media_group_id" in m for m in tg_api.messages.values())
    assert all(m["source"].startswith(served_site) for m in tg_api.messages.values() if "source" in m)


def test_example_releases_have_nothing_to_upload_to_youtube(served_site: str) -> None:
    """The example's only video is an existing YouTube video: embedded, not uploaded again."""
    channel = YouTubeChannel({})
    for item in _manifest(served_site).items:
        post = channel.render(item)
        embedded = next((m.youtube_id for m in item.media if m.youtube_id), None)
        if embedded:
            assert f"ya está en YouTube ({embedded})" in post.skip
        else:
            assert post.skip == "el comunicado no tiene video"
