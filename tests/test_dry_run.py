"""``--dry-run`` on every command that writes: it says in Spanish what it would write, and writes
nothing — no file, no git ref, no e-mail, no write request to a forge.

Each test snapshots the directory tree (every file's path and bytes, ``.git`` included except the
index git refreshes on reads) and every git ref before and after. Real parts: git repositories
with a bare remote (``tests/syndicate/gitkit.py``), aiosmtpd (``tests/syndicate/test_alerts.py``).
GitHub cannot run here: its REST API is the local fake of ``tests/syndicate/github_fake.py``
(validated against GitHub's OpenAPI description), and the test asserts it received only reads.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pregon.syndicate.channels.base import post_key
from pregon.syndicate.jsonlines import append_records
from pregon.syndicate.ledger import Ledger
from pregon.syndicate.records_git import Remote, prepare

from pregon.cli import main
from tests.conftest import free_port
from tests.review.test_approval_forge import (  # noqa: F401  (fixtures)
    APP_TOKEN,
    POINTS,
    RELEASE,
    Office,
    configure,
    git,
    github,
    office,
    open_pr,
)
from tests.review.test_approval_forge import pregon as pregon_on_github
from tests.review.test_approve import approve
from tests.syndicate.channels.smtp_server import SMTPServer
from tests.syndicate.github_fake import FakeGitHub
from tests.syndicate.gitkit import clone
from tests.syndicate.sitekit import make_project
from tests.syndicate.test_alerts import PASSWORD, alerts_section, smtp, tls  # noqa: F401  (fixtures)
from tests.syndicate.test_records_git import BRANCH, line, server  # noqa: F401  (fixtures)

PREGON = str(Path(sys.executable).parent / "pregon")


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` with the digest of its bytes, and every git ref of each repository."""
    seen: dict[str, str] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != "index" and not path.name.endswith(".lock"):
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        for repo in {p.parent for p in root.rglob("HEAD") if (p.parent / "refs").is_dir()}:
            refs = subprocess.run(
                ["git", "for-each-ref", "--format=%(refname) %(objectname)"],
                cwd=repo, capture_output=True, text=True, check=False,
            ).stdout  # fmt: skip
            seen[f"{repo}:refs"] = refs
    return seen


def test_approve(project_copy: Path) -> None:
    for path in (project_copy / "records" / "approvals").glob("*.jsonl"):
        path.unlink()
    before = snapshot(project_copy)
    result = approve(project_copy, "--all", "--role", "contenido", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "se aprobaría (contenido, jefa-prensa)" in result.stdout
    assert "Simulación: se añadirían" in result.stdout and "No se escribió nada." in result.stdout
    assert snapshot(project_copy) == before
    written = approve(project_copy, "--all", "--role", "contenido")
    assert written.returncode == 0 and snapshot(project_copy) != before  # the same call without it writes


def _writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method != "GET"]


def test_aprobacion_estado(office: Office, github: FakeGitHub) -> None:  # noqa: F811
    configure(office, {k: list(v) for k, v in POINTS.items()})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    open_pr(github, office, [(sha, "editora")])
    github.review(7, "jefa-prensa", "APPROVED", sha)
    before = snapshot(office.root, office.origin)
    result = pregon_on_github(office, github, "aprobacion", "estado", "--pr", "7", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Simulación: se pondría pregon/aprobación: failure" in result.stdout
    assert "se pediría la revisión de diseño a alcaldia/diseno" in result.stdout
    assert github.requests and _writes(github) == []
    assert github.last_status(sha) is None and github.review_requests == []
    assert snapshot(office.root, office.origin) == before


def test_aprobacion_registrar(office: Office, github: FakeGitHub) -> None:  # noqa: F811
    configure(office, {k: list(v) for k, v in POINTS.items()})
    sha = office.edit(RELEASE, "40 camas", "42 camas", "Editora <editora@gmail.com>")
    office.publish_pr(7)
    git(office.root, "fetch", "-q", "origin", "refs/pull/7/head")
    git(office.root, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "FETCH_HEAD")
    merge = git(office.root, "rev-parse", "HEAD")
    open_pr(github, office, [(sha, "editora")], merged=True)
    github.commit_prs[merge] = [7]
    github.review(7, "jefa-prensa", "APPROVED", sha)
    before = snapshot(office.root, office.origin)
    result = pregon_on_github(office, github, "aprobacion", "registrar", "--commit", merge, "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nueva-sede-hospital.md: se registraría: contenido aprobado por jefa-prensa (#7)" in result.stdout
    assert "aviso: content/prensa/2026/11/nueva-sede-hospital.md: falta diseño" in result.stdout
    assert _writes(github) == [] and snapshot(office.root, office.origin) == before
    assert APP_TOKEN not in result.stdout + result.stderr


def _registros(ci: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PREGON, "registros", *args], cwd=ci, capture_output=True, text=True, check=False)


def test_registros_preparar_on_first_use_and_later(server: Path, tmp_path: Path) -> None:  # noqa: F811
    ci = clone(server, tmp_path / "ci")
    before = snapshot(ci, server)
    first = _registros(ci, "preparar", "--dry-run")
    assert first.returncode == 0, first.stderr
    assert f"se crearía la rama {BRANCH} (huérfana)" in first.stdout and "No se cambió nada." in first.stdout
    assert snapshot(ci, server) == before
    prepare(ci / "records", BRANCH, Remote())
    again_ci = clone(server, tmp_path / "ci2")
    before = snapshot(again_ci, server)
    later = _registros(again_ci, "preparar", "--dry-run")
    assert later.returncode == 0 and f"se traería la rama {BRANCH}" in later.stdout, later.stderr
    assert snapshot(again_ci, server) == before


def test_registros_guardar_reparar_and_confirmar(server: Path, tmp_path: Path) -> None:  # noqa: F811
    ci = clone(server, tmp_path / "ci")
    records = ci / "records"
    prepare(records, BRANCH, Remote())
    append_records(records / "metrics", "2026-11", [line(5, "recoger")])
    with (records / "metrics" / "2026-11.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"v": 1, "cortada')  # a torn last line
    ledger = Ledger(records / "ledger", run="prueba")
    key = post_key("prensa/x", "telegram")
    ledger.append("intent", key=key, item="prensa/x", channel="telegram", digest="sha256:ab", attempt=1)
    before = snapshot(ci, server)

    saved = _registros(ci, "guardar", "-m", "Métricas", "--dry-run")
    assert saved.returncode == 0, saved.stderr
    assert "se guardaría «Métricas» con 2 archivo(s)" in saved.stdout and "metrics/2026-11.jsonl" in saved.stdout
    assert "la última línea incompleta se apartaría en 2026-11.jsonl.ilegible" in saved.stdout
    repaired = _registros(ci, "reparar", "--dry-run")
    assert repaired.returncode == 0 and "se apartaría en 2026-11.jsonl.ilegible" in repaired.stdout
    confirmed = _registros(ci, "confirmar", "prensa/x", "telegram", "--publicado", "--por", "Ana", "--dry-run")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "se registraría prensa/x en telegram como publicada" in confirmed.stdout
    assert snapshot(ci, server) == before

    done = _registros(ci, "confirmar", "prensa/x", "telegram", "--publicado", "--por", "Ana")
    assert done.returncode == 0 and snapshot(ci, server) != before


def test_alerta(tmp_path: Path, smtp: SMTPServer, tls: dict[str, Path]) -> None:  # noqa: F811
    project = make_project(tmp_path / "project", {"alerts": alerts_section(smtp, tls)})
    before = snapshot(project)
    result = subprocess.run(
        [PREGON, "alerta", "--motivo", "la publicación del portal", "--detalle", "desplegar: failure", "--dry-run"],
        cwd=project, env={"PATH": "/usr/bin:/bin", "PREGON_ALERT_PASSWORD": PASSWORD},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # a dry run never turns a failed job green either
    assert "Simulación: se enviaría a prensa@alcaldia.test por 127.0.0.1:" in result.stdout
    assert "Asunto: Pregón: falló la publicación del portal" in result.stdout and "desplegar: failure" in result.stdout
    assert not smtp.messages and snapshot(project) == before


def test_pendiente_does_not_write_github_output(tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    site = f"http://127.0.0.1:{free_port()}/"  # nothing listens: the decision is "build"
    result = subprocess.run(
        [PREGON, "pendiente", "--site", site, "--commit", "abc", "--dry-run"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "pendiente=true", result.stderr
    assert "no se escribió en $GITHUB_OUTPUT" in result.stderr and not output.exists()
    real = subprocess.run([PREGON, "pendiente", "--site", site, "--commit", "abc"], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert real.returncode == 0 and output.read_text() == "pendiente=true\n"


def test_demo(project_copy: Path) -> None:
    before = snapshot(project_copy)
    result = CliRunner().invoke(main, ["demo", "-f", str(project_copy / "mkdocs.yml"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Simulación: se construiría el portal" in result.output and "No se escribió nada." in result.output
    assert snapshot(project_copy) == before and not (project_copy / "site").exists()


def test_collect_reads_the_network_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pregon.syndicate.channels import REGISTRY

    from tests.insights.fake_network import TOKEN, StatsAPI
    from tests.insights.test_collect import confirm
    from tests.insights.test_collect import make_project as insights_project

    monkeypatch.setitem(REGISTRY, "prueba", "tests.insights.fake_network:StatsChannel")
    private = tmp_path / "privado"
    private.mkdir()
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    with StatsAPI() as api:
        config = insights_project(
            tmp_path / "oficina", f"          prueba: {{api_base: '{api.url}', token: {TOKEN}}}\n"
        )
        confirm(config.parent / "records", "vacunacion", "prueba", "p1")
        api.posts = {"p1": {"views": 900, "likes": 40, "reposts": 7, "replies": 3}}
        before = snapshot(tmp_path)
        result = CliRunner().invoke(main, ["collect", "-f", str(config), "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "Simulación: se guardarían" in result.output and "No se escribió nada." in result.output
        assert api.requests and all(r.method == "GET" for r in api.requests)
    api.assert_no_violations()
    assert snapshot(tmp_path) == before
