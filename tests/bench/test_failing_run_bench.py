"""Smoke run of the failing-run benchmark (3 items, no hanging server): the script works end to end.

The real figure (24 items, a server that never answers) comes from running
bench/failing_run_bench.py by hand; its speed is a ratio printed there, not asserted here.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_failing_run_bench_suspends_every_failing_account_and_still_posts_to_the_outbox() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "failing_run_bench.py"), "--items", "3", "--no-hang"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "razón:" in proc.stdout, proc.stdout + proc.stderr
    assert "publicados en outbox: 3" in proc.stdout
    assert "cuentas suspendidas por el cortacircuitos: x, facebook, threads, telegram, linkedin" in proc.stdout
    for network in ("x", "facebook", "threads", "telegram"):
        assert f"  {network}: 3 solicitudes" in proc.stdout, proc.stdout
