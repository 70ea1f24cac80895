"""Last commit that changed each release file, from a single ``git log`` pass."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Commit:
    sha: str
    time: datetime  # aware, in UTC: convert to the site's zone before showing it
    added: bool = False  # this commit created the file (its first version, not an edit)


def last_commits(folder: Path, paths: Iterable[str]) -> dict[str, Commit]:
    """Map each path (relative to ``folder``) to the newest commit that touched it.

    One ``git log`` process walks history newest first and stops as soon as every path is seen.
    The commit time is read as a Unix time (``%ct``), so the committer's own UTC offset (a CI
    runner's ``+0000``, a laptop's ``-0500``) never leaks into what the portal shows. Whether that
    commit *added* the file tells a first publication from a later edit: a commit that adds
    several releases at once is not an update of any of them. A shallow clone shows its oldest
    commit as adding everything, which is then (rightly) no update either.
    Outside a git work tree (or without git) the map is empty, so builds from a tarball work.
    """
    wanted = set(paths)
    found: dict[str, Commit] = {}
    if not wanted:
        return found
    cmd = [
        "git",
        "-c",
        "core.quotePath=false",  # accented file names as they are, not octal-escaped
        "log",
        "--relative",
        "--name-status",
        "--no-renames",
        "--format=%x00%H %ct",
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
    sha: str | None = None
    when: datetime | None = None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if line.startswith("\0"):
            sha, stamp = line[1:].split(" ", 1)
            when = datetime.fromtimestamp(int(stamp), UTC)
            continue
        status, _, path = line.partition("\t")
        if not path or sha is None or when is None or path not in wanted or path in found:
            continue
        found[path] = Commit(sha, when, added=status.startswith("A"))
        if len(found) == len(wanted):
            break
    proc.kill()
    proc.wait()
    return found


def tracked_under(folder: Path) -> bool:
    """Whether git tracks any file under ``folder`` (False outside a work tree or without git)."""
    if not folder.is_dir():
        return False
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=folder,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and bool(proc.stdout)
