"""A warm build into the folder the previous build wrote keeps what is unchanged there, and the
folder ends up byte for byte a clean build's: nothing taken down stays online, nothing edited
by hand survives, hidden entries (a deploy's ``.git``) stay as MkDocs leaves them.

Real ``mkdocs build`` runs of a copy of the example project, always into the same folder (as
on an office's machine), compared with clean builds (no cache, empty folder) of the same content.
"""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pregon.plugins.cache import BuildCache
from pregon.plugins.kept_output import FORMAT, KIND, KeptOutput

from tests.conftest import FIXED_NOW

from .conftest import EMBARGOED, edit
from .test_build_cache import SITE_URL, add_release, assert_same_site
from .test_build_cache import clean_build as clean_build_dropping_cache

NEW = "prensa/2026/11/feria-empleo"


def build(project: Path, dest: Path, *options: str) -> tuple[int, int]:
    """Build ``project`` into ``dest``; how many files were reused and how many stale ones deleted."""
    env = {**os.environ, "PREGON_SITE_URL": SITE_URL, "PREGON_NOW": FIXED_NOW, "NO_MKDOCS_2_WARNING": "1"}
    options = options or ("--strict",)
    cmd = [sys.executable, "-m", "mkdocs", "build", *options, "-v", "-f", str(project / "mkdocs.yml"), "-d", str(dest)]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.search(
        r"(\d+) archivos de la construcción anterior reutilizados sin escribirlos; (\d+) que", proc.stderr
    )
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def clean_build(project: Path, dest: Path) -> None:
    """A clean build of the same content, leaving the project's cache as it was."""
    cache, stash = project / ".cache", project.parent / "cache-stash"
    cache.rename(stash)
    try:
        clean_build_dropping_cache(project, dest)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        stash.rename(cache)


def files(site: Path) -> int:
    return sum(1 for p in site.rglob("*") if p.is_file())


def test_a_warm_build_in_the_same_folder_is_a_clean_build(project_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(project_copy, site) == (0, 0)  # nothing to reuse yet
    reused, removed = build(project_copy, site)
    # Everything but what MkDocs writes itself (the nav pages, feeds, sitemaps, 404) is kept.
    assert reused > files(site) * 0.8 and removed == 0
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(site, tmp_path / "clean")

    # A new release, and an image replaced by another of the same size.
    add_release(project_copy)
    image = project_copy / "content" / "prensa" / "2026" / "11" / "vias-rurales.jpg"
    data = bytearray(image.read_bytes())
    data[-3] ^= 0xFF  # inside the JPEG data, before its end marker: same size, other bytes
    image.write_bytes(bytes(data))
    reused, _ = build(project_copy, site)
    assert reused > 0
    assert (site / "prensa/2026/11/vias-rurales.jpg").read_bytes() == bytes(data)
    assert (site / NEW / "index.html").exists()
    clean_build(project_copy, tmp_path / "clean-new")
    assert_same_site(site, tmp_path / "clean-new")


def test_what_leaves_the_site_leaves_the_folder(project_copy: Path, tmp_path: Path) -> None:
    """A deleted release, its image and crops, and a release put back under embargo are gone."""
    site = tmp_path / "site"
    add_release(project_copy)
    build(project_copy, site)
    assert (site / NEW / "index.html").exists()
    crops = {p.name for p in (site / "pregon" / "recortes").rglob("*") if "feria-empleo" in p.as_posix()}
    assert crops

    for path in (project_copy / "content" / "prensa" / "2026" / "11").glob("feria-empleo.*"):
        path.unlink()
    # Moved to a future date: under embargo again.
    edit(project_copy, "prensa/2026/10/rendicion-de-cuentas-2026", "date: 2026-10-26 10:00", "date: 2027-01-01 08:00")
    reused, removed = build(project_copy, site)
    assert reused > 0 and removed > 0
    assert not (site / NEW).exists() and not (site / "prensa/2026/11/feria-empleo.jpg").exists()
    assert not (site / "prensa/2026/10/rendicion-de-cuentas-2026").exists()
    assert not any("feria-empleo" in p.as_posix() for p in (site / "pregon" / "recortes").rglob("*"))
    assert not (site / EMBARGOED).exists()  # embargoed in the example from the start
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(site, tmp_path / "clean")


def test_files_edited_or_added_by_hand_do_not_survive(project_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project_copy, site)
    page = site / "prensa/2026/08/cine-al-parque/index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<title>", b"<title>X", 1)[: len(original)])  # same size, other bytes
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    (site / "prensa/2026/08/suelto.html").write_text("no es del sitio", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")

    build(project_copy, site)
    assert page.read_bytes() == original
    assert not (site / "prensa/2026/08/suelto.html").exists()
    assert (site / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
    assert (site / ".nojekyll").exists()
    for hidden in (site / ".git", site / ".nojekyll"):  # a clean build keeps them too: compare the rest
        if hidden.is_dir():
            (hidden / "HEAD").unlink()
            hidden.rmdir()
        else:
            hidden.unlink()
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(site, tmp_path / "clean")


def test_a_failed_build_and_a_dirty_build_reuse_nothing_they_cannot_prove(project_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(project_copy, site)
    bad = edit(
        project_copy, "prensa/2026/08/cine-al-parque", "tags: [cine, familia]", "tags: [cine, familia]\ntags: [otra]"
    )
    env = {**os.environ, "PREGON_SITE_URL": SITE_URL, "PREGON_NOW": FIXED_NOW, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project_copy / "mkdocs.yml"), "-d", str(site)]
    failed = subprocess.run(cmd, cwd=project_copy, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert failed.returncode != 0 and "tags" in failed.stderr
    bad.write_text(bad.read_text(encoding="utf-8").replace("\ntags: [otra]", ""), encoding="utf-8")
    assert build(project_copy, site) == (0, 0)  # the failed build left no manifest: all written again
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(site, tmp_path / "clean")

    # --dirty does not empty the folder, so nothing is set aside (and nothing lost).
    before = files(site)
    assert build(project_copy, site, "--dirty") == (0, 0)  # (not strict: MkDocs warns about --dirty)
    assert files(site) == before


# --- the records themselves ---------------------------------------------------------------------


def _build_once(cache_dir: Path, site: Path, files: dict[str, bytes], groups: dict[str, list[str]]) -> KeptOutput:
    """What a build does with the kept output: set aside, bring back, write, record, close."""
    kept = KeptOutput(BuildCache(cache_dir), str(site))
    kept.set_aside()
    site.mkdir(exist_ok=True)  # MkDocs' emptying of the folder
    kept.bring_back()
    for dest, data in files.items():
        if not kept.place(dest, f"origen:{dest}"):
            (site / dest).parent.mkdir(parents=True, exist_ok=True)
            (site / dest).write_bytes(data)
            kept.wrote(dest, f"origen:{dest}")
    for origin, dests in groups.items():
        if not kept.place_group(origin):
            for dest in dests:
                (site / dest).parent.mkdir(parents=True, exist_ok=True)
                (site / dest).write_bytes(origin.encode())
            kept.wrote_group(dests, origin)
    kept.close(files)
    return kept


def test_a_group_is_kept_whole_or_not_at_all(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    bundle = {"search:clave": ["pagefind/a.pf", "pagefind/b.pf"]}
    assert _build_once(cache, site, {"x.html": b"x"}, bundle).placed == 0
    assert _build_once(cache, site, {"x.html": b"x"}, bundle).placed == 3
    (site / "pagefind/b.pf").write_bytes(b"cambiado por otra cosa")  # one file of the group touched
    again = _build_once(cache, site, {"x.html": b"x"}, bundle)
    assert again.placed == 1  # x.html only: the whole group was written again
    assert (site / "pagefind/b.pf").read_bytes() == b"search:clave"
    assert _build_once(cache, site, {"x.html": b"x"}, {"search:otra": bundle["search:clave"]}).placed == 1


def test_a_damaged_or_older_record_of_the_output_reuses_nothing(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = _build_once(cache, site, {"x.html": b"x", "y.html": b"y"}, {})
    older = marshal.dumps({"x.html": ("origen:x.html", 1, 2, 3)})  # the format before records were bytes
    for payload in (older, b"\x00", marshal.dumps((FORMAT, {"x.html": b"short"}, {}))):
        first.cache.put(KIND, first.key, payload)
        assert _build_once(cache, site, {"x.html": b"x", "y.html": b"y"}, {}).placed == 0
    assert _build_once(cache, site, {"x.html": b"x", "y.html": b"y"}, {}).placed == 2
