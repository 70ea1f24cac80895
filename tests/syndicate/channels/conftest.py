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
