"""Fixtures shared by every test area: free ports, a built example site, and a real HTTP server.

Area-specific fixtures live in each area's own conftest.py (tests/syndicate/conftest.py, …).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXED_NOW = "2026-11-20T10:00:00-05:00"
"""The clock every example-site build uses, so lifecycle (embargo, expiry) is reproducible."""


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(
    dest: Path, site_url: str, *, project: Path = ROOT, now: str = FIXED_NOW, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build`` of ``project`` into ``dest`` with a fixed clock and site URL."""
    env = {**os.environ, "PREGON_SITE_URL": site_url, "PREGON_NOW": now}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(dest)]
    if strict:
        cmd.append("--strict")
    return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path, port: int | None = None) -> Iterator[str]:
    """Serve ``directory`` over real HTTP on 127.0.0.1; yield the base URL."""
    with serve_handler(functools.partial(_QuietHandler, directory=str(directory)), port) as url:
        yield url


@contextlib.contextmanager
def serve_handler(handler: Callable[..., http.server.BaseHTTPRequestHandler], port: int | None = None) -> Iterator[str]:
    """Run a real HTTP server with ``handler`` on 127.0.0.1 in a thread; yield its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port or 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Path:
    """The example content built once per session, for the URL ``served_site`` serves it on."""
    dest = tmp_path_factory.mktemp("site")
    result = build_site(dest, f"http://127.0.0.1:{site_port}/")
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return dest


@pytest.fixture(scope="session")
def served_site(built_site: Path, site_port: int) -> Iterator[str]:
    """The built example site on a real HTTP server; yields its base URL (with trailing slash)."""
    with serve_directory(built_site, site_port) as url:
        yield url


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project (config, content, records) to break or edit in a test."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in ("mkdocs.yml", "content", "records", "overrides"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest
