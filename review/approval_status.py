"""The ``pregon/aprobación`` commit status of a pull request, and asking the missing approvers.

``POST /repos/{o}/{r}/statuses/{head}`` with ``context: pregon/aprobación``: ``success`` only when
every changed release has every control point (``forge_github.evaluate``), ``failure`` saying who
or what is missing otherwise (GitHub keeps one status per context and sha: posting again replaces
it). Branch protection on ``main`` requires this context, so a release reaches the portal only
approved twice.

For each control point still missing, its approvers are requested as reviewers
(``POST /repos/{o}/{r}/pulls/{n}/requested_reviewers``: logins in ``reviewers``, team slugs in
``team_reviewers``; the PR author and people who already reviewed are left out, and a refusal —
not a collaborator, a secondary rate limit — becomes a note, never a failure). When
``review.notify`` has SMTP settings and approver addresses, each is e-mailed the per-account
preview of the releases it must approve (``preview.py``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from pregon.syndicate.approvals.github_api import GitHubClient

from .forge_github import PullApproval

CONTEXT = "pregon/aprobación"
_DESCRIPTION_LIMIT = 140  # GitHub refuses longer status descriptions


@dataclass(frozen=True)
class Status:
    state: str
    description: str


def status_for(result: PullApproval) -> Status:
    if not result.releases:
        return Status("success", "Sin comunicados que aprobar en este PR")
    if result.complete:
        roles = sorted({a.role for r in result.releases for a in r.approvals})
        return Status("success", f"Aprobado: {', '.join(roles)} en {len(result.releases)} comunicado(s)")
    parts = []
    for release in result.releases:
        if release.complete:
            continue
        name = release.path.rsplit("/", 1)[-1]
        parts.append(f"{name}: falta {', '.join(release.missing)}")
    return Status("failure", _short("; ".join(parts)))


def details(result: PullApproval) -> list[str]:
    """The full, per-release explanation (printed in the job log and summary)."""
    lines = []
    for release in result.releases:
        lines.append(f"{release.path}:")
        for approval in release.approvals:
            via = f" (equipo {approval.via})" if approval.via else ""
            lines.append(f"  ✓ {approval.role}: {approval.review.login}{via}, revisión {approval.review.id}")
        for role, why in release.missing.items():
            lines.append(f"  ✗ {role}: {why}")
    return lines


def _short(text: str) -> str:
    return text if len(text) <= _DESCRIPTION_LIMIT else text[: _DESCRIPTION_LIMIT - 1] + "…"


def post_status(api: GitHubClient, repository: str, sha: str, status: Status, target_url: str | None) -> str | None:
    """Set the status; a Spanish problem when GitHub refused it (None when set)."""
    body = {"state": status.state, "description": status.description, "context": CONTEXT}
    if target_url:
        body["target_url"] = target_url
    response = api.post(f"/repos/{repository}/statuses/{sha}", body)
    if response.status_code == 201:
        return None
    if response.status_code in (403, 404):
        return (
            f"GitHub no dejó poner el estado {CONTEXT} ({response.status_code}): el token necesita "
            "`statuses: write`; en PR desde forks use el flujo «Aprobación (estado)» (workflow_run)"
        )
    return f"GitHub respondió {response.status_code} al poner el estado {CONTEXT}"


def missing_roles(result: PullApproval) -> set[str]:
    return {role for release in result.releases for role in release.missing}


def request_reviewers(
    api: GitHubClient,
    repository: str,
    number: int,
    roles: set[str],
    control_points: dict[str, tuple[str, ...]],
    skip: set[str],
) -> list[str]:
    """Ask the approvers of ``roles`` to review; returns notes for the log (Spanish)."""
    users = sorted({e for r in roles for e in control_points[r] if "/" not in e and e.lower() not in skip})
    teams = sorted({e.split("/", 1)[1] for r in roles for e in control_points[r] if "/" in e})
    if not users and not teams:
        return []
    response = api.post(
        f"/repos/{repository}/pulls/{number}/requested_reviewers",
        {"reviewers": users, "team_reviewers": teams},
    )
    if response.status_code == 201:
        asked = ", ".join(users + [f"equipo {t}" for t in teams])
        return [f"se pidió la revisión a {asked}"]
    message = ""
    with contextlib.suppress(ValueError):
        message = str(response.json().get("message", ""))[:200]
    return [f"GitHub no aceptó pedir revisores ({response.status_code} {message}); pídalos a mano en el PR"]
