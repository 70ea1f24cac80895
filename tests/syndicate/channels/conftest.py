"""Fixtures of the channel tests. Each channel's helper keeps its fixtures in its own block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

# --- Bluesky: a real PDS + PLC (tests/servers/pds) ------------------------------------------
BLUESKY_PASSWORD = "clave-de-aplicacion-de-prueba"


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Bluesky PDS on 127.0.0.1, started once per session and stopped after."""
    from tests.servers.pds.launcher import PDSUnavailable, running_pds

    log = tmp_path_factory.mktemp("pds") / "pds.log"
    try:
        with running_pds(free_port(), free_port(), log) as server:
            yield server.url
    except PDSUnavailable as exc:
        pytest.fail(f"no Bluesky PDS: {exc}")


@pytest.fixture(scope="session")
def bluesky_account(pds: str) -> dict[str, str]:
    """An account on the PDS: ``did``, ``handle``, ``password`` and ``service``."""
    from tests.servers.pds.launcher import create_account

    account = create_account(pds, "prensa-alcaldia.test", BLUESKY_PASSWORD)
    return {**account, "password": BLUESKY_PASSWORD, "service": pds}


@pytest.fixture()
def bluesky_config(bluesky_account: dict[str, str], tmp_path: Path) -> dict[str, object]:
    """The ``channels.bluesky`` mapping for that account (session kept in a private temp file)."""
    return {
        "service": bluesky_account["service"],
        "handle": bluesky_account["handle"],
        "app_password": bluesky_account["password"],
        "session_file": str(tmp_path / "bluesky-session.json"),
        "appview": False,
    }


# --- end Bluesky ---------------------------------------------------------------------------


# --- X, LinkedIn, Telegram, YouTube (also used by Bluesky and Mastodon) -------------------
# ``media_site``: published images and a video on a real HTTP server (see sample_release.py).
from tests.syndicate.channels.sample_release import media_site  # noqa: E402, F401

# --- end X, LinkedIn, Telegram, YouTube ----------------------------------------------------


# --- E-mail: a real aiosmtpd server with STARTTLS (self-signed CA made here) and AUTH ----------
SMTP_USER = "prensa@alcaldia.test"
SMTP_PASSWORD = "contraseña-smtp-de-prueba-42"


@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throwaway CA and a certificate for 127.0.0.1/localhost signed by it (``ca``, ``cert``, ``key``)."""
    from tests.syndicate.channels.smtp_server import make_certificates

    return make_certificates(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture()
def smtp_server(smtp_tls: dict[str, Path]):
    """An SMTP server on 127.0.0.1 that requires STARTTLS and AUTH; ``.messages`` holds deliveries."""
    from tests.syndicate.channels.smtp_server import SMTPServer

    with SMTPServer(smtp_tls, SMTP_USER, SMTP_PASSWORD) as server:
        yield server


@pytest.fixture()
def smtp_relay():
    """A plain SMTP relay on 127.0.0.1: no STARTTLS, no AUTH (``security: none`` talks to it)."""
    from tests.syndicate.channels.smtp_server import SMTPServer

    with SMTPServer(None) as server:
        yield server


@pytest.fixture(scope="session")
def press_portal(tmp_path_factory: pytest.TempPathFactory):
    """A live portal on real HTTP: the sample media and the pages of the releases a test mails."""
    from tests.conftest import serve_directory
    from tests.syndicate.channels.press_portal import PressPortal
    from tests.syndicate.channels.sample_release import write_media

    folder = tmp_path_factory.mktemp("portal")
    write_media(folder)
    with serve_directory(folder) as url:
        yield PressPortal(folder, url)


# --- end E-mail ----------------------------------------------------------------------------
