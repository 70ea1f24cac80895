"""Which pull-request reviews approve which releases, for each control point (GitHub).

For every release the pull request adds or changes (git: merge base to head), and each control
point (``contenido``, ``diseño``… with their logins and ``org/team`` entries), the decisive
review is one that:

- is the reviewer's **latest verdict** (``GET /repos/{o}/{r}/pulls/{n}/reviews`` lists them oldest
  first; a later ``CHANGES_REQUESTED`` or ``DISMISSED`` cancels an approval, ``COMMENTED`` does not);
- is ``APPROVED`` and was submitted on a commit (``commit_id``) where the release already had the
  digest being published — a review on an intermediate commit counts when the release did not
  change after it, a review of an older version does not;
- is by someone allowed for that control point: a listed login, or an active member of a listed
  team (``GET /orgs/{org}/teams/{slug}/memberships/{user}``; needs a token that can read the
  organisation's teams, which the workflow's ``GITHUB_TOKEN`` cannot);
- is not by an author of a commit that touched the release (``GET /repos/{o}/{r}/pulls/{n}/commits``:
  the commit's GitHub ``author``, and ``Co-authored-by:`` trailers with a GitHub no-reply address
  or the reviewer's login as name);
- is not by a bot (``user.type == "Bot"`` or a login ending in ``[bot]``).

Two control points need two different people. The pull request's commits are read as git
objects (``forge_git``), never checked out or run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pregon.syndicate.approvals.github_api import GitHubClient, is_bot, team_member

from .forge_git import Repository, Version, co_authors

_VERDICTS = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


@dataclass(frozen=True)
class Review:
    id: int
    login: str
    user_id: int | None
    commit: str | None
    submitted_at: str | None


@dataclass(frozen=True)
class Approval:
    """The review that satisfies one control point for one release."""

    role: str
    review: Review
    via: str | None
    """The team through which the reviewer is allowed (None: listed by login)."""
    updates: dict[str, str]
    """Live updates' digests as they were at the reviewed commit."""


@dataclass(frozen=True)
class ReleaseApproval:
    path: str
    digest: str | None
    """The digest being published (None: the release cannot be read at the target commit)."""
    updates: dict[str, str]
    approvals: tuple[Approval, ...]
    missing: dict[str, str]
    """Control point -> why it is not satisfied (Spanish)."""

    @property
    def complete(self) -> bool:
        return self.digest is not None and not self.missing


@dataclass(frozen=True)
class PullApproval:
    number: int
    head: str
    releases: tuple[ReleaseApproval, ...]

    @property
    def complete(self) -> bool:
        return all(r.complete for r in self.releases)


Allowed = Callable[[str, str], tuple[bool, str | None]]
"""(role, login) -> whether that login may approve that control point, and the team that allows it."""


@dataclass
class _TeamRules:
    api: GitHubClient
    control_points: dict[str, tuple[str, ...]]
    _members: dict[tuple[str, str], bool] = field(default_factory=dict)

    def __call__(self, role: str, login: str) -> tuple[bool, str | None]:
        """Whether ``login`` may approve ``role``, and the team that allows it."""
        entries = self.control_points[role]
        if any("/" not in e and e.lower() == login.lower() for e in entries):
            return True, None
        for team in (e for e in entries if "/" in e):
            key = (team, login.lower())
            if key not in self._members:
                self._members[key] = team_member(self.api, team, login)
            if self._members[key]:
                return True, team
        return False, None


def latest_verdicts(reviews: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each reviewer's latest APPROVED / CHANGES_REQUESTED / DISMISSED review, by lower-case login."""
    latest: dict[str, dict[str, Any]] = {}
    for review in reviews:  # oldest first
        login = str((review.get("user") or {}).get("login") or "").lower()
        if login and review.get("state") in _VERDICTS:
            latest[login] = review
    return latest


def _review(raw: dict[str, Any]) -> Review:
    user = raw.get("user") or {}
    return Review(
        id=int(raw["id"]),
        login=str(user.get("login", "")),
        user_id=user.get("id"),
        commit=raw.get("commit_id"),
        submitted_at=raw.get("submitted_at"),
    )


def _authors(commit: dict[str, Any]) -> set[str]:
    """Lower-case GitHub logins (and names) of who wrote a PR commit."""
    out = {str((commit.get("author") or {}).get("login", "")).lower()}
    for person in co_authors(((commit.get("commit") or {}).get("message")) or ""):
        out.add(person.github_login or person.name.lower())
    return out - {""}


def evaluate(
    api: GitHubClient,
    repo: Repository,
    repository: str,
    number: int,
    control_points: dict[str, tuple[str, ...]],
    releases_root: str,
    target: str | None = None,
) -> PullApproval:
    """Evaluate pull request ``number``; ``target`` is the commit whose content is published
    (the PR head while it is open, the merge result at merge)."""
    pr = api.get(f"/repos/{repository}/pulls/{number}")
    if pr is None:
        raise LookupError(f"el pull request #{number} no existe en {repository}")
    head, base = pr["head"]["sha"], pr["base"]["sha"]
    for sha in (head, base):
        if not repo.has_commit(sha):
            repo.fetch(f"+refs/pull/{number}/head:refs/remotes/origin/pr/{number}", base)
    target = target or head
    allowed = _TeamRules(api, control_points)
    merge_base = repo.merge_base(base, head)
    paths = repo.releases_changed(merge_base, head, releases_root)
    reviews = [r for r in latest_verdicts(api.get_all(f"/repos/{repository}/pulls/{number}/reviews")).values()]
    approving = [r for r in reviews if r["state"] == "APPROVED"]
    commits = api.get_all(f"/repos/{repository}/pulls/{number}/commits")
    touched: dict[str, set[str]] = {}
    for commit in commits:
        for path in repo.releases_touched(repo.commit_paths(commit["sha"]), commit["sha"], releases_root):
            touched.setdefault(path, set()).update(_authors(commit))
    releases = tuple(
        judge_release(
            repo, control_points, allowed, path, repo.version_at(target, path), approving, touched.get(path, set())
        )
        for path in paths
    )
    return PullApproval(number, head, releases)


def judge_release(
    repo: Repository,
    control_points: dict[str, tuple[str, ...]],
    allowed: Allowed,
    path: str,
    version: Version | None,
    approving: list[dict[str, Any]],
    authors: set[str],
) -> ReleaseApproval:
    """The decisive approval of each control point for one release, from the approving reviews
    (GitHub's review shape: ``id``, ``user{login,id,type}``, ``commit_id``, ``submitted_at``)."""
    if version is None:
        reason = "el comunicado no se puede leer (revise `pregon check`)"
        return ReleaseApproval(path, None, {}, (), {role: reason for role in control_points})
    # role -> candidates (review, via, updates), and why others were refused
    candidates: dict[str, list[tuple[Review, str | None, dict[str, str]]]] = {r: [] for r in control_points}
    refused: dict[str, list[str]] = {r: [] for r in control_points}
    for raw in approving:
        review = _review(raw)
        login = review.login.lower()
        for role in control_points:
            ok, via = allowed(role, review.login)
            if not ok:
                continue
            if is_bot(raw.get("user")):
                refused[role].append(f"{review.login} es un bot")
            elif login in authors:
                refused[role].append(f"{review.login} es autor de cambios del comunicado")
            else:
                reviewed = repo.version_at(review.commit, path) if review.commit else None
                if reviewed is None and review.commit and not repo.has_commit(review.commit):
                    repo.fetch(review.commit)
                    reviewed = repo.version_at(review.commit, path)
                if reviewed is None or reviewed.digest != version.digest:
                    refused[role].append(f"{review.login} aprobó una versión anterior")
                else:
                    candidates[role].append((review, via, reviewed.updates))
    chosen = _assign(candidates)
    missing: dict[str, str] = {}
    approvals = []
    for role in control_points:
        if role in chosen:
            review, via, updates = chosen[role]
            approvals.append(Approval(role, review, via, updates))
            continue
        why = "; ".join(dict.fromkeys(refused[role]))
        if not why and candidates[role]:
            why = "quien aprobó ya cubre otro punto de control (se necesitan dos personas)"
        missing[role] = why or "sin aprobación"
    return ReleaseApproval(path, version.digest, version.updates, tuple(approvals), missing)


def _assign(
    candidates: dict[str, list[tuple[Review, str | None, dict[str, str]]]],
) -> dict[str, tuple[Review, str | None, dict[str, str]]]:
    """One distinct reviewer per control point, covering as many points as possible; among equal
    covers, the most recent reviews."""
    roles = list(candidates)
    options = [[None, *sorted(candidates[r], key=lambda c: c[0].submitted_at or "", reverse=True)] for r in roles]
    best: dict[str, tuple[Review, str | None, dict[str, str]]] = {}
    for combo in itertools.product(*options):
        people = [c[0].login.lower() for c in combo if c is not None]
        if len(people) != len(set(people)):
            continue
        if len(people) > len(best):
            best = {role: c for role, c in zip(roles, combo, strict=True) if c is not None}
            if len(best) == len(roles):
                break
    return best
