"""Approvals from GitHub pull-request reviews (``approvals.provider: github``).

The review is checked twice. At merge, ``pregon aprobacion registrar`` (CI, from the forge) finds
for every changed release the decisive review of each control point — the reviewer's latest
verdict, ``APPROVED``, on a commit where the release already had the merged content, by someone
allowed for that control point who authored no commit of the release, not a bot — and writes it
to the records (``records.py``, ``provider: github``). Here, before anything is posted, the gate
needs such a record for the item's (or update's) digest for **every** control point, and never
trusts a record alone: each referenced review is read again from GitHub
(``GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}``) and must still exist, be
by the same user (login and id), be ``APPROVED`` (a dismissed review reads ``DISMISSED``), on the
same ``commit_id``, not by a bot; a reviewer allowed through a team must still be an active member
(``GET /orgs/{org}/teams/{slug}/memberships/{user}``, which needs a token that can read the
organisation's teams). A hand-typed line, or one copied from another repository, fails this check.

A rate limit or a network failure raises :class:`ApprovalUnavailable`: the item waits for the next run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from ..config import GitHubConfig
from ..manifest import Item, Update
from .base import ApprovalProvider, Decision
from .github_api import GitHubClient, is_bot, team_member
from .records import ApprovalRecord, missing_reason, read_approvals


class GitHubApprovals(ApprovalProvider):
    name = "github"

    def __init__(
        self,
        config: GitHubConfig,
        control_points: dict[str, tuple[str, ...]],
        folder: Path,
        client: httpx.Client | None = None,
    ):
        self.repository = config.repository
        self.control_points = control_points
        token = config.token.get_secret_value() if config.token is not None else None
        self.api = GitHubClient(config.api_base, token, client)
        self.records = [
            r
            for r in read_approvals(folder)
            if r.provider == "github"
            and r.review is not None
            and (r.repository or "").lower() == self.repository.lower()
        ]
        self._verified: dict[tuple[int, int, str], str | None] = {}

    def close(self) -> None:
        self.api.close()

    def _refusal(self, record: ApprovalRecord, allowed: tuple[str, ...]) -> str | None:
        """Why the review behind ``record`` does not hold on GitHub now (None: it holds)."""
        assert record.review is not None and record.pr is not None
        key = (record.pr, record.review.id, record.role)
        if key in self._verified:
            return self._verified[key]
        review: Any = self.api.get(f"/repos/{self.repository}/pulls/{record.pr}/reviews/{record.review.id}")
        reason: str | None = None
        user = (review or {}).get("user") or {}
        if review is None:
            reason = f"la revisión {record.review.id} del PR #{record.pr} no existe en GitHub"
        elif str(user.get("login", "")).lower() != record.by.lower() or (
            record.review.user_id is not None and user.get("id") != record.review.user_id
        ):
            reason = f"la revisión {record.review.id} del PR #{record.pr} no es de {record.by}"
        elif is_bot(user):
            reason = f"la revisión {record.review.id} es de un bot"
        elif review.get("state") != "APPROVED":
            reason = f"la revisión {record.review.id} de {record.by} ya no es una aprobación ({review.get('state')})"
        elif review.get("commit_id") != record.review.commit:
            reason = f"la revisión {record.review.id} de {record.by} es de otro commit"
        elif not any(a.lower() == record.by.lower() for a in allowed):
            team = record.via if record.via in allowed else None
            if team is None or "/" not in team:
                reason = f"{record.by} ya no está entre los aprobadores de {record.role}"
            elif not team_member(self.api, team, record.by):
                reason = f"{record.by} ya no pertenece al equipo {team}"
        self._verified[key] = reason
        return reason

    def decide(self, item: Item, update: Update | None = None) -> Decision:
        digest = update.digest if update is not None else item.digest
        approvers: dict[str, str] = {}
        references: set[str] = set()
        missing: list[str] = []
        refusals: list[str] = []
        for point, allowed in self.control_points.items():
            found = None
            for record in reversed(self.records):  # the newest record first
                if record.role != point or not record.covers(digest) or record.pr is None:
                    continue
                reason = self._refusal(record, allowed)
                if reason is None:
                    found = record
                    break
                refusals.append(reason)
            if found is None:
                missing.append(point)
            else:
                approvers[point] = found.by
                references.add(f"PR #{found.pr}")
        reference = ", ".join(sorted(references)) or None
        if missing:
            reason = missing_reason(missing, self.control_points, digest, update)
            if refusals:
                reason += "; " + "; ".join(dict.fromkeys(refusals))
            return Decision(False, reason, self.name, digest, reference=reference)
        who = ", ".join(f"{p}: {login}" for p, login in approvers.items())
        return Decision(True, f"{reference} aprobado en GitHub ({who})", self.name, digest, approvers, reference)
