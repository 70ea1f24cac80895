"""Telegram channel against a local server reproducing the Bot API (Telegram's own server needs
Telegram's network, so it cannot run here).

Follows core.telegram.org/bots/api: sendMessage, sendPhoto, sendMediaGroup, deleteMessage,
getChatMemberCount, "Formatting options" (HTML) and ResponseParameters (retry_after). The fake
(``fakes_telegram.FakeTelegram``) downloads photos from their published URLs as Telegram does and
checks HTML, lengths and media limits; an undocumented request fails the test.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

import pytest
from pregon.syndicate.channels.base import (
    NotSupported,
    PermanentError,
    RateLimited,
    TransientError,
)
from pregon.syndicate.channels.telegram import TelegramChannel

from tests.conftest import free_port
from tests.syndicate.channels.fakes_telegram import FakeTelegram
from tests.syndicate.channels.sample_release import image, live_release, release

TOKEN = "7012345678:AAH-s3cr3t-t0ken_value"


@pytest.fixture()
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as api:
        yield api


@pytest.fixture()
def channel(fake: FakeTelegram) -> Iterator[TelegramChannel]:
    ch = TelegramChannel({"bot_token": TOKEN, "chat_id": "@alcaldia_demo", "api_base": fake.url})
    yield ch
    ch.close()


def test_render_counts_visible_utf16_and_escapes_html(media_site: str) -> None:
    ch = TelegramChannel({"api_base": "http://127.0.0.1:9"})  # no network: render is offline
    post = ch.render(release(media_site, summary="Niños < 5 años & adultos 👨‍👩‍👧"))
    assert post.extra["method"] == "sendPhoto" and post.limit == 1024
    assert "&lt; 5 años &amp; adultos" in post.extra["html"]
    assert post.length == len(post.text.encode("utf-16-le")) // 2
    long = ch.render(release(media_site, summary="a" * 1100))
    assert "límite es 1024" in long.problems[0]
    text_only = ch.render(release(media_site, media=(), summary="a" * 1100))
    assert text_only.sendable and text_only.limit == 4096 and text_only.extra["method"] == "sendMessage"


def test_text_post_asks_for_a_large_link_preview(fake: FakeTelegram, channel: TelegramChannel, media_site: str) -> None:
    item = release(media_site, media=(), summary="Obras <urgentes> en la vía")
    published = channel.publish(channel.render(item))
    fake.assert_no_violations()
    message = fake.sent()[0]
    assert message["link_preview_options"] == {
        "url": item.url,
        "prefer_large_media": True,
    }
    assert "&lt;urgentes&gt;" in message["text"]
    assert published.url == f"https://t.me/alcaldia_demo/{message['message_id']}"


def test_photo_is_sent_by_its_published_url(fake: FakeTelegram, channel: TelegramChannel, media_site: str) -> None:
    channel.publish(channel.render(release(media_site)))
    fake.assert_no_violations()
    assert fake.sent()[0]["source"] == media_site + "principal.jpg"


def test_gallery_is_a_media_group_of_at_most_ten(fake: FakeTelegram, channel: TelegramChannel, media_site: str) -> None:
    gallery = tuple(image(media_site, f"galeria-{n}.jpg") for n in range(1, 13))
    published = channel.publish(channel.render(release(media_site, media=gallery)))
    fake.assert_no_violations()
    assert len(fake.sent()) == 10 and len(published.remote_id.split(",")) == 10
    assert fake.sent()[0]["caption"].startswith("Jornada") and fake.sent()[1]["caption"] is None
    channel.delete(published)
    assert fake.messages == {}


def test_photo_too_big_for_telegram_to_fetch_is_uploaded_as_a_derivative(
    fake: FakeTelegram, channel: TelegramChannel, media_site: str
) -> None:
    big = {
        **image(media_site, "enorme.png"),
        "bytes": 5_900_000,
        "width": 1400,
        "height": 1400,
    }
    channel.publish(channel.render(release(media_site, media=(big,))))
    fake.assert_no_violations()
    assert fake.sent()[0]["source"] == "attach://foto0"
    # Sent by URL instead, Telegram refuses it.
    fake.messages.clear()
    with pytest.raises(PermanentError, match="HTTP URL"):
        channel.publish(channel.render(release(media_site, media=(image(media_site, "enorme.png"),))))


def test_panorama_is_a_problem_not_a_failed_send(media_site: str) -> None:
    wide = {**image(media_site, "panorama.jpg"), "width": 4200, "height": 180}
    post = TelegramChannel({}).render(release(media_site, media=(wide,)))
    assert "proporción mayor de 20:1" in post.problems[0]


def test_flood_wait_and_bad_request(fake: FakeTelegram, channel: TelegramChannel, media_site: str) -> None:
    fake.fail_next("bot", FakeTelegram.flood(retry_after=7))
    with pytest.raises(RateLimited) as caught:
        channel.publish(channel.render(release(media_site, media=())))
    assert caught.value.retry_after == 7
    fake.fail_next("bot", FakeTelegram.bad_request("chat not found"))
    with pytest.raises(PermanentError, match="chat not found"):
        channel.publish(channel.render(release(media_site, media=())))
    assert fake.messages == {}


def test_live_update_replies_to_the_original(fake: FakeTelegram, channel: TelegramChannel, media_site: str) -> None:
    item = live_release(media_site)
    original = channel.publish(channel.render(item))
    channel.publish(channel.render(item, item.updates[0], reply_to=original))
    assert fake.sent()[1]["reply_to_message_id"] == int(original.remote_id)
    fake.assert_no_violations()


def test_reconciliation_is_impossible_and_says_so(
    channel: TelegramChannel, fake: FakeTelegram, media_site: str
) -> None:
    post = channel.render(release(media_site, media=()))
    channel.publish(post)
    assert channel.find_existing(post) is None  # documented: the Bot API cannot list channel history
    assert channel.account_stats().followers == 842
    with pytest.raises(NotSupported):
        channel.post_stats(channel.publish(channel.render(release(media_site, media=(), summary="otro"))))


def test_the_token_never_leaks(fake: FakeTelegram, media_site: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    post_item = release(media_site, media=())
    seen: list[str] = []
    # A server that is not there: the transport error must not carry the URL (which holds the token).
    down = TelegramChannel(
        {
            "bot_token": TOKEN,
            "chat_id": "@alcaldia_demo",
            "api_base": f"http://127.0.0.1:{free_port()}",
        }
    )
    with pytest.raises(TransientError) as caught:
        down.publish(down.render(post_item))
    seen += [str(caught.value), "".join(traceback.format_exception(caught.value))]
    down.close()
    wrong = TelegramChannel({"bot_token": TOKEN + "x", "chat_id": "@alcaldia_demo", "api_base": fake.url})
    with pytest.raises(PermanentError) as refused:
        wrong.publish(wrong.render(post_item))
    seen += [str(refused.value), "".join(traceback.format_exception(refused.value))]
    wrong.close()
    ok = TelegramChannel({"bot_token": TOKEN, "chat_id": "@alcaldia_demo", "api_base": fake.url})
    published = ok.publish(ok.render(post_item))
    ok.close()
    seen += [repr(published), caplog.text]
    assert "HTTP Request" in caplog.text  # httpx did log the calls, redacted
    for text in seen:
        assert TOKEN not in text and "AAH-s3cr3t" not in text
