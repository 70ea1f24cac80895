"""Which releases a pull request adds or changes, from git.

The base is the merge base with the target branch (``origin/<GITHUB_BASE_REF>`` on GitHub,
``origin/<CI_MERGE_REQUEST_TARGET_BRANCH_NAME>`` on GitLab, ``origin/main`` otherwise). Working-tree
changes and new untracked files count too, so the same command works locally before pushing.
A changed image selects the releases that use it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitError(RuntimeError):
    """git could not tell what changed; the message says what to do instead (Spanish)."""


def default_base() -> str:
    target = os.environ.get("GITHUB_BASE_REF") or os.environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or "main"
    return f"origin/{target}"


def _git(root: Path, *args: str) -> list[str]:
    try:
        # quotepath=off: names with ñ or tildes come out as written, not as octal escapes.
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, text=True, check=True
        )
    except FileNotFoundError:
        raise GitError("no se encontró git; indique los archivos a revisar o use --all") from None
    except subprocess.CalledProcessError as exc:
        raise GitError(exc.stderr.strip() or f"git {' '.join(args)} falló") from None
    return [line for line in result.stdout.splitlines() if line]


def changed_files(root: Path, base: str) -> list[Path]:
    """Files added or modified since the merge base with ``base`` (committed or not)."""
    try:
        merge_base = _git(root, "merge-base", base, "HEAD")[0]
    except (GitError, IndexError):
        raise GitError(
            f"no se encontró la rama base `{base}` (¿falta `git fetch origin`? en CI use fetch-depth: 0); "
            "indique los archivos a revisar o use --all"
        ) from None
    top = Path(_git(root, "rev-parse", "--show-toplevel")[0])
    names = _git(root, "diff", "--name-only", "--no-renames", "--diff-filter=ACM", merge_base)
    names += _git(root, "ls-files", "--others", "--exclude-standard", "--full-name")
    return sorted({(top / n).resolve() for n in names if (top / n).is_file()})


def releases_for(changed: list[Path], releases_root: Path) -> list[Path]:
    """The release files among ``changed``, plus the releases that use a changed media file.

    A release uses a file when its text names it relative to the release (``foto.jpg`` next to
    it, ``mi-comunicado/foto.jpg`` in its folder).
    """
    out: set[Path] = set()
    for path in changed:
        if releases_root not in path.parents:
            continue
        if path.suffix == ".md":
            out.add(path)
            continue
        for folder in (path.parent, path.parent.parent):
            if folder != releases_root and releases_root not in folder.parents:
                continue
            for release in folder.glob("*.md"):
                if path.relative_to(folder).as_posix() in release.read_text(encoding="utf-8", errors="replace"):
                    out.add(release)
    return sorted(out)
