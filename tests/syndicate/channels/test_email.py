"""E-mail channel against a REAL SMTP server (aiosmtpd) that requires STARTTLS and AUTH.

The server's certificate is signed by a throwaway CA made by the fixture; the channel verifies it
(the CA goes in ``ca_file``), as it verifies public certificates in production. Every delivered
message is parsed back from the bytes the server received.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PermanentError, TransientError
from pregon.syndicate.channels.email import EmailChannel

from tests.syndicate.channels.conftest import SMTP_PASSWORD, SMTP_USER
from tests.syndicate.channels.sample_release import image

LISTS = {
    "periodistas-regionales": ["Ana Pérez <ana@emisora.example>", "redaccion@diario.example"],
    "medios-nacionales": ["mesa@agencia.example", "redaccion@diario.example"],
}


@pytest.fixture()
def private(tmp_path: Path) -> Path:
    """The office's private folder (outside any repository) with the recipients file."""
    folder = tmp_path / "privado"
    folder.mkdir()
    (folder / "listas.yml").write_text(json.dumps(LISTS, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture()
def config(smtp_server, smtp_tls, private, monkeypatch) -> dict[str, object]:
    monkeypatch.setenv("PREGON_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("PREGON_UNSUBSCRIBE_SECRET", "secreto-de-bajas")
    return {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "username": SMTP_USER,
        "sender": "Oficina de Prensa <prensa@alcaldia.test>",
        "ca_file": str(smtp_tls["ca"]),
        "recipients_file": str(private / "listas.yml"),
        "unsubscribe_url": "https://alcaldia.test/baja?lista={list}&t={token}",
        "unsubscribe_mailto": "baja@alcaldia.test",
    }


def press_release(portal, **fields):
    """A release for both lists, its page live on ``portal`` (the e-mail takes its text from there)."""
    return portal.release(press_lists=["periodistas-regionales", "medios-nacionales"], **fields)


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_one_message_per_recipient_with_the_main_image_attached(smtp_server, config, press_portal, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    item = press_release(
        press_portal, id="correo-adjunto", media=(image(press_portal.url, "galeria-1.jpg", "Fila de personas"),)
    )
    channel = EmailChannel(config)
    post = channel.render(item)
    assert not post.problems
    published = channel.publish(post)
    assert published.extra == {"recipients": 3, "sent": 3, "refused": 0}

    # One envelope per recipient, never BCC; the address in both lists gets one message.
    assert sorted(d.rcpt_tos[0] for d in smtp_server.messages) == [
        "ana@emisora.example",
        "mesa@agencia.example",
        "redaccion@diario.example",
    ]
    assert all(len(d.rcpt_tos) == 1 and d.authenticated_as == SMTP_USER for d in smtp_server.messages)
    ids = set()
    for delivery in smtp_server.messages:
        message = delivery.message
        assert message["To"].addresses[0].addr_spec == delivery.rcpt_tos[0]
        assert "Bcc" not in message
        ids.add(message["Message-ID"])
        # multipart/mixed → [multipart/alternative → [text/plain, text/html], image/jpeg]
        assert message.get_content_type() == "multipart/mixed"
        alternative, picture = message.get_payload()
        plain, html_part = alternative.get_payload()
        assert (plain.get_content_type(), html_part.get_content_type()) == ("text/plain", "text/html")
        assert picture.get_content_type() == "image/jpeg" and picture.get_filename() == "galeria-1.jpg"
        assert picture.get_content_disposition() == "attachment"
        html = html_part.get_content()
        assert f'<img src="{press_portal.url}galeria-1.jpg" alt="Fila de personas"' in html
        # The canonical URL is the first link of both parts.
        assert hrefs(html)[0] == item.url
        assert re.search(r"https?://\S+", plain.get_content()).group() == item.url
        press_list = message["List-Id"].split("<")[1].split(".")[0]
        assert message["List-Id"].endswith(f"<{press_list}.alcaldia.test>")
        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe.startswith(f"<https://alcaldia.test/baja?lista={press_list}&t=")
        assert "<mailto:baja@alcaldia.test?subject=baja%20" in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(ids) == 3
    # The address on both lists got it once, under the first list the release names.
    shared = next(d for d in smtp_server.messages if d.rcpt_tos == ["redaccion@diario.example"])
    assert "periodistas-regionales" in shared.message["List-Id"]
    # Different recipients, different unsubscribe tokens.
    assert len({d.message["List-Unsubscribe"] for d in smtp_server.messages}) == 3

    out = capsys.readouterr()
    everything = out.out + out.err + caplog.text + json.dumps(published.extra)
    assert SMTP_PASSWORD not in everything
    assert "ana@emisora.example" not in json.dumps(published.extra) + published.remote_id


def test_message_ids_are_deterministic_and_a_rerun_sends_nothing(smtp_server, config, private, press_portal):
    item = press_release(press_portal, id="correo-idempotente")
    channel = EmailChannel(config)
    post = channel.render(item)
    assert channel.find_existing(post) is None
    first = channel.publish(post)
    again = EmailChannel(config)
    assert again.find_existing(again.render(item)) == first
    again.publish(again.render(item))
    assert len(smtp_server.messages) == 3
    log = (private / "pregon-enviados.jsonl").read_text()
    assert "@" not in log.replace("@alcaldia.test", "")  # addresses are hashed in the sent log
    assert (private / "pregon-enviados.jsonl").stat().st_mode & 0o077 == 0


def test_a_partly_sent_post_is_completed_without_repeats(smtp_server, config, press_portal):
    channel = EmailChannel(config)
    post = channel.render(press_release(press_portal, id="correo-parcial"))
    # The server takes one message, then asks to try again later: the post is half sent.
    smtp_server.accept_limit = 1
    with pytest.raises(TransientError, match="451"):
        channel.publish(post)
    delivered = len(smtp_server.messages)
    assert delivered == 1
    assert channel.find_existing(post) is None
    smtp_server.accept_limit = None
    channel.publish(post)
    recipients = [d.rcpt_tos[0] for d in smtp_server.messages]
    assert len(recipients) == 3 == len(set(recipients))


def test_embargo_is_respected(smtp_server, config, press_portal):
    later = datetime.now(UTC) + timedelta(hours=2)
    channel = EmailChannel(config)
    with pytest.raises(TransientError, match="embargo") as caught:
        channel.publish(channel.render(press_release(press_portal, id="correo-embargo", date=later.isoformat())))
    assert 7000 < caught.value.retry_after <= 7200
    assert smtp_server.messages == []


def test_certificate_is_verified_by_default(smtp_server, config, press_portal):
    channel = EmailChannel({**config, "ca_file": None})
    with pytest.raises(PermanentError, match="certificado"):
        channel.publish(channel.render(press_release(press_portal, id="correo-tls")))
    assert smtp_server.messages == []


def test_wrong_password_is_permanent_and_never_shown(smtp_server, config, press_portal, monkeypatch):
    monkeypatch.setenv("PREGON_SMTP_PASSWORD", "otra-clave-incorrecta")
    channel = EmailChannel(config)
    with pytest.raises(PermanentError) as caught:
        channel.publish(channel.render(press_release(press_portal, id="correo-clave")))
    assert "otra-clave-incorrecta" not in str(caught.value) and SMTP_PASSWORD not in str(caught.value)
    assert smtp_server.logins and not smtp_server.logins[-1][1]
    monkeypatch.delenv("PREGON_SMTP_PASSWORD")
    with pytest.raises(PermanentError, match="PREGON_SMTP_PASSWORD"):
        channel.publish(channel.render(press_release(press_portal, id="correo-sin-clave")))
    assert smtp_server.messages == []


def test_recipients_never_come_from_a_repository(config, press_portal, tmp_path):
    inside = Path(__file__).resolve().parent / "listas-no-permitidas.yml"  # a path in this repository
    channel = EmailChannel({**config, "recipients_file": str(inside), "sent_log": str(tmp_path / "log.jsonl")})
    with pytest.raises(PermanentError, match="dentro del repositorio"):
        channel.publish(channel.render(press_release(press_portal, id="correo-repo")))


def test_unknown_list_and_bad_address_are_named(config, private, press_portal):
    channel = EmailChannel(config)
    with pytest.raises(PermanentError, match="prensa-internacional"):
        channel.publish(channel.render(press_portal.release(id="correo-lista", press_lists=["prensa-internacional"])))
    (private / "listas.yml").write_text("periodistas-regionales: [no-es-una-direccion]\n", encoding="utf-8")
    with pytest.raises(PermanentError, match="entrada 1 de la lista 'periodistas-regionales'") as caught:
        channel.publish(channel.render(press_release(press_portal, id="correo-mala")))
    assert "no-es-una-direccion" not in str(caught.value)


def test_recipients_from_the_environment(smtp_server, config, press_portal, monkeypatch, tmp_path):
    monkeypatch.setenv("PREGON_PRESS_LISTS", json.dumps({"medios-nacionales": ["mesa@agencia.example"]}))
    options = {k: v for k, v in config.items() if k != "recipients_file"}
    nowhere = EmailChannel(options)
    with pytest.raises(PermanentError, match="sent_log"):  # nowhere to remember what was sent
        nowhere.publish(nowhere.render(press_portal.release(id="correo-env", press_lists=["medios-nacionales"])))
    channel = EmailChannel({**options, "sent_log": str(tmp_path / "privado" / "enviados.jsonl")})
    channel.publish(channel.render(press_portal.release(id="correo-env", press_lists=["medios-nacionales"])))
    assert [d.rcpt_tos for d in smtp_server.messages] == [["mesa@agencia.example"]]


def test_configuration_errors_are_spanish_and_name_the_key():
    with pytest.raises(ValueError, match=r"channels\.email\.host"):
        EmailChannel(
            {
                "sender": "prensa@alcaldia.test",
                "unsubscribe_mailto": "baja@alcaldia.test",
                "recipients_file": "/tmp/x.yml",
            }
        )
    with pytest.raises(ValueError, match="darse de baja"):
        EmailChannel({"host": "smtp", "sender": "prensa@alcaldia.test", "recipients_file": "/tmp/x.yml"})
    with pytest.raises(ValueError, match=r"channels\.email\.password"):
        EmailChannel(
            {
                "host": "smtp",
                "sender": "prensa@alcaldia.test",
                "password": "no-aquí",
                "unsubscribe_mailto": "baja@alcaldia.test",
                "recipients_file": "/tmp/x.yml",
            }
        )


def test_release_without_press_lists_sends_nothing(smtp_server, config, press_portal):
    channel = EmailChannel(config)
    post = channel.render(press_portal.release(id="correo-sin-listas"))
    assert "press_lists" in post.skip  # the core reports it as skipped, not as an error
    assert channel.publish(post).extra["recipients"] == 0 and smtp_server.messages == []


def test_in_a_run_the_sent_log_is_in_the_records_keyed_and_pushed_every_k(
    smtp_server, config, private, press_portal, tmp_path, monkeypatch
):
    records = tmp_path / "records"
    pushes: list[int] = []
    channel = EmailChannel({**config, "sent_log_every": 2})
    channel.attach_records(records, lambda: pushes.append(len(smtp_server.messages)))
    monkeypatch.setenv("PREGON_SENT_LOG_SECRET", "clave-del-registro")
    channel.publish(channel.render(press_release(press_portal, id="correo-en-registros")))
    assert len(smtp_server.messages) == 3
    # Made durable once the release's number is given (before any message carries it), then
    # after every 2nd recipient: a crash re-sends at most 2.
    assert pushes == [0, 2]
    log = "".join(p.read_text() for p in (records / "email").glob("*.jsonl"))
    assert len(log.splitlines()) == 3 and "@" not in log
    assert not (private / "pregon-enviados.jsonl").exists()
    # The same key reads the log back (nothing would be re-sent); another key recognises nothing.
    again = EmailChannel(config)
    again.attach_records(records, lambda: None)
    assert again.find_existing(again.render(press_release(press_portal, id="correo-en-registros"))) is not None
    monkeypatch.setenv("PREGON_SENT_LOG_SECRET", "otra-clave")
    assert again.find_existing(again.render(press_release(press_portal, id="correo-en-registros"))) is None


def test_the_records_sent_log_needs_its_secret(config, press_portal, tmp_path, monkeypatch):
    monkeypatch.delenv("PREGON_UNSUBSCRIBE_SECRET", raising=False)
    monkeypatch.delenv("PREGON_SENT_LOG_SECRET", raising=False)
    channel = EmailChannel({**config, "unsubscribe_url": None, "unsubscribe_mailto": "baja@alcaldia.test"})
    channel.attach_records(tmp_path / "records", lambda: None)
    with pytest.raises(PermanentError, match="PREGON_SENT_LOG_SECRET"):
        channel.find_existing(channel.render(press_release(press_portal, id="correo-sin-clave")))
