"""`pregon check --format github|json` and the command's exit status, run as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from pregon.review.findings import (
    CheckResult,
    Finding,
    Preview,
    ReleaseReport,
    Severity,
)
from pregon.review.output import annotation, summary_markdown

from .conftest import FIXED_NOW, Workspace, jpeg

# "Workflow commands for GitHub Actions": ::error file={name},line={line},col={col},title={title}::{message}
ANNOTATION = re.compile(
    r"^::(error|warning|notice) (file=([^,:]+),line=(\d+)(?:,col=(\d+))?(?:,title=([^,:]*)))?::(.*)$"
)


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    environment.update({"PREGON_NOW": FIXED_NOW, **(env or {})})
    return subprocess.run(
        [str(Path(sys.executable).parent / "pregon"), *args],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_annotation_escaping_round_trips() -> None:
    finding = Finding(Severity.ERROR, "a:b,c", "content/prensa/raro,1:2.md", "100% listo\r\nsegunda: línea, sí", 7, 3)
    line = annotation(finding)
    assert "\n" not in line and "\r" not in line
    match = ANNOTATION.match(line)
    assert match, line
    kind, _, file, lineno, col, title, message = match.groups()
    assert (kind, unescape(file), lineno, col) == ("error", finding.path, "7", "3")
    assert unescape(title) == "Pregón: a:b,c"
    assert unescape(message) == finding.message
    assert "%25" in message and "%0D%0A" in message and "%3A" in file and "%2C" in file


def test_summary_shows_each_network_post_with_count_limit_image_and_card() -> None:
    report = ReleaseReport("content/prensa/2026/11/x.md", title="Título | con barra", url="https://portal/prensa/x/")
    report.error("longitud", "bluesky: el texto tiene 301 grafemas y el límite es 300", 4)
    report.previews.append(
        Preview(
            "bluesky",
            "Texto con ``` dentro",
            301,
            300,
            "grafemas",
            media=(("https://portal/prensa/foto.jpg", "Una foto."),),
            card={"title": "Título", "description": "Resumen", "thumb": "https://portal/prensa/foto.jpg"},
            problems=("demasiado largo",),
        )
    )
    report.previews.append(Preview("mastodon", "Hola", 4, 500, "caracteres", note="vista aproximada"))
    md = summary_markdown(CheckResult(reports=[report]))
    assert "❌ Hay errores" in md and "1 errores" in md
    assert "Título \\| con barra" in md
    assert "#### bluesky — ❌ 301 / 300 grafemas" in md and "#### mastodon — ✅ 4 / 500 caracteres" in md
    assert "````text\nTexto con ``` dentro\n````" in md  # the fence outgrows the text's backticks
    assert "`foto.jpg` — texto alternativo: «Una foto.»" in md
    assert "Tarjeta de enlace: **Título** — Resumen" in md
    assert "ℹ️ vista aproximada" in md


def test_github_format_from_the_command(ws: Workspace, tmp_path: Path) -> None:
    bad = ws.write("malo", {"image_alt": None}, body="Invitamos a los ciudadanos.\n")
    good = ws.write("bueno")
    summary = tmp_path / "summary.md"
    result = run_cli(
        ws.root, "check", "--format", "github", str(bad), str(good), env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(ANNOTATION.match(line) for line in lines), result.stdout
    parsed = [ANNOTATION.match(line).groups() for line in lines]  # type: ignore[union-attr]
    assert {(k, unescape(f)) for k, _, f, *_ in parsed} == {
        ("error", "content/prensa/2026/11/malo.md"),
        ("warning", "content/prensa/2026/11/malo.md"),
    }
    text = summary.read_text(encoding="utf-8")
    assert "## Revisión de comunicados (pregon check)" in text
    assert "#### outbox" in text and "http://127.0.0.1:8000/prensa/2026/11/bueno/" in text
    assert "texto alternativo: «Personal de salud atiende" in text


def test_json_format_and_exit_status_without_errors(ws: Workspace) -> None:
    path = ws.write("bueno", body="Invitamos a los ciudadanos.\n")
    result = run_cli(ws.root, "check", "--format", "json", str(path))
    assert result.returncode == 0, result.stderr  # warnings do not fail
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["counts"] == {"error": 0, "warning": 1, "notice": 0}
    [release] = document["releases"]
    assert release["findings"][0]["rule"] == "lenguaje-incluyente"
    assert release["previews"][0]["channel"] == "outbox" and release["previews"][0]["text"].endswith(release["url"])


def test_terminal_format_says_where_and_what(ws: Workspace) -> None:
    path = ws.write("malo", {"image_alt": None})
    result = run_cli(ws.root, "check", "--previews", str(path))
    assert result.returncode == 1
    assert "content/prensa/2026/11/malo.md:" in result.stdout and "falta `image_alt`" in result.stdout
    assert "1 error(es)" in result.stdout


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_default_checks_only_what_the_branch_changed(ws: Workspace) -> None:
    ignore = ws.root / ".gitignore"
    ignore.write_text("site/\n", encoding="utf-8")
    _git(ws.root, "init", "-q", "-b", "main")
    _git(ws.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(ws.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
    _git(ws.root, "checkout", "-q", "-b", "nuevo-comunicado")
    ws.write("nuevo", body="Invitamos a los ciudadanos.\n")
    result = run_cli(ws.root, "check", "--base", "main", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [r["path"] for r in json.loads(result.stdout)["releases"]] == ["content/prensa/2026/11/nuevo.md"]

    # A changed photo selects the release next to it.
    _git(ws.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(ws.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "nuevo")
    _git(ws.root, "checkout", "-q", "main")
    _git(ws.root, "checkout", "-q", "-b", "otra-foto")
    photo = ws.root / "content/prensa/2026/11/nueva-sede-hospital.jpg"
    photo.write_bytes(photo.read_bytes() + b"\0")
    result = run_cli(ws.root, "check", "--base", "main", "--format", "json")
    paths = [r["path"] for r in json.loads(result.stdout)["releases"]]
    assert paths == ["content/prensa/2026/11/nueva-sede-hospital.md"]  # not its neighbours

    # A new release whose name has an ñ, with its photo in its own folder.
    folder = ws.root / "content/prensa/2026/11/año-nuevo"
    folder.mkdir()
    (folder / "foto.jpg").write_bytes(jpeg())
    ws.write("año-nuevo", {"image": "año-nuevo/foto.jpg"})
    _git(ws.root, "add", ".")
    result = run_cli(ws.root, "check", "--base", "main", "--format", "json")
    paths = [r["path"] for r in json.loads(result.stdout)["releases"]]
    assert paths == ["content/prensa/2026/11/año-nuevo.md", "content/prensa/2026/11/nueva-sede-hospital.md"]

    missing = run_cli(ws.root, "check", "--base", "origin/no-existe", "--format", "github")
    assert missing.returncode == 1 and "--all" in missing.stderr
    assert ANNOTATION.match(missing.stdout.strip()) and "mkdocs.yml" in missing.stdout  # visible on the PR
