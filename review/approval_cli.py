"""``pregon aprobacion``: the pull-request review as the approval, for CI.

- ``pregon aprobacion estado --pr N``: sets the ``pregon/aprobación`` status on the PR head and
  asks (and e-mails) the approvers still missing (``approval_status``, ``approval_mail``);
- ``pregon aprobacion registrar --commit SHA``: at merge, writes the decisive reviews of the
  merged PR into the records (``approval_record``); on GitLab, the merge request's approvals
  (``forge_gitlab``).

Repository and token: ``approvals.github`` in mkdocs.yml, or on GitHub Actions
``GITHUB_REPOSITORY`` with ``PREGON_GITHUB_TOKEN`` (an App token that can read teams) or
``GITHUB_TOKEN``. Exit status: 0 done, 1 the forge or git could not answer, 2 configuration.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from pregon.cli import config_option


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _setup(config_path: Path):  # type: ignore[no-untyped-def]
    from pregon.syndicate.approvals import github_settings
    from pregon.syndicate.approvals.github_api import GitHubClient
    from pregon.syndicate.config import ConfigError, load_config

    from .changed import GitError
    from .forge_git import Repository
    from .project import ProjectError, load_project

    try:
        config = load_config(config_path)
        project = load_project(config_path)
    except (ConfigError, ProjectError) as exc:
        _fail(str(exc), 2)
    settings = github_settings(config.approvals)
    if settings is None:
        _fail(
            "falta el repositorio o el token de GitHub: configure approvals.github en mkdocs.yml o pase "
            "GITHUB_REPOSITORY y GITHUB_TOKEN (PREGON_GITHUB_TOKEN para leer equipos) al paso",
            2,
        )
    repo = Repository(project.root)
    try:
        top = Path(repo.lines("rev-parse", "--show-toplevel")[0])
    except GitError as exc:
        _fail(f"no es un repositorio git: {exc}", 2)
    repo = Repository(top)
    releases_root = project.releases_root.relative_to(top.resolve()).as_posix()
    assert settings.token is not None
    api = GitHubClient(settings.api_base, settings.token.get_secret_value())
    return config, project, repo, releases_root, settings.repository, api


@click.group()
def aprobacion() -> None:
    """Aprobaciones desde las revisiones del pull request (para CI)."""


@aprobacion.command()
@click.option("--pr", "number", type=int, required=True, help="Número del pull request.")
@click.option("--enlace", default=None, help="Dirección que abre el estado (p. ej. la ejecución del flujo).")
@click.option("--sin-avisar", is_flag=True, help="No pedir revisores ni enviar correos; solo el estado.")
@config_option
def estado(number: int, enlace: str | None, sin_avisar: bool, config_path: Path) -> None:
    """Pone el estado «pregon/aprobación» en el último commit del PR y avisa a quien falta."""
    from pregon.syndicate.approvals import ApprovalUnavailable

    from . import approval_status as status_mod
    from .approval_mail import notify_approvers
    from .changed import GitError
    from .forge_github import evaluate

    config, project, repo, releases_root, repository, api = _setup(config_path)
    try:
        result = evaluate(api, repo, repository, number, config.approvals.control_points, releases_root)
        status = status_mod.status_for(result)
        for line in status_mod.details(result):
            click.echo(line)
        problem = status_mod.post_status(api, repository, result.head, status, enlace)
        if problem:
            _fail(problem)
        click.echo(f"{status_mod.CONTEXT}: {status.state} — {status.description}")
        missing = status_mod.missing_roles(result)
        if missing and not sin_avisar:
            pr = api.get(f"/repos/{repository}/pulls/{number}") or {}
            skip = {str((pr.get("user") or {}).get("login", "")).lower()}
            for note in status_mod.request_reviewers(
                api, repository, number, missing, config.approvals.control_points, skip
            ):
                click.echo(note)
            waiting = {
                role: [r.path for r in result.releases if role in r.missing] for role in sorted(missing)
            }
            url = str(pr.get("html_url") or f"PR #{number}")
            for note in notify_approvers(config, project, repo, result.head, url, waiting):
                click.echo(note)
    except (ApprovalUnavailable, GitError, LookupError) as exc:
        _fail(f"no se pudo evaluar la aprobación del PR #{number}: {exc}")
    finally:
        api.close()


@aprobacion.command()
@click.option("--commit", "sha", default=None, help="Commit fusionado en main (por defecto GITHUB_SHA o HEAD).")
@click.option("--pr", "number", type=int, default=None, help="Pull request fusionado (por defecto, el del commit).")
@config_option
def registrar(sha: str | None, number: int | None, config_path: Path) -> None:
    """Registra en records/approvals/ las revisiones que aprobaron lo fusionado."""
    from pregon.syndicate.approvals import ApprovalUnavailable

    from .approval_record import append_new, github_records
    from .changed import GitError
    from .forge_github import evaluate

    config, _project, repo, releases_root, repository, api = _setup(config_path)
    try:
        sha = sha or os.environ.get("GITHUB_SHA") or repo.lines("rev-parse", "HEAD")[0]
        numbers = [number] if number else _merged_prs(api, repository, sha)
        if not numbers:
            click.echo(f"el commit {sha[:10]} no viene de un pull request fusionado: no hay aprobaciones que registrar")
            return
        incomplete = []
        for n in numbers:
            result = evaluate(api, repo, repository, n, config.approvals.control_points, releases_root, target=sha)
            written = append_new(config.records / "approvals", github_records(result, repository))
            for record in written:
                click.echo(f"{record.source}: {record.role} aprobado por {record.by} (PR #{n}, revisión {record.review.id if record.review else '?'})")
            for release in result.releases:
                for role, why in release.missing.items():
                    incomplete.append(f"{release.path}: falta {role} ({why}) en el PR #{n}")
        for line in incomplete:
            click.echo(line)
        if incomplete:
            _fail("hay comunicados fusionados sin todas las aprobaciones: no se difundirán hasta aprobarlos")
    except (ApprovalUnavailable, GitError, LookupError) as exc:
        _fail(f"no se pudieron registrar las aprobaciones: {exc}")
    finally:
        api.close()


def _merged_prs(api, repository: str, sha: str) -> list[int]:  # type: ignore[no-untyped-def]
    pulls = api.get_all(f"/repos/{repository}/commits/{sha}/pulls")
    return sorted(int(p["number"]) for p in pulls if p.get("merged_at"))
