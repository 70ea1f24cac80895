"""Writer of ``/pregon/next.json``: when the built portal changes next without an edit.

A scheduled run (every 15 minutes, for embargoes) reads it from the deployed portal with
``pregon pendiente`` (:mod:`pregon.pendiente`, which documents the format) and builds and
deploys only if that moment has come or the source commit is not the one deployed.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

NEXT_PATH = "pregon/next.json"
FORMAT = "pregon-next"
VERSION = 1


def source_commit(folder: Path) -> str | None:
    """The commit the build's sources are at (None outside a git work tree or without git)."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    sha = proc.stdout.strip()
    return sha if proc.returncode == 0 and sha else None


def render_next(now: datetime, next_change: datetime | None, commit: str | None) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": now.isoformat(),
        "next_change": next_change.isoformat() if next_change else None,
        "commit": commit,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
