"""A real bare git repository that behaves like a forge with a protected ``main``.

The server-side ``pre-receive`` hook refuses every update of ``refs/heads/main`` (as GitHub branch
protection or a GitLab protected branch refuses the workflow's token) with the forge's own words,
unless the push carries ``PROTECTION_BYPASS=1`` in its environment — the stand-in for the office
merging a pull request through the forge. Other branches (the records branch) are writable.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "Oficina",
    "GIT_AUTHOR_EMAIL": "oficina@alcaldia.test",
    "GIT_COMMITTER_NAME": "Oficina",
    "GIT_COMMITTER_EMAIL": "oficina@alcaldia.test",
}

PRE_RECEIVE = """#!/bin/sh
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ] && [ "$PROTECTION_BYPASS" != "1" ]; then
    echo "GH006: Protected branch update failed for refs/heads/main." >&2
    echo "Changes must be made through a pull request." >&2
    exit 1
  fi
done
exit 0
"""


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **IDENTITY, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def protected_server(root: Path, content: Path) -> Path:
    """A bare repo whose ``main`` is ``content``'s files, then protected by the hook."""
    server = root / "forja" / "portal.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(server))
    seed = root / "semilla"
    git(root, "clone", "-q", str(server), str(seed))
    for path in content.iterdir():
        target = seed / path.name
        if path.is_dir():
            subprocess.run(["cp", "-a", str(path), str(target)], check=True)
        else:
            target.write_bytes(path.read_bytes())
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Portal de la alcaldía")
    git(seed, "push", "-q", "origin", "HEAD:main")
    hook = server / "hooks" / "pre-receive"
    hook.write_text(PRE_RECEIVE)
    hook.chmod(0o755)
    return server


def merge_to_main(server: Path, workdir: Path, path: str, text: str) -> None:
    """The office merges a change to ``main`` through the forge (the hook lets it through)."""
    if not workdir.exists():
        git(server.parent, "clone", "-q", str(server), str(workdir))
    git(workdir, "pull", "-q", "origin", "main")
    target = workdir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(text)
    git(workdir, "add", "-A")
    git(workdir, "commit", "-q", "-m", f"Fusiona {path}")
    git(workdir, "push", "-q", "origin", "HEAD:main", env={"PROTECTION_BYPASS": "1"})


def clone(server: Path, dest: Path) -> Path:
    """A fresh CI checkout of ``main`` (nothing from earlier jobs)."""
    git(server.parent, "clone", "-q", "--branch", "main", str(server), str(dest))
    return dest


def show(server: Path, ref: str, path: str) -> str:
    return git(server, "show", f"{ref}:{path}")


def files(server: Path, ref: str) -> list[str]:
    return git(server, "ls-tree", "-r", "--name-only", ref).split()
