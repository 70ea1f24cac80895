"""What a build holds per release, checked inside a real ``mkdocs build`` of the example project.

Memory goals are shown by ``bench/build_bench.py``; these tests pin the mechanisms behind them,
which a refactor could undo without any output changing.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pregon.plugins.derivatives import FOLDER as CROPS
from pregon.plugins.manifest import MANIFEST_PATH
from pregon.plugins.plugin import PregonPlugin

from tests.conftest import FIXED_NOW, ROOT


@dataclass
class Seen:
    bodies: list[tuple[str, bool]] = field(default_factory=list)  # release page → holds the catalogue's body
    manifest_held: list[bool] = field(default_factory=list)  # at each rendered page
    crops_planned: set[str] = field(default_factory=set)
    crops_in_file_list: int = 0  # MkDocs files for crops, held to the end of the build
    site: Path = Path()


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Seen:
    project = tmp_path_factory.mktemp("memoria")
    for name in ("mkdocs.yml", "content", "records", "overrides"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name)
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, project / name)
    out = Seen(site=project / "site")
    patch = pytest.MonkeyPatch()
    patch.setenv("PREGON_NOW", FIXED_NOW)
    patch.setenv("PREGON_SITE_URL", "https://portal.example/")
    patch.chdir(project)
    on_env, on_post_page, on_post_build = PregonPlugin.on_env, PregonPlugin.on_post_page, PregonPlugin.on_post_build

    def watch_env(self, env, *, config, files):  # type: ignore[no-untyped-def]
        self._watched_files = files
        for src_uri, entry in self.catalog.entries.items():
            file = files.get_file_from_path(src_uri)
            if file is not None and file.page is not None:
                out.bodies.append((src_uri, file.page.markdown is entry.release.body))
        return on_env(self, env, config=config, files=files)

    def watch_page(self, output, *, page, config):  # type: ignore[no-untyped-def]
        manifest = self._watched_files.get_file_from_path(MANIFEST_PATH)
        out.manifest_held.append(getattr(manifest, "_content", None) is not None)
        return on_post_page(self, output, page=page, config=config)

    def watch_build(self, *, config):  # type: ignore[no-untyped-def]
        out.crops_planned = self.crops.paths()
        out.crops_in_file_list = sum(f.dest_uri.startswith(CROPS + "/") for f in self._watched_files)
        return on_post_build(self, config=config)

    patch.setattr(PregonPlugin, "on_post_build", watch_build)
    patch.setattr(PregonPlugin, "on_env", watch_env)
    patch.setattr(PregonPlugin, "on_post_page", watch_page)
    try:
        config = load_config(os.fspath(project / "mkdocs.yml"), site_dir=os.fspath(out.site))
        config.plugins["pregon"].config.cache.enabled = False
        build(config)
    finally:
        patch.undo()
    return out


def test_a_release_page_holds_the_catalogues_body_not_a_copy(seen: Seen) -> None:
    assert len(seen.bodies) >= 5
    assert all(same for _, same in seen.bodies), [uri for uri, same in seen.bodies if not same]


def test_the_manifest_is_made_when_written_and_not_held_while_pages_render(seen: Seen) -> None:
    assert len(seen.manifest_held) >= 10 and not any(seen.manifest_held)
    manifest = json.loads((seen.site / MANIFEST_PATH).read_bytes())
    assert manifest["format"] == "pregon-manifest" and len(manifest["items"]) >= 5


def test_crops_are_written_without_a_file_object_each(seen: Seen) -> None:
    written = {p.relative_to(seen.site).as_posix() for p in (seen.site / CROPS).rglob("*.jpg")}
    assert len(seen.crops_planned) >= 20
    assert written == seen.crops_planned
    assert seen.crops_in_file_list == 0
