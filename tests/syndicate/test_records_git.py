"""The records branch against a real bare repository with a protected ``main`` (tests/syndicate/gitkit.py).

Real git throughout: worktrees, pushes refused by a server-side hook, non-fast-forward races
between two checkouts, the line-union merge driver run by git itself.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pregon.syndicate.jsonlines import append_records
from pregon.syndicate.records_git import GitRecords, RecordsGitError, Remote, durability_for, prepare
from pregon.syndicate.records_merge import union

from pregon.cli import main
from tests.syndicate.gitkit import clone, files, git, merge_to_main, protected_server, show

BRANCH = "pregon-registros"
APPROVAL = {"v": 1, "at": "2026-11-19T10:00:00Z", "by": "jefa-prensa", "role": "contenido", "digest": "sha256:aa"}


@pytest.fixture()
def server(tmp_path: Path) -> Path:
    content = tmp_path / "contenido"
    (content / "records" / "approvals").mkdir(parents=True)
    (content / "records" / "approvals" / "2026-11.jsonl").write_text(json.dumps(APPROVAL) + "\n")
    (content / "mkdocs.yml").write_text("site_name: Portal\nplugins:\n  - pregon\n")
    return protected_server(tmp_path, content)


def line(n: int, who: str) -> dict[str, object]:
    return {"v": 1, "at": f"2026-11-20T10:00:{n:02d}Z", "job": who, "n": n}


def test_main_is_really_protected(server: Path, tmp_path: Path) -> None:
    ci = clone(server, tmp_path / "ci")
    (ci / "x.txt").write_text("x")
    git(ci, "add", "x.txt")
    git(ci, "commit", "-q", "-m", "x")
    refused = subprocess.run(["git", "push", "origin", "HEAD:main"], cwd=ci, capture_output=True, text=True)
    assert refused.returncode != 0 and "GH006: Protected branch update failed" in refused.stderr
    assert "x.txt" not in files(server, "main")


def test_first_use_creates_an_orphan_branch_from_mains_records_and_never_touches_main(
    server: Path, tmp_path: Path
) -> None:
    main_before = git(server, "rev-parse", "main")
    ci = clone(server, tmp_path / "ci")
    notes = prepare(ci / "records", BRANCH, Remote())
    assert any("creada" in n for n in notes)
    assert git(server, "rev-parse", "main") == main_before
    assert sorted(files(server, BRANCH)) == [".gitattributes", ".gitignore", "approvals/2026-11.jsonl"]
    assert git(server, "rev-list", "--max-parents=0", "--count", BRANCH).strip() == "1"  # orphan
    assert git(server, "merge-base", "main", BRANCH, check=False) == ""  # no shared history
    # The records folder is now the branch: writers keep their paths.
    assert isinstance(durability_for(ci / "records", BRANCH), GitRecords)
    assert not isinstance(durability_for(ci / "records", "otra-rama"), GitRecords)
    assert json.loads((ci / "records" / "approvals" / "2026-11.jsonl").read_text()) == APPROVAL


def test_later_jobs_get_the_branch_plus_new_approvals_merged_on_main(server: Path, tmp_path: Path) -> None:
    first = clone(server, tmp_path / "ci1")
    prepare(first / "records", BRANCH, Remote())
    store = GitRecords(first / "records", BRANCH, Remote())
    append_records(first / "records" / "ledger", "2026-11", [line(1, "publicar")])
    store.make_durable("prueba")
    newer = {**APPROVAL, "by": "disenador", "role": "diseño"}
    merge_to_main(server, tmp_path / "oficina", "records/approvals/2026-11.jsonl", json.dumps(newer) + "\n")

    second = clone(server, tmp_path / "ci2")
    prepare(second / "records", BRANCH, Remote())
    approvals = (second / "records" / "approvals" / "2026-11.jsonl").read_text().splitlines()
    assert [json.loads(a)["by"] for a in approvals] == ["jefa-prensa", "disenador"]  # each once
    assert (second / "records" / "ledger" / "2026-11.jsonl").read_text() == json.dumps(line(1, "publicar")) + "\n"
    assert "disenador" in show(server, BRANCH, "approvals/2026-11.jsonl")


def test_concurrent_jobs_never_lose_each_others_lines(server: Path, tmp_path: Path) -> None:
    publish, collect = clone(server, tmp_path / "publicar"), clone(server, tmp_path / "recoger")
    prepare(publish / "records", BRANCH, Remote())
    prepare(collect / "records", BRANCH, Remote())
    a = GitRecords(publish / "records", BRANCH, Remote())
    b = GitRecords(collect / "records", BRANCH, Remote())
    append_records(publish / "records" / "ledger", "2026-11", [line(1, "publicar"), line(2, "publicar")])
    append_records(collect / "records" / "ledger", "2026-11", [line(3, "recoger")])
    a.make_durable("publicar")
    b.make_durable("recoger")  # non-fast-forward: fetched, merged by line union, pushed
    append_records(publish / "records" / "ledger", "2026-11", [line(4, "publicar")])
    a.make_durable("publicar otra vez")  # and the other way round
    merged = [json.loads(x)["n"] for x in show(server, BRANCH, "ledger/2026-11.jsonl").splitlines()]
    assert sorted(merged) == [1, 2, 3, 4]  # every line, each once
    assert merged.index(1) < merged.index(2)  # each job's order is kept
    log = git(server, "log", "--format=%P", BRANCH).splitlines()
    assert any(len(parents.split()) == 2 for parents in log)  # a real merge, history kept


def test_a_torn_line_is_quarantined_before_commit_never_merged(server: Path, tmp_path: Path) -> None:
    ci = clone(server, tmp_path / "ci")
    prepare(ci / "records", BRANCH, Remote())
    path = ci / "records" / "ledger" / "2026-11.jsonl"
    append_records(path.parent, "2026-11", [line(1, "publicar")])
    with path.open("ab") as handle:
        handle.write(b'{"v": 1, "job": "cort')
    GitRecords(ci / "records", BRANCH, Remote()).make_durable("con línea cortada")
    assert show(server, BRANCH, "ledger/2026-11.jsonl") == json.dumps(line(1, "publicar")) + "\n"
    assert show(server, BRANCH, "ledger/2026-11.jsonl.ilegible") == '{"v": 1, "job": "cort\n'


def test_union_refuses_torn_or_broken_lines() -> None:
    assert union(b'{"a": 1}\n', b'{"a": 1}\n{"b": 2}\n') == b'{"a": 1}\n{"b": 2}\n'
    with pytest.raises(ValueError):
        union(b'{"a": 1}\n', b'{"a": 1}\n{"b": ')
    with pytest.raises(ValueError):
        union(b'{"a": 1}\nno es json\n', b"")


def test_a_refused_push_is_a_clean_error_without_the_token(server: Path, tmp_path: Path) -> None:
    ci = clone(server, tmp_path / "ci")
    hook = server / "hooks" / "pre-receive"
    hook.write_text(hook.read_text().replace('"refs/heads/main"', f'"refs/heads/{BRANCH}"'))  # now it is protected too
    with pytest.raises(RecordsGitError) as caught:
        prepare(ci / "records", BRANCH, Remote(token="glpat-no-debe-verse"))
    message = str(caught.value)
    assert "GH006" in message and "glpat-no-debe-verse" not in message


def test_cli_prepare_save_and_no_main(server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ci = clone(server, tmp_path / "ci")
    monkeypatch.chdir(ci)
    runner = CliRunner()
    assert runner.invoke(main, ["registros", "guardar"]).exit_code == 2  # not prepared: refused, nothing pushed
    prepared = runner.invoke(main, ["registros", "preparar"])
    assert prepared.exit_code == 0, prepared.output
    append_records(ci / "records" / "metrics", "2026-11", [line(5, "recoger")])
    saved = runner.invoke(main, ["registros", "guardar", "-m", "Métricas del día (7)"])
    assert saved.exit_code == 0, saved.output
    assert git(server, "log", "-1", "--format=%s", BRANCH).strip() == "Métricas del día (7)"
    (ci / "mkdocs.yml").write_text("site_name: P\nplugins:\n  - pregon:\n      syndicate: {records_branch: main}\n")
    refused = runner.invoke(main, ["registros", "guardar"])
    assert refused.exit_code == 2 and "nunca en main" in refused.output
