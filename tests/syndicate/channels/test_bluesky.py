"""Bluesky channel against a REAL PDS (``@atproto/dev-env`` TestNetworkNoAppView on 127.0.0.1).

Every post is read back from the PDS's repository with ``com.atproto.repo.getRecord`` /
``listRecords`` and its blobs with ``com.atproto.sync.getBlob``; nothing here is a mock.
Images are served over real HTTP (``media_site``) as the live portal would serve them.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image
from pregon.syndicate.channels.atproto import TID_ALPHABET, tid_from_key
from pregon.syndicate.channels.base import (
    DuplicateRejected,
    NotSupported,
    PermanentError,
    Published,
    TransientError,
)
from pregon.syndicate.channels.bluesky import BlueskyChannel
from pregon.syndicate.counting import graphemes

from tests.syndicate.channels.sample_release import image, live_release, release

TITLE = "Niñas y niños 🎉👩‍👩‍👧 de la vereda El Páramo reciben útiles"


def record(service: str, uri: str) -> dict[str, Any]:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    answer = httpx.get(
        f"{service}/xrpc/com.atproto.repo.getRecord", params={"repo": repo, "collection": collection, "rkey": rkey}
    )
    answer.raise_for_status()
    return answer.json()


def posts(service: str, did: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{service}/xrpc/com.atproto.repo.listRecords",
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100},
    )
    answer.raise_for_status()
    return answer.json()["records"]


def blob(service: str, did: str, ref: dict[str, Any]) -> bytes:
    answer = httpx.get(f"{service}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": ref["ref"]["$link"]})
    answer.raise_for_status()
    return answer.content


@pytest.fixture()
def channel(bluesky_config: dict[str, object]):
    chan = BlueskyChannel(bluesky_config)
    yield chan
    chan.close()


def test_tid_is_valid_and_deterministic():
    keys = [f"{n:032x}" for n in range(500)]
    tids = [tid_from_key(k) for k in keys]
    assert len(set(tids)) == len(tids)
    assert tids == [tid_from_key(k) for k in keys]
    for tid in tids:
        assert len(tid) == 13 and set(tid) <= set(TID_ALPHABET)
        assert tid[0] in "234567abcdefghij"  # top bit zero


def test_render_shortens_links_and_counts_graphemes(media_site):
    chan = BlueskyChannel({"template": "{title} {hashtags}\n\n{url}"})
    item = release(media_site, title=TITLE)
    post = chan.render(item)
    shown = post.text.split("\n\n")[-1]
    assert item.url not in post.text and shown.endswith("…") and "://" not in shown
    data = post.text.encode()
    link = next(f for f in post.extra["facets"] if f["features"][0]["$type"].endswith("#link"))
    assert link["features"][0]["uri"] == item.url
    assert data[link["index"]["byteStart"] : link["index"]["byteEnd"]].decode() == shown
    # Accents and emoji before the link: byte offsets are far from character offsets.
    assert link["index"]["byteStart"] > post.text.index(shown) + 10
    tags = [f["features"][0]["tag"] for f in post.extra["facets"] if f["features"][0]["$type"].endswith("#tag")]
    assert tags == ["SaludPública", "Vacunación"]
    assert post.length == graphemes(post.text) < len(post.text.encode()) and not post.problems


def test_too_long_is_a_problem_and_never_truncated(media_site):
    summary = "Convocatoria abierta para la vacunación en las veredas. " * 8
    post = BlueskyChannel({}).render(release(media_site, summary=summary))
    assert post.length > 300
    assert post.problems and "300" in post.problems[0] and "social.bluesky" in post.problems[0]
    assert summary.strip() in post.text


def test_card_with_thumbnail_read_back(channel, bluesky_account, media_site):
    """A link card built by the client; the thumbnail (a 9 MB PNG) is shrunk under 1,000,000 B."""
    item = release(
        media_site,
        id="bsky-card",
        title=TITLE,
        media=(image(media_site, "enorme.png", "Textura de colores"),),
    )
    post = channel.render(item)
    published = channel.publish(post)
    got = record(bluesky_account["service"], published.remote_id)["value"]
    assert got["text"] == post.text
    link = got["facets"][0]
    assert link["features"][0]["uri"] == item.url
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert got["text"].encode()[start:end].decode() == post.text.split("\n\n")[-1]
    external = got["embed"]["external"]
    assert got["embed"]["$type"] == "app.bsky.embed.external"
    assert (external["uri"], external["title"], external["description"]) == (item.url, item.title, item.summary)
    thumb = blob(bluesky_account["service"], bluesky_account["did"], external["thumb"])
    assert len(thumb) <= 1_000_000 and external["thumb"]["size"] == len(thumb)
    assert Image.open(io.BytesIO(thumb)).format == "JPEG"
    assert published.remote_id.endswith("/" + post.extra["rkey"])
    assert published.url == f"https://bsky.app/profile/{bluesky_account['handle']}/post/{post.extra['rkey']}"


def test_images_with_alt_and_aspect_ratio(bluesky_config, bluesky_account, media_site):
    gallery = (
        image(media_site, "principal.jpg", "Vacunadora en la vereda"),
        image(media_site, "enorme.png", "Mapa de puntos"),
        image(media_site, "galeria-1.jpg", "Fila de personas"),
        image(media_site, "galeria-2.jpg", "Nevera de vacunas"),
        image(media_site, "galeria-3.jpg", "No cabe: quinta imagen"),
    )
    chan = BlueskyChannel({**bluesky_config, "embed": "images"})
    try:
        post = chan.render(release(media_site, id="bsky-images", media=gallery))
        assert len(post.media) == 4 and not post.card
        got = record(bluesky_account["service"], chan.publish(post).remote_id)["value"]
    finally:
        chan.close()
    images = got["embed"]["images"]
    assert got["embed"]["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in images] == [m["alt"] for m in gallery[:4]]
    for entry in images:
        data = blob(bluesky_account["service"], bluesky_account["did"], entry["image"])
        with Image.open(io.BytesIO(data)) as img:
            assert len(data) <= 1_000_000
            assert entry["aspectRatio"] == {"width": img.width, "height": img.height}
    assert images[0]["aspectRatio"] == {"width": 1600, "height": 900}


def test_image_without_alt_is_a_problem(media_site):
    chan = BlueskyChannel({"embed": "images"})
    post = chan.render(release(media_site, media=(image(media_site, "principal.jpg", alt=""),)))
    assert post.problems and "alt" in post.problems[0]


def test_same_key_twice_makes_one_record(channel, bluesky_account, media_site):
    post = channel.render(release(media_site, id="bsky-twice"))
    assert channel.find_existing(post) is None
    first = channel.publish(post)
    with pytest.raises(DuplicateRejected) as caught:
        channel.publish(post)
    assert caught.value.existing is not None and caught.value.existing.remote_id == first.remote_id
    found = channel.find_existing(post)
    assert found is not None and found.remote_id == first.remote_id
    same = [
        r for r in posts(bluesky_account["service"], bluesky_account["did"]) if r["uri"].endswith(post.extra["rkey"])
    ]
    assert len(same) == 1


def test_live_updates_reply_in_one_thread(channel, bluesky_account, media_site):
    base = live_release(media_site)
    item = base.model_copy(
        update={
            "id": "bsky-live",
            "updates": (
                *base.updates,
                base.updates[0].model_copy(
                    update={"id": "u2", "text": "14:00 — Llegaron 300 mercados.", "url": base.url + "#u2"}
                ),
            ),
        }
    )
    main = channel.publish(channel.render(item))
    # The ledger keeps only remote_id and url: replies must not depend on ``extra``.
    tip = Published(main.remote_id, main.url)
    replies = []
    for update in item.updates:
        post = channel.render(item, update, tip)
        published = channel.publish(post)
        replies.append(published)
        tip = Published(published.remote_id, published.url)
    service = bluesky_account["service"]
    root = record(service, main.remote_id)
    first, second = (record(service, r.remote_id)["value"] for r in replies)
    assert first["reply"]["root"] == {"uri": root["uri"], "cid": root["cid"]} == first["reply"]["parent"]
    assert second["reply"]["root"]["uri"] == root["uri"]
    assert second["reply"]["parent"]["uri"] == replies[0].remote_id
    assert first["embed"]["external"]["uri"] == item.updates[0].url


def test_delete_removes_the_record(channel, media_site):
    post = channel.render(release(media_site, id="bsky-delete"))
    channel.delete(channel.publish(post))
    assert channel.find_existing(post) is None


def test_metrics_without_appview(channel, bluesky_config, bluesky_account, media_site):
    channel.publish(channel.render(release(media_site, id="bsky-metrics")))
    stats = channel.account_stats()
    assert stats.followers is None
    assert stats.posts == len(posts(bluesky_account["service"], bluesky_account["did"]))
    with pytest.raises(NotSupported):
        channel.post_stats(Published("at://x/app.bsky.feed.post/3jzfcijpj2z2a"))
    with pytest.raises(NotSupported):
        channel.mentions()
    # Configured for an AppView the PDS cannot reach: a temporary failure, not a wrong number.
    with_appview = BlueskyChannel({**bluesky_config, "appview": True})
    try:
        with pytest.raises(TransientError):
            with_appview.account_stats()
    finally:
        with_appview.close()


def test_wrong_app_password_is_permanent_and_not_echoed(bluesky_config, media_site):
    chan = BlueskyChannel({**bluesky_config, "app_password": "clave-equivocada-9"})
    with pytest.raises(PermanentError) as caught:
        chan.publish(chan.render(release(media_site, id="bsky-bad-password")))
    assert "clave-equivocada-9" not in str(caught.value) and "contraseña" in caught.value.message


def test_bad_embed_option_names_the_key():
    with pytest.raises(ValueError, match=r"channels\.bluesky\.embed"):
        BlueskyChannel({"embed": "both"})
