""" "Actualizado" and feed ``<updated>`` from a real git history with commits at known UTC offsets.

A copy of the example project becomes a git repository: one commit adds every release (as an
office's first import does), later commits edit two of them, one from a machine on UTC (a CI
runner, ``+0000``) and one from a machine on Bogotá time (``-0500``). The portal must show each
edit in the site's zone (America/Bogota) and must not take the adding commit for an update.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from pregon.plugins.gitinfo import last_commits

from tests.conftest import build_site

from .conftest import edit, page

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "http://portal.example/"
SCHOLARSHIPS = "prensa/2026/09/becas-educacion-superior"
ACCOUNTS = "prensa/2026/10/rendicion-de-cuentas-2026"
WORKS = "prensa/2026/01/plan-de-obras-2026"


def _commit(project: Path, message: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Oficina de Comunicaciones",
        "GIT_AUTHOR_EMAIL": "prensa@portal.example",
        "GIT_COMMITTER_NAME": "Oficina de Comunicaciones",
        "GIT_COMMITTER_EMAIL": "prensa@portal.example",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=project, check=True, env=env)


@pytest.fixture()
def history(project_copy: Path) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project_copy, check=True)
    _commit(project_copy, "Import every release", "2026-11-10T09:00:00+00:00")
    edit(project_copy, SCHOLARSHIPS, "El plazo vence el 30 de septiembre.", "El plazo se amplió.")
    _commit(project_copy, "Edit from a CI runner on UTC", "2026-11-19T18:26:00+00:00")  # 13:26 in Bogotá
    edit(project_copy, ACCOUNTS, "Puede enviar sus preguntas desde ahora.", "Envíe sus preguntas.")
    _commit(project_copy, "Edit from a laptop on Bogotá time", "2026-11-18T09:15:00-05:00")
    return project_copy


def test_last_commits_tell_an_edit_from_the_commit_that_added_the_file(history: Path) -> None:
    commits = last_commits(history / "content", [f"{SCHOLARSHIPS}.md", f"{ACCOUNTS}.md", f"{WORKS}.md"])
    assert commits[f"{WORKS}.md"].added
    assert not commits[f"{SCHOLARSHIPS}.md"].added and not commits[f"{ACCOUNTS}.md"].added
    assert commits[f"{SCHOLARSHIPS}.md"].time == datetime.fromisoformat("2026-11-19T18:26:00+00:00")
    assert commits[f"{ACCOUNTS}.md"].time == datetime.fromisoformat("2026-11-18T14:15:00+00:00")


def test_updated_is_shown_in_the_sites_zone_and_only_for_edits(history: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = build_site(site, SITE, project=history)
    assert result.returncode == 0, result.stderr[-3000:]
    scholarships = page(site, SCHOLARSHIPS)
    assert (
        'Actualizado el <time datetime="2026-11-19T13:26:00-05:00">19 de noviembre de 2026, 13:26</time>'
        in scholarships
    )
    assert "18:26" not in scholarships
    assert 'Actualizado el <time datetime="2026-11-18T09:15:00-05:00">18 de noviembre de 2026, 09:15</time>' in page(
        site, ACCOUNTS
    )
    assert "Actualizado el" not in page(site, WORKS)  # only added: its publication is its last change

    atom = ET.fromstring((site / "atom.xml").read_bytes())
    updated = {
        e.find(ATOM + "link").get("href").removeprefix(SITE).rstrip("/"): (
            e.findtext(ATOM + "updated"),
            e.findtext(ATOM + "published"),
        )
        for e in atom.findall(ATOM + "entry")
    }
    assert updated[SCHOLARSHIPS][0] == "2026-11-19T13:26:00-05:00"
    assert updated[WORKS][0] == updated[WORKS][1]
    values = [u for u, _ in updated.values()]
    assert len(set(values)) == len(values)
    assert not any(v.startswith("2026-11-10") for v in values)  # the import commit is nobody's update
