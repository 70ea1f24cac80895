"""Hostile values in every output of `pregon check` (and in `mkdocs build`'s log): nothing a release
says can start a GitHub Actions workflow command, and script in a body is an error with its line."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pregon.review.findings import CheckResult, Finding, Preview, ReleaseReport, Severity
from pregon.review.output import annotation, summary_markdown, to_json, write_github, write_terminal

from pregon.safe_text import defuse_lines, neutralise
from tests.conftest import FIXED_NOW

from .conftest import Workspace, line_of_text, rules
from .test_output import ANNOTATION, run_cli, unescape

PAYLOADS = [
    "\n::error file=x.md,line=1::inyectado",
    "\r::add-mask::secreto",
    "\r\n::stop-commands::pausa",
    "%0A::error::codificado",
    "\u2028::warning::separador",
    "\x85::notice::nel",
    "\u2029::set-output name=x::y",
    "\n   \t::group::con espacios",
    "texto ##[error]viejo formato",
    "\x0b::error::tab vertical\x0c::error::avance",
    "\x1b[31m::error::escape\x1b[0m",
]


def _hostile_result() -> CheckResult:
    result = CheckResult()
    for i, payload in enumerate(PAYLOADS):
        report = ReleaseReport(f"content/prensa/2026/11/x{i}.md", title=f"Título{payload}", url="https://p/x/")
        report.error("esquema", f"`title`: «{payload}» no sirve", 3)
        report.warning("ortografia", payload, None)
        report.previews.append(
            Preview("bluesky", f"Línea uno{payload}\nLínea dos{payload}", 10, 300, "grafemas", note=payload)
        )
        report.previews.append(Preview("x", "t", None, None, "", skipped=payload))
        result.reports.append(report)
    result.general.append(Finding(Severity.WARNING, "configuracion", f"mkdocs.yml{PAYLOADS[0]}", PAYLOADS[1]))
    return result


def _commands(text: str) -> list[str]:
    """Lines a runner (or a reader splitting more eagerly) could take for a workflow command."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("::") or "##[" in line:
            found.append(line)
    return found


def test_neutralised_values_are_one_line_and_defused() -> None:
    for payload in PAYLOADS:
        safe = neutralise(payload)
        assert len(safe.splitlines()) == 1 and safe.replace("\t", " ").isprintable()
        assert not _commands(safe)
    assert neutralise("::error::x") == ": :error::x"
    assert neutralise("a\nb") == "a\\nb"
    assert defuse_lines("uno\n::error::dos\n") == "uno\n: :error::dos\n"


def test_annotations_are_the_only_commands_and_their_data_is_escaped() -> None:
    stream = io.StringIO()
    result = _hostile_result()
    write_github(result, stream)  # no GITHUB_STEP_SUMMARY: the summary goes to the log too
    output = stream.getvalue()
    intended = [annotation(f) for f in result.findings]
    assert _commands(output) == intended
    assert all(ANNOTATION.match(line) for line in intended)
    # Round trip: the runner decodes exactly the message (other line breaks shown as escapes).
    first = next(f for f in result.findings if f.message == "`title`: «\n::error file=x.md,line=1::inyectado» no sirve")
    assert unescape(ANNOTATION.match(annotation(first)).group(7)) == first.message  # type: ignore[union-attr]


def test_summary_json_and_terminal_carry_no_command() -> None:
    result = _hostile_result()
    assert not _commands(defuse_lines(summary_markdown(result)))  # what write_github prints or files
    text = to_json(result)
    assert not _commands(text)
    document = json.loads(text)  # and the JSON still says exactly what the findings say
    assert document["releases"][8]["findings"][1]["message"] == PAYLOADS[8]
    assert document["releases"][4]["title"] == "Título" + PAYLOADS[4]
    for previews in (True, False):
        stream = io.StringIO()
        write_terminal(result, previews=previews, stream=stream)
        assert stream.getvalue() and not _commands(stream.getvalue()), stream.getvalue()


def test_check_of_a_hostile_release_in_every_format(ws: Workspace, tmp_path: Path) -> None:
    path = ws.write(
        "hostil",
        {"title": '"Jornada de salud\\n::error file=README.md,line=1::falso"'},
        extra='"clave\\n::add-mask::secreto": 1',
        body=ws_body(),
    )
    summary = tmp_path / "resumen.md"
    github = run_cli(ws.root, "check", "--format", "github", str(path), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert github.stdout and all(ANNOTATION.match(line) for line in github.stdout.splitlines()), github.stdout
    assert not [line for line in github.stdout.splitlines() if "file=README.md" in line.split("::")[1]]
    for args in (["--previews"], ["--format", "json"]):
        out = run_cli(ws.root, "check", *args, str(path))
        assert out.returncode == 1, out.stderr
        assert not _commands(out.stdout + out.stderr), out.stdout
    assert not _commands(summary.read_text(encoding="utf-8"))


def ws_body() -> str:
    return (
        "Texto del comunicado.\n\n[Inscríbase](javascript:alert(document.cookie)) aquí.\n\n<script>alert(1)</script>\n"
    )


def test_check_reports_script_in_the_body_once_per_thing_with_its_line(ws: Workspace) -> None:
    path = ws.write("guion", body=ws_body())
    report = ws.report(path)
    html = rules(report, "html")
    assert [(f.severity, f.line) for f in html] == [
        (Severity.ERROR, line_of_text(path, "javascript:")),
        (Severity.ERROR, line_of_text(path, "<script>")),
    ]
    assert "`javascript:alert(document.cookie)`" in html[0].message
    # Not a missing file cut at the first ")".
    assert not rules(report, "enlaces"), rules(report, "enlaces")


@pytest.mark.parametrize(
    "link", ["jav&#x61;script:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"]
)
def test_disguised_addresses_are_sanitiser_errors_not_missing_files(ws: Workspace, link: str) -> None:
    path = ws.write("disfraz", body=f"Texto.\n\n[Clic]({link})\n")
    report = ws.report(path)
    assert [f.line for f in rules(report, "html")] == [line_of_text(path, "[Clic]")]
    assert not rules(report, "enlaces")


def test_links_with_balanced_parentheses_are_read_whole(ws: Workspace) -> None:
    path = ws.write("parentesis", body="Texto.\n\n[Anexo](anexo_(2026).pdf)\n")
    [finding] = rules(ws.report(path), "enlaces")
    assert "`anexo_(2026).pdf`" in finding.message


def test_mkdocs_log_carries_no_command_from_a_release(project_copy: Path, tmp_path: Path) -> None:
    release = project_copy / "content/prensa/2026/03/biblioteca-amplia-horario.md"
    text = release.read_text(encoding="utf-8")
    release.write_text(
        text.replace("tags:", '"x\\n::error file=README.md,line=1::inyectado": 1\ntags:', 1)
        + "\n[enlace](nada\u2028::warning::x.md)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PREGON_SITE_URL": "http://portal.example/", "PREGON_NOW": FIXED_NOW}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=project_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "biblioteca-amplia-horario.md" in result.stderr
    # The loader refuses the body's U+2028 before it reads keys (h1); either message is neutralised.
    assert re.search(r"x\\n: ?:error file=README.md", result.stderr) or "(U+2028)" in result.stderr, result.stderr
    assert not _commands(result.stdout + result.stderr), result.stderr
