"""``pregon approve``: approval records bound to a release's digest and to the git identity that
ran it, and what that means for syndication."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pregon.plugins.digest import release_digest, update_digests

from tests.conftest import build_site, free_port, serve_directory
from tests.syndicate.harness import run_syndicate

LIVE = "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md"


def approve(project: Path, *args: str, by: str = "jefa-prensa") -> subprocess.CompletedProcess[str]:
    """Run ``pregon approve`` as the git identity ``by`` (set for this command only)."""
    env = {
        **os.environ,
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "user.name",
        "GIT_CONFIG_VALUE_0": by,
        "GIT_CONFIG_KEY_1": "user.email",
        "GIT_CONFIG_VALUE_1": f"{by}@alcaldia.gov.co",
    }
    return subprocess.run(
        [str(Path(sys.executable).parent / "pregon"), "approve", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def records(project: Path) -> list[dict]:
    return [
        json.loads(line)
        for p in sorted((project / "records" / "approvals").glob("*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_records_who_role_pr_and_digest_once(project_copy: Path) -> None:
    for path in (project_copy / "records" / "approvals").glob("*.jsonl"):
        path.unlink()
    first = approve(project_copy, LIVE, "--role", "contenido", "--pr", "42")
    assert first.returncode == 0, first.stderr
    again = approve(project_copy, LIVE, "--role", "contenido", "--pr", "42")
    assert again.returncode == 0 and "ya aprobado" in again.stdout
    (record,) = records(project_copy)
    assert record["digest"] == release_digest(project_copy / LIVE)
    assert record["updates"] == update_digests(project_copy / LIVE) and record["updates"]
    assert (record["by"], record["email"], record["role"], record["pr"], record["source"], record["provider"]) == (
        "jefa-prensa",
        "jefa-prensa@alcaldia.gov.co",
        "contenido",
        42,
        LIVE,
        "git",
    )


def test_there_is_no_free_name_and_authors_cannot_approve(project_copy: Path) -> None:
    assert "--by" not in approve(project_copy, "--help").stdout
    assert approve(project_copy, LIVE, "--by", "jefa-prensa", "--role", "contenido").returncode == 2
    identity = ["-c", "user.name=jefa-prensa", "-c", "user.email=jefa-prensa@alcaldia.gov.co"]
    subprocess.run(["git", "init", "-q"], cwd=project_copy, check=True)
    subprocess.run(["git", *identity, "add", "-A"], cwd=project_copy, check=True)
    subprocess.run(["git", *identity, "commit", "-q", "-m", "Comunicado"], cwd=project_copy, check=True)
    refused = approve(project_copy, LIVE, "--role", "contenido")
    assert refused.returncode == 1 and "es autor de cambios de este comunicado" in refused.stderr
    assert approve(project_copy, LIVE, "--role", "diseño", by="disenador").returncode == 0


def test_only_configured_approvers_and_control_points(project_copy: Path) -> None:
    wrong_person = approve(project_copy, LIVE, "--role", "contenido", by="practicante")
    assert wrong_person.returncode == 2 and "no está entre los aprobadores de contenido" in wrong_person.stderr
    wrong_role = approve(project_copy, LIVE, "--role", "estilo")
    assert wrong_role.returncode == 2 and "contenido, diseño" in wrong_role.stderr


def test_only_releases_can_be_approved(project_copy: Path) -> None:
    """mkdocs.yml, a page, an image or a file outside the releases folder records nothing."""
    before = records(project_copy)
    for path in ("mkdocs.yml", "content/index.md", "content/prensa/2026/03/biblioteca-horario-extendido.jpg"):
        refused = approve(project_copy, path, "--role", "contenido")
        assert refused.returncode == 1 and f"{path}: no es un comunicado" in refused.stderr, refused.stderr
    assert records(project_copy) == before


def test_an_edit_voids_the_approval_until_approved_again(project_copy: Path, tmp_path: Path) -> None:
    for name in ("ledger", "decisions"):
        for path in (project_copy / "records" / name).glob("*.jsonl"):
            path.unlink()
    release = project_copy / LIVE
    release.write_text(
        release.read_text(encoding="utf-8").replace("Consulte antes de viajar", "Consulte siempre antes de viajar"),
        encoding="utf-8",
    )
    port = free_port()
    site_dir = tmp_path / "site"
    build = build_site(site_dir, f"http://127.0.0.1:{port}/", project=project_copy, strict=False)
    assert build.returncode == 0, build.stderr
    item_id = "prensa/2026/11/vias-rurales-temporada-de-lluvias"
    with serve_directory(site_dir, port) as site:
        held = run_syndicate(project_copy, site, "--publish-backlog")
        assert held.returncode == 0, held.output
        posted = [json.loads(p.read_text()) for p in (project_copy / "outbox").glob("*.json")]
        assert item_id not in {p["item"] for p in posted}
        assert "sin aprobación" in held.stdout
        assert approve(project_copy, LIVE, "--role", "contenido").returncode == 0
        assert approve(project_copy, LIVE, "--role", "diseño", by="disenador").returncode == 0
        released = run_syndicate(project_copy, site)
    assert released.returncode == 0, released.output
    posted = [json.loads(p.read_text()) for p in (project_copy / "outbox").glob("*.json")]
    assert item_id in {p["item"] for p in posted}


def test_example_releases_ship_approved() -> None:
    """The demo needs every example release approved at its current digest (both control points)."""
    root = Path(__file__).resolve().parents[2]
    roles: dict[str, set[str]] = {}
    for record in records(root):
        roles.setdefault(record["digest"], set()).add(record["role"])
    stale = [
        str(path.relative_to(root))
        for path in sorted((root / "content" / "prensa").rglob("*.md"))
        if path.name != "index.md" and roles.get(release_digest(path)) != {"contenido", "diseño"}
    ]
    assert not stale, f"sin aprobación vigente (ejecute tools/approve-examples.sh): {stale}"
