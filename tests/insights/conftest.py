"""Fixtures of the insights tests: a private store outside the repo, a model cache, a synthetic year."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from pregon.insights.private import PrivateStore

ROOT = Path(__file__).resolve().parents[2]


def bench_module(name: str) -> ModuleType:
    """Import a script of bench/ (not a package) by path."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Train the sentiment model once per session, into a throwaway cache (never ~/.cache)."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREGON_CACHE_DIR", str(folder))
        yield folder


@dataclass(frozen=True)
class Year:
    project: Path
    private: Path
    config: Path
    planted: dict[str, int]
    generated: object

    @property
    def records(self) -> Path:
        return self.project / "records"


@pytest.fixture(scope="session")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    """A year of synthetic records made by bench/insights_year.py (read-only for tests)."""
    bench = bench_module("insights_year")
    project = tmp_path_factory.mktemp("anio")
    private = tmp_path_factory.mktemp("anio-privado")
    made = bench.generate(project, PrivateStore(private), start=date(2025, 11, 1), days=365)
    return Year(project, private, project / "mkdocs.yml", dict(bench.PLANTED), made)


@pytest.fixture()
def private_env(year: Year, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(year.private))
    return year.private


# The Bluesky channel's own fixtures (a real PDS on 127.0.0.1), reused rather than duplicated.
from tests.syndicate.channels.conftest import bluesky_account, pds  # noqa: E402, F401
