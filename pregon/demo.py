"""``pregon demo``: the whole flow offline — build, serve on 127.0.0.1, syndicate to the outbox.

1. Builds the portal (``mkdocs build`` into ``site/``) for ``http://127.0.0.1:<port>/``: the first
   free port from ``--port`` (8000) on; ``PREGON_SITE_URL`` is set to exactly what is served.
2. Serves ``site/`` on that port (a real HTTP server).
3. Runs ``pregon syndicate`` against it with the repository's own configuration (records
   approvals, outbox channel): the example releases are approved in ``records/approvals/``. The
   demo allows the first run to publish the whole example backlog (``publish_backlog``).
4. Prints the per-item table and keeps serving until Ctrl-C (``--no-serve`` stops at once).

A second run publishes nothing new: the ledger in ``records/ledger/`` remembers the first.
Needs no credentials and no network beyond loopback.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import click

from pregon.console import make_console

from .cli import config_option, dry_run_option


def _free_port(start: int) -> int:
    for port in range(start, start + 100):
        with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
            # Same option as the server: a port left in TIME_WAIT by the previous run is reusable.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                raise
            return port
    raise click.ClickException(f"no hay puertos libres entre {start} y {start + 99}")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@click.command()
@click.option(
    "--port",
    default=8000,
    type=click.IntRange(1, 65535 - 99),  # up to 100 ports are tried from here
    show_default=True,
    help="Primer puerto a probar en 127.0.0.1.",
)
@click.option("--no-serve", is_flag=True, help="Termina después de difundir (para CI y pruebas).")
@config_option
@dry_run_option
def demo(port: int, no_serve: bool, config_path: Path, dry_run: bool) -> None:
    """Construye el portal de ejemplo, lo sirve en 127.0.0.1 y difunde sus comunicados al outbox.

    Con --dry-run dice qué construiría, serviría y difundiría, sin escribir nada.
    """
    from pregon.syndicate.cli import print_report
    from pregon.syndicate.config import ConfigError, load_config
    from pregon.syndicate.jsonlines import RecordError
    from pregon.syndicate.lock import LockBusy
    from pregon.syndicate.runner import syndicate

    console = make_console()
    port = _free_port(port)
    site_url = f"http://127.0.0.1:{port}/"
    site_dir = config_path.resolve().parent / "site"
    if dry_run:
        root = config_path.resolve().parent
        console.print(f"Simulación: se construiría el portal para {site_url} en {site_dir}/,")
        console.print(f"se serviría en {site_url} y se difundirían sus comunicados aprobados a {root / 'outbox'}/,")
        console.print(f"anotándolos en {root / 'records' / 'ledger'}/. No se escribió nada.")
        return
    console.print(f"1/3 Construyendo el portal para {site_url} en {site_dir} …")
    env = {**os.environ, "PREGON_SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(config_path),
            "-d",
            str(site_dir),
        ],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        click.echo(build.stdout + build.stderr, err=True)
        raise click.ClickException("la construcción del portal falló")
    os.environ["PREGON_SITE_URL"] = site_url
    handler = functools.partial(_Quiet, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    console.print(f"2/3 Portal publicado en {site_url}")
    try:
        console.print("3/3 Difundiendo lo publicado y aprobado …")
        try:
            report = syndicate(site_url, load_config(config_path), publish_backlog=True)
        except (ConfigError, LockBusy, RecordError) as exc:
            raise click.ClickException(str(exc)) from None
        print_report(report, console)
        outbox = config_path.resolve().parent / "outbox"
        console.print(f"Las publicaciones están en {outbox}/ (un .json y una vista .md por publicación).")
        if not no_serve:
            console.print(f"Sirviendo {site_url} — Ctrl-C para terminar.")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    finally:
        server.shutdown()
        server.server_close()
    sys.exit(0 if report.ok else 1)
