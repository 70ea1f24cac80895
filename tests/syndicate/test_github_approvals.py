"""The ``github`` approval gate of ``pregon syndicate``: CI-written records, each review re-read.

GitHub cannot run here: its REST API is the fake of github_fake.py, whose every request and
200/201 answer is validated against GitHub's official OpenAPI description. Docs followed: "Get a
review for a pull request", "Get team membership for a user", "Rate limits for the REST API".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pregon.syndicate.approvals import ApprovalUnavailable, provider_for
from pregon.syndicate.approvals.github import GitHubApprovals
from pregon.syndicate.config import ApprovalsConfig, GitHubConfig
from pregon.syndicate.manifest import Item
from pydantic import SecretStr

from tests.syndicate.github_fake import FakeGitHub
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, make_project

HEAD = "d" * 40
DIGEST = "sha256:" + "1" * 64
POINTS = {"contenido": ("jefa-prensa",), "diseño": ("alcaldia/diseno",)}
TOKEN = "ghs_AppTokenForTests000000"


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.team("alcaldia/diseno", ["disenador", "ilustradora"])
        fake.org_tokens.add(TOKEN)
        fake.add_pr(7, author="editora", commits=[HEAD], head=HEAD)
        yield fake
    fake.assert_no_violations()


def record(fake: FakeGitHub, folder: Path, login: str, role: str, review_id: int, **over: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    line = {
        "v": 2,
        "at": "2026-11-19T16:40:00Z",
        "provider": "github",
        "by": login,
        "role": role,
        "digest": DIGEST,
        "source": "content/prensa/x.md",
        "pr": 7,
        "updates": {},
        "repository": "alcaldia/portal",
        "review": {"id": review_id, "user_id": fake.user(login)["id"], "commit": HEAD, "submitted_at": None},
        "via": "alcaldia/diseno" if role == "diseño" else None,
        **over,
    }
    with (folder / "2026-11.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def approved(fake: FakeGitHub, folder: Path) -> tuple[int, int]:
    content = fake.review(7, "jefa-prensa", "APPROVED", HEAD)
    design = fake.review(7, "disenador", "APPROVED", HEAD)
    record(fake, folder, "jefa-prensa", "contenido", content)
    record(fake, folder, "disenador", "diseño", design)
    return content, design


def provider(fake: FakeGitHub, folder: Path) -> GitHubApprovals:
    return GitHubApprovals(
        GitHubConfig(repository="alcaldia/portal", token=SecretStr(TOKEN), api_base=fake.url), POINTS, folder
    )


def item(digest: str = DIGEST) -> Item:
    return Item.model_validate(
        {
            "id": "prensa/x",
            "url": "http://127.0.0.1/prensa/x/",
            "digest": digest,
            "title": "X",
            "summary": "Y",
            "date": "2026-11-19T09:00:00-05:00",
            "dependencia": {"slug": "d", "name": "D"},
            "source": {"path": "content/prensa/x.md"},
        }
    )


def test_records_for_both_control_points_whose_reviews_hold(github: FakeGitHub, tmp_path: Path) -> None:
    approved(github, tmp_path)
    decision = provider(github, tmp_path).decide(item())
    assert decision.approved, decision.reason
    assert decision.approvers == {"contenido": "jefa-prensa", "diseño": "disenador"}
    assert decision.reference == "PR #7"
    assert len(github.calls("review")) == 2 and github.calls("membership")
    assert all(r.header("authorization") == f"Bearer {TOKEN}" for r in github.requests)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("missing", "falta la aprobación de diseño"),
        ("other_digest", "falta la aprobación de contenido, diseño"),
        ("dismissed", "ya no es una aprobación (DISMISSED)"),
        ("other_commit", "es de otro commit"),
        ("other_user", "no es de disenador"),
        ("left_team", "ya no pertenece al equipo alcaldia/diseno"),
        ("unknown_review", "no existe en GitHub"),
        ("other_repository", "falta la aprobación de contenido, diseño"),
    ],
)
def test_a_record_alone_is_never_trusted(github: FakeGitHub, tmp_path: Path, case: str, reason: str) -> None:
    content = github.review(7, "jefa-prensa", "APPROVED", HEAD)
    design = github.review(7, "disenador", "APPROVED", HEAD)
    record(github, tmp_path, "jefa-prensa", "contenido", content)
    over: dict[str, Any] = {}
    if case == "other_digest":
        over = {"digest": "sha256:" + "2" * 64}
        (tmp_path / "2026-11.jsonl").unlink()
        record(github, tmp_path, "jefa-prensa", "contenido", content, **over)
    elif case == "dismissed":
        github.dismiss(7, design)
    elif case == "other_commit":
        over = {"review": {"id": design, "user_id": github.user("disenador")["id"], "commit": "e" * 40}}
    elif case == "other_user":
        other = github.review(7, "ilustradora", "APPROVED", HEAD)
        over = {"review": {"id": other, "user_id": github.user("disenador")["id"], "commit": HEAD}}
    elif case == "left_team":
        github.team("alcaldia/diseno", ["ilustradora"])
    elif case == "unknown_review":
        over = {"review": {"id": 424242, "user_id": 1, "commit": HEAD}}
    elif case == "other_repository":
        (tmp_path / "2026-11.jsonl").unlink()
        record(github, tmp_path, "jefa-prensa", "contenido", content, repository="otra/entidad")
        over = {"repository": "otra/entidad"}
    if case != "missing":
        record(github, tmp_path, "disenador", "diseño", design, **over)
    decision = provider(github, tmp_path).decide(item())
    assert not decision.approved
    assert reason in decision.reason


def test_a_bot_review_never_counts(github: FakeGitHub, tmp_path: Path) -> None:
    content = github.review(7, "jefa-prensa", "APPROVED", HEAD)
    bot = github.review(7, "pregon-app[bot]", "APPROVED", HEAD, bot=True)
    record(github, tmp_path, "jefa-prensa", "contenido", content)
    record(github, tmp_path, "pregon-app[bot]", "diseño", bot, via=None)
    points = {"contenido": ("jefa-prensa",), "diseño": ("pregon-app[bot]",)}
    gate = GitHubApprovals(
        GitHubConfig(repository="alcaldia/portal", token=SecretStr(TOKEN), api_base=github.url), points, tmp_path
    )
    decision = gate.decide(item())
    assert not decision.approved and "es de un bot" in decision.reason


def test_live_update_needs_its_own_digest_in_the_records(github: FakeGitHub, tmp_path: Path) -> None:
    from pregon.syndicate.manifest import Update

    update_digest = "sha256:" + "3" * 64
    content = github.review(7, "jefa-prensa", "APPROVED", HEAD)
    design = github.review(7, "disenador", "APPROVED", HEAD)
    record(github, tmp_path, "jefa-prensa", "contenido", content, updates={"u1": update_digest})
    record(github, tmp_path, "disenador", "diseño", design)
    update = Update.model_validate(
        {
            "id": "u1",
            "time": "2026-11-19T10:00:00-05:00",
            "text": "Ya abrió",
            "digest": update_digest,
            "url": "http://127.0.0.1/prensa/x/#u1",
        }
    )
    decision = provider(github, tmp_path).decide(item(), update)
    assert not decision.approved and "falta la aprobación de diseño para la actualización u1" in decision.reason


@pytest.mark.parametrize("secondary", [False, True])
def test_rate_limit_leaves_the_item_for_later(github: FakeGitHub, tmp_path: Path, secondary: bool) -> None:
    approved(github, tmp_path)
    github.fail_next("review", FakeGitHub.rate_limited(secondary))
    with pytest.raises(ApprovalUnavailable) as raised:
        provider(github, tmp_path).decide(item())
    assert "limitó las consultas" in str(raised.value) and "próxima ejecución" in str(raised.value)
    assert ("60 s" in str(raised.value)) if secondary else ("UTC" in str(raised.value))
    assert TOKEN not in str(raised.value)


def test_auto_is_github_on_actions_with_a_token_and_records_elsewhere(tmp_path: Path) -> None:
    config = ApprovalsConfig.model_validate({})
    assert config.provider == "auto"
    assert provider_for(config, tmp_path, {}).name == "records"
    assert provider_for(config, tmp_path, {"GITHUB_REPOSITORY": "alcaldia/portal"}).name == "records"
    on_actions = provider_for(config, tmp_path, {"GITHUB_REPOSITORY": "alcaldia/portal", "GITHUB_TOKEN": "t"})
    assert on_actions.name == "github"
    on_actions.close()
    forced = provider_for(ApprovalsConfig.model_validate({"provider": "github"}), tmp_path, {})
    with pytest.raises(ApprovalUnavailable, match="falta el repositorio o el token"):
        forced.decide(item())


def test_syndicate_posts_only_what_github_still_confirms(
    tmp_path: Path, hand_site: HandSite, github: FakeGitHub
) -> None:
    """End to end: two items recorded at merge; one review was dismissed afterwards. Only the first goes out."""
    good, dismissed = Spec("bueno"), Spec("descartado")
    project = make_project(
        tmp_path / "project",
        {"approvals": {"provider": "auto", "control_points": {k: list(v) for k, v in POINTS.items()}}},
    )
    folder = project / "records" / "approvals"
    for spec in (good, dismissed):
        content = github.review(7, "jefa-prensa", "APPROVED", HEAD)
        design = github.review(7, "ilustradora", "APPROVED", HEAD)
        record(github, folder, "jefa-prensa", "contenido", content, digest=spec.digest)
        record(github, folder, "ilustradora", "diseño", design, digest=spec.digest)
    github.dismiss(7, design)
    hand_site.write([good, dismissed])
    env = {"GITHUB_REPOSITORY": "alcaldia/portal", "GITHUB_API_URL": github.url, "GITHUB_TOKEN": TOKEN}
    with hand_site.serve() as site:
        result = run_syndicate(project, site, env=env)
    assert result.returncode == 0, result.output
    posted = [json.loads(p.read_text(encoding="utf-8")) for p in (project / "outbox").glob("*.json")]
    assert len(posted) == 1 and "bueno" in json.dumps(posted[0])
    assert "ya no es una aprobación (DISMISSED)" in result.stdout
    assert TOKEN not in result.output
