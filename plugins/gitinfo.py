"""Last commit that changed each release file, from a single ``git log`` pass."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Commit:
    sha: str
    time: datetime


def last_commits(folder: Path, paths: Iterable[str]) -> dict[str, Commit]:
    """Map each path (relative to ``folder``) to the newest commit that touched it.

    One ``git log`` process walks history newest first and stops as soon as every path is seen.
    Outside a git work tree (or without git) the map is empty, so builds from a tarball work.
    """
    wanted = set(paths)
    found: dict[str, Commit] = {}
    if not wanted:
        return found
    cmd = [
        "git",
        "log",
        "--relative",
        "--name-only",
        "--no-renames",
        "--format=%x00%H %cI",
        "--",
        ".",
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return found
    assert proc.stdout is not None
    current: Commit | None = None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if line.startswith("\0"):
            sha, when = line[1:].split(" ", 1)
            current = Commit(sha, datetime.fromisoformat(when))
        elif line and current is not None and line in wanted and line not in found:
            found[line] = current
            if len(found) == len(wanted):
                break
    proc.kill()
    proc.wait()
    return found
