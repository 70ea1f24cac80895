"""Run ``pregon syndicate`` as a real subprocess and kill it at the worst moment.

Used by the core's fault tests and by every channel's crash test (real Bluesky PDS, fake APIs).
The exactly-once promise is about a process dying *after the network accepted a post and before
the ledger confirmed it*; only a real SIGKILL of a real process shows the ledger survives that.

Typical use with a fake API (``tests/fakes/api_server.py``)::

    run = SyndicateProcess(project, site_url, channels={"testnet": TESTNET_CHANNEL})
    fake.after_next("create", run.kill_now)   # the fake stored the post; kill before it answers
    result = run.start().wait()
    assert result.killed
    again = run_syndicate(project, site_url, channels=…)   # reconciles: 0 duplicates

With a real server you cannot hook into (the Bluesky PDS), put a :class:`KillingProxy` between the
channel and the server and point the channel's ``api_base``/``service`` at ``proxy.url``::

    with KillingProxy(pds_url) as proxy:
        run = SyndicateProcess(project, site_url)
        proxy.kill_after(lambda method, path: path.endswith("/com.atproto.repo.createRecord"), run.kill_now)
        result = run.start().wait()

API:

* ``SyndicateProcess(project, site, *args, env=None, channels=None)`` — ``project`` is the folder
  with mkdocs.yml (the working directory); ``args`` are extra CLI arguments (``"--dry-run"``…);
  ``env`` is added to the environment (secrets for ``!ENV``); ``channels`` maps channel names to
  ``"module:Class"`` added to the registry in that process only (test-only channels).
  ``command="demo"`` runs ``pregon demo`` instead (``site`` is then ignored).
  ``.start()``, ``.kill_now(*_)`` (SIGKILL and reap; accepts and ignores hook arguments),
  ``.wait(timeout)`` → :class:`Result`.
* ``run_syndicate(project, site, *args, **kw)`` — start and wait.
* ``run_pregon(project, *args, env=None)`` — any other ``pregon`` subcommand, to completion.
* ``Result(returncode, stdout, stderr, killed)``; ``result.output`` is stdout + stderr.
* ``KillingProxy(upstream)`` — context manager; ``.url``; ``.kill_after(predicate, hook)`` arms
  one kill: the first request matching ``predicate(method, path)`` is forwarded, the upstream
  answers, then ``hook()`` runs before the answer is relayed. ``.requests`` lists what passed.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx

ROOT = Path(__file__).resolve().parents[2]

_BOOT = (
    "import json, sys\n"
    "from pregon.syndicate.channels import REGISTRY\n"
    "REGISTRY.update(json.loads(sys.argv[1]))\n"
    "from pregon.cli import main\n"
    "sys.argv = ['pregon'] + sys.argv[2:]\n"
    "main()\n"
)


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str
    killed: bool

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class SyndicateProcess:
    """One ``pregon syndicate`` run in a subprocess (see the module docstring)."""

    def __init__(
        self,
        project: Path,
        site: str,
        *args: str,
        env: dict[str, str] | None = None,
        channels: dict[str, str] | None = None,
        command: str = "syndicate",
    ):
        self.project = project
        self.argv = [sys.executable, "-c", _BOOT, json.dumps(channels or {}), command]
        if command == "syndicate":
            self.argv += ["--site", site]
        self.argv += list(args)
        # approvals `provider: auto` turns to GitHub on an Actions runner with a token: a test says
        # so itself (``env``), the runner that runs the suite must not.
        inherited = {k: v for k, v in os.environ.items() if k not in _FORGE_ENV}
        self.env = {
            **inherited,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "COLUMNS": "250",  # wide tables: one row per line, easy to read in assertions
            **(env or {}),
        }
        self.popen: subprocess.Popen[str] | None = None
        self._kill_sent = False
        self._lock = threading.Lock()

    def start(self) -> SyndicateProcess:
        self.popen = subprocess.Popen(
            self.argv,
            cwd=self.project,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        return self

    def kill_now(self, *_: object) -> None:
        """SIGKILL the run and reap it; safe to call from a server thread (FakeAPI hook).

        The decision is recorded *before* the signal: the main thread's ``communicate()`` can
        reap the process the moment it dies, and :meth:`wait` must then already see it."""
        with self._lock:
            if self.popen is None or self.popen.poll() is not None:
                return
            self._kill_sent = True
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def wait(self, timeout: float = 120) -> Result:
        assert self.popen is not None, "start() first"
        try:
            stdout, stderr = self.popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_now()
            stdout, stderr = self.popen.communicate()
            raise AssertionError(f"pregon syndicate did not finish in {timeout} s:\n{stdout}\n{stderr}") from None
        return Result(self.popen.returncode, stdout, stderr, self.killed)

    @property
    def killed(self) -> bool:
        """Whether this harness's SIGKILL is what ended the run (not a crash or a normal exit)."""
        with self._lock:
            return self._kill_sent and self.popen is not None and self.popen.returncode == -signal.SIGKILL


def run_syndicate(project: Path, site: str, *args: str, timeout: float = 120, **kw: object) -> Result:
    """Run ``pregon syndicate --site site *args`` in ``project`` and wait for it."""
    return SyndicateProcess(project, site, *args, **kw).start().wait(timeout)  # type: ignore[arg-type]


_FORGE_ENV = {"GITHUB_REPOSITORY", "GITHUB_TOKEN", "PREGON_GITHUB_TOKEN"}


def run_pregon(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``pregon *args`` (any subcommand) in ``project`` and wait; stdout/stderr as text."""
    return subprocess.run(
        [sys.executable, "-c", _BOOT, "{}", *args],
        cwd=project,
        env={**{k: v for k, v in os.environ.items() if k not in _FORGE_ENV}, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "host",
    "content-encoding",
}


class KillingProxy:
    """A forwarding HTTP proxy on 127.0.0.1 that can kill the client between answer and relay."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.requests: list[tuple[str, str]] = []
        self._armed: list[tuple[Callable[[str, str], bool], Callable[[], None]]] = []
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None

    def kill_after(self, predicate: Callable[[str, str], bool], hook: Callable[[], None]) -> None:
        with self._lock:
            self._armed.append((predicate, hook))

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _take(self, method: str, path: str) -> Callable[[], None] | None:
        with self._lock:
            for index, (predicate, hook) in enumerate(self._armed):
                if predicate(method, path):
                    del self._armed[index]
                    return hook
        return None

    def __enter__(self) -> Self:
        proxy = self
        client = httpx.Client(timeout=60.0)

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                proxy.requests.append((self.command, self.path))
                upstream = client.request(
                    self.command,
                    proxy.upstream + self.path,
                    content=body,
                    headers=headers,
                )
                hook = proxy._take(self.command, self.path.split("?")[0])
                if hook is not None:
                    hook()  # the upstream has acted; the client dies before it hears about it
                try:
                    self.send_response(upstream.status_code)
                    for key, value in upstream.headers.items():
                        if key.lower() not in _HOP_BY_HOP:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(upstream.content)))
                    self.end_headers()
                    self.wfile.write(upstream.content)
                except OSError:
                    pass  # the client was killed

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward

        self._client = client
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._client.close()
