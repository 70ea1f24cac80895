"""A fake of the GitLab REST API (v4) endpoints ``forge_gitlab`` reads; no GitLab can run here.

Responses reproduce the shapes documented in GitLab's "Merge request approvals API"
(``GET /projects/:id/merge_requests/:iid/approvals`` → ``approved_by: [{user: {id, username,
name, state, avatar_url, web_url}}]``, ``approvals_required``, ``approvals_left``; and, on Premium
and Ultimate only, ``GET …/approval_state`` → ``approval_rules_overwritten`` and ``rules[]`` with
``name``, ``rule_type``, ``eligible_approvers``, ``approvals_required``, ``approved_by``,
``approved``; on Free that endpoint answers 404), "Merge requests API" (``GET …/merge_requests/:iid``
with ``sha`` and ``diff_refs``, ``GET …/commits`` with ``id``, ``author_name``, ``author_email``)
and "Commits API" (``GET /projects/:id/repository/commits/:sha/merge_requests``). Every request
must carry the ``PRIVATE-TOKEN`` header; a wrong token gets ``401 {"message": "401 Unauthorized"}``.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.api_server import FakeAPI, Reply, Request


def _user(user_id: int, username: str, name: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "name": name,
        "state": "active",
        "avatar_url": f"https://gitlab.example/uploads/{user_id}.png",
        "web_url": f"https://gitlab.example/{username}",
    }


class FakeGitLab(FakeAPI):
    def __init__(self, token: str, project_id: int = 42, premium: bool = False) -> None:
        super().__init__()
        self.token, self.project_id, self.premium = token, project_id, premium
        self.mrs: dict[int, dict[str, Any]] = {}
        self.approvals: dict[int, list[dict[str, Any]]] = {}
        self.rules: dict[int, list[dict[str, Any]]] = {}
        self.commits: dict[int, list[dict[str, Any]]] = {}
        self.commit_mrs: dict[str, list[int]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        base = rf"/api/v4/projects/{project_id}"
        for pattern, handler, name in [
            (base + r"/repository/commits/(?P<sha>[0-9a-f]{40})/merge_requests", self._commit_mrs, "commit_mrs"),
            (base + r"/merge_requests/(?P<iid>\d+)", self._mr, "mr"),
            (base + r"/merge_requests/(?P<iid>\d+)/approvals", self._approvals, "approvals"),
            (base + r"/merge_requests/(?P<iid>\d+)/approval_state", self._state, "approval_state"),
            (base + r"/merge_requests/(?P<iid>\d+)/commits", self._commits, "mr_commits"),
        ]:
            self.add_route("GET", pattern, handler, name)

    def person(self, username: str, name: str | None = None) -> dict[str, Any]:
        if username not in self.people:
            self.people[username] = _user(100 + len(self.people), username, name or username.title())
        return dict(self.people[username])

    def add_mr(self, iid: int, *, author: str, head: str, base: str, merged_into: str | None = None) -> None:
        self.mrs[iid] = {
            "id": 9000 + iid,
            "iid": iid,
            "project_id": self.project_id,
            "title": "Comunicado",
            "state": "merged" if merged_into else "opened",
            "author": self.person(author),
            "sha": head,
            "merge_commit_sha": merged_into,
            "diff_refs": {"base_sha": base, "head_sha": head, "start_sha": base},
            "web_url": f"https://gitlab.example/alcaldia/portal/-/merge_requests/{iid}",
        }
        if merged_into:
            self.commit_mrs.setdefault(merged_into, []).append(iid)

    def approve(self, iid: int, username: str, rule: str | None = None) -> None:
        user = self.person(username)
        self.approvals.setdefault(iid, []).append({"user": user})
        if rule is not None:
            rules = self.rules.setdefault(iid, [])
            found = next((r for r in rules if r["name"] == rule), None)
            if found is None:
                found = {
                    "id": len(rules) + 1,
                    "name": rule,
                    "rule_type": "regular",
                    "eligible_approvers": [],
                    "approvals_required": 1,
                    "approved_by": [],
                    "approved": False,
                }
                rules.append(found)
            found["approved_by"].append(user)
            found["approved"] = True

    def commit(self, iid: int, sha: str, author_name: str, author_email: str) -> None:
        self.commits.setdefault(iid, []).append(
            {
                "id": sha,
                "short_id": sha[:8],
                "title": "Cambio",
                "author_name": author_name,
                "author_email": author_email,
            }
        )

    # --- endpoints -------------------------------------------------------------------------
    def _dispatch(self, request: Request) -> Reply:
        if request.header("private-token") != self.token:
            return Reply(401, {"message": "401 Unauthorized"})
        return super()._dispatch(request)

    def _not_found(self) -> Reply:
        return Reply(404, {"message": "404 Not found"})

    def _commit_mrs(self, request: Request) -> Reply:
        return Reply(200, [self.mrs[i] for i in self.commit_mrs.get(request.params["sha"], [])])

    def _mr(self, request: Request) -> Reply:
        iid = int(request.params["iid"])
        return Reply(200, self.mrs[iid]) if iid in self.mrs else self._not_found()

    def _approvals(self, request: Request) -> Reply:
        iid = int(request.params["iid"])
        if iid not in self.mrs:
            return self._not_found()
        approved = self.approvals.get(iid, [])
        return Reply(
            200,
            {
                "id": self.mrs[iid]["id"],
                "iid": iid,
                "project_id": self.project_id,
                "state": self.mrs[iid]["state"],
                "approvals_required": 0,
                "approvals_left": 0,
                "approved_by": approved,
            },
        )

    def _state(self, request: Request) -> Reply:
        iid = int(request.params["iid"])
        if not self.premium or iid not in self.mrs:
            return self._not_found()
        return Reply(200, {"approval_rules_overwritten": False, "rules": self.rules.get(iid, [])})

    def _commits(self, request: Request) -> Reply:
        iid = int(request.params["iid"])
        return Reply(200, self.commits.get(iid, [])) if iid in self.mrs else self._not_found()
