"""Smoke run of the build benchmark (N = 5, no browser, no Hugo): the script works end to end.

The real figures come from running bench/build_bench.py by hand; they are too slow for `make test`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_build_bench_runs_all_three_builds_on_synthetic_releases(
    tmp_path: Path,
) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "build_bench.py"),
            "--sizes",
            "5",
            "--no-browser",
            "--no-hugo",
            "--keep",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())["sizes"]["5"]
    assert set(figures) >= {"plain", "plain-nosearch", "pregon", "pregon-new", "pregon-live", "ratio"}
    # Same five releases in every build; Pregón adds its listings and the search page.
    assert figures["plain"]["pages"] == figures["plain-nosearch"]["pages"] == 6
    assert figures["pregon"]["pages"] > figures["plain"]["pages"]
    assert all(figures[k]["cpu_seconds"] > 0 and figures[k]["peak_mb"] > 0 for k in ("plain", "pregon"))
    # Every synthetic release is valid, published and searchable (one bundle per year), the one
    # the warm builds added included: they build into the cold build's folder, as an office does.
    # The main bundle (pagefind/ itself) holds the other pages and the dependencias, not releases.
    bundles = (tmp_path / "work/n5/site-pregon/pagefind").glob("*/pagefind-entry.json")
    counts = [json.loads(b.read_text())["languages"]["es"]["page_count"] for b in bundles]
    assert sum(counts) == 6 and len(counts) > 1
    # The warm builds added one release, then one live update, on the cold build's cache.
    assert figures["pregon-new"]["pages"] == figures["pregon-live"]["pages"] == figures["pregon"]["pages"] + 1
    assert "nuevo comunicado (caché) / Pregón en frío" in proc.stdout
    assert (tmp_path / "work/n5/site-plain/search/search_index.json").exists()
    assert "Pregón en frío / Material" in proc.stdout
