"""What ``pregon registros preparar|guardar`` would do, for ``--dry-run``: git is only read.

No fetch (it would write a ref), no ``git status`` that refreshes the index (``--no-optional-locks``),
no commit, no push: the remote is asked with ``git ls-remote``, which changes nothing here.
"""

from __future__ import annotations

from pathlib import Path

from .records_git import RecordsGitError, Remote, _clean, _git, current_branch


def _remote_has(cwd: Path, branch: str, remote: Remote) -> bool:
    result = _git(cwd, "ls-remote", "--heads", remote.target, f"refs/heads/{branch}", remote=remote, check=False)
    if result.returncode != 0:
        raise RecordsGitError(f"no se pudo leer la rama de registros {branch}: {_clean(result.stderr, remote)}")
    return bool(result.stdout.strip())


def _changes(cwd: Path, *paths: str) -> list[str]:
    out = _git(cwd, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--", *paths).stdout
    return [line[3:] for line in out.splitlines() if line.strip()]


def preview_prepare(records: Path, branch: str, remote: Remote) -> list[str]:
    """Spanish notes on what :func:`records_git.prepare` would do; raises as it would."""
    records = records.resolve()
    where = _clean(remote.target, remote)
    if current_branch(records) == branch:
        exists = _remote_has(records, branch, remote)
        return [
            f"{records} ya es la rama {branch}; "
            + (f"se traería y uniría lo que tenga {where}" if exists else f"{where} aún no la tiene: se subiría")
        ]
    top = Path(_git(records.parent, "rev-parse", "--show-toplevel").stdout.strip())
    if not records.is_relative_to(top):
        raise RecordsGitError(f"{records} no está dentro del repositorio {top}")
    relative = records.relative_to(top).as_posix()
    if _changes(top, relative):
        raise RecordsGitError(
            f"{relative}/ tiene cambios sin guardar en esta copia; guárdelos o descártelos antes de "
            f"preparar la rama {branch} (no se tocó nada)"
        )
    if _remote_has(top, branch, remote):
        first = f"se traería la rama {branch} de {where}"
    else:
        first = f"se crearía la rama {branch} (huérfana) con lo que main tiene en {relative}/ y se subiría a {where}"
    return [
        first,
        f"{relative}/ pasaría a ser la rama {branch} (un worktree de git), con lo nuevo de main añadido línea a línea",
    ]


def preview_save(records: Path, branch: str, message: str) -> list[str]:
    """Spanish notes on what ``guardar`` would commit and push."""
    changed = _changes(records, ".")
    if not changed:
        return ["sin cambios nuevos en los registros: no habría commit (solo se subiría lo pendiente)"]
    notes = [f"se guardaría «{message}» con {len(changed)} archivo(s) cambiado(s) y se subiría a {branch}:"]
    notes += [f"  {name}" for name in changed]
    return notes
