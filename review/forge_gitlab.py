"""Merge-request approvals on GitLab, recorded at merge (``pregon aprobacion registrar`` in GitLab CI).

GitLab's REST API (v4, ``PRIVATE-TOKEN`` header: a project access token with ``read_api``):

- ``GET /projects/:id/repository/commits/:sha/merge_requests`` — the merged MR of the commit;
- ``GET /projects/:id/merge_requests/:iid`` — its head (``sha``) and base (``diff_refs.base_sha``);
- ``GET /projects/:id/merge_requests/:iid/approval_state`` (Premium/Ultimate) — per approval rule,
  who approved (``rules[].name``, ``rules[].approved_by``): a rule named like a control point
  (``contenido``, ``diseño``) decides who may approve it, as GitLab enforces it;
- otherwise ``GET /projects/:id/merge_requests/:iid/approvals`` (``approved_by[].user``): approvers
  are matched by ``username`` against ``approvals.control_points`` (GitLab groups are not read);
- ``GET /projects/:id/merge_requests/:iid/commits`` — who wrote the MR's commits (an approver whose
  name or username matches a commit author who touched the release does not count).

What GitLab cannot tell: an approval carries no commit. It is taken as an approval of the MR's
final head (true when the project removes approvals on new commits, a Premium setting; on Free an
approval survives later pushes), and counts only if the release at that head has the digest
being published. Bots (``project_<id>_bot…``/``group_<id>_bot…`` users of access tokens) never
count. Records: ``provider: gitlab``, ``review.id`` is the approving user's id (GitLab approvals
have no id of their own).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
from pregon.syndicate.approvals.base import ApprovalUnavailable

from .forge_git import Repository
from .forge_github import PullApproval, judge_release

_BOT = re.compile(r"^(?:project|group)_\d+_bot", re.IGNORECASE)


class GitLabClient:
    def __init__(self, api_base: str, token: str, client: httpx.Client | None = None):
        self.http = client or httpx.Client(
            base_url=api_base.rstrip("/"), headers={"PRIVATE-TOKEN": token}, timeout=30.0
        )

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, *, optional: bool = False) -> Any | None:
        try:
            response = self.http.get(path, params={"per_page": 100})
        except httpx.HTTPError as exc:
            raise ApprovalUnavailable(f"GitLab no responde ({exc.__class__.__name__})") from None
        if response.status_code == 401:
            raise ApprovalUnavailable("GitLab rechazó el token (401): renueve PREGON_GITLAB_TOKEN (alcance read_api)")
        if response.status_code == 429:
            raise ApprovalUnavailable("GitLab limitó las consultas (429); se intentará en la próxima ejecución")
        if optional and response.status_code in (403, 404):
            return None
        if response.status_code != 200:
            raise ApprovalUnavailable(f"GitLab respondió {response.status_code} para {path}")
        return response.json()


def _as_review(user: dict[str, Any], head: str) -> dict[str, Any]:
    """A GitLab approval in the review shape ``judge_release`` reads (bound to the MR head)."""
    username = str(user.get("username", ""))
    bot = bool(user.get("bot")) or bool(_BOT.match(username))
    return {
        "id": int(user["id"]),
        "user": {"login": username, "id": int(user["id"]), "type": "Bot" if bot else "User"},
        "state": "APPROVED",
        "commit_id": head,
        "submitted_at": None,
    }


def evaluate_merge_request(
    api: GitLabClient,
    repo: Repository,
    project: str,
    iid: int,
    control_points: dict[str, tuple[str, ...]],
    releases_root: str,
    target: str,
) -> PullApproval:
    base_path = f"/projects/{quote(project, safe='')}/merge_requests/{iid}"
    mr = api.get(base_path)
    head, base = mr["sha"], mr["diff_refs"]["base_sha"]
    for sha in (head, base):
        if not repo.has_commit(sha):
            repo.fetch(f"+refs/merge-requests/{iid}/head:refs/remotes/origin/mr/{iid}", base)
    state = api.get(base_path + "/approval_state", optional=True)
    rules: dict[str, set[str]] | None = None
    approvers: dict[str, dict[str, Any]] = {}
    if state is not None:
        rules = {}
        for rule in state.get("rules") or []:
            names = {str(u.get("username", "")).lower() for u in rule.get("approved_by") or []}
            rules.setdefault(str(rule.get("name", "")).lower(), set()).update(names)
            for user in rule.get("approved_by") or []:
                approvers[str(user.get("username", "")).lower()] = user
        rules = {k: v for k, v in rules.items() if k in {p.lower() for p in control_points}} or None
    if not approvers:
        for entry in (api.get(base_path + "/approvals") or {}).get("approved_by") or []:
            user = entry.get("user") or {}
            approvers[str(user.get("username", "")).lower()] = user

    def allowed(role: str, login: str) -> tuple[bool, str | None]:
        if rules is not None and role.lower() in rules:
            return login.lower() in rules[role.lower()], None
        return any(e.lower() == login.lower() for e in control_points[role] if "/" not in e), None

    touched: dict[str, set[str]] = {}
    for commit in api.get(base_path + "/commits") or []:
        names = {str(commit.get("author_name", "")).lower(), str(commit.get("author_email", "")).split("@")[0].lower()}
        for path in repo.releases_touched(repo.commit_paths(commit["id"]), commit["id"], releases_root):
            touched.setdefault(path, set()).update(names - {""})
    by_name = {str(u.get("name", "")).lower(): str(u.get("username", "")).lower() for u in approvers.values()}
    approving = [_as_review(user, head) for user in approvers.values()]
    merge_base = repo.merge_base(base, head)
    releases = []
    for path in repo.releases_changed(merge_base, head, releases_root):
        authors = touched.get(path, set())
        authors |= {username for name, username in by_name.items() if name in authors}
        releases.append(
            judge_release(repo, control_points, allowed, path, repo.version_at(target, path), approving, authors)
        )
    return PullApproval(iid, head, tuple(releases))


def merged_requests(api: GitLabClient, project: str, sha: str) -> list[int]:
    found = api.get(f"/projects/{quote(project, safe='')}/repository/commits/{sha}/merge_requests") or []
    return sorted(int(mr["iid"]) for mr in found if mr.get("state") == "merged")
