"""The team's broadcast kit: ready-to-forward texts and share links, by e-mail and Telegram.

E-mail goes to a REAL SMTP server (aiosmtpd, STARTTLS and AUTH, certificate checked against the
fixture's CA); the Telegram part goes to the local reproduction of the Bot API in
fakes_telegram.py (no Telegram server can run here). The delivered message is parsed back from
the bytes the SMTP server received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pregon.syndicate.channels import channel_class
from pregon.syndicate.channels.base import PermanentError
from pregon.syndicate.channels.team_kit import TeamKitChannel, share_link

from tests.syndicate.channels.conftest import SMTP_PASSWORD, SMTP_USER
from tests.syndicate.channels.fakes_telegram import FakeTelegram
from tests.syndicate.channels.sample_release import live_release, release

TEAM = ["Laura Gómez <laura@alcaldia.test>", "pedro@alcaldia.test"]
BOT = "7000000001:AAH-kit-del-equipo"


@pytest.fixture()
def private(tmp_path: Path) -> Path:
    folder = tmp_path / "privado"
    folder.mkdir()
    (folder / "listas.yml").write_text(json.dumps({"equipo": TEAM}, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture()
def smtp_config(smtp_server: Any, smtp_tls: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("PREGON_SMTP_PASSWORD", SMTP_PASSWORD)
    return {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "username": SMTP_USER,
        "sender": "Oficina de Prensa <prensa@alcaldia.test>",
        "ca_file": str(smtp_tls["ca"]),
    }


@pytest.fixture()
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(BOT, chat_id="-1009876543210") as fake:
        yield fake


def kit(private: Path, **config: Any) -> TeamKitChannel:
    return TeamKitChannel({"recipients_file": str(private / "listas.yml"), **config})


def test_whatsapp_share_link_is_url_encoded_like_encode_uri_component() -> None:
    text = "*Vacunación* en 12 veredas\n\nhttps://alcaldia.test/prensa/a?b=1&c=2"
    link = share_link("whatsapp", text, "https://alcaldia.test/prensa/a?b=1&c=2")
    assert link is not None and link.startswith("https://wa.me/?text=")
    encoded = link.removeprefix("https://wa.me/?text=")
    assert "%20" in encoded and "%0A%0A" in encoded and "%26c%3D2" in encoded and "*Vacunaci%C3%B3n*" in encoded
    assert unquote(encoded) == text


def test_kit_reaches_the_team_by_email_with_texts_and_share_links(
    smtp_server: Any, smtp_config: dict[str, Any], private: Path, media_site: str
) -> None:
    assert channel_class("kit-equipo") is TeamKitChannel
    item = release(media_site, social={"x": "Vacunación en las veredas este sábado 💉"})
    ch = kit(private, email=smtp_config)
    post = ch.render(item)
    assert post.sendable, post.problems
    published = ch.publish(post)
    [delivery] = smtp_server.messages
    assert delivery.authenticated_as == SMTP_USER
    assert sorted(delivery.rcpt_tos) == ["laura@alcaldia.test", "pedro@alcaldia.test"]
    message = delivery.message
    assert message["Subject"] == f"Para difundir: {item.title}"
    assert message["Message-ID"] == published.remote_id
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for label in ("WhatsApp", "Facebook", "X (Twitter)", "LinkedIn", "Telegram"):
        assert f"== {label} ==" in plain and label in html
    wa = next(line for line in plain.splitlines() if line.startswith("Abrir en WhatsApp: "))
    shared = unquote(wa.split("?text=", 1)[1])
    assert shared == f"*{item.title}*\n\n{item.summary}\n\n{item.url}"
    x_link = next(line for line in plain.splitlines() if line.startswith("Abrir en X (Twitter): "))
    assert parse_qs(urlsplit(x_link.split(": ", 1)[1]).query)["text"] == [
        f"Vacunación en las veredas este sábado 💉\n\n{item.url}"
    ]
    assert "caracteres ponderados" in plain and 'href="https://wa.me/?text=' in html
    # Once per release: a second publish of the same post in this run sends nothing more.
    ch.publish(post)
    assert len(smtp_server.messages) == 1 and ch.find_existing(post) is not None


def test_kit_also_goes_to_the_team_telegram_group(
    smtp_server: Any, smtp_config: dict[str, Any], private: Path, media_site: str, telegram: FakeTelegram
) -> None:
    ch = kit(
        private, email=smtp_config, telegram={"bot_token": BOT, "chat_id": "-1009876543210", "api_base": telegram.url}
    )
    published = ch.publish(ch.render(release(media_site)))
    [sent] = telegram.sent()
    assert "Kit de difusión" in sent["text"] and "https://wa.me/?text=" in sent["text"]
    assert published.extra["telegram"] == f"telegram:{sent['message_id']}"
    assert len(smtp_server.messages) == 1
    telegram.assert_no_violations()


def test_kit_needs_a_way_to_reach_the_team_and_a_team(
    private: Path, media_site: str, smtp_config: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="configure email"):
        kit(private)
    with pytest.raises(ValueError, match="redes desconocidas"):
        kit(private, email=smtp_config, networks=["whatsapp", "orkut"])
    nobody = kit(private, email=smtp_config, list="otra")
    with pytest.raises(PermanentError, match="«otra»"):
        nobody.publish(nobody.render(release(media_site)))
    item = live_release(media_site)
    assert kit(private, email=smtp_config).render(item, item.updates[0]).skip


def test_a_title_with_a_line_break_still_makes_a_one_line_subject(
    smtp_server: Any, smtp_config: dict[str, Any], private: Path, media_site: str
) -> None:
    """The build keeps titles on one line, but a hand-made manifest may not: the kit still goes
    out, and the line break cannot add a header to the message."""
    item = release(media_site, title="Cierre vial\nBcc: otro@example.org")
    ch = kit(private, email=smtp_config)
    ch.publish(ch.render(item))
    [delivery] = smtp_server.messages
    assert delivery.message["Subject"] == "Para difundir: Cierre vial Bcc: otro@example.org"
    assert delivery.message["Bcc"] is None
    assert sorted(delivery.rcpt_tos) == ["laura@alcaldia.test", "pedro@alcaldia.test"]
