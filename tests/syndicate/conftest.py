"""Fixtures of the syndication tests: a hand-made live site, the test network, a project folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syndicate.sitekit import HandSite
from tests.syndicate.testnet import FakeNet


@pytest.fixture()
def hand_site(tmp_path: Path) -> HandSite:
    """A site folder to write with ``.write(specs)`` and serve with ``.serve()``."""
    return HandSite(tmp_path / "site")


@pytest.fixture()
def fakenet() -> Iterator[FakeNet]:
    with FakeNet() as api:
        yield api
    api.assert_no_violations()
