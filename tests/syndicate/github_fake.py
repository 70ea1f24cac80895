"""A fake of the three GitHub REST endpoints the ``github`` approval provider uses.

Follows GitHub's REST documentation: "List pull requests associated with a commit"
(``GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls``), "List reviews for a pull request"
(``GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews``, chronological order), "List team
members" (``GET /orgs/{org}/teams/{team_slug}/members``), "Using pagination in the REST API"
(``per_page``/``page`` and the ``Link`` header) and "Rate limits for the REST API" (403/429 with
``x-ratelimit-remaining: 0``, ``x-ratelimit-reset`` or ``retry-after``).

Every answer is built from the official examples of GitHub's OpenAPI description (npm
``@octokit/openapi``, fetched by tools/install-test-tools.sh) with the fields of the scenario
overlaid, and **every 200 answer is validated against that description with openapi-core**, as
is every request (path, query parameters): a mismatch is recorded as a violation, so a test
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
    """State: merged/open PRs per commit, reviews per PR, members per team."""

    def __init__(self, owner: str = "alcaldia", repo: str = "portal") -> None:
        super().__init__()
        self.owner, self.repo = owner, repo
        self.prs: dict[int, dict[str, Any]] = {}
        self.commit_prs: dict[str, list[int]] = {}
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.teams: dict[str, list[str]] = {}
        self._ids = 1000
        base = rf"/repos/{owner}/{repo}"
        self.add_route(
            "GET",
            base + r"/commits/(?P<sha>[0-9a-f]{7,40})/pulls",
            self._commit_pulls,
            "commit_pulls",
        )
        self.add_route(
            "GET",
            base + r"/pulls/(?P<number>\d+)/reviews",
            self._pr_reviews,
            "pr_reviews",
        )
        self.add_route(
            "GET",
            r"/orgs/(?P<org>[\w.-]+)/teams/(?P<team>[\w.-]+)/members",
            self._members,
            "team_members",
        )

    # --- scenario -------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def add_pr(
        self,
        number: int,
        *,
        author: str,
        commits: list[str],
        head: str,
        merged: bool = True,
    ) -> None:
        """A PR whose branch contains ``commits`` (the last change of a release among them)."""
        pr = example("pull-request-simple-items")[0]
        # GitHub's own example lacks `type` in requested_teams[], which its schema requires.
        pr["requested_teams"] = []
        pr.update(
            number=number,
            id=self._next_id(),
            state="closed" if merged else "open",
            merged_at="2026-11-19T16:00:00Z" if merged else None,
            user=_user(author, self._next_id()),
        )
        pr["head"]["sha"] = head
        pr["url"] = f"https://api.github.com/repos/{self.owner}/{self.repo}/pulls/{number}"
        self.prs[number] = pr
        for sha in commits:
            self.commit_prs.setdefault(sha, []).append(number)

    def review(self, number: int, login: str, state: str, commit: str) -> None:
        """A review as GitHub lists it (``state``: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED)."""
        review = example("pull-request-review-items")[0]
        review.update(
            id=self._next_id(),
            user=_user(login, self._next_id()),
            state=state,
            commit_id=commit,
        )
        self.reviews.setdefault(number, []).append(review)

    def team(self, slug: str, members: list[str]) -> None:
        self.teams[slug] = members

    # --- endpoints -------------------------------------------------------------------------
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

    def _commit_pulls(self, request: Request) -> Reply:
        numbers = [n for sha, ns in self.commit_prs.items() if sha.startswith(request.params["sha"]) for n in ns]
        return self._page(request, [self.prs[n] for n in numbers])

    def _pr_reviews(self, request: Request) -> Reply:
        number = int(request.params["number"])
        if number not in self.prs:
            return Reply(
                404,
                {
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest",
                },
            )
        return self._page(request, self.reviews.get(number, []))

    def _members(self, request: Request) -> Reply:
        slug = f"{request.params['org']}/{request.params['team']}"
        members = [_user(login, 5000 + i) for i, login in enumerate(self.teams.get(slug, []))]
        return self._page(request, members)

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
        oa_request = _OARequest(request.method.lower(), request.path, request.query, request.headers)
        try:
            openapi().validate_request(oa_request)
        except Exception as exc:
            self.reject(400, None, f"request {request.method} {request.path}: {_explain(exc)}")
        if reply.status == 200:
            payload, _ = reply.encode()
            try:
                openapi().validate_response(oa_request, _OAResponse(200, payload, reply.headers))
            except Exception as exc:
                self.reject(
                    500,
                    None,
                    f"response of {request.path} breaks GitHub's OpenAPI: {_explain(exc)}",
                )
        return reply
