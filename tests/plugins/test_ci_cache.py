"""CI keeps the build cache between runs, where the plugin looks for it (``cache.dir``)."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

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
    assert any(".cache/pip" in c["paths"] for c in caches)  # the default pip cache is kept too
