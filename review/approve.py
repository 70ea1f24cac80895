"""``pregon approve``: record that a control point approved a release, bound to its digest.

For offline use, the demo and GitLab Free (on GitHub the PR review is the approval and CI records
it: ``pregon aprobacion``). It appends one line per release to
``<records>/approvals/AAAA-MM.jsonl`` (format 2, ``provider: git``, in
``pregon.syndicate.approvals.records``): who — the git identity that ran it (``git config
user.name`` and ``user.email``), never a name typed on the command line —, when, which control
point, the PR, and the digest of the file and its media as ``pregon.plugins.digest`` computes it,
the same digest the manifest publishes. Editing the release afterwards changes the digest, so the
approval stops counting. Whoever authored a commit that touched the release cannot approve it.
``--all`` approves every release under the content folder (used to regenerate the example
content's approvals with ``tools/approve-examples.sh``); an identical record is not written twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.problems import ReleaseError
from pregon.syndicate.config import ConfigError, load_config
from pregon.syndicate.jsonlines import RecordError, append_records, read_records

from pregon.cli import config_option, dry_run_option


def _key(record: dict[str, Any]) -> tuple[str, str, str, str]:
    """What makes two approvals the same (the PR number and the time do not)."""
    updates = json.dumps(record.get("updates") or {}, sort_keys=True)
    return (record["digest"], record["role"], record["by"], updates)


def _git(folder: Path, *args: str) -> tuple[int, str]:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return 127, ""
    return done.returncode, done.stdout.strip()


def git_identity(folder: Path) -> tuple[str, str]:
    """``git config user.name`` and ``user.email`` as git sees them in ``folder``."""
    name = _git(folder, "config", "user.name")[1]
    email = _git(folder, "config", "user.email")[1]
    if not name or not email:
        click.echo(
            'configure su identidad de git antes de aprobar: git config user.name "su-usuario" y '
            'git config user.email "su-correo" (la aprobación queda a nombre de quien la ejecuta)',
            err=True,
        )
        sys.exit(2)
    return name, email


def _authored(path: Path, name: str, email: str) -> bool:
    """Whether this identity authored (or co-authored) a commit that touched ``path``."""
    code, log = _git(
        path.parent,
        "log",
        "--format=%an%x1f%ae%x1f%(trailers:key=Co-authored-by,valueonly,separator=%x1f)",
        "--",
        path.name,
    )
    if code != 0:
        return False  # not a git checkout (a copy of the project): nothing to compare with
    people = {v.strip().lower() for line in log.splitlines() for v in line.split("\x1f")}
    return name.lower() in people or email.lower() in people or any(f"<{email.lower()}>" in p for p in people)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@click.command()
@click.argument("releases", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--role",
    required=True,
    help="Punto de control: contenido o diseño (según mkdocs.yml).",
)
@click.option("--pr", type=click.IntRange(min=1), default=None, help="Número del pull request aprobado.")
@click.option(
    "--all",
    "approve_all",
    is_flag=True,
    help="Aprobar todos los comunicados de la carpeta de contenido.",
)
@click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("content/prensa"),
    show_default=True,
    help="Carpeta de los comunicados (los de --all, y donde debe estar cada uno que se aprueba).",
)
@config_option
@dry_run_option
def approve(
    releases: tuple[Path, ...],
    role: str,
    pr: int | None,
    approve_all: bool,
    content: Path,
    config_path: Path,
    dry_run: bool,
) -> None:
    """Registra la aprobación de uno o varios comunicados (ligada a su huella de contenido).

    Queda a nombre de la identidad de git de quien lo ejecuta (git config user.name / user.email).
    Con --dry-run dice qué aprobaciones registraría, sin escribirlas.
    """
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    points = config.approvals.control_points
    if role not in points:
        click.echo(
            f"el punto de control {role!r} no existe; los configurados son: {', '.join(points)}",
            err=True,
        )
        sys.exit(2)
    login, email = git_identity(config_path.resolve().parent)
    if not {login.lower(), email.lower()} & {a.lower() for a in points[role]}:
        click.echo(
            f"{login} <{email}> no está entre los aprobadores de {role} ({', '.join(points[role])}) en {config_path}",
            err=True,
        )
        sys.exit(2)
    paths = list(releases) + (sorted(p for p in content.rglob("*.md") if p.name != "index.md") if approve_all else [])
    if not paths:
        click.echo("indique uno o más comunicados, o --all", err=True)
        sys.exit(2)
    folder = config.records / "approvals"
    try:
        seen = {_key(r) for _, r in read_records(folder)}
    except RecordError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    new: list[dict[str, Any]] = []
    failed = False
    releases_folder = content.resolve()
    for path in paths:
        if path.suffix != ".md" or path.name == "index.md" or releases_folder not in path.resolve().parents:
            click.echo(f"{_shown(path)}: no es un comunicado (un archivo .md dentro de {content})", err=True)
            failed = True
            continue
        if _authored(path, login, email):
            click.echo(f"{_shown(path)}: {login} es autor de cambios de este comunicado y no puede aprobarlo", err=True)
            failed = True
            continue
        try:
            record = {
                "v": 2,
                "at": at,
                "provider": "git",
                "by": login,
                "email": email,
                "role": role,
                "digest": release_digest(path),
                "source": _shown(path),
                "pr": pr,
                "updates": update_digests(path),
            }
        except ReleaseError as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        key = _key(record)
        if key in seen:
            click.echo(f"{record['source']}: ya aprobado ({role}, {login})")
            continue
        seen.add(key)
        new.append(record)
        done = "se aprobaría" if dry_run else "aprobado"
        click.echo(f"{record['source']}: {done} ({role}, {login}) huella {record['digest'][:19]}…")
    if new and dry_run:
        click.echo(f"Simulación: se añadirían {len(new)} aprobaciones a {folder}/{at[:7]}.jsonl. No se escribió nada.")
    elif new:
        append_records(folder, at[:7], new)
    sys.exit(1 if failed else 0)
