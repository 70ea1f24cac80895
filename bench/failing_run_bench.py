"""A run where every API call fails: how long until ``pregon syndicate`` gives up, against a goal.

Without a circuit breaker, 24 items with 4 attempts each and a 30 s timeout took about 400 s on
one channel alone. This serves a live site with ``--items`` approved releases (24 by default) and
configures several accounts whose APIs all fail, each in its own way, on local servers:

* ``mastodon`` — a server that accepts the connection and never answers (the default 30 s timeout);
* ``x``, ``facebook``, ``threads`` — servers that answer every request with 500;
* ``linkedin`` — a port where nothing listens (connection refused);
* ``telegram`` — 500 as well, with its own default timeout (60 s) never reached;
* ``outbox`` — the only working account, so the run is not trivially empty.

Every option is the shipped default (retries, waits, timeouts, ``breaker.failures``). The run goes
through :func:`pregon.syndicate.runner.syndicate` in this process, as ``pregon syndicate`` does::

    .venv/bin/python bench/failing_run_bench.py            # 24 items; goal: under 60 s
    .venv/bin/python bench/failing_run_bench.py --items 3 --no-hang   # a quick smoke run

It prints the time, the goal and their ratio (< 1 meets the goal), and the requests each failing
server received. The live site comes from the tests' hand-made site kit (tests/syndicate/sitekit.py).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pregon.syndicate.config import parse_config  # noqa: E402
from pregon.syndicate.runner import syndicate  # noqa: E402

from tests.fakes.api_server import FakeAPI, Reply, Request  # noqa: E402
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project  # noqa: E402

GOAL_SECONDS = 60.0


class Failing(FakeAPI):
    """Answers every request, on any path, with HTTP 500."""

    def __init__(self) -> None:
        super().__init__()
        for method in ("GET", "POST", "PUT", "DELETE"):
            self.add_route(method, r"/.*", self._fail, "fail")

    def _fail(self, request: Request) -> Reply:
        return Reply(500, {"error": "internal error"})


class Hanging:
    """Accepts connections and never answers (the request times out on the client's side)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.connections:
            connection.close()


def closed_port() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=24)
    parser.add_argument("--no-hang", action="store_true", help="Sin el servidor que nunca responde (prueba rápida).")
    args = parser.parse_args()

    failing = {name: Failing().start() for name in ("x", "facebook", "threads", "telegram")}
    hanging = Hanging()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        site = HandSite(work / "site")
        specs = [Spec(f"comunicado-{n:02d}", title=f"Comunicado {n}") for n in range(args.items)]
        site.write(specs)
        channels: dict[str, dict[str, object]] = {
            "outbox": {"folder": str(work / "outbox")},
            "x": {
                "api_base": failing["x"].url,
                "consumer_key": "ck-bench-000",
                "consumer_secret": "cs-bench-000",
                "access_token": "at-bench-000",
                "access_token_secret": "as-bench-000",
            },
            "facebook": {"api_base": failing["facebook"].url, "page_id": "1", "page_access_token": "fb-bench-000"},
            "threads": {"api_base": failing["threads"].url, "threads_user_id": "1", "access_token": "th-bench-000"},
            "telegram": {"api_base": failing["telegram"].url, "bot_token": "1:tg-bench-000", "chat_id": "@b"},
            "linkedin": {"api_base": closed_port(), "organization": "1", "access_token": "li-bench-000"},
        }
        if not args.no_hang:
            channels["mastodon"] = {"instance": hanging.url, "access_token": "ma-bench-000"}
        raw = {"channels": channels, "backlog_limit": args.items}
        project = make_project(work / "project", raw)
        for spec in specs:
            approve(project, spec.digest)
        config = parse_config(raw, project / "mkdocs.yml")
        with site.serve() as url:
            started = time.perf_counter()
            report = syndicate(url, config)
            elapsed = time.perf_counter() - started
    hanging.close()
    published = report.count("published")
    stopped = [o.channel for o in report.outcomes if "se dejó de usar esta cuenta" in o.detail]
    print(f"{args.items} comunicados × {len(channels)} cuentas ({len(channels) - 1} fallando en todo)")
    print(f"tiempo: {elapsed:.1f} s; meta: menos de {GOAL_SECONDS:.0f} s; razón: {elapsed / GOAL_SECONDS:.2f}")
    print(f"publicados en outbox: {published}; cuentas suspendidas por el cortacircuitos: {', '.join(stopped)}")
    for name, server in failing.items():
        print(f"  {name}: {len(server.requests)} solicitudes")
        server.stop()
    print(f"  mastodon: {len(hanging.connections)} conexiones sin respuesta")
    print(f"  linkedin: conexión rechazada; {'suspendida' if 'linkedin' in stopped else 'NO suspendida'}")
    sys.exit(0 if elapsed < GOAL_SECONDS and published == args.items else 1)


if __name__ == "__main__":
    main()
