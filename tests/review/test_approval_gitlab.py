"""GitLab: merge-request approvals recorded at merge (``pregon aprobacion registrar`` in GitLab CI).

Real git repository and real digests; GitLab's API is the local fake of ``gitlab_fake.py``, which
reproduces the documented responses of the Free tier (``/approvals`` only; ``/approval_state``
answers 404) and of Premium (approval rules per control point), since no GitLab can run here.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.syndicate.approvals.records import RecordsApprovals
from pregon.syndicate.manifest import Item

from tests.review.gitlab_fake import FakeGitLab
from tests.review.test_approval_forge import PREGON, RELEASE, Office, configure, git

TOKEN = "glpat-FakeProjectToken0000"


@pytest.fixture()
def office(project_copy: Path) -> Office:
    return Office(project_copy, project_copy.parent / "origin.git")


def gitlab(premium: bool) -> FakeGitLab:
    return FakeGitLab(TOKEN, premium=premium)


def merge(office: Office, fake: FakeGitLab, author: str = "editora") -> str:
    head = office.branch
    git(office.root, "merge", "-q", "--no-ff", "-m", "Merge branch 'comunicado'", head)
    merged = git(office.root, "rev-parse", "HEAD")
    fake.add_mr(3, author=author, head=head, base=office.base, merged_into=merged)
    return merged


def registrar(office: Office, fake: FakeGitLab, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        CI_PROJECT_ID="42",
        CI_PROJECT_PATH="alcaldia/portal",
        CI_API_V4_URL=f"{fake.url}/api/v4",
        PREGON_GITLAB_TOKEN=token,
    )
    return subprocess.run(
        [PREGON, "aprobacion", "registrar"], cwd=office.root, env=env, capture_output=True, text=True, check=False
    )


def gitlab_records(office: Office) -> list[dict]:
    return [
        json.loads(line)
        for p in sorted((office.root / "records" / "approvals").glob("*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if '"provider": "gitlab"' in line
    ]


@pytest.fixture()
def free() -> Iterator[FakeGitLab]:
    with gitlab(premium=False) as fake:
        yield fake
    fake.assert_no_violations()


def test_free_tier_approvals_by_configured_usernames_are_recorded(office: Office, free: FakeGitLab) -> None:
    configure(office, {"contenido": ["jefa-prensa"], "diseño": ["disenador"]})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@alcaldia.gov.co>")
    merged = merge(office, free)
    free.commit(3, sha, "Editora", "editora@alcaldia.gov.co")
    free.approve(3, "jefa-prensa")
    free.approve(3, "disenador")
    done = registrar(office, free)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = gitlab_records(office)
    assert {(x["by"], x["role"], x["pr"], x["review"]["commit"]) for x in lines} == {
        ("jefa-prensa", "contenido", 3, sha),
        ("disenador", "diseño", 3, sha),
    }
    assert git(office.root, "rev-parse", "HEAD") == merged
    from pregon.plugins.digest import release_digest

    digest = release_digest(office.root / RELEASE)
    gate = RecordsApprovals(
        office.root / "records" / "approvals", {"contenido": ("jefa-prensa",), "diseño": ("disenador",)}
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
    assert gate.decide(item).approved
    assert TOKEN not in done.stdout + done.stderr


def test_free_tier_author_and_bot_approvals_do_not_count(office: Office, free: FakeGitLab) -> None:
    configure(office, {"contenido": ["jefa-prensa"], "diseño": ["disenador", "project_42_bot_abc"]})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Jefa <jefa-prensa@alcaldia.gov.co>")
    merge(office, free)
    free.commit(3, sha, "Jefa", "jefa-prensa@alcaldia.gov.co")
    free.approve(3, "jefa-prensa")
    free.approve(3, "project_42_bot_abc")
    done = registrar(office, free)
    assert done.returncode == 1
    assert "falta contenido" in done.stderr and "falta diseño" in done.stderr
    assert "es autor" in done.stderr and "es un bot" in done.stderr
    assert gitlab_records(office) == []


def test_premium_rules_decide_who_approves_each_control_point(office: Office) -> None:
    with gitlab(premium=True) as premium:
        configure(office, {"contenido": ["jefa-prensa"], "diseño": ["disenador"]})
        sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@alcaldia.gov.co>")
        merge(office, premium)
        premium.commit(3, sha, "Editora", "editora@alcaldia.gov.co")
        premium.approve(3, "jefa-prensa", rule="contenido")
        premium.approve(3, "ilustradora", rule="diseño")  # eligible by GitLab's rule, not by the list
        done = registrar(office, premium)
        assert premium.calls("approval_state")
    premium.assert_no_violations()
    assert done.returncode == 0, done.stdout + done.stderr
    assert {(x["by"], x["role"]) for x in gitlab_records(office)} == {
        ("jefa-prensa", "contenido"),
        ("ilustradora", "diseño"),
    }


def test_a_refused_gitlab_token_is_said_without_showing_it(office: Office, free: FakeGitLab) -> None:
    configure(office, {"contenido": ["jefa-prensa"], "diseño": ["disenador"]})
    office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@alcaldia.gov.co>")
    merge(office, free)
    done = registrar(office, free, token="glpat-Wrong")
    assert done.returncode == 1 and "GitLab rechazó el token" in done.stderr
    assert "glpat-Wrong" not in done.stderr and "Traceback" not in done.stderr
