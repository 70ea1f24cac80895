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

from tests.syndicate.gitkit import clone, git, protected_server, show

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
    assert_records_on_their_branch(syndicate, send)


def assert_records_on_their_branch(job: dict[str, Any], send: dict[str, Any]) -> None:
    """Records are prepared on the records branch before the run and saved after it, always;
    nothing ever pushes to main."""
    order = steps(job)
    prepare = next(s for s in order if "pregon registros preparar" in s.get("run", ""))
    assert order.index(prepare) < order.index(send) and "github-actions[bot]" in prepare["run"]
    save = order[order.index(send) + 1]
    assert save["if"] == "${{ always() }}" and save["run"].startswith("pregon registros guardar")
    assert not any("git push" in s.get("run", "") or "HEAD:main" in s.get("run", "") for s in order)


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
    assert_records_on_their_branch(job, collect)


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
    for job in (syndicate, collect):
        lines = script(job)
        assert "pregon registros preparar" in lines[0] and lines[-2].startswith("pregon registros guardar")
        assert job["variables"]["PREGON_RECORDS_REMOTE"] == "$CI_SERVER_URL/$CI_PROJECT_PATH.git"
        assert not any("git push" in line for line in lines)


def script(job: dict[str, Any]) -> list[str]:
    """A GitLab job's script with nested lists (from YAML anchors) flattened, as GitLab does."""
    lines: list[str] = []
    for line in job["script"]:
        lines.extend(line if isinstance(line, list) else [line])
    return lines


# --- The records steps, run for real -----------------------------------------------------------
# Against a bare repository whose pre-receive hook refuses pushes to main, as branch protection
# does (tests/syndicate/gitkit.py), with the real `pregon registros` and a fake `pregon
# syndicate`/`pregon collect` that writes a record line and fails, as a run with a network down.


def fake_pregon(folder: Path, line: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pregon = folder / "pregon"
    pregon.write_text(
        "#!/bin/sh\n"
        f'case "$1" in registros) exec "{BIN / "pregon"}" "$@";; esac\n'
        "mkdir -p records/ledger\n"
        f"echo '{line}' >> records/ledger/2026-11.jsonl\n"
        "echo 'x: error de red' >&2\nexit 1\n"
    )
    pregon.chmod(pregon.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.fixture()
def forge(tmp_path: Path) -> Path:
    content = tmp_path / "contenido"
    (content / "records" / "approvals").mkdir(parents=True)
    (content / "records" / "approvals" / "2026-11.jsonl").write_text('{"v": 1, "by": "jefa-prensa"}\n')
    (content / "mkdocs.yml").write_text("site_name: Portal\nplugins:\n  - pregon\n")
    return protected_server(tmp_path, content)


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def test_github_records_steps_keep_both_jobs_lines_on_the_records_branch_never_main(
    forge: Path, tmp_path: Path
) -> None:
    main_before = git(forge, "rev-parse", "main")
    jobs = {
        "publicar": (load(PUBLISH)["jobs"]["difundir"], "pregon syndicate", '{"v": 1, "job": "publicar"}'),
        "recoger": (load(COLLECT)["jobs"]["recoger"], "pregon collect", '{"v": 1, "job": "recoger"}'),
    }
    runs: dict[str, tuple[Path, dict[str, str], list[dict[str, Any]]]] = {}
    for name, (job, command, line) in jobs.items():
        ci = clone(forge, tmp_path / name)
        env = {**os.environ, "PATH": f"{fake_pregon(tmp_path / f'bin-{name}', line)}:{os.environ['PATH']}"}
        env["GITHUB_RUN_ID"] = "42" if name == "publicar" else "43"
        order = steps(job)
        send = next(s for s in order if command in s.get("run", ""))
        runs[name] = (ci, env, order[: order.index(send) + 2])
    # Both jobs prepare and run; then both save — the second push is not a fast-forward.
    for ci, env, todo in runs.values():
        for step in todo[:-1]:
            if "pregon registros" in step.get("run", "") or step is todo[-2]:
                script = step["run"].replace("${{ needs.desplegar.outputs.page_url }}", "https://portal.example/")
                result = run_step(script, ci, env)
                assert result.returncode == (1 if "pregon syndicate" in script or "pregon collect" in script else 0), (
                    result.stderr
                )  # the run turns red…
    for ci, env, todo in runs.values():
        saved = run_step(todo[-1]["run"], ci, env)
        assert saved.returncode == 0, saved.stderr  # …and the records step (if: always()) still saves
    ledger = show(forge, "pregon-registros", "ledger/2026-11.jsonl")
    assert sorted(ledger.splitlines()) == ['{"v": 1, "job": "publicar"}', '{"v": 1, "job": "recoger"}']
    log = git(forge, "log", "--format=%an <%ae>|%s", "pregon-registros")
    assert (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|Registros de difusión (42)" in log
    )
    assert "Métricas del día (43)" in log
    assert git(forge, "rev-parse", "main") == main_before  # protected main: never pushed


@pytest.mark.parametrize(
    ("job_name", "message"), [("difundir", "Registros de difusión"), ("recoger", "Métricas del día")]
)
def test_gitlab_job_saves_records_on_their_branch_and_still_fails(
    forge: Path, tmp_path: Path, job_name: str, message: str
) -> None:
    main_before = git(forge, "rev-parse", "main")
    ci = clone(forge, tmp_path / "ci")
    job = load(GITLAB)[job_name]
    ci_env = {
        "CI_PAGES_URL": "https://portal.example",
        "CI_SERVER_URL": f"file://{tmp_path}",
        "CI_SERVER_HOST": "gitlab.example",
        "CI_PROJECT_PATH": "forja/portal",
        "CI_DEFAULT_BRANCH": "main",
        "CI_PIPELINE_ID": "7",
        "PREGON_RECORDS_TOKEN": "glpat-secreto-de-prueba",
    }
    # GitLab expands $VARIABLES inside `variables:`; so does this test.
    variables = {
        k: re.sub(r"\$(\w+)", lambda m: ci_env.get(m.group(1), m.group(0)), v) for k, v in job["variables"].items()
    }
    env = {**os.environ, **ci_env, **variables}
    fake_bin = fake_pregon(tmp_path / "bin", '{"v": 1}')
    env["PATH"] = f"{fake_bin}:{os.environ['PATH']}"
    # The origin of a GitLab checkout holds the read-only job token; the records go to the remote
    # named by PREGON_RECORDS_REMOTE instead, with the project access token.
    git(ci, "remote", "set-url", "origin", "/nonexistent/solo-lectura.git")
    result = run_step("\n".join(script(job)), ci, env)
    assert result.returncode == 1, result.stderr
    assert "glpat-secreto-de-prueba" not in result.stdout + result.stderr
    log = git(forge, "log", "--format=%an|%s", "pregon-registros")
    assert log.splitlines()[0] == f"pregon-bot|{message} (pipeline 7) [skip ci]"
    assert show(forge, "pregon-registros", "ledger/2026-11.jsonl") == '{"v": 1}\n'
    assert git(forge, "rev-parse", "main") == main_before


def test_builds_in_ci_print_no_english_mkdocs_notice() -> None:
    """MkDocs announces its 2.0 release in English at every build unless NO_MKDOCS_2_WARNING is
    set; the workflows that build set it for every job."""
    for path in (REVIEW, PUBLISH):
        assert load(path)["env"]["NO_MKDOCS_2_WARNING"] == "1", path
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert gitlab["variables"]["NO_MKDOCS_2_WARNING"] == "1"
