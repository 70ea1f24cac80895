"""The press e-mail as journalists read it, received by a REAL SMTP server (aiosmtpd) and parsed
back with the standard library's e-mail parser: subject, parts, full text, dateline, contact,
attachment size rule, yearly numbers, names in ``To:``, live updates by opt-in, and the rule
that a plain relay without TLS is used only when configured for it.

The release's page is served over real HTTP (``press_portal``): the message takes its text from
there, as it does from the live portal."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from pregon.syndicate.alerts import SmtpSettings, send_mail
from pregon.syndicate.channels.base import PermanentError, TransientError
from pregon.syndicate.channels.email import EmailChannel
from pregon.syndicate.channels.press_body import parse_body
from pregon.syndicate.manifest import Manifest

from tests.syndicate.channels import test_email
from tests.syndicate.channels.sample_release import image, live_release

config = test_email.config
private = test_email.private

ENTITY = {
    "name": "Alcaldía de San Isidro del Río",
    "city": "San Isidro del Río",
    "phone": "+57 000 000 0001",
    "email": "contactenos@alcaldia.test",
    "press_contact": {
        "name": "Laura Gómez, jefa de prensa",
        "phone": "+57 300 000 0000",
        "email": "prensa@alcaldia.test",
    },
}


def site_manifest(url: str) -> Manifest:
    return Manifest.model_validate(
        {
            "format": "pregon-manifest",
            "version": 1,
            "generated_at": "2026-11-20T10:00:00-05:00",
            "site_url": url,
            "feeds": {"rss": url + "feed.xml", "atom": url + "atom.xml", "json": url + "feed.json"},
            "entity": ENTITY,
            "items": [],
        }
    )


def channel_for(options: dict, portal, records: Path | None = None) -> EmailChannel:
    channel = EmailChannel(options)
    channel.attach_site(site_manifest(portal.url))
    if records is not None:
        channel.attach_records(records, lambda: None)
    return channel


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")


def write_lists(private: Path, lists: dict) -> None:
    (private / "listas.yml").write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")


def test_subject_parts_full_text_dateline_and_contact(smtp_server, config, press_portal):
    item = press_portal.release(id="correo-completo", press_lists=["medios-nacionales"])
    channel = channel_for(config, press_portal)
    channel.publish(channel.render(item))
    message = smtp_server.messages[0].message
    assert message["Subject"] == "Comunicado de prensa — Alcaldía de San Isidro del Río: " + item.title
    assert message.get_content_type() == "multipart/mixed"  # principal.jpg is far below 5 MB
    [alternative, attachment] = message.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "image/jpeg" and attachment.get_filename() == "principal.jpg"

    text, html = text_of(message), html_of(message)
    # Dateline: the entity's city and the release's date in Spanish, in Bogotá (08:00 -05:00).
    assert "San Isidro del Río, 20 de noviembre de 2026. La Secretaría de Salud vacunará casa a casa" in text
    assert "<strong>San Isidro del Río, 20 de noviembre de 2026.</strong>" in html
    # The full text of the live page, not only the summary; its links made absolute to the portal.
    assert "Vereda La Palma: salón comunal." in text and "<li>Vereda La Palma: salón comunal.</li>" in html
    assert f'<a href="{press_portal.url}documentos/horarios.pdf"' in html
    assert f"{press_portal.url}documentos/horarios.pdf" in text
    assert f'<img src="{press_portal.url}galeria-2.jpg" alt="Brigada de salud en la vereda"' in html
    assert "iframe" not in html and "pie" not in text  # players are dropped; nothing outside the body
    # The press contact of the entity, in both parts.
    assert (
        "Contacto de prensa:\nLaura Gómez, jefa de prensa\nTeléfono: +57 300 000 0000\nCorreo: prensa@alcaldia.test"
        in text
    )
    assert "Laura Gómez, jefa de prensa<br>Teléfono: +57 300 000 0000<br>Correo: prensa@alcaldia.test" in html
    # Images linked at full resolution, the main one said to be attached.
    assert f"- Fotografía principal.jpg: {press_portal.url}principal.jpg (adjunta a este correo)" in text
    assert f'<a href="{press_portal.url}principal.jpg"><img src="{press_portal.url}principal.jpg"' in html
    # The canonical URL stays the first link of both parts.
    assert re.findall(r'href="([^"]+)"', html)[0] == item.url
    assert re.search(r"https?://\S+", text).group() == item.url


def test_subject_template_is_configurable_and_checked(smtp_server, config, press_portal):
    item = press_portal.release(id="correo-asunto", press_lists=["medios-nacionales"])
    channel = channel_for(
        {**config, "subject_template": "[{entity}] Comunicado {number}-{year}: {title}"}, press_portal
    )
    channel.publish(channel.render(item))
    assert (
        smtp_server.messages[0].message["Subject"]
        == f"[Alcaldía de San Isidro del Río] Comunicado 001-2026: {item.title}"
    )
    with pytest.raises(ValueError, match=r"channels\.email\.subject_template: marcador desconocido \{entidad\}"):
        EmailChannel({**config, "subject_template": "{entidad}: {title}"})


def test_main_image_over_the_limit_is_linked_and_the_message_says_so(smtp_server, config, press_portal):
    item = press_portal.release(
        id="correo-grande",
        press_lists=["medios-nacionales"],
        media=(image(press_portal.url, "enorme.png", "Mapa del cierre vial"),),
    )
    channel = channel_for(config, press_portal)  # default limit: 5 MB; enorme.png is ~5.9 MB of noise
    channel.publish(channel.render(item))
    message = smtp_server.messages[0].message
    assert message.get_content_type() == "multipart/alternative"
    assert not any(part.get_content_disposition() == "attachment" for part in message.walk())
    text = text_of(message)
    line = next(line for line in text.splitlines() if "enorme.png" in line)
    assert re.fullmatch(
        rf"- Mapa del cierre vial: {re.escape(press_portal.url)}enorme\.png "
        r"\(no se adjunta: pesa 5,\d MB y el límite es 5,0 MB; descárguela del enlace\)",
        line,
    )
    assert len(smtp_server.messages[0].raw) < 1_000_000
    # The same image under a higher limit travels attached.
    bigger = channel_for({**config, "attach_max_bytes": 8_000_000}, press_portal)
    bigger.publish(bigger.render(item.model_copy(update={"id": "correo-grande-adjunto"})))
    attached = [p for p in smtp_server.messages[-1].message.walk() if p.get_content_disposition() == "attachment"]
    assert [p.get_filename() for p in attached] == ["enorme.png"]


def test_numbers_are_per_year_stable_and_kept_in_the_records(smtp_server, config, press_portal, tmp_path, monkeypatch):
    monkeypatch.setenv("PREGON_SENT_LOG_SECRET", "clave-del-registro")
    records = tmp_path / "records"
    first = press_portal.release(id="numero-uno", press_lists=["medios-nacionales"])
    second = press_portal.release(id="numero-dos", press_lists=["medios-nacionales"])
    evening_2025 = press_portal.release(
        id="numero-enero", press_lists=["medios-nacionales"], date="2025-12-31T23:30:00-05:00"
    )
    channel_for(config, press_portal, records).publish(channel_for(config, press_portal, records).render(first))
    # A second run (a new channel, the same records): the next release, then one of the last
    # evening of 2025 in Bogotá (already 2026 in UTC): it counts in 2025.
    again = channel_for(config, press_portal, records)
    again.publish(again.render(second))
    again.publish(again.render(evening_2025))
    labels = [re.search(r"Comunicado n\.º \d{3} de \d{4}", text_of(d.message)).group() for d in smtp_server.messages]
    # Two journalists on the list: each release's two messages carry the same number.
    assert labels == [
        *["Comunicado n.º 001 de 2026"] * 2,
        *["Comunicado n.º 002 de 2026"] * 2,
        *["Comunicado n.º 001 de 2025"] * 2,
    ]
    assert "Comunicado n.º 001 de 2026" in html_of(smtp_server.messages[0].message)
    # A release mailed again (a new list added later) keeps its number.
    write_lists(tmp_path / "privado", {**test_email.LISTS, "medios-nacionales": ["nueva@medio.example"]})
    third = channel_for(config, press_portal, records)
    third.publish(third.render(first))
    assert "Comunicado n.º 001 de 2026" in text_of(smtp_server.messages[-1].message)
    assert sorted(p.name for p in (records / "email" / "numbering").iterdir()) == ["2025.jsonl", "2026.jsonl"]


def test_a_crash_after_numbering_keeps_the_number(smtp_server, config, press_portal, tmp_path, monkeypatch):
    """The run dies while making the number durable (before any message): the number is on disk,
    and the next run gives the release the same one, never the next."""
    monkeypatch.setenv("PREGON_SENT_LOG_SECRET", "clave-del-registro")
    records = tmp_path / "records"
    item = press_portal.release(id="numero-choque", press_lists=["medios-nacionales"])
    dying = channel_for(config, press_portal)

    class Killed(BaseException):
        pass

    def die() -> None:
        raise Killed

    dying.attach_records(records, die)
    with pytest.raises(Killed):
        dying.publish(dying.render(item))
    assert smtp_server.messages == []
    again = channel_for(config, press_portal, records)
    again.publish(again.render(item))
    assert {re.search(r"n\.º \d{3}", text_of(d.message)).group() for d in smtp_server.messages} == {"n.º 001"}


def test_to_carries_the_names_of_the_press_list_safely_encoded(smtp_server, config, private, press_portal):
    write_lists(
        private,
        {
            "medios-nacionales": [
                '"Pérez, Ana María" <ana@emisora.example>',
                "José Núñez <jose@diario.example>",
                "sin-nombre@agencia.example",
            ]
        },
    )
    channel = channel_for(config, press_portal)
    channel.publish(channel.render(press_portal.release(id="correo-nombres", press_lists=["medios-nacionales"])))
    to = {d.rcpt_tos[0]: d for d in smtp_server.messages}
    shown = {address: d.message["To"].addresses[0].display_name for address, d in to.items()}
    assert shown == {
        "ana@emisora.example": "Pérez, Ana María",
        "jose@diario.example": "José Núñez",
        "sin-nombre@agencia.example": "",
    }
    for delivery in smtp_server.messages:
        head = delivery.raw.split(b"\r\n\r\n", 1)[0]
        [line] = [h for h in re.sub(rb"\r\n[ \t]+", b" ", head).split(b"\r\n") if h.startswith(b"To:")]
        assert line.isascii()  # RFC 2047 words, never raw UTF-8 in the header
        assert len(delivery.message["To"].addresses) == 1  # the comma did not make two recipients


def test_live_updates_go_only_to_lists_that_opt_in(smtp_server, config, private, press_portal):
    write_lists(
        private,
        {
            "solo-comunicados": ["redaccion@diario.example", "Mesa <mesa@agencia.example>"],
            "en-vivo": {"live_updates": True, "recipients": ["Mesa <mesa@agencia.example>", "otra@radio.example"]},
        },
    )
    base = live_release(press_portal.url).model_copy(update={"press_lists": ("solo-comunicados", "en-vivo")})
    press_portal.page(base)
    channel = channel_for(config, press_portal)
    channel.publish(channel.render(base))
    update_post = channel.render(base, base.updates[0])
    assert update_post.skip is None
    channel.publish(update_post)
    received = [(d.rcpt_tos[0], d.message) for d in smtp_server.messages]
    updated = sorted(r for r, m in received if "In-Reply-To" in m)
    assert updated == ["mesa@agencia.example", "otra@radio.example"]  # not redaccion@: its list said no
    # Mesa got the release under «solo-comunicados» and the update under «en-vivo»: the update
    # still replies to the message Mesa received.
    original, update = (m for r, m in received if r == "mesa@agencia.example")
    assert "solo-comunicados" in original["List-Id"] and "en-vivo" in update["List-Id"]
    assert update["In-Reply-To"] == original["Message-ID"]
    assert update["Subject"] == "Actualización — Alcaldía de San Isidro del Río: " + base.title
    assert "Se habilitó el albergue del coliseo." in text_of(update)
    assert "Actualización del comunicado n.º 001 de 2026" in text_of(update)
    # A release whose lists all said no: the update is not for e-mail (the run shows it skipped).
    only_releases = base.model_copy(update={"press_lists": ("solo-comunicados",)})
    assert "live_updates" in channel.render(only_releases, base.updates[0]).skip


def test_a_page_with_another_digest_is_not_mailed(smtp_server, config, press_portal):
    """Between the run's live check and the mailing a new deploy changed the page: the e-mail
    never carries a text other than the approved one."""
    item = press_portal.release(id="correo-otra-version", press_lists=["medios-nacionales"])
    press_portal.page(item, digest="sha256:" + "9" * 64)
    channel = channel_for(config, press_portal)
    with pytest.raises(TransientError, match="otra versión"):
        channel.publish(channel.render(item))
    assert smtp_server.messages == []


def test_no_tls_is_refused_unless_configured(smtp_relay, config, press_portal):
    item = press_portal.release(id="correo-rele", press_lists=["medios-nacionales"])
    relay = {**config, "port": smtp_relay.port, "ca_file": None}
    # The relay offers no STARTTLS: the default configuration refuses to send in clear.
    channel = channel_for(relay, press_portal)
    with pytest.raises(PermanentError, match="no ofrece STARTTLS"):
        channel.publish(channel.render(item))
    assert smtp_relay.messages == []
    # Explicitly configured: a relay on this machine, no user or password.
    plain = {k: v for k, v in relay.items() if k != "username"} | {"security": "none"}
    local = channel_for(plain, press_portal)
    local.publish(local.render(item))
    assert sorted(d.rcpt_tos[0] for d in smtp_relay.messages) == ["mesa@agencia.example", "redaccion@diario.example"]
    # Towards another host, or with credentials, it is a configuration error naming the key.
    with pytest.raises(ValueError, match=r"channels\.email\.security: .*127\.0\.0\.1/localhost o con allow_plaintext"):
        EmailChannel({**plain, "host": "smtp.alcaldia.test"})
    with pytest.raises(ValueError, match=r"channels\.email\.security: .*usuario ni contraseña"):
        EmailChannel({**plain, "username": "prensa@alcaldia.test"})
    EmailChannel({**plain, "host": "relay.alcaldia.test", "allow_plaintext": True})  # the office's own relay


def test_alerts_share_the_connection_model(smtp_relay, smtp_server, smtp_tls, monkeypatch):
    """The office alerts read the same keys and follow the same TLS rule as the channel."""
    relay = SmtpSettings.model_validate(
        {"host": "127.0.0.1", "port": smtp_relay.port, "security": "none", "sender": "Pregón <pregon@alcaldia.test>"}
    )
    send_mail(relay, ("prensa@alcaldia.test",), "Pregón: prueba", "Aviso de prueba")
    assert smtp_relay.messages[0].message["Subject"] == "Pregón: prueba"
    monkeypatch.setenv("PREGON_SMTP_PASSWORD", test_email.SMTP_PASSWORD)
    tls = SmtpSettings.model_validate(
        {
            "host": "127.0.0.1",
            "port": smtp_server.port,
            "username": test_email.SMTP_USER,
            "ca_file": str(smtp_tls["ca"]),
            "sender": "Pregón <pregon@alcaldia.test>",
        }
    )
    send_mail(tls, ("prensa@alcaldia.test",), "Pregón: prueba TLS", "Aviso")
    assert smtp_server.messages[0].authenticated_as == test_email.SMTP_USER
    with pytest.raises(ValueError, match="allow_plaintext"):
        SmtpSettings.model_validate({"host": "smtp.alcaldia.test", "security": "none", "sender": "p@alcaldia.test"})


def test_the_body_is_cleaned_again_for_mail():
    """Whatever a page carries, the e-mail keeps only ordinary markup with http(s)/mailto/tel
    addresses, made absolute to the page (no scripts, events, players or javascript:)."""
    page = (
        '<meta name="pregon:digest" content="sha256:1"><div class="pregon-release__body">'
        '<p onclick="x()">Texto <a href="javascript:alert(1)">malo</a> y <a href="otra/">bueno</a>.</p>'
        '<script>robar()</script><iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
        '<img src="data:image/png;base64,AAAA" alt="incrustada"><div><p>anidado</p></div></div>'
        "<p>fuera del cuerpo</p>"
    )
    body = parse_body(page, "https://portal.example/prensa/a/", "sha256:1")
    assert body.html == (
        '<p>Texto <a rel="noopener">malo</a> y <a href="https://portal.example/prensa/a/otra/" rel="noopener">bueno</a>.</p>'
        '<img alt="incrustada"><div><p>anidado</p></div>'
    )
    assert "robar" not in body.text and "fuera del cuerpo" not in body.text
    assert "https://portal.example/prensa/a/otra/" in body.text
