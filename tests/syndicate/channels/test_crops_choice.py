"""Each channel takes the crop its network shows (``syndicate/media.py`` ``best_image``), from the
manifest the build published; an older manifest without crops still works, with the image itself.

The manifest and the crops come from the example site built and served over real HTTP
(``served_site``); the Bluesky upload goes to the real PDS of tests/servers, and its thumbnail
blob is read back and compared with the crop the portal serves (web-first: fetched, not made).
"""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image
from pregon.syndicate import media as media_files
from pregon.syndicate.channels.bluesky import BlueskyChannel
from pregon.syndicate.channels.instagram import InstagramChannel
from pregon.syndicate.channels.linkedin import LinkedInChannel
from pregon.syndicate.channels.tiktok import TikTokChannel
from pregon.syndicate.channels.whatsapp import WhatsAppChannel
from pregon.syndicate.manifest import Item, Media, parse_manifest

from tests.syndicate.channels.sample_release import release
from tests.syndicate.channels.test_bluesky import blob, record

LIVE_BLOG = "prensa/2026/11/vias-rurales-temporada-de-lluvias"


@pytest.fixture(scope="module")
def manifest_bytes(served_site: str) -> bytes:
    answer = httpx.get(served_site + "pregon/manifest.json")
    answer.raise_for_status()
    return answer.content


@pytest.fixture(scope="module")
def live_item(manifest_bytes: bytes) -> Item:
    item = parse_manifest(manifest_bytes).item(LIVE_BLOG)
    assert item is not None
    return item


def crops(base: str, width: int, height: int) -> list[dict[str, Any]]:
    """The crops the build gives a ``width``×``height`` photo (sizes as plugins/derivatives makes them)."""
    from pregon.plugins.derivatives import RATIOS, crop_box

    out = []
    for ratio in RATIOS:
        _, (w, h) = crop_box(width, height, ratio, None)
        out.append({"ratio": ratio.label, "url": f"{base}.{ratio.word}.jpg", "width": w, "height": h})
    return out


def photo(site: str, name: str, width: int, height: int) -> dict[str, Any]:
    return {
        "kind": "image",
        "url": f"{site}{name}.png",
        "alt": f"Foto {name}",
        "mime": "image/png",
        "width": width,
        "height": height,
        "bytes": 123_456,
        "crops": crops(site + "pregon/recortes/" + name, width, height),
    }


SITE = "https://portal.example/"
VERTICAL = photo(SITE, "torre", 1000, 2000)
WIDE = photo(SITE, "plaza", 3000, 2000)


def test_every_image_in_the_live_manifest_lists_crops_that_the_portal_serves(live_item: Item, served_site: str) -> None:
    image = live_item.images[0]
    assert [c.ratio for c in image.crops] == ["1.91:1", "1:1", "4:5", "9:16"]
    for crop in image.crops:
        answer = httpx.get(crop.url)
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(answer.content)).size == (crop.width, crop.height)


def test_an_older_manifest_without_crops_gives_the_image_itself(manifest_bytes: bytes) -> None:
    doc = json.loads(manifest_bytes)
    for item in doc["items"]:
        for m in item["media"]:
            del m["crops"]
    old = parse_manifest(json.dumps(doc)).item(LIVE_BLOG)
    assert old is not None and old.images[0].crops == ()
    assert media_files.best_image(old.images[0], media_files.LINK_CARD) == old.images[0]
    post = BlueskyChannel({}).render(old)
    assert post.card["thumb"] == old.images[0].url


def test_best_image_takes_the_ratio_that_cuts_least_and_keeps_the_alt_text() -> None:
    vertical, wide = Media.model_validate(VERTICAL), Media.model_validate(WIDE)
    feed = (media_files.PORTRAIT, media_files.SQUARE)
    assert media_files.best_image(vertical, *feed).url.endswith("torre.retrato.jpg")
    assert media_files.best_image(wide, *feed).url.endswith("plaza.cuadrada.jpg")
    card = media_files.best_image(vertical, media_files.LINK_CARD)
    assert (card.url, card.width, card.height, card.mime) == (
        f"{SITE}pregon/recortes/torre.tarjeta.jpg",
        1000,
        523,
        "image/jpeg",
    )
    assert card.alt == "Foto torre" and card.bytes is None  # the size of the crop is not the photo's
    assert media_files.best_image(vertical, "3:2") == vertical  # a ratio the build does not make
    # A carousel keeps one shape: the first image's.
    together = media_files.best_images((wide, vertical), *feed)
    assert [m.url.rsplit("/", 1)[-1] for m in together] == ["plaza.cuadrada.jpg", "torre.cuadrada.jpg"]


def item_with(*media: dict[str, Any]) -> Item:
    return release(SITE, media=media)


def test_link_card_networks_get_the_191_crop_instagram_the_feed_crop_tiktok_the_vertical() -> None:
    item = item_with(VERTICAL, WIDE)
    name = lambda m: m.url.rsplit("/", 1)[-1]  # noqa: E731
    assert BlueskyChannel({}).render(item).card["thumb"].endswith("torre.tarjeta.jpg")
    linkedin = LinkedInChannel({"organization": "1"}).render(item)
    assert linkedin.card["thumbnail"].endswith("torre.tarjeta.jpg")
    assert [name(m) for m in linkedin.media] == ["torre.tarjeta.jpg"]
    instagram = InstagramChannel({"ig_user_id": "1", "access_token": "t"}).render(item)
    # A vertical photo 1:2 is refused by Instagram as it is; its 4:5 crop is not.
    assert [name(m) for m in instagram.media] == ["torre.retrato.jpg", "plaza.retrato.jpg"]
    assert not instagram.problems
    tiktok = TikTokChannel({"access_token": "t", "photos": True}).render(item)
    assert [name(m) for m in tiktok.media] == ["torre.vertical.jpg", "plaza.vertical.jpg"]
    whatsapp = WhatsAppChannel({"phone_number_id": "1", "template_name": "t", "header": "image", "access_token": "t"})
    [header] = whatsapp.render(item).extra["components"][:1]
    assert header["parameters"][0]["image"]["link"].endswith("torre.tarjeta.jpg")
    # Networks that show photos whole keep the originals (so does the press e-mail: journalists
    # get the full-resolution photo, attached and linked).
    assert [name(m) for m in BlueskyChannel({"embed": "images"}).render(item).media] == ["torre.png", "plaza.png"]


def test_the_bluesky_card_thumbnail_is_the_crop_fetched_from_the_live_portal(
    bluesky_config: dict[str, object], bluesky_account: dict[str, str], live_item: Item
) -> None:
    card = next(c for c in live_item.images[0].crops if c.ratio == "1.91:1")
    assert (card.width, card.height) == (1200, 628)  # the photo is 1200×630: the crop is its own file
    channel = BlueskyChannel(bluesky_config)
    try:
        # Its own id: the session's PDS may already hold the example release from another test.
        published = channel.publish(channel.render(live_item.model_copy(update={"id": "recortes-tarjeta"})))
    finally:
        channel.close()
    external = record(bluesky_account["service"], published.remote_id)["value"]["embed"]["external"]
    thumb = blob(bluesky_account["service"], bluesky_account["did"], external["thumb"])
    assert thumb == httpx.get(card.url).content
