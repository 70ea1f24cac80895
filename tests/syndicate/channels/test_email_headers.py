"""E-mail headers and recipients against the REAL SMTP server (aiosmtpd, STARTTLS + AUTH): what
travels on the wire is read back from the bytes the server received."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PermanentError
from pregon.syndicate.channels.email import EmailChannel

from tests.syndicate.channels import test_email

# The channel's configuration and private folder, as the other e-mail tests have them.
config = test_email.config
private = test_email.private

LONG_TOKEN_URL = "https://alcaldia.test/servicios/prensa/darse-de-baja?lista={list}&t={token}&origen=correo-de-prensa"


def _headers(raw: bytes) -> str:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii")


def test_list_unsubscribe_travels_as_plain_ascii_uris(smtp_server, config, press_portal):
    channel = EmailChannel({**config, "unsubscribe_url": LONG_TOKEN_URL})
    item = press_portal.release(id="correo-baja", press_lists=["medios-nacionales"])
    channel.publish(channel.render(item))
    assert smtp_server.messages
    for delivery in smtp_server.messages:
        head = _headers(delivery.raw)
        unfolded = re.sub(r"\n[ \t]+", " ", head)
        [value] = re.findall(r"^List-Unsubscribe: (.*)$", unfolded, re.MULTILINE)
        assert "=?" not in value, head  # never RFC 2047
        https, mailto = re.fullmatch(r"<(https://[^>]+)>, <(mailto:[^>]+)>", value).groups()  # type: ignore[union-attr]
        assert https.startswith("https://alcaldia.test/servicios/prensa/darse-de-baja?lista=medios-nacionales&t=")
        assert mailto == "mailto:baja@alcaldia.test?subject=baja%20medios-nacionales"
        assert re.search(r"^List-Unsubscribe-Post: List-Unsubscribe=One-Click$", unfolded, re.MULTILINE)
        assert all(len(line) <= 998 for line in head.split("\n"))
        # And a standard parser reads back the same value.
        assert message_from_bytes(delivery.raw, policy=policy.default)["List-Unsubscribe"] == value


@pytest.mark.parametrize("title", ["Jornada\r\nBcc: todos@medio.example", "Jornada\nde salud", "Jornada\rde salud"])
def test_a_title_with_a_line_break_fails_the_post_once_and_sends_nothing(smtp_server, config, press_portal, title):
    channel = EmailChannel(config)
    # The manifest reader refuses a carriage return already (test_manifest_reader.py); the channel
    # refuses every line break on its own all the same, whoever hands it the item.
    item = press_portal.release(id="correo-salto", title="Jornada", press_lists=["medios-nacionales"])
    post = channel.render(item.model_copy(update={"title": title}))
    assert post.problems == ("correo: el título del comunicado tiene un salto de línea; escríbalo en una sola línea",)
    # Even a caller that ignores the problems gets a clean, permanent refusal (no retry loop).
    with pytest.raises(PermanentError, match="el asunto del correo tiene un salto de línea"):
        channel.publish(post)
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "entry",
    [
        "no-es-una-direccion",
        "dos@medio.example, tres@medio.example",
        "Ana <ana@medio.example>\r\nBcc: todos@medio.example",
        "ana@@medio.example",
        "ana@medio",
        "josé@medio.example",
        "ana@medio.example\x00",
        "<>",
        "",
    ],
)
def test_bad_recipient_entries_name_the_list_and_position_never_the_address(
    smtp_server,
    config,
    private,
    press_portal,
    entry,
):
    lists = {"medios-nacionales": ["mesa@agencia.example", entry]}
    (private / "listas.yml").write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")
    channel = EmailChannel(config)
    with pytest.raises(PermanentError) as caught:
        channel.publish(channel.render(press_portal.release(id="correo-lista", press_lists=["medios-nacionales"])))
    message = str(caught.value)
    assert "la entrada 2 de la lista 'medios-nacionales' no es una dirección válida" in message
    assert "medio.example" not in message and "mesa@" not in message
    assert smtp_server.messages == []  # refused before any SMTP session


def test_valid_entries_reach_the_server(smtp_server, config, private, press_portal):
    lists = {
        "medios-nacionales": ['"Pérez, Ana" <ana@emisora.example>', "Mesa <mesa@agencia.example>", "x@alcaldía.example"]
    }
    (private / "listas.yml").write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")
    channel = EmailChannel(config)
    channel.publish(channel.render(press_portal.release(id="correo-validas", press_lists=["medios-nacionales"])))
    assert sorted(d.rcpt_tos[0] for d in smtp_server.messages) == [
        "ana@emisora.example",
        "mesa@agencia.example",
        "x@xn--alcalda-dza.example",  # the domain in its ASCII form
    ]


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("unsubscribe_url", "https://alcaldía.test/baja?l={list}", "channels.email.unsubscribe_url"),
        ("unsubscribe_url", "https://x.test/baja?l={list}>, <https://evil.example", "channels.email.unsubscribe_url"),
        ("unsubscribe_url", "javascript:alert(1)", "channels.email.unsubscribe_url"),
        ("unsubscribe_mailto", "baja@x.test, otro@x.test", "channels.email.unsubscribe_mailto"),
        ("sender", "Prensa <prensa@alcaldia.test>\r\nBcc: x@y.example", "channels.email.sender"),
        ("reply_to", "no-es-direccion", "channels.email.reply_to"),
    ],
)
def test_header_options_are_checked_when_the_channel_is_configured(config, option, value, said):
    with pytest.raises(ValueError, match=re.escape(said)):
        EmailChannel({**config, option: value})


def test_private_file_path_is_the_only_place_named(config, private, press_portal):
    (private / "listas.yml").write_text("medios-nacionales: [ana@medio]\n", encoding="utf-8")
    channel = EmailChannel(config)
    with pytest.raises(PermanentError, match=re.escape(str(Path(private / "listas.yml")))):
        channel.publish(channel.render(press_portal.release(id="correo-ruta", press_lists=["medios-nacionales"])))
