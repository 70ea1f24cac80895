"""No secret of any channel reaches stdout, stderr, ``records/``, the built site or the outbox.

Every channel of the registry is configured with marker secrets (unique strings, through ``!ENV``
as an office does) and pointed at :class:`EchoAPI`, a local server that answers every request
with an error echoing the request's URL, headers and body (no real network behaves this badly on
purpose; some do by accident). E-mail goes to a real aiosmtpd server that refuses the marker
password. Then ``pregon syndicate`` runs as a real subprocess and every byte it left behind is
searched for each marker and its encoded forms (URL-encoded, base64).
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from urllib.parse import quote

from pregon.syndicate.channels import REGISTRY

from tests.syndicate.channels.conftest import SMTP_USER
from tests.syndicate.channels.echo_api import EchoAPI
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project


def marker(name: str) -> str:
    return f"MRK{name}{uuid.uuid4().hex[:16]}"


def forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()}


def test_no_marker_secret_of_any_channel_leaks_after_a_failing_run(
    tmp_path: Path, hand_site: HandSite, smtp_server, smtp_tls
) -> None:
    secrets = {
        "BSKY_PASSWORD": marker("bsky"),
        "MASTODON_TOKEN": marker("masto"),
        "X_CONSUMER_KEY": marker("xck"),
        "X_CONSUMER_SECRET": marker("xcs"),
        "X_ACCESS_TOKEN": marker("xat"),
        "X_ACCESS_SECRET": marker("xas"),
        "FACEBOOK_PAGE_TOKEN": marker("fb"),
        "INSTAGRAM_TOKEN": marker("ig"),
        "THREADS_TOKEN": marker("th"),
        "LINKEDIN_TOKEN": marker("li"),
        "TELEGRAM_BOT_TOKEN": "8123456789:" + marker("tg"),
        "YOUTUBE_CLIENT_ID": marker("ytid"),
        "YOUTUBE_CLIENT_SECRET": marker("ytsecret"),
        "YOUTUBE_REFRESH_TOKEN": marker("ytrt"),
        "PREGON_SMTP_PASSWORD": marker("smtp"),
        "PREGON_UNSUBSCRIBE_SECRET": marker("unsub"),
        "TIKTOK_TOKEN": marker("tt"),
        "WHATSAPP_TOKEN": marker("wa"),
    }
    private = tmp_path / "privado"
    private.mkdir()
    (private / "listas.yml").write_text(json.dumps({"medios": ["mesa@agencia.example"]}), encoding="utf-8")
    with EchoAPI() as echo:
        api = echo.url
        channels = {
            "outbox": {"folder": "outbox"},
            "bluesky": {"service": api, "handle": "alcaldia.test", "app_password": "@BSKY_PASSWORD"},
            "mastodon": {"instance": api, "access_token": "@MASTODON_TOKEN"},
            "x": {
                "api_base": api,
                "consumer_key": "@X_CONSUMER_KEY",
                "consumer_secret": "@X_CONSUMER_SECRET",
                "access_token": "@X_ACCESS_TOKEN",
                "access_token_secret": "@X_ACCESS_SECRET",
            },
            "facebook": {"api_base": api, "page_id": "1001", "page_access_token": "@FACEBOOK_PAGE_TOKEN"},
            "instagram": {"api_base": api, "ig_user_id": "1002", "access_token": "@INSTAGRAM_TOKEN"},
            "threads": {"api_base": api, "threads_user_id": "1003", "access_token": "@THREADS_TOKEN"},
            "linkedin": {"api_base": api, "organization": "5590", "access_token": "@LINKEDIN_TOKEN"},
            "telegram": {"api_base": api, "chat_id": "@alcaldia", "bot_token": "@TELEGRAM_BOT_TOKEN"},
            "youtube": {
                "api_base": api,
                "token_uri": api + "/token",
                "client_id": "@YOUTUBE_CLIENT_ID",
                "client_secret": "@YOUTUBE_CLIENT_SECRET",
                "refresh_token": "@YOUTUBE_REFRESH_TOKEN",
            },
            "tiktok": {"api_base": api, "access_token": "@TIKTOK_TOKEN"},
            # Sends only to opted-in subscribers (none here): its token is still registered and hidden.
            "whatsapp": {
                "api_base": api,
                "phone_number_id": "1004",
                "template_name": "t",
                "access_token": "@WHATSAPP_TOKEN",
            },
            "email": {
                "host": "127.0.0.1",
                "port": smtp_server.port,
                "username": SMTP_USER,
                "sender": "Prensa <prensa@alcaldia.test>",
                "ca_file": str(smtp_tls["ca"]),
                "recipients_file": str(private / "listas.yml"),
                "unsubscribe_url": "https://alcaldia.test/baja?t={token}",
            },
        }
        # kit-equipo sends through e-mail and Telegram, both configured and searched here.
        assert set(channels) == set(REGISTRY) - {"kit-equipo"}, "every channel of the registry is in this test"
        project = make_project(
            tmp_path / "project",
            {"channels": channels, "retry": {"max_attempts": 2, "backoff": 0.01}},
            env_tags={f"@{name}": name for name in secrets},
        )
        spec = Spec("fuga", video=True, jpeg=True, press_lists=("medios",))
        hand_site.write([spec])
        approve(project, spec.digest)
        with hand_site.serve() as site:
            result = run_syndicate(project, site, env={**secrets, "GITHUB_ACTIONS": "false"}, timeout=300)
        seen = " ".join(
            r.path + json.dumps(r.query) + json.dumps(r.headers) + r.body.decode("utf-8", "replace")
            for r in echo.requests
        )

    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    # The test can fail: the hostile server did receive the secrets it echoes.
    for name in ("BSKY_PASSWORD", "MASTODON_TOKEN", "X_CONSUMER_KEY", "X_ACCESS_TOKEN", "FACEBOOK_PAGE_TOKEN",
                 "INSTAGRAM_TOKEN", "THREADS_TOKEN", "LINKEDIN_TOKEN", "TELEGRAM_BOT_TOKEN", "YOUTUBE_REFRESH_TOKEN", "TIKTOK_TOKEN"):  # fmt: skip
        assert secrets[name] in seen or quote(secrets[name], safe="") in seen, name
    assert smtp_server.logins and not any(ok for _, ok in smtp_server.logins)
    for account in channels:
        if account not in ("outbox", "whatsapp"):
            assert any(account in line and "ERROR" in line for line in result.stdout.splitlines()), account

    places = {"stdout": result.stdout, "stderr": result.stderr}
    for root in (project, hand_site.root):
        for path in root.rglob("*"):
            if path.is_file() and path.name != "mkdocs.yml":
                places[str(path)] = path.read_bytes().decode("utf-8", "replace")
    assert any("records/ledger" in p for p in places) and any("/outbox/" in p for p in places)
    for name, secret in secrets.items():
        for form in forms(secret):
            leaked = [where for where, text in places.items() if form in text]
            assert not leaked, f"{name} ({form}) leaked into {leaked}"
