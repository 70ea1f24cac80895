"""A fake of the GitHub REST endpoints Pregón's approval checks use (no real GitHub can run here).

Follows GitHub's REST documentation: "List pull requests associated with a commit"
(``GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls``), "Get a pull request", "List reviews
for a pull request" (chronological order) and "Get a review for a pull request", "List commits on
a pull request", "Get a team by name" and "Get team membership for a user" (``GET
/orgs/{org}/teams/{team_slug}/memberships/{username}``: 404 for a non-member, and 404 too for a
token that cannot read the organisation's teams), "Create a commit status" (201), "Request
reviewers for a pull request" (201), "Using pagination in the REST API" (``per_page``/``page`` and
the ``Link`` header) and "Rate limits for the REST API" (403/429 with
``x-ratelimit-remaining: 0``, ``x-ratelimit-reset`` or ``retry-after``).

Every answer is built from the official examples of GitHub's OpenAPI description (npm
``@octokit/openapi``, fetched by tools/install-test-tools.sh) with the fields of the scenario
overlaid, and **every 200/201 answer is validated against that description with openapi-core**, as
is every request (path, query parameters, JSON body): a mismatch is recorded as a violation, so a test
fails if the fake drifted from GitHub's documented shapes or the client sent an undocumented request.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters

from tests.fakes.api_server import FakeAPI, Reply, Request

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_VERSION = "23.0.2"
SPEC_PATH = ROOT / ".cache" / f"octokit-openapi-{OPENAPI_VERSION}" / "api.github.com.json"
TOKEN_HEADER = "authorization"


@functools.cache
def spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        raise RuntimeError(f"{SPEC_PATH} missing: run `bash tools/install-test-tools.sh`")
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def openapi() -> OpenAPI:
    # Spec validation off: the description is GitHub's own; validating it takes ~30 s.
    from openapi_core import Config

    return OpenAPI.from_dict(spec(), config=Config(spec_validator_cls=None))


def example(name: str) -> Any:
    """An official example of the description (``components/examples/<name>``), deep-copied."""
    return copy.deepcopy(spec()["components"]["examples"][name]["value"])


@dataclass
class _OARequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    host_url: str = "https://api.github.com"
    body: bytes | None = None
    content_type: str = "application/json"

    def __post_init__(self) -> None:
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, vs in self.query.items() for v in vs]),
            header=Headers(self.headers),
        )


@dataclass
class _OAResponse:
    status_code: int
    data: bytes
    headers: dict[str, str]
    content_type: str = "application/json"


def _explain(exc: Exception) -> str:
    cause = exc.__cause__
    errors = getattr(cause, "schema_errors", None) or ()
    details = "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors)
    return f"{exc.__class__.__name__} {details or repr(cause)[:300]}"


def _user(login: str, user_id: int) -> dict[str, Any]:
    user = example("simple-user-items")[0] if "simple-user-items" in spec()["components"]["examples"] else None
    if user is None:
        user = example("pull-request-review-items")[0]["user"]
    user.update(
        login=login,
        id=user_id,
        node_id=f"U_{user_id}",
        url=f"https://api.github.com/users/{login}",
        html_url=f"https://github.com/{login}",
    )
    return user


class FakeGitHub(FakeAPI):
    """State: PRs (head, base, author, fork, commits), reviews per PR, team memberships, and what
    Pregón wrote back (commit statuses, reviewer requests).

    ``org_tokens`` lists the tokens that may read the organisation's teams; as on GitHub, any other
    token gets 404 from the team and membership endpoints (the workflow's GITHUB_TOKEN is one).
    """

    def __init__(self, owner: str = "alcaldia", repo: str = "portal") -> None:
        super().__init__()
        self.owner, self.repo = owner, repo
        self.prs: dict[int, dict[str, Any]] = {}
        self.commit_prs: dict[str, list[int]] = {}
        self.pr_commits: dict[int, list[dict[str, Any]]] = {}
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.teams: dict[str, list[str]] = {}
        self.org_tokens: set[str] = set()
        self.statuses: dict[str, list[dict[str, Any]]] = {}
        self.review_requests: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._ids = 1000
        base = rf"/repos/{owner}/{repo}"
        routes = [
            ("GET", base + r"/commits/(?P<sha>[0-9a-f]{7,40})/pulls", self._commit_pulls, "commit_pulls"),
            ("GET", base + r"/pulls/(?P<number>\d+)", self._pull, "pull"),
            ("GET", base + r"/pulls/(?P<number>\d+)/reviews", self._pr_reviews, "pr_reviews"),
            ("GET", base + r"/pulls/(?P<number>\d+)/reviews/(?P<id>\d+)", self._one_review, "review"),
            ("GET", base + r"/pulls/(?P<number>\d+)/commits", self._commits, "pr_commits"),
            ("POST", base + r"/statuses/(?P<sha>[0-9a-f]{40})", self._status, "status"),
            ("POST", base + r"/pulls/(?P<number>\d+)/requested_reviewers", self._request, "requested_reviewers"),
            ("GET", r"/orgs/(?P<org>[\w.-]+)/teams/(?P<team>[\w.-]+)", self._team, "team"),
            (
                "GET",
                r"/orgs/(?P<org>[\w.-]+)/teams/(?P<team>[\w.-]+)/memberships/(?P<user>[\w.\[\]-]+)",
                self._membership,
                "membership",
            ),
        ]
        for method, pattern, handler, name in routes:
            self.add_route(method, pattern, handler, name)

    # --- scenario -------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def user(self, login: str, bot: bool = False) -> dict[str, Any]:
        """The same account (same id) every time it is named."""
        if login not in self.users:
            self.users[login] = _user(login, self._next_id())
            self.users[login]["type"] = "Bot" if bot or login.endswith("[bot]") else "User"
        return copy.deepcopy(self.users[login])

    def add_pr(
        self,
        number: int,
        *,
        author: str,
        commits: list[str],
        head: str,
        base: str | None = None,
        merged: bool = True,
        fork: bool = False,
    ) -> None:
        """A PR whose branch contains ``commits`` (``head`` its last); ``fork``: from another repository."""
        pr = example("pull-request")
        # GitHub's own example lacks `type` in requested_teams[], which its schema requires.
        pr["requested_teams"] = []
        pr.update(
            number=number,
            id=self._next_id(),
            state="closed" if merged else "open",
            merged=merged,
            merged_at="2026-11-19T16:00:00Z" if merged else None,
            user=self.user(author),
            html_url=f"https://github.com/{self.owner}/{self.repo}/pull/{number}",
            url=f"https://api.github.com/repos/{self.owner}/{self.repo}/pulls/{number}",
        )
        pr["head"]["sha"] = head
        pr["base"]["sha"] = base or "0" * 40
        if fork:
            pr["head"]["repo"]["full_name"] = f"{author}/{self.repo}"
            pr["head"]["repo"]["fork"] = True
            pr["head"]["label"] = f"{author}:cambios"
        self.prs[number] = pr
        for sha in commits:
            self.commit_prs.setdefault(sha, []).append(number)
        self.pr_commits.setdefault(number, [])

    def commit(self, number: int, sha: str, author: str | None, message: str = "Comunicado") -> None:
        """A commit of PR ``number`` as the commits endpoint lists it (``author``: GitHub login or None)."""
        item = example("commit-items")[0]
        item.update(sha=sha, url=f"https://api.github.com/repos/{self.owner}/{self.repo}/commits/{sha}")
        item["author"] = self.user(author) if author else None
        item["committer"] = self.user("web-flow")
        item["commit"]["message"] = message
        self.pr_commits.setdefault(number, []).append(item)

    def review(self, number: int, login: str, state: str, commit: str, bot: bool = False) -> int:
        """A review as GitHub lists it (``state``: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED)."""
        review = example("pull-request-review-items")[0]
        review.update(
            id=self._next_id(),
            user=self.user(login, bot),
            state=state,
            commit_id=commit,
            submitted_at=f"2026-11-19T15:{len(self.reviews.get(number, [])):02d}:00Z",
        )
        self.reviews.setdefault(number, []).append(review)
        return int(review["id"])

    def dismiss(self, number: int, review_id: int) -> None:
        for review in self.reviews[number]:
            if review["id"] == review_id:
                review["state"] = "DISMISSED"

    def team(self, slug: str, members: list[str]) -> None:
        self.teams[slug] = members

    # --- endpoints -------------------------------------------------------------------------
    @staticmethod
    def _not_found() -> Reply:
        return Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def _page(self, request: Request, items: list[Any]) -> Reply:
        per_page = int(request.query.get("per_page", ["30"])[0])
        page = int(request.query.get("page", ["1"])[0])
        last = max(1, math.ceil(len(items) / per_page))
        headers = {"x-ratelimit-remaining": "4999", "x-ratelimit-limit": "5000"}
        links = []
        url = f"{self.url}{request.path}?per_page={per_page}"
        if page < last:
            links += [
                f'<{url}&page={page + 1}>; rel="next"',
                f'<{url}&page={last}>; rel="last"',
            ]
        if page > 1:
            links += [
                f'<{url}&page={page - 1}>; rel="prev"',
                f'<{url}&page=1>; rel="first"',
            ]
        if links:
            headers["Link"] = ", ".join(links)
        return Reply(200, items[(page - 1) * per_page : page * per_page], headers)

    def _simple(self, number: int) -> dict[str, Any]:
        """The pull-request-simple shape of a PR (what list endpoints return)."""
        simple = example("pull-request-simple-items")[0]
        full = self.prs[number]
        simple["requested_teams"] = []
        for key in ("number", "id", "state", "merged_at", "user", "html_url", "url"):
            simple[key] = full[key]
        simple["head"]["sha"], simple["base"]["sha"] = full["head"]["sha"], full["base"]["sha"]
        return simple

    def _commit_pulls(self, request: Request) -> Reply:
        numbers = [n for sha, ns in self.commit_prs.items() if sha.startswith(request.params["sha"]) for n in ns]
        return self._page(request, [self._simple(n) for n in numbers])

    def _pull(self, request: Request) -> Reply:
        number = int(request.params["number"])
        return Reply(200, self.prs[number]) if number in self.prs else self._not_found()

    def _pr_reviews(self, request: Request) -> Reply:
        number = int(request.params["number"])
        if number not in self.prs:
            return self._not_found()
        return self._page(request, self.reviews.get(number, []))

    def _one_review(self, request: Request) -> Reply:
        number, review_id = int(request.params["number"]), int(request.params["id"])
        found = [r for r in self.reviews.get(number, []) if r["id"] == review_id]
        return Reply(200, found[0]) if found else self._not_found()

    def _commits(self, request: Request) -> Reply:
        number = int(request.params["number"])
        if number not in self.prs:
            return self._not_found()
        return self._page(request, self.pr_commits.get(number, []))

    def _may_read_teams(self, request: Request) -> bool:
        header = request.header(TOKEN_HEADER) or ""
        return header.removeprefix("Bearer ") in self.org_tokens

    def _team(self, request: Request) -> Reply:
        slug = f"{request.params['org']}/{request.params['team']}"
        if slug not in self.teams or not self._may_read_teams(request):
            return self._not_found()
        team = example("team-full")
        # GitHub's own example lacks fields its schema requires (`type`, `organization.archived_at`).
        team.update(slug=request.params["team"], name=request.params["team"], type="organization")
        team["organization"]["archived_at"] = None
        return Reply(200, team)

    def _membership(self, request: Request) -> Reply:
        slug = f"{request.params['org']}/{request.params['team']}"
        if not self._may_read_teams(request) or request.params["user"] not in self.teams.get(slug, []):
            return self._not_found()
        membership = example("team-membership-response-if-user-is-a-team-maintainer")
        membership.update(role="member", url=f"https://api.github.com/teams/1/memberships/{request.params['user']}")
        return Reply(200, membership)

    def _status(self, request: Request) -> Reply:
        body = request.json()
        self.statuses.setdefault(request.params["sha"], []).append(body)
        status = example("status")
        status.update(state=body["state"], description=body.get("description"), context=body.get("context"))
        return Reply(201, status)

    def _request(self, request: Request) -> Reply:
        number = int(request.params["number"])
        if number not in self.prs:
            return self._not_found()
        self.review_requests.append({"pr": number, **request.json()})
        return Reply(201, self._simple(number))

    def last_status(self, sha: str) -> dict[str, Any] | None:
        """The status GitHub shows for ``pregon/aprobación`` on ``sha`` (posting again replaces it)."""
        found = [s for s in self.statuses.get(sha, []) if s.get("context") == "pregon/aprobación"]
        return found[-1] if found else None

    # --- faults ----------------------------------------------------------------------------
    @staticmethod
    def rate_limited(secondary: bool = False) -> Reply:
        """GitHub's documented rate-limit answers: primary (403, remaining 0) or secondary (429, retry-after)."""
        body = {
            "message": "API rate limit exceeded",
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        }
        if secondary:
            return Reply(429, body, {"retry-after": "60"})
        return Reply(
            403,
            body,
            {
                "x-ratelimit-remaining": "0",
                "x-ratelimit-limit": "60",
                "x-ratelimit-reset": "1795000000",
            },
        )

    # --- validation ------------------------------------------------------------------------
    def _dispatch(self, request: Request) -> Reply:
        reply = super()._dispatch(request)
        oa_request = _OARequest(
            request.method.lower(), request.path, request.query, request.headers, body=request.body or None
        )
        try:
            openapi().validate_request(oa_request)
        except Exception as exc:
            self.reject(400, None, f"request {request.method} {request.path}: {_explain(exc)}")
        if reply.status in (200, 201):
            payload, _ = reply.encode()
            try:
                openapi().validate_response(oa_request, _OAResponse(reply.status, payload, reply.headers))
            except Exception as exc:
                self.reject(
                    500,
                    None,
                    f"response of {request.path} breaks GitHub's OpenAPI: {_explain(exc)}",
                )
        return reply
