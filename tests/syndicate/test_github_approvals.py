"""The ``github`` approval provider against a fake of GitHub's REST API (github_fake.py) whose
every request and 200 answer is validated against GitHub's official OpenAPI description.

Docs followed: "List pull requests associated with a commit", "List reviews for a pull request",
"List team members", "Using pagination in the REST API", "Rate limits for the REST API".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.syndicate.approvals import ApprovalUnavailable
from pregon.syndicate.approvals.github import GitHubApprovals
from pregon.syndicate.config import GitHubConfig
from pregon.syndicate.manifest import Item
from pydantic import SecretStr

from tests.syndicate.github_fake import FakeGitHub
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, make_project

COMMIT, HEAD, OLD = "c" * 40, "d" * 40, "e" * 40
POINTS = {"contenido": ("jefa-prensa",), "diseño": ("alcaldia/diseno",)}
TOKEN = "ghp_FakeTokenForTests0000"


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.team("alcaldia/diseno", ["disenador", "ilustradora"])
        yield fake
    fake.assert_no_violations()


def provider(fake: FakeGitHub) -> GitHubApprovals:
    return GitHubApprovals(
        GitHubConfig(repository="alcaldia/portal", token=SecretStr(TOKEN), api_base=fake.url),
        POINTS,
    )


def item(commit: str | None = COMMIT) -> Item:
    return Item.model_validate(
        {
            "id": "prensa/x",
            "url": "http://127.0.0.1/prensa/x/",
            "digest": "sha256:" + "1" * 64,
            "title": "X",
            "summary": "Y",
            "date": "2026-11-19T09:00:00-05:00",
            "dependencia": {"slug": "d", "name": "D"},
            "source": {"path": "content/prensa/x.md", "commit": commit},
        }
    )


def approved_pr(fake: FakeGitHub, author: str = "editora") -> None:
    fake.add_pr(7, author=author, commits=[COMMIT], head=HEAD)
    fake.review(7, "jefa-prensa", "APPROVED", HEAD)
    fake.review(7, "disenador", "APPROVED", HEAD)


def test_approved_by_both_control_points_on_the_final_commit(
    github: FakeGitHub,
) -> None:
    approved_pr(github)
    decision = provider(github).decide(item())
    assert decision.approved, decision.reason
    assert decision.approvers == {"contenido": "jefa-prensa", "diseño": "disenador"}
    assert decision.reference == "PR #7"
    assert all(r.header("authorization") == f"Bearer {TOKEN}" for r in github.requests)
    assert github.calls("team_members")  # the team was resolved through the API


@pytest.mark.parametrize(
    ("scenario", "missing"),
    [
        ("dismissed", "contenido"),
        ("stale", "contenido"),
        ("self", "contenido"),
        ("changes_requested_later", "contenido"),
        ("no_design", "diseño"),
    ],
)
def test_invalid_approvals_do_not_count(github: FakeGitHub, scenario: str, missing: str) -> None:
    author = "jefa-prensa" if scenario == "self" else "editora"
    github.add_pr(7, author=author, commits=[COMMIT], head=HEAD)
    if scenario != "no_design":
        github.review(7, "disenador", "APPROVED", HEAD)
    if scenario == "dismissed":
        github.review(7, "jefa-prensa", "DISMISSED", HEAD)
    elif scenario == "stale":
        github.review(7, "jefa-prensa", "APPROVED", OLD)  # approved an older push of the branch
    elif scenario in ("self", "no_design"):
        github.review(7, "jefa-prensa", "APPROVED", HEAD)
    elif scenario == "changes_requested_later":
        github.review(7, "jefa-prensa", "APPROVED", HEAD)
        github.review(7, "jefa-prensa", "CHANGES_REQUESTED", HEAD)
    decision = provider(github).decide(item())
    assert not decision.approved
    assert f"falta aprobación válida de {missing}" in decision.reason and "PR #7" in decision.reason


def test_commit_outside_a_merged_pr_is_refused(github: FakeGitHub) -> None:
    github.add_pr(8, author="editora", commits=[COMMIT], head=HEAD, merged=False)
    github.review(8, "jefa-prensa", "APPROVED", HEAD)
    github.review(8, "disenador", "APPROVED", HEAD)
    decision = provider(github).decide(item())
    assert not decision.approved and "no pertenece a un pull request fusionado" in decision.reason
    assert not provider(github).decide(item(commit=None)).approved


def test_reviews_are_read_across_pages(github: FakeGitHub) -> None:
    github.add_pr(7, author="editora", commits=[COMMIT], head=HEAD)
    for n in range(130):
        github.review(7, f"vecino{n}", "COMMENTED", HEAD)
    github.review(7, "jefa-prensa", "APPROVED", HEAD)
    github.review(7, "ilustradora", "APPROVED", HEAD)
    decision = provider(github).decide(item())
    assert decision.approved, decision.reason
    pages = [r.query.get("page", ["1"])[0] for r in github.calls("pr_reviews")]
    assert pages == ["1", "2"]


@pytest.mark.parametrize("secondary", [False, True])
def test_rate_limit_leaves_the_item_for_later(github: FakeGitHub, secondary: bool) -> None:
    approved_pr(github)
    github.fail_next("commit_pulls", FakeGitHub.rate_limited(secondary))
    with pytest.raises(ApprovalUnavailable) as raised:
        provider(github).decide(item())
    assert "limitó las consultas" in str(raised.value) and "próxima ejecución" in str(raised.value)
    assert ("60 s" in str(raised.value)) if secondary else ("UTC" in str(raised.value))
    assert TOKEN not in str(raised.value)


def test_syndicate_posts_only_properly_approved_items(tmp_path: Path, hand_site: HandSite, github: FakeGitHub) -> None:
    """End to end: approved, self-approved and approved-on-an-older-commit items; only the first goes out."""
    good, selfish, stale = (
        Spec("bueno", commit="1" * 40),
        Spec("propio", commit="2" * 40),
        Spec("viejo", commit="3" * 40),
    )
    github.add_pr(1, author="editora", commits=[good.commit], head=good.commit)
    github.review(1, "jefa-prensa", "APPROVED", good.commit)
    github.review(1, "disenador", "APPROVED", good.commit)
    github.add_pr(2, author="jefa-prensa", commits=[selfish.commit], head=selfish.commit)
    github.review(2, "jefa-prensa", "APPROVED", selfish.commit)
    github.review(2, "disenador", "APPROVED", selfish.commit)
    github.add_pr(3, author="editora", commits=[stale.commit], head=stale.commit)
    github.review(3, "jefa-prensa", "APPROVED", "4" * 40)
    github.review(3, "disenador", "APPROVED", stale.commit)
    project = make_project(
        tmp_path / "project",
        {
            "approvals": {
                "provider": "github",
                "control_points": {k: list(v) for k, v in POINTS.items()},
                "github": {
                    "repository": "alcaldia/portal",
                    "token": "__GH__",
                    "api_base": github.url,
                },
            },
        },
        env_tags={"__GH__": "GITHUB_TOKEN"},
    )
    hand_site.write([good, selfish, stale])
    with hand_site.serve() as site:
        result = run_syndicate(project, site, env={"GITHUB_TOKEN": TOKEN})
    assert result.returncode == 0, result.output
    posted = {p.stem for p in (project / "outbox").glob("*.json")}
    assert len(posted) == 1
    assert "PR #2: falta aprobación válida de contenido" in result.stdout
    assert "PR #3: falta aprobación válida de contenido" in result.stdout
    assert TOKEN not in result.output
