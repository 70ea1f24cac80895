"""No symbolic link under the docs folder: MkDocs follows them and would copy their targets
(``/etc/passwd``, ``/proc/self/environ`` with the job's secrets, a whole folder) into ``site/``."""

from __future__ import annotations

import os
from pathlib import Path

from .problems import Problem
from .source import display_path


def symlinks_under(root: Path) -> list[Path]:
    """Every symbolic link under ``root`` (never followed), sorted; empty if ``root`` is missing."""
    found: list[Path] = []
    pending = [str(root)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        found.append(Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError:
            continue
    return sorted(found)


def symlink_problems(docs_dir: Path, root: Path | None = None) -> list[Problem]:
    """One problem per symbolic link under ``docs_dir``, worded for the editor who must replace it."""
    return [
        Problem(
            display_path(link, root),
            None,
            "es un enlace simbólico: Pregón no publica enlaces (podrían sacar archivos del equipo al portal); "
            "reemplácelo por el archivo o la carpeta real",
        )
        for link in symlinks_under(docs_dir)
    ]
