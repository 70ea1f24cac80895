"""The PR review is the approval: ``pregon aprobacion estado`` / ``registrar`` and the ``github`` gate.

Real parts: a real git repository (the office's, with a bare ``origin`` that holds the PR head
under ``refs/pull/N/head`` as GitHub does, so the privileged job must fetch it as data) and the
real digest of the example releases. GitHub itself cannot run here: its REST API is the local
fake of ``tests/syndicate/github_fake.py``, which answers with GitHub's documented shapes and
validates every request and answer against GitHub's OpenAPI description.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.review.forge_git import Repository
from pregon.review.forge_github import evaluate
from pregon.syndicate.approvals.github_api import GitHubClient

from tests.syndicate.github_fake import FakeGitHub

RELEASE = "content/prensa/2026/11/nueva-sede-hospital.md"
IMAGE = "content/prensa/2026/11/nueva-sede-hospital.jpg"
OTHER = "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md"
ROOT_OF_RELEASES = "content/prensa"
TOKEN = "ghs_WorkflowTokenForTests000"
APP_TOKEN = "ghs_AppTokenWithMembersRead00"
POINTS = {"contenido": ("jefa-prensa",), "diseño": ("alcaldia/diseno",)}
PREGON = str(Path(sys.executable).parent / "pregon")


def git(cwd: Path, *args: str, author: str = "Oficina <oficina@alcaldia.gov.co>") -> str:
    name, email = author[:-1].split(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Office:
    """The office's repository: ``main`` checked out in ``root``, PR branches pushed to ``origin``."""

    def __init__(self, root: Path, origin: Path):
        self.root, self.origin = root, origin
        git(origin.parent, "init", "-q", "--bare", "-b", "main", str(origin))
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Portal")
        git(root, "remote", "add", "origin", str(origin))
        git(root, "push", "-q", "origin", "main")
        self.base = git(root, "rev-parse", "HEAD")
        self.branch = self.base

    def edit(self, path: str, old: str, new: str, author: str, message: str = "Cambio") -> str:
        """A commit on the PR branch (built in a worktree, never on the checked-out main)."""
        tree = self.root.parent / "rama"
        if not tree.exists():
            git(self.root, "worktree", "add", "-q", "--detach", str(tree), self.branch)
        file = tree / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", message, author=author)
        self.branch = git(tree, "rev-parse", "HEAD")
        return self.branch

    def touch_image(self, author: str) -> str:
        tree = self.root.parent / "rama"
        (tree / IMAGE).write_bytes((tree / IMAGE).read_bytes() + b"\0")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "Imagen", author=author)
        self.branch = git(tree, "rev-parse", "HEAD")
        return self.branch

    def publish_pr(self, number: int) -> None:
        """Push the branch where GitHub keeps a PR's head, and forget it locally (a fresh CI clone)."""
        tree = self.root.parent / "rama"
        git(tree, "push", "-q", "origin", f"HEAD:refs/pull/{number}/head")
        git(self.root, "worktree", "remove", "--force", str(tree))
        git(self.root, "gc", "-q", "--prune=now")


@pytest.fixture()
def office(project_copy: Path) -> Office:
    return Office(project_copy, project_copy.parent / "origin.git")


@pytest.fixture()
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.team("alcaldia/diseno", ["disenador", "ilustradora"])
        fake.org_tokens.add(APP_TOKEN)
        yield fake
    fake.assert_no_violations()


def open_pr(fake: FakeGitHub, office: Office, commits: list[tuple[str, str | None]], number: int = 7, **kw) -> None:  # type: ignore[no-untyped-def]
    fake.add_pr(
        number,
        author=kw.pop("author", "editora"),
        commits=[c for c, _ in commits],
        head=office.branch,
        base=office.base,
        merged=kw.pop("merged", False),
        **kw,
    )
    for sha, login in commits:
        fake.commit(number, sha, login, kw.get("message", "Comunicado"))


def result_for(fake: FakeGitHub, office: Office, token: str = APP_TOKEN, number: int = 7):  # type: ignore[no-untyped-def]
    api = GitHubClient(fake.url, token)
    try:
        return evaluate(api, Repository(office.root), "alcaldia/portal", number, POINTS, ROOT_OF_RELEASES)
    finally:
        api.close()


def release_of(result):  # type: ignore[no-untyped-def]
    [release] = result.releases
    assert release.path == RELEASE
    return release


def test_both_control_points_on_a_fork_pr_read_as_data(office: Office, github: FakeGitHub) -> None:
    """Fork PR: its commits are only in origin's refs/pull/7/head; they are fetched, never checked out."""
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    office.publish_pr(7)
    assert not Repository(office.root).has_commit(sha)
    open_pr(github, office, [(sha, "editora")], fork=True)
    github.review(7, "jefa-prensa", "APPROVED", sha)
    github.review(7, "disenador", "APPROVED", sha)
    release = release_of(result_for(github, office))
    assert release.complete, release.missing
    assert {a.role: (a.review.login, a.via) for a in release.approvals} == {
        "contenido": ("jefa-prensa", None),
        "diseño": ("disenador", "alcaldia/diseno"),
    }
    assert git(office.root, "rev-parse", "HEAD") == office.base  # main stays checked out


def test_one_missing_control_point(office: Office, github: FakeGitHub) -> None:
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", sha)
    github.review(7, "vecino", "APPROVED", sha)  # approves, but approves no control point
    release = release_of(result_for(github, office))
    assert not release.complete and set(release.missing) == {"diseño"}


def test_stale_review_of_an_older_version_does_not_count(office: Office, github: FakeGitHub) -> None:
    first = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    second = office.edit(RELEASE, "42 camas", "45 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(first, "editora"), (second, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", first)  # before the last edit: another digest
    github.review(7, "disenador", "APPROVED", second)
    release = release_of(result_for(github, office))
    assert set(release.missing) == {"contenido"}
    assert "versión anterior" in release.missing["contenido"]


def test_review_on_an_intermediate_commit_with_the_final_content_counts(office: Office, github: FakeGitHub) -> None:
    """After the review only another release changed: the reviewed version is the published one."""
    first = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    second = office.edit(OTHER, "lluvias", "lluvias fuertes", "Editora <editora@gmail.com>")
    open_pr(github, office, [(first, "editora"), (second, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", first)
    github.review(7, "disenador", "APPROVED", first)
    result = result_for(github, office)
    by_path = {r.path: r for r in result.releases}
    assert by_path[RELEASE].complete
    assert not by_path[OTHER].complete  # the other release changed after the reviews


def test_self_approval_by_commit_author_or_co_author_does_not_count(office: Office, github: FakeGitHub) -> None:
    text = office.edit(RELEASE, "40 camas", "42 camas", "Jefa <jefa@alcaldia.gov.co>")
    image = office.touch_image("Editora <editora@gmail.com>")
    open_pr(github, office, [(text, "jefa-prensa"), (image, "editora")])
    github.commit(7, image, "editora", "Imagen\n\nCo-authored-by: Diseño <1234+disenador@users.noreply.github.com>")
    github.review(7, "jefa-prensa", "APPROVED", image)
    github.review(7, "disenador", "APPROVED", image)
    release = release_of(result_for(github, office))
    assert set(release.missing) == {"contenido", "diseño"}
    assert "autor" in release.missing["contenido"] and "autor" in release.missing["diseño"]


@pytest.mark.parametrize(("reviewer", "counts"), [("ilustradora", True), ("vecino", False)])
def test_team_membership(office: Office, github: FakeGitHub, reviewer: str, counts: bool) -> None:
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", sha)
    github.review(7, reviewer, "APPROVED", sha)
    release = release_of(result_for(github, office))
    assert release.complete is counts
    assert github.calls("membership")


def test_workflow_token_cannot_read_teams_says_how_to_fix(office: Office, github: FakeGitHub) -> None:
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "disenador", "APPROVED", sha)
    with pytest.raises(Exception) as raised:
        result_for(github, office, token=TOKEN)
    message = str(raised.value)
    assert "alcaldia/diseno" in message and "GITHUB_TOKEN" in message and "create-github-app-token" in message
    assert "Members: read" in message and TOKEN not in message


@pytest.mark.parametrize("case", ["bot", "dismissed", "changes_requested_later", "commented_later"])
def test_bot_dismissed_and_later_verdicts(office: Office, github: FakeGitHub, case: str) -> None:
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "disenador", "APPROVED", sha)
    if case == "bot":
        github.review(7, "jefa-prensa", "APPROVED", sha, bot=True)
    else:
        review = github.review(7, "jefa-prensa", "APPROVED", sha)
        if case == "dismissed":
            github.dismiss(7, review)
        elif case == "changes_requested_later":
            github.review(7, "jefa-prensa", "CHANGES_REQUESTED", sha)
        else:
            github.review(7, "jefa-prensa", "COMMENTED", sha)
    release = release_of(result_for(github, office))
    assert release.complete is (case == "commented_later")
    if case == "bot":
        assert "bot" in release.missing["contenido"]


def test_one_person_cannot_be_both_control_points(office: Office, github: FakeGitHub) -> None:
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "disenador", "APPROVED", sha)
    api = GitHubClient(github.url, APP_TOKEN)
    both = {"contenido": ("disenador", "jefa-prensa"), "diseño": ("alcaldia/diseno",)}
    result = evaluate(api, Repository(office.root), "alcaldia/portal", 7, both, ROOT_OF_RELEASES)
    api.close()
    assert len(release_of(result).missing) == 1


# --- the commands, as the workflows run them ------------------------------------------------------
def configure(office: Office, points: dict[str, list[str]], extra: str = "") -> None:
    config = office.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "          provider: auto\n",
        "          provider: auto\n          control_points: " + json.dumps(points, ensure_ascii=False) + "\n" + extra,
    )
    assert "control_points" in text, "mkdocs.yml no longer has `provider: auto` where the test expects it"
    config.write_text(text, encoding="utf-8")
    git(office.root, "commit", "-q", "-am", "Aprobadores")
    office.base = git(office.root, "rev-parse", "HEAD")
    office.branch = office.base


def pregon(office: Office, fake: FakeGitHub, *args: str, token: str = APP_TOKEN) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GITHUB_REPOSITORY": "alcaldia/portal",
        "GITHUB_API_URL": fake.url,
        "GITHUB_TOKEN": token,
    }
    env.pop("PREGON_GITHUB_TOKEN", None)
    return subprocess.run([PREGON, *args], cwd=office.root, env=env, capture_output=True, text=True, check=False)


def test_estado_sets_the_status_and_asks_the_missing_approvers(office: Office, github: FakeGitHub) -> None:
    configure(office, {k: list(v) for k, v in POINTS.items()})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", sha)
    first = pregon(office, github, "aprobacion", "estado", "--pr", "7")
    assert first.returncode == 0, first.stdout + first.stderr
    status = github.last_status(sha)
    assert status is not None and status["state"] == "failure"
    assert "nueva-sede-hospital.md: falta diseño" in status["description"] and len(status["description"]) <= 140
    assert github.review_requests == [{"pr": 7, "reviewers": [], "team_reviewers": ["diseno"]}]
    github.review(7, "ilustradora", "APPROVED", sha)
    second = pregon(office, github, "aprobacion", "estado", "--pr", "7")
    assert second.returncode == 0, second.stdout + second.stderr
    assert github.last_status(sha)["state"] == "success"  # type: ignore[index]
    assert len(github.review_requests) == 1  # nobody left to ask
    assert APP_TOKEN not in first.stdout + first.stderr + second.stdout + second.stderr


def test_estado_with_the_workflow_token_and_a_team_fails_clearly(office: Office, github: FakeGitHub) -> None:
    configure(office, {k: list(v) for k, v in POINTS.items()})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "ilustradora", "APPROVED", sha)
    result = pregon(office, github, "aprobacion", "estado", "--pr", "7", token=TOKEN)
    assert result.returncode == 1
    assert "no se puede leer el equipo alcaldia/diseno" in result.stderr and "Traceback" not in result.stderr


def test_registrar_at_merge_then_the_gate_rechecks_every_review(office: Office, github: FakeGitHub) -> None:
    """Merge → records written by CI → syndicate's gate approves only while GitHub still agrees."""
    from pregon.syndicate.approvals import provider_for
    from pregon.syndicate.config import load_config
    from pregon.syndicate.manifest import Item

    configure(office, {k: list(v) for k, v in POINTS.items()})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    office.publish_pr(7)
    git(office.root, "fetch", "-q", "origin", "refs/pull/7/head")
    git(office.root, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "FETCH_HEAD")
    merge = git(office.root, "rev-parse", "HEAD")
    open_pr(github, office, [(sha, "editora")], merged=True)
    github.commit_prs[merge] = [7]
    github.review(7, "jefa-prensa", "APPROVED", sha)
    design = github.review(7, "ilustradora", "APPROVED", sha)
    done = pregon(office, github, "aprobacion", "registrar", "--commit", merge)
    assert done.returncode == 0, done.stdout + done.stderr
    again = pregon(office, github, "aprobacion", "registrar", "--commit", merge)
    assert again.returncode == 0
    lines = [
        json.loads(line)
        for path in sorted((office.root / "records" / "approvals").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if '"provider": "github"' in line
    ]
    assert len(lines) == 2  # written once
    digest = lines[0]["digest"]
    assert {(x["by"], x["role"], x["pr"], x["review"]["commit"], x["v"]) for x in lines} == {
        ("jefa-prensa", "contenido", 7, sha, 2),
        ("ilustradora", "diseño", 7, sha, 2),
    }
    from pregon.plugins.digest import release_digest

    assert digest == release_digest(office.root / RELEASE)

    config = load_config(office.root / "mkdocs.yml")
    env = {"GITHUB_REPOSITORY": "alcaldia/portal", "GITHUB_API_URL": github.url, "GITHUB_TOKEN": APP_TOKEN}
    item = Item.model_validate(
        {
            "id": "prensa/2026/11/nueva-sede-hospital",
            "url": "http://127.0.0.1/x/",
            "digest": digest,
            "title": "X",
            "summary": "Y",
            "date": "2026-11-25T09:00:00-05:00",
            "dependencia": {"slug": "salud", "name": "Salud"},
            "source": {"path": RELEASE},
        }
    )

    def decide() -> object:
        provider = provider_for(config.approvals, config.records, env)
        try:
            assert provider.name == "github"
            return provider.decide(item)
        finally:
            provider.close()

    assert decide().approved  # type: ignore[attr-defined]
    assert github.calls("review")  # every review was read again
    github.dismiss(7, design)
    refused = decide()
    assert not refused.approved and "DISMISSED" in refused.reason  # type: ignore[attr-defined]
    github.team("alcaldia/diseno", ["disenador"])
    github.reviews[7][-1]["state"] = "APPROVED"
    refused = decide()
    assert not refused.approved and "ya no pertenece al equipo" in refused.reason  # type: ignore[attr-defined]


def test_a_hand_typed_github_record_is_not_trusted(office: Office, github: FakeGitHub) -> None:
    from pregon.syndicate.approvals.github import GitHubApprovals
    from pregon.syndicate.config import GitHubConfig
    from pregon.syndicate.manifest import Item
    from pydantic import SecretStr

    folder = office.root / "records" / "approvals"
    digest = "sha256:" + "7" * 64
    line = {
        "v": 2,
        "provider": "github",
        "by": "jefa-prensa",
        "role": "contenido",
        "digest": digest,
        "pr": 7,
        "repository": "alcaldia/portal",
        "updates": {},
        "review": {"id": 999999, "user_id": 1, "commit": "a" * 40, "submitted_at": None},
    }
    (folder / "2026-12.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    provider = GitHubApprovals(
        GitHubConfig(repository="alcaldia/portal", token=SecretStr(APP_TOKEN), api_base=github.url),
        {"contenido": ("jefa-prensa",)},
        folder,
    )
    item = Item.model_validate(
        {
            "id": "x",
            "url": "http://127.0.0.1/x/",
            "digest": digest,
            "title": "X",
            "summary": "Y",
            "date": "2026-11-25T09:00:00-05:00",
            "dependencia": {"slug": "d", "name": "D"},
            "source": {"path": RELEASE},
        }
    )
    decision = provider.decide(item)
    provider.close()
    assert not decision.approved and "no existe en GitHub" in decision.reason


def test_missing_approvers_get_the_preview_by_email(office: Office, github: FakeGitHub, tmp_path: Path) -> None:
    """The design approver is e-mailed (real aiosmtpd server, STARTTLS + AUTH) what each account will post."""
    from tests.syndicate.channels.smtp_server import SMTPServer, make_certificates

    tls = make_certificates(tmp_path)
    with SMTPServer(tls, "pregon@alcaldia.test", "clave-smtp") as smtp:
        smtp_options = {
            "host": "127.0.0.1",
            "port": smtp.port,
            "username": "pregon@alcaldia.test",
            "ca_file": str(tls["ca"]),
            "sender": "Pregón <pregon@alcaldia.test>",
        }
        extra = (
            '          notify: {"alcaldia/diseno": diseno@alcaldia.test, jefa-prensa: jefa@alcaldia.test}\n'
            f"        alerts: {{email: prensa@alcaldia.test, smtp: {json.dumps(smtp_options)}}}\n"
        )
        configure(office, {k: list(v) for k, v in POINTS.items()}, extra)
        sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
        open_pr(github, office, [(sha, "editora")])
        github.review(7, "jefa-prensa", "APPROVED", sha)
        os.environ["PREGON_SMTP_PASSWORD"] = "clave-smtp"
        try:
            result = pregon(office, github, "aprobacion", "estado", "--pr", "7")
        finally:
            del os.environ["PREGON_SMTP_PASSWORD"]
        assert result.returncode == 0, result.stdout + result.stderr
        assert "vista previa enviada a diseno@alcaldia.test" in result.stdout
        [mail] = smtp.messages
    assert mail.rcpt_tos == ["diseno@alcaldia.test"]  # content is approved: only design is asked
    body = mail.message.get_content()
    assert "https://github.com/alcaldia/portal/pull/7" in body
    assert "42 camas" in body and "── outbox" in body  # the PR head's text, as the account posts it


def test_pr_file_names_cannot_become_workflow_commands(office: Office, github: FakeGitHub) -> None:
    """A release named like a workflow command is printed only while command processing is stopped."""
    configure(office, {"contenido": ["jefa-prensa"], "diseño": ["disenador"]})
    tree = office.root.parent / "rama"
    git(office.root, "worktree", "add", "-q", "--detach", str(tree), office.branch)
    evil = tree / "content/prensa/2026/11/::error::falso.md"
    evil.write_text((tree / RELEASE).read_text(encoding="utf-8"), encoding="utf-8")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "x", author="Editora <editora@gmail.com>")
    office.branch = git(tree, "rev-parse", "HEAD")
    open_pr(github, office, [(office.branch, "editora")])
    env_run = subprocess.run(
        [PREGON, "aprobacion", "estado", "--pr", "7", "--sin-avisar"],
        cwd=office.root,
        env={
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": "alcaldia/portal",
            "GITHUB_API_URL": github.url,
            "GITHUB_TOKEN": APP_TOKEN,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert env_run.returncode == 0, env_run.stderr
    lines = env_run.stdout.splitlines()
    marker = lines[0].removeprefix("::stop-commands::")
    assert lines[0].startswith("::stop-commands::") and len(marker) == 32
    assert lines[-1] == f"::{marker}::"
    assert any("::error::falso.md" in line for line in lines[1:-1])
