"""Approvals from GitHub pull-request reviews (REST API, ``approvals.provider: github``).

For the commit that last changed the release (manifest ``source.commit``):

1. ``GET /repos/{owner}/{repo}/commits/{sha}/pulls`` — the merged PRs that contain it;
2. ``GET /repos/{owner}/{repo}/pulls/{number}/reviews`` — each reviewer's latest verdict counts
   (a later ``CHANGES_REQUESTED`` or a dismissal cancels an approval); an approval counts only if
   it is ``APPROVED``, on the PR's final head commit (``commit_id == head.sha``) and not by the
   PR's author;
3. every configured control point (``contenido``, ``diseño``…) needs one such approver from its
   list; ``org/team`` entries are resolved with ``GET /orgs/{org}/teams/{team_slug}/members``.

Lists are followed through the ``Link: <…>; rel="next"`` header. A rate limit (403/429 with
``x-ratelimit-remaining: 0`` or ``retry-after``) raises :class:`ApprovalUnavailable`: the item is
left for the next run. The token is sent only in the Authorization header and never printed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from ..config import GitHubConfig
from ..manifest import Item, Update
from .base import ApprovalProvider, ApprovalUnavailable, Decision

_VERDICTS = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


class GitHubApprovals(ApprovalProvider):
    name = "github"

    def __init__(
        self,
        config: GitHubConfig,
        control_points: dict[str, tuple[str, ...]],
        client: httpx.Client | None = None,
    ):
        self.repository = config.repository
        self.control_points = control_points
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        if config.token is not None and config.token.get_secret_value():
            headers["Authorization"] = f"Bearer {config.token.get_secret_value()}"
        self.client = client or httpx.Client(base_url=config.api_base.rstrip("/"), headers=headers, timeout=30.0)
        self._teams: dict[str, set[str]] = {}

    def close(self) -> None:
        self.client.close()

    # --- HTTP ------------------------------------------------------------------------------
    def _get_all(self, path: str) -> list[Any]:
        """Every element of a paginated list endpoint."""
        out: list[Any] = []
        url: str | None = path
        params: dict[str, Any] | None = {"per_page": 100}
        while url:
            try:
                response = self.client.get(url, params=params)
            except httpx.HTTPError as exc:
                raise ApprovalUnavailable(
                    f"GitHub no responde ({exc.__class__.__name__}); se intentará en la próxima ejecución"
                ) from None
            self._raise_for_limits(response)
            if response.status_code == 404:
                raise ApprovalUnavailable(
                    f"GitHub respondió 404 para {path.split('?')[0]}: revise approvals.github.repository "
                    "y que el token pueda leer el repositorio"
                )
            if response.status_code != 200:
                raise ApprovalUnavailable(f"GitHub respondió {response.status_code} para {path.split('?')[0]}")
            out.extend(response.json())
            url = response.links.get("next", {}).get("url")
            params = None  # the next link already carries them
        return out

    @staticmethod
    def _raise_for_limits(response: httpx.Response) -> None:
        if response.status_code not in (403, 429):
            return
        remaining = response.headers.get("x-ratelimit-remaining")
        retry_after = response.headers.get("retry-after")
        if remaining == "0" or retry_after is not None or response.status_code == 429:
            if retry_after is not None:
                when = f"pide esperar {retry_after} s"
            elif response.headers.get("x-ratelimit-reset", "").isdigit():
                reset = datetime.fromtimestamp(int(response.headers["x-ratelimit-reset"]), UTC)
                when = f"el límite se renueva a las {reset:%H:%M} UTC"
            else:
                when = "límite de consultas alcanzado"
            raise ApprovalUnavailable(
                f"GitHub limitó las consultas ({when}); el comunicado queda para la próxima ejecución"
            )
        raise ApprovalUnavailable("GitHub respondió 403: el token no tiene permiso para leer el repositorio")

    # --- rules -----------------------------------------------------------------------------
    def _members(self, entry: str) -> set[str]:
        if "/" not in entry:
            return {entry.lower()}
        if entry not in self._teams:
            org, team = entry.split("/", 1)
            self._teams[entry] = {m["login"].lower() for m in self._get_all(f"/orgs/{org}/teams/{team}/members")}
        return self._teams[entry]

    def _valid_approvers(self, pr: dict[str, Any]) -> set[str]:
        author = (pr.get("user") or {}).get("login", "").lower()
        head = pr["head"]["sha"]
        latest: dict[str, dict[str, Any]] = {}
        for review in self._get_all(f"/repos/{self.repository}/pulls/{pr['number']}/reviews"):
            login = ((review.get("user") or {}).get("login") or "").lower()
            if review.get("state") in _VERDICTS and login:
                latest[login] = review  # the API lists reviews oldest first
        return {
            login
            for login, review in latest.items()
            if review["state"] == "APPROVED" and review.get("commit_id") == head and login != author
        }

    def _check_pr(self, pr: dict[str, Any], digest: str) -> Decision:
        approvers = self._valid_approvers(pr)
        met: dict[str, str] = {}
        missing: list[str] = []
        for point, allowed in self.control_points.items():
            eligible: set[str] = set().union(*(self._members(a) for a in allowed))
            who = sorted(approvers & eligible)
            if who:
                met[point] = who[0]
            else:
                missing.append(point)
        reference = f"PR #{pr['number']}"
        if missing:
            return Decision(
                False,
                f"{reference}: falta aprobación válida de {', '.join(missing)} (aprobación en el último commit "
                f"del PR, no descartada, por alguien distinto del autor: "
                + "; ".join(f"{p}: {', '.join(self.control_points[p])}" for p in missing)
                + ")",
                self.name,
                digest,
                reference=reference,
            )
        who_text = ", ".join(f"{p}: {login}" for p, login in met.items())
        return Decision(
            True,
            f"{reference} aprobado ({who_text})",
            self.name,
            digest,
            met,
            reference,
        )

    def decide(self, item: Item, update: Update | None = None) -> Decision:
        digest = update.digest if update is not None else item.digest
        sha = item.source.commit
        if not sha:
            return Decision(
                False,
                "el manifiesto no dice qué commit cambió el comunicado por última vez",
                self.name,
                digest,
            )
        pulls = self._get_all(f"/repos/{self.repository}/commits/{sha}/pulls")
        merged = [p for p in pulls if p.get("merged_at")]
        if not merged:
            return Decision(
                False,
                f"el commit {sha[:10]} no pertenece a un pull request fusionado (publicado sin revisión)",
                self.name,
                digest,
            )
        refused: Decision | None = None
        for pr in sorted(merged, key=lambda p: p["merged_at"], reverse=True):
            decision = self._check_pr(pr, digest)
            if decision.approved:
                return decision
            refused = refused or decision
        assert refused is not None
        return refused
