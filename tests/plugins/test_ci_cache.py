"""CI keeps the build cache between runs, where the plugin looks for it (``cache.dir``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

from tests.conftest import ROOT, serve_directory

DEFAULT_DIR = ".cache/pregon"


def test_the_plugin_default_is_the_folder_ci_keeps() -> None:
    from pregon.plugins.config import CacheConfig

    config = CacheConfig()
    config.load_dict({})
    assert config.validate() == ([], []) and config["dir"] == DEFAULT_DIR


def test_github_restores_the_latest_cache_before_building() -> None:
    steps = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"]["construir"][
        "steps"
    ]
    names = [s.get("uses", s.get("run", "")) for s in steps]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    build = next(i for i, n in enumerate(names) if "mkdocs build" in n)
    assert names.index(cache["uses"]) < build
    assert cache["with"]["path"] == DEFAULT_DIR
    # A key per run (saved after every build), restored by prefix: the newest cache wins.
    assert "github.run_id" in cache["with"]["key"]
    prefixes = cache["with"]["restore-keys"].splitlines()
    assert prefixes and all(cache["with"]["key"].startswith(p) for p in prefixes)


def test_gitlab_pages_job_keeps_the_cache() -> None:
    pages = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    caches = pages["cache"] if isinstance(pages["cache"], list) else [pages["cache"]]
    assert any(DEFAULT_DIR in c["paths"] for c in caches)
    [build] = [c for c in caches if DEFAULT_DIR in c["paths"]]
    assert build["key"].startswith("pregon-build-v1") and build["when"] == "on_success"  # a failed build saves nothing
    assert any(".cache/pip" in c["paths"] for c in caches)  # the default pip cache is kept too


def _gitlab() -> dict:
    return yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def _run_lines(lines: list, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a job's before_script up to its install step, as GitLab does: one shell, in order."""
    shell = [line for line in lines if isinstance(line, str)]  # the nested list is the install step
    script = "set -e\n" + "\n".join(shell) + "\necho INSTALAR\n"
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )


def _next_json(folder: Path, next_change: str | None, commit: str) -> None:
    (folder / "pregon").mkdir(parents=True, exist_ok=True)
    document = {"format": "pregon-next", "version": 1, "generated_at": "2026-11-20T10:00:00-05:00"}
    (folder / "pregon" / "next.json").write_text(
        json.dumps({**document, "next_change": next_change, "commit": commit}), encoding="utf-8"
    )


def test_a_gitlab_schedule_with_nothing_due_neither_builds_nor_syndicates(tmp_path: Path) -> None:
    """The pages job's check against a portal served over real HTTP, run with bash from the repository."""
    ci = _gitlab()
    pages, syndicate = ci["pages"], ci["difundir"]
    assert pages["allow_failure"] == {"exit_codes": [3]}
    assert pages["artifacts"]["reports"]["dotenv"] == "pendiente.env" and pages["artifacts"]["when"] == "always"
    portal, work = tmp_path / "portal", tmp_path / "work"
    work.mkdir()
    commit = "a" * 40
    env = {
        "CI_PIPELINE_SOURCE": "schedule",
        "CI_COMMIT_SHA": commit,
        "PREGON_NOW": "2026-11-20T10:00:00-05:00",
        "PYTHONPATH": str(ROOT),
    }
    _next_json(portal, "2026-11-25T09:00:00-05:00", commit)
    with serve_directory(portal) as url:
        quiet = _run_lines(pages["before_script"], {**env, "CI_PAGES_URL": url.rstrip("/")}, work)
        assert quiet.returncode == 3 and "INSTALAR" not in quiet.stdout  # ends before installing anything
        assert (work / "pendiente.env").read_text(encoding="utf-8").strip() == "PREGON_PENDIENTE=false"
        skipped = _run_lines(syndicate["before_script"], {"PREGON_PENDIENTE": "false"}, work)
        assert skipped.returncode == 0 and "INSTALAR" not in skipped.stdout

        _next_json(portal, "2026-11-20T09:00:00-05:00", commit)  # an embargo lifted an hour ago
        due = _run_lines(pages["before_script"], {**env, "CI_PAGES_URL": url.rstrip("/")}, work)
        assert due.returncode == 0 and "INSTALAR" in due.stdout
        assert (work / "pendiente.env").read_text(encoding="utf-8").strip() == "PREGON_PENDIENTE=true"
        assert "INSTALAR" in _run_lines(syndicate["before_script"], {"PREGON_PENDIENTE": "true"}, work).stdout

    # A merge to the main branch always builds, whatever the portal says.
    pushed = _run_lines(pages["before_script"], {**env, "CI_PIPELINE_SOURCE": "push", "CI_PAGES_URL": url}, work)
    assert pushed.returncode == 0 and "INSTALAR" in pushed.stdout
