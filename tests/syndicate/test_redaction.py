"""The one redaction layer: secrets in every encoded form, token shapes, and every exit it guards."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pregon.syndicate.channels.base import PermanentError
from pregon.syndicate.ledger import Ledger
from pregon.syndicate.redaction import HIDDEN, REDACTOR, Redactor, redact
from pregon.syndicate.report import Outcome


def test_a_secret_is_hidden_in_every_form_it_takes_on_the_wire() -> None:
    redactor = Redactor()
    secret = "clave/secreta+con=signos&más"
    redactor.add(secret)
    redactor.add_pair("prensa@alcaldia.test", "contraseña-smtp")
    for form in (
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(b"prensa@alcaldia.test:contrase\xc3\xb1a-smtp").decode(),  # HTTP Basic
        base64.b64encode(b"\0prensa@alcaldia.test\0contrase\xc3\xb1a-smtp").decode(),  # SMTP AUTH PLAIN
    ):
        assert form not in redactor(f"error: {form} (fin)"), form
    assert redactor("nada secreto aquí") == "nada secreto aquí"


@pytest.mark.parametrize("secret", ["tok-ñandú-123\n", "tok-abc-123\x00", "tok-abc-123\r\n"])
def test_a_secret_pasted_with_a_stray_character_is_hidden_as_a_library_quotes_it(secret: str) -> None:
    """httpx (h11) refuses such a header with «Illegal header value b'…'», quoting the value as
    Python writes bytes; the value is hidden in that form, as a str repr, and without the stray
    character."""
    redactor = Redactor()
    redactor.add(secret)
    for text in (f"Illegal header value {secret.encode()!r}", f"valor {secret!r}", f"token {secret.strip()} rechazado"):
        assert "123" not in redactor(text), redactor(text)


def test_an_env_secret_loses_the_line_break_it_was_pasted_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pregon.syndicate.config import load_config

    monkeypatch.setenv("PREGON_TOKEN_PEGADO", "  token-de-prueba-123\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "plugins:\n  - pregon:\n      syndicate:\n        channels:\n"
        "          bluesky: {handle: prensa.test, app_password: !ENV PREGON_TOKEN_PEGADO}\n",
        encoding="utf-8",
    )
    options = load_config(config).channels["bluesky"]
    assert str(options["app_password"]) == "token-de-prueba-123"


def test_short_values_are_not_treated_as_secrets() -> None:
    redactor = Redactor()
    redactor.add("es")
    redactor.add(None)
    assert redactor("idioma es") == "idioma es"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("POST https://api.telegram.org/bot8123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage", "AAHdqTcv"),
        ("Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123"),
        ("GET /me?fields=id&access_token=EAAGm0PX4ZCpsBA123&x=1", "EAAGm0PX4ZCpsBA123"),
        ('OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_token="370773112-GmHx"', "xvz1evFS4wEEPTGEFPHBog"),
        ("session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjIn0.c2lnbmF0dXJl", "eyJzdWIiOiJkaWQ6cGxjIn0"),
    ],
)
def test_token_shaped_text_is_hidden_even_when_not_configured(text: str, hidden: str) -> None:
    result = Redactor()(text)
    assert hidden not in result and HIDDEN in result


def test_channel_errors_ledger_lines_report_rows_and_logs_are_redacted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "marcador-secreto-0f9e8d7c"
    REDACTOR.add(secret)
    error = PermanentError(f"la red respondió: token={secret!r} inválido {secret}")
    assert secret not in error.message and secret not in str(error)
    ledger = Ledger(tmp_path / "ledger", run="r1")
    ledger.append("failed", key="k", item="i", channel="x", digest="sha256:0", error=f"eco {secret}")
    assert secret not in "".join(p.read_text() for p in (tmp_path / "ledger").glob("*.jsonl"))
    assert secret not in Outcome("i", "t", "x", "error", f"detalle {secret}").detail
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info("HTTP Request: GET https://api.example/%s", secret)
    assert caplog.records and secret not in caplog.text
    assert redact(secret) == HIDDEN


def test_on_github_actions_every_new_secret_is_masked_before_use(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    redactor = Redactor()
    redactor.add("jwt-de-sesion-nuevo-123")
    masked = [line.removeprefix("::add-mask::") for line in capsys.readouterr().out.splitlines()]
    assert "jwt-de-sesion-nuevo-123" in masked
    assert base64.b64encode(b"jwt-de-sesion-nuevo-123").decode() in masked
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    Redactor().add("otro-secreto-456789")
    assert capsys.readouterr().out == ""
