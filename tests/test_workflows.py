"""The CI files shipped with Pregón: valid for their platform, doing what the README promises.

Validity is checked against SchemaStore's schemas for GitHub workflows and GitLab CI, as vendored
by check-jsonschema (offline). Behaviour the schema cannot see is asserted on the parsed files, and
the records-commit scripts are run for real against a local bare repository, with a `pregon` that
fails, to show the records are still pushed and the job still fails.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / ".github/workflows/review.yml"
PUBLISH = ROOT / ".github/workflows/publish.yml"
COLLECT = ROOT / ".github/workflows/collect.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
BIN = Path(sys.executable).parent


def load(path: Path) -> dict[Any, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-workflows", REVIEW),
        ("vendor.github-workflows", PUBLISH),
        ("vendor.github-workflows", COLLECT),
        ("vendor.gitlab-ci", GITLAB),
    ],
)
def test_valid_against_schemastore(schema: str, path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job["steps"]


def run_lines(job: dict[str, Any]) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def test_review_workflow_builds_strictly_checks_and_uploads_the_site() -> None:
    wf = load(REVIEW)
    assert "pull_request" in wf["on"]
    job = wf["jobs"]["revisar"]
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the merge base must be reachable
    commands = run_lines(job)
    assert "mkdocs build --strict" in commands and "pregon check --format github" in commands
    assert "hunspell-es" in commands
    upload = next(s for s in steps(job) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"


def test_publish_workflow_deploys_then_syndicates_without_overlap() -> None:
    wf = load(PUBLISH)
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert wf["concurrency"]["cancel-in-progress"] is False
    build, deploy, syndicate = wf["jobs"]["construir"], wf["jobs"]["desplegar"], wf["jobs"]["difundir"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps(build))
    assert deploy["needs"] == "construir" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))
    assert syndicate["needs"] == "desplegar" and syndicate["permissions"]["contents"] == "write"
    send = next(s for s in steps(syndicate) if "pregon syndicate" in s.get("run", ""))
    assert "--site" in send["run"] and "needs.desplegar.outputs.page_url" in send["run"]
    # Secrets only from repository secrets, each under the name mkdocs.yml's !ENV reads; the
    # press lists (personal data) are a secret written to a temporary file outside the checkout.
    files = {
        "PREGON_PRESS_LISTS_FILE": "${{ runner.temp }}/listas-de-prensa.yml",
        "PREGON_GITHUB_TOKEN": "${{ steps.app.outputs.token }}",  # the App token, minted in the job
    }
    assert all(value == files.get(name, f"${{{{ secrets.{name} }}}}") for name, value in send["env"].items())
    save = steps(syndicate)[steps(syndicate).index(send) + 1]
    assert save["if"] == "${{ always() }}" and "github-actions[bot]" in save["run"] and "records/" in save["run"]


def documented_secrets() -> set[str]:
    documented = set()
    for path in (ROOT / "syndicate").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        documented |= set(re.findall(r"(?:!ENV|password_env:) ([A-Z][A-Z0-9_]+)", text))
    return documented


def test_every_secret_the_channels_document_is_passed() -> None:
    send = next(s for s in steps(load(PUBLISH)["jobs"]["difundir"]) if "pregon syndicate" in s.get("run", ""))
    assert documented_secrets() <= set(send["env"]), documented_secrets() - set(send["env"])


def test_collect_workflow_runs_daily_with_the_channel_secrets_and_saves_metrics() -> None:
    wf = load(COLLECT)
    assert wf["on"]["schedule"] == [{"cron": "30 11 * * *"}]  # 06:30 in Bogotá
    [job] = wf["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    collect = next(s for s in steps(job) if s.get("run", "").strip() == "pregon collect")
    # Every channel secret (e-mail has no metrics: no SMTP password or press lists), and the
    # private folder for reply texts only from a repository variable, never a default.
    email_only = {"PREGON_SMTP_PASSWORD", "PREGON_PRESS_LISTS_FILE"}
    assert documented_secrets() - email_only <= set(collect["env"])
    assert collect["env"]["PREGON_PRIVATE_DIR"] == "${{ vars.PREGON_PRIVATE_DIR }}"
    others = {k: v for k, v in collect["env"].items() if k != "PREGON_PRIVATE_DIR"}
    assert all(v == f"${{{{ secrets.{k} }}}}" for k, v in others.items())
    save = steps(job)[steps(job).index(collect) + 1]
    assert save["if"] == "${{ always() }}" and "records/" in save["run"]


def test_commands_used_by_the_workflows_exist() -> None:
    check = subprocess.run([str(BIN / "pregon"), "check", "--help"], capture_output=True, text=True, check=False)
    assert (
        check.returncode == 0
        and "--format" in check.stdout
        and "github" in check.stdout
        and "--previews" in check.stdout
    )
    syndicate = subprocess.run(
        [str(BIN / "pregon"), "syndicate", "--help"], capture_output=True, text=True, check=False
    )
    assert syndicate.returncode == 0 and "--site" in syndicate.stdout


def test_gitlab_pipeline_mirrors_both_workflows() -> None:
    ci = load(GITLAB)
    review, pages, syndicate = ci["revisar"], ci["pages"], ci["difundir"]
    assert review["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert any("mkdocs build --strict" in line for line in review["script"])
    assert any(line.startswith("pregon check") for line in review["script"])
    assert "site/" in review["artifacts"]["paths"]
    assert pages["artifacts"]["paths"] == ["public"] and "--site-dir public" in " ".join(pages["script"])
    assert pages["resource_group"] == syndicate["resource_group"]
    assert syndicate["needs"] == ["pages"]
    assert ci[".principal"]["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule" && $PREGON_TAREA != "recoger"'}
    collect = ci["recoger"]
    assert collect["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $PREGON_TAREA == "recoger"'}]
    assert any("pregon collect" in line for line in script(collect))


def script(job: dict[str, Any]) -> list[str]:
    """A GitLab job's script with nested lists (from YAML anchors) flattened, as GitLab does."""
    lines: list[str] = []
    for line in job["script"]:
        lines.extend(line if isinstance(line, list) else [line])
    return lines


# --- The records-commit scripts, run for real -------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def repos(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A bare 'server' repo with a main branch, a CI checkout of it, and a `pregon` that fails."""
    server = tmp_path / "grupo" / "portal.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(server), str(seed))
    (seed / "records").mkdir()
    (seed / "records" / ".keep").write_text("")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "base")
    git(seed, "push", "-q", "origin", "HEAD:main")
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(server), str(ci))
    # Meanwhile someone merges a release: the records commit must rebase onto it.
    (seed / "nuevo.md").write_text("x")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "nuevo comunicado")
    git(seed, "push", "-q", "origin", "HEAD:main")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    pregon = fake_bin / "pregon"
    pregon.write_text(
        "#!/bin/sh\nmkdir -p records/ledger\necho '{\"v\": 1}' >> records/ledger/2026-11.jsonl\n"
        "echo 'x: error de red' >&2\nexit 1\n"
    )
    pregon.chmod(pregon.stat().st_mode | stat.S_IEXEC)
    return server, ci, fake_bin


@pytest.mark.parametrize(
    ("workflow", "job_name", "command", "message"),
    [
        (PUBLISH, "difundir", "pregon syndicate", "Registros de difusión"),
        (COLLECT, "recoger", "pregon collect", "Métricas del día"),
    ],
)
def test_github_records_step_pushes_even_after_a_failed_run(
    repos: tuple[Path, Path, Path], workflow: Path, job_name: str, command: str, message: str
) -> None:
    server, ci, fake_bin = repos
    job = load(workflow)["jobs"][job_name]
    send = next(s for s in steps(job) if command in s.get("run", ""))
    save = steps(job)[steps(job).index(send) + 1]
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "GITHUB_RUN_ID": "42"}
    script = send["run"].replace("${{ needs.desplegar.outputs.page_url }}", "https://portal.example/")
    failed = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=ci, env=env, capture_output=True, text=True, check=False
    )
    assert failed.returncode == 1  # the run turns red…
    saved = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", save["run"]], cwd=ci, env=env, capture_output=True, text=True, check=False
    )
    assert saved.returncode == 0, saved.stderr  # …and the records step (if: always()) still saves
    log = git(server, "log", "--format=%an <%ae>|%s", "main")
    assert (
        log.splitlines()[0]
        == f"github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|{message} (42)"
    )
    assert "nuevo comunicado" in log  # rebased on the release merged meanwhile
    assert git(server, "show", "main:records/ledger/2026-11.jsonl") == '{"v": 1}\n'


@pytest.mark.parametrize(
    ("job_name", "message"), [("difundir", "Registros de difusión"), ("recoger", "Métricas del día")]
)
def test_gitlab_job_saves_records_and_still_fails(
    repos: tuple[Path, Path, Path], tmp_path: Path, job_name: str, message: str
) -> None:
    server, ci, fake_bin = repos
    job = load(GITLAB)[job_name]
    env = {
        **job.get("variables", {}),
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "CI_PAGES_URL": "https://portal.example",
        "CI_SERVER_URL": f"file://{tmp_path}",
        "CI_SERVER_HOST": "gitlab.example",
        "CI_PROJECT_PATH": "grupo/portal",
        "CI_DEFAULT_BRANCH": "main",
        "CI_PIPELINE_ID": "7",
        "PREGON_RECORDS_TOKEN": "glpat-secreto-de-prueba",
    }
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", "\n".join(script(job))],
        cwd=ci,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "glpat-secreto-de-prueba" not in result.stdout + result.stderr
    log = git(server, "log", "--format=%an|%s", "main")
    assert log.splitlines()[0] == f"pregon-bot|{message} (pipeline 7) [skip ci]"
    assert "nuevo comunicado" in log
    assert git(server, "show", "main:records/ledger/2026-11.jsonl") == '{"v": 1}\n'
