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

import atexit
import os
import re
import sys
import uuid
from pathlib import Path
from typing import NoReturn

import click

from pregon.cli import config_option, dry_run_option, one_line_option


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _quote_untrusted_output() -> None:
    """File names, logins and review texts of a PR are printed: on GitHub Actions the runner must
    not read them as workflow commands (``::add-mask::``, ``::error::``…), so command processing
    stops until the process ends (GitHub's documented ``stop-commands`` with a random marker)."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        marker = uuid.uuid4().hex
        click.echo(f"::stop-commands::{marker}")
        atexit.register(click.echo, f"::{marker}::")


def _alert_and_fail(config, what: str, message: str) -> NoReturn:  # type: ignore[no-untyped-def]
    """The office hears of it (``syndicate.alerts``), and the job fails."""
    from pregon.syndicate.alerts import failure_alert, notify

    click.echo(message, err=True)
    note = notify(failure_alert(what, message), config.alerts, config.channels)
    if note:
        click.echo(note, err=True)
    sys.exit(1)


def _warn_expiry(config, api) -> None:  # type: ignore[no-untyped-def]
    from pregon.syndicate.alerts import notify, token_alert

    alert = token_alert("GitHub", api.expires, config.alerts.token_days)
    if alert is not None:
        click.echo(f"aviso: {alert.subject}")
        note = notify(alert, config.alerts, config.channels)
        if note:
            click.echo(note)


def _project(config_path: Path):  # type: ignore[no-untyped-def]
    """The configuration, the project, its git repository and the releases folder inside it."""
    from pregon.syndicate.config import ConfigError, load_config

    from .changed import GitError
    from .forge_git import Repository
    from .project import ProjectError, load_project

    try:
        config = load_config(config_path)
        project = load_project(config_path)
    except (ConfigError, ProjectError) as exc:
        _fail(str(exc), 2)
    try:
        top = Path(Repository(project.root).lines("rev-parse", "--show-toplevel")[0])
    except GitError as exc:
        _fail(f"no es un repositorio git: {exc}", 2)
    releases_root = project.releases_root.relative_to(top.resolve()).as_posix()
    return config, project, Repository(top), releases_root


def _github(config):  # type: ignore[no-untyped-def]
    from pregon.syndicate.approvals import github_settings
    from pregon.syndicate.approvals.github_api import GitHubClient

    settings = github_settings(config.approvals)
    if settings is None or settings.token is None:
        _fail(
            "falta el repositorio o el token de GitHub: configure approvals.github en mkdocs.yml o pase "
            "GITHUB_REPOSITORY y GITHUB_TOKEN (PREGON_GITHUB_TOKEN para leer equipos) al paso",
            2,
        )
    return settings.repository, GitHubClient(settings.api_base, settings.token.get_secret_value())


@click.group()
def aprobacion() -> None:
    """Aprobaciones desde las revisiones del pull request (para CI)."""


@aprobacion.command()
@click.option("--pr", "number", type=click.IntRange(min=1), required=True, help="Número del pull request.")
@click.option(
    "--enlace",
    default=None,
    callback=one_line_option,
    help="Dirección que abre el estado (p. ej. la ejecución del flujo).",
)
@click.option("--sin-avisar", is_flag=True, help="No pedir revisores ni enviar correos; solo el estado.")
@config_option
@dry_run_option
def estado(number: int, enlace: str | None, sin_avisar: bool, config_path: Path, dry_run: bool) -> None:
    """Pone el estado «pregon/aprobación» en el último commit del PR y avisa a quien falta.

    Con --dry-run lee el PR y dice qué estado pondría y a quién avisaría, sin escribir en GitHub
    ni enviar correos.
    """
    from pregon.syndicate.approvals import ApprovalUnavailable

    from . import approval_status as status_mod
    from .approval_mail import notify_approvers
    from .changed import GitError
    from .forge_github import evaluate

    _quote_untrusted_output()
    config, project, repo, releases_root = _project(config_path)
    repository, api = _github(config)
    try:
        result = evaluate(api, repo, repository, number, config.approvals.control_points, releases_root)
        status = status_mod.status_for(result)
        for line in status_mod.details(result):
            click.echo(line)
        if dry_run:
            _simulate_estado(config, result, status, status_mod, sin_avisar)
            return
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
            waiting = {role: [r.path for r in result.releases if role in r.missing] for role in sorted(missing)}
            url = str(pr.get("html_url") or f"PR #{number}")
            for note in notify_approvers(config, project, repo, result.head, url, waiting):
                click.echo(note)
        _warn_expiry(config, api)
    except (ApprovalUnavailable, GitError, LookupError) as exc:
        message = f"no se pudo evaluar la aprobación del PR #{number}: {exc}"
        if dry_run:
            _fail(message)
        _alert_and_fail(config, f"la aprobación del PR #{number}", message)
    finally:
        api.close()


def _commit_sha(value: str | None) -> str | None:
    """A commit id as git and the forges write it: 7 to 64 hexadecimal digits. Empty (a CI
    variable that is not set) means the default, as before."""
    if not value:
        return None
    if not re.fullmatch(r"[0-9a-fA-F]{7,64}", value):
        raise click.BadParameter(f"{value!r} no es un commit (de 7 a 64 cifras hexadecimales)")
    return value


@aprobacion.command()
@click.option(
    "--commit",
    "sha",
    default=None,
    callback=lambda _ctx, _param, value: _commit_sha(value),
    help="Commit fusionado en main (por defecto el del CI o HEAD).",
)
@click.option(
    "--pr",
    "number",
    type=click.IntRange(min=1),
    default=None,
    help="Pull/merge request fusionado (por defecto, el del commit).",
)
@click.option(
    "--forja",
    type=click.Choice(["auto", "github", "gitlab"]),
    default="auto",
    show_default=True,
    help="auto: github en GitHub Actions, gitlab en GitLab CI (CI_PROJECT_ID).",
)
@config_option
@dry_run_option
def registrar(sha: str | None, number: int | None, forja: str, config_path: Path, dry_run: bool) -> None:
    """Registra en records/approvals/ las revisiones que aprobaron lo fusionado.

    Con --dry-run lee las revisiones y dice qué registraría, sin escribir los registros ni avisar.
    """
    from pregon.syndicate.approvals import ApprovalUnavailable

    from .approval_record import append_new, forge_records, new_records
    from .changed import GitError

    _quote_untrusted_output()
    config, _, repo, releases_root = _project(config_path)
    if forja == "auto":
        forja = "gitlab" if os.environ.get("CI_PROJECT_ID") and not os.environ.get("GITHUB_REPOSITORY") else "github"
    forge = _GitLab(config) if forja == "gitlab" else _GitHub(config)
    try:
        sha = (
            sha or os.environ.get("GITHUB_SHA") or os.environ.get("CI_COMMIT_SHA") or repo.lines("rev-parse", "HEAD")[0]
        )
        numbers = [number] if number else forge.merged(sha)
        if not numbers:
            click.echo(f"el commit {sha[:10]} no viene de un pull request fusionado: no hay aprobaciones que registrar")
            return
        incomplete = []
        for n in numbers:
            result = forge.evaluate(repo, n, config.approvals.control_points, releases_root, sha)
            found = forge_records(result, forge.repository, forja)
            folder = config.records / "approvals"
            written = new_records(folder, found) if dry_run else append_new(folder, found)
            for record in written:
                would = "se registraría: " if dry_run else ""
                click.echo(f"{record.source}: {would}{record.role} aprobado por {record.by} (#{n})")
            for release in result.releases:
                for role, why in release.missing.items():
                    incomplete.append(f"{release.path}: falta {role} ({why}) en #{n}")
        if dry_run:
            click.echo(f"Simulación: no se escribió nada en {config.records / 'approvals'} ni se avisó a nadie.")
            for line in incomplete:
                click.echo(f"aviso: {line}")
            return
        forge.warn_expiry(config)
        if incomplete:
            _alert_and_fail(
                config,
                "el registro de aprobaciones",
                "hay comunicados fusionados sin todas las aprobaciones (no se difundirán hasta aprobarlos):\n"
                + "\n".join(incomplete),
            )
    except (ApprovalUnavailable, GitError, LookupError, KeyError) as exc:
        message = f"no se pudieron registrar las aprobaciones: {exc}"
        if dry_run:
            _fail(message)
        _alert_and_fail(config, "el registro de aprobaciones", message)
    finally:
        forge.close()


def _simulate_estado(config, result, status, status_mod, sin_avisar: bool) -> None:  # type: ignore[no-untyped-def]
    """What ``estado`` would write on GitHub and whom it would e-mail; nothing is sent."""
    click.echo(
        f"Simulación: se pondría {status_mod.CONTEXT}: {status.state} — {status.description} en {result.head[:10]}"
    )
    missing = status_mod.missing_roles(result)
    if missing and not sin_avisar:
        points = config.approvals.control_points
        for role in sorted(missing):
            who = ", ".join(points.get(role, ())) or "nadie configurado"
            click.echo(f"Simulación: se pediría la revisión de {role} a {who}")
            for approver in points.get(role, ()):
                address = config.approvals.notify.get(approver)
                if address:
                    click.echo(f"Simulación: se enviaría la vista previa a {address}")
    click.echo("No se escribió nada en GitHub ni se envió ningún correo.")


class _GitHub:
    def __init__(self, config) -> None:  # type: ignore[no-untyped-def]
        self.repository, self.api = _github(config)

    def merged(self, sha: str) -> list[int]:
        pulls = self.api.get_all(f"/repos/{self.repository}/commits/{sha}/pulls")
        return sorted(int(p["number"]) for p in pulls if p.get("merged_at"))

    def evaluate(self, repo, number, control_points, releases_root, sha):  # type: ignore[no-untyped-def]
        from .forge_github import evaluate

        return evaluate(self.api, repo, self.repository, number, control_points, releases_root, target=sha)

    def warn_expiry(self, config) -> None:  # type: ignore[no-untyped-def]
        _warn_expiry(config, self.api)

    def close(self) -> None:
        self.api.close()


class _GitLab:
    def __init__(self, config) -> None:  # type: ignore[no-untyped-def]
        from .forge_gitlab import GitLabClient

        token = os.environ.get("PREGON_GITLAB_TOKEN")
        project = os.environ.get("CI_PROJECT_ID")
        if not token or not project:
            _fail("falta PREGON_GITLAB_TOKEN (token del proyecto con read_api) o CI_PROJECT_ID", 2)
        self.repository = os.environ.get("CI_PROJECT_PATH") or project
        self.project = project
        self.api = GitLabClient(os.environ.get("CI_API_V4_URL", "https://gitlab.com/api/v4"), token)

    def merged(self, sha: str) -> list[int]:
        from .forge_gitlab import merged_requests

        return merged_requests(self.api, self.project, sha)

    def evaluate(self, repo, number, control_points, releases_root, sha):  # type: ignore[no-untyped-def]
        from .forge_gitlab import evaluate_merge_request

        return evaluate_merge_request(self.api, repo, self.project, number, control_points, releases_root, sha)

    def warn_expiry(self, config) -> None:  # type: ignore[no-untyped-def]
        return None

    def close(self) -> None:
        self.api.close()
