"""The build cache: a warm build renders only what changed, and its site is byte for byte a
clean build's (search index included), whatever state the cache is in.

Real ``mkdocs build`` runs of a copy of the example project; the cache lives where it does in
production (``.cache/pregon/`` next to mkdocs.yml). Which pages were rendered is read from the
plugin's own debug log, so the tests check the work skipped, not only the result.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXED_NOW

from .conftest import edit

SITE_URL = "http://portal.example/"
NEW = "prensa/2026/11/feria-empleo"
LIVE_BLOG = "prensa/2026/11/vias-rurales-temporada-de-lluvias"


def build(project: Path, dest: Path, now: str = FIXED_NOW) -> set[str]:
    """Build ``project`` into ``dest`` (strict, verbose); the cached pages it had to render."""
    return build_log(project, dest, now)[0]


def build_log(project: Path, dest: Path, now: str = FIXED_NOW) -> tuple[set[str], int]:
    """The cached pages a build had to render, and how many it copied without MkDocs' page pipeline."""
    proc = run_build(project, dest, now)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rendered = set(re.findall(r"página renderizada \(no estaba en el caché\): (\S+)", proc.stderr))
    served = re.search(r"\((\d+) sin pasar por MkDocs\)", proc.stderr)
    return rendered, int(served.group(1)) if served else 0


def run_build(
    project: Path, dest: Path, now: str = FIXED_NOW, *, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build -v`` of ``project`` into ``dest``, in the project as CI runs it; not checked."""
    env = {**os.environ, "PREGON_SITE_URL": SITE_URL, "PREGON_NOW": now, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-v",
        *(["--strict"] if strict else []),
        "-f",
        str(project / "mkdocs.yml"),
    ]
    return subprocess.run(
        [*cmd, "-d", str(dest)], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def clean_build(project: Path, dest: Path, now: str = FIXED_NOW) -> None:
    shutil.rmtree(project / ".cache", ignore_errors=True)
    build(project, dest, now)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(warm: Path, clean: Path) -> None:
    a, b = tree(warm), tree(clean)
    assert sorted(a) == sorted(b)
    differing = [path for path in a if a[path] != b[path]]
    assert differing == [], differing
    assert any(path.startswith("pagefind/2026-t") for path in a)  # the search index is compared too


def add_release(project: Path) -> None:
    folder = project / "content" / "prensa" / "2026" / "11"
    (folder / "feria-empleo.jpg").write_bytes((folder / "vias-rurales.jpg").read_bytes())
    (folder / "feria-empleo.md").write_text(
        "---\ntitle: Feria de empleo en la plaza principal\ndate: 2026-11-19 15:00\n"
        "summary: Cuarenta empresas ofrecen vacantes el sábado en la plaza principal.\n"
        "dependencia: gobierno\nimage: feria-empleo.jpg\n"
        "image_alt: Personas hacen fila ante los puestos de una feria de empleo.\n---\n\n"
        "La feria abre a las 8:00 a. m. Lleve su hoja de vida impresa.\n",
        encoding="utf-8",
    )


def paginate_by_four(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page: 20", "per_page: 4"), encoding="utf-8")


def test_a_new_release_and_a_live_update_render_only_what_shows_them(project_copy: Path, tmp_path: Path) -> None:
    paginate_by_four(project_copy)
    first = build(project_copy, tmp_path / "cold")
    assert {"prensa/index.md", "prensa/pagina/1/index.md", f"{LIVE_BLOG}.md"} <= first
    rendered, served = build_log(project_copy, tmp_path / "again")
    assert rendered == set()  # nothing changed: nothing rendered
    # Every release and listing outside the nav is copied without entering MkDocs' page pipeline.
    assert served >= len(first) - 5
    assert_same_site(tmp_path / "again", tmp_path / "cold")

    add_release(project_copy)
    rendered = build(project_copy, tmp_path / "new")
    # Old pages of the list are numbered from the oldest: adding a release leaves them alone.
    assert rendered == {
        f"{NEW}.md",
        "index.md",
        "prensa/index.md",
        "prensa/2026/index.md",
        "prensa/2026/11/index.md",
        "prensa/archivo/index.md",
        "dependencias/index.md",
        "dependencias/gobierno/index.md",
    }

    # One more update of the live release costs what a new release costs: its page and the
    # listings that show it (the year and archive pages only count releases).
    edit(
        project_copy,
        LIVE_BLOG,
        "---\n\nLa Secretaría",
        "  - time: 2026-11-20 09:30\n    text: La vía a El Alto ya tiene paso en ambos carriles.\n---\n\nLa Secretaría",
    )
    rendered = build(project_copy, tmp_path / "live")
    assert rendered == {
        f"{LIVE_BLOG}.md",
        "index.md",
        "prensa/index.md",
        "prensa/2026/11/index.md",
        "dependencias/gobierno/index.md",
    }
    assert "ambos carriles" in (tmp_path / "live" / LIVE_BLOG / "index.html").read_text(encoding="utf-8")
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(tmp_path / "live", tmp_path / "clean")


def test_the_clock_and_the_configuration_are_part_of_every_key(project_copy: Path, tmp_path: Path) -> None:
    build(project_copy, tmp_path / "cold")
    # A month later: the embargoed release is out, the featured one may end, updates are all due.
    later = "2026-12-20T10:00:00-05:00"
    build(project_copy, tmp_path / "warm-later", now=later)
    clean_build(project_copy, tmp_path / "clean-later", now=later)
    assert_same_site(tmp_path / "warm-later", tmp_path / "clean-later")
    assert (tmp_path / "clean-later" / "prensa/2026/11/nueva-sede-hospital/index.html").exists()

    config = project_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_name: Alcaldía de", "site_name: Municipio de"),
        encoding="utf-8",
    )
    rendered = build(project_copy, tmp_path / "warm-renamed", now=later)
    assert {f"{LIVE_BLOG}.md", "index.md", "prensa/archivo/index.md"} <= rendered  # every page shows it
    clean_build(project_copy, tmp_path / "clean-renamed", now=later)
    assert_same_site(tmp_path / "warm-renamed", tmp_path / "clean-renamed")
    assert b"Municipio de" in (tmp_path / "warm-renamed" / LIVE_BLOG / "index.html").read_bytes()


def test_a_damaged_cache_only_costs_time(project_copy: Path, tmp_path: Path) -> None:
    build(project_copy, tmp_path / "cold")
    cache = project_copy / ".cache" / "pregon"
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    assert entries
    for n, path in enumerate(entries):
        data = path.read_bytes()
        if n % 3 == 0:
            path.write_bytes(data[: len(data) // 2])  # truncated (a killed save)
        elif n % 3 == 1:
            path.write_bytes(b"\x00garbage" + data[8:])  # same length, other bytes
    (cache / "v0" / "page-output" / "ab").mkdir(parents=True)  # an older format
    (cache / "v0" / "page-output" / "ab" / "abcd").write_bytes(b"old")
    rendered = build(project_copy, tmp_path / "warm")
    assert rendered  # damaged entries were rendered again, not trusted
    assert not (cache / "v0").exists()
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def test_a_disabled_cache_writes_nothing(project_copy: Path, tmp_path: Path) -> None:
    config = project_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - pregon:\n", "  - pregon:\n      cache:\n        enabled: false\n"
        ),
        encoding="utf-8",
    )
    build(project_copy, tmp_path / "site")
    assert not (project_copy / ".cache").exists()
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").exists()


def test_served_pages_follow_deletions_edits_expiry_links_and_the_theme(project_copy: Path, tmp_path: Path) -> None:
    """Pages copied from the cache next to pages MkDocs renders: links, sitemap, search, feeds
    and manifest come out as a clean build's after each kind of change."""
    guide = project_copy / "content" / "guia" / "index.md"
    guide.write_text(
        guide.read_text(encoding="utf-8")
        + "\nEjemplo publicado: [cine al parque](../prensa/2026/08/cine-al-parque.md).\n",
        encoding="utf-8",
    )
    edit(
        project_copy,
        "prensa/2026/08/cine-al-parque",
        "tags: [cine, familia]",
        "tags: [cine, familia]\nexpires: 2026-11-25 00:00",
    )
    overrides = project_copy / "overrides" / "partials"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "pregon-footer.html").write_text('<footer class="pie">Versión 1</footer>\n', encoding="utf-8")
    config = project_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n", 1
        ),
        encoding="utf-8",
    )
    build(project_copy, tmp_path / "cold")

    # A deleted release, an edited one: the others are served, and the guide (rendered every
    # build) still links to a served page by its URL.
    for path in (project_copy / "content" / "prensa" / "2026" / "07").glob("mercado-campesino*"):
        path.unlink()
    edit(project_copy, "prensa/2026/04/siembra-arboles-ribera", "---\n\n", "---\n\nTexto corregido por la oficina.\n\n")
    rendered, served = build_log(project_copy, tmp_path / "edited")
    assert "prensa/2026/04/siembra-arboles-ribera.md" in rendered
    assert "prensa/2026/08/cine-al-parque.md" not in rendered and served > 0
    clean_build(project_copy, tmp_path / "clean-edited")
    assert_same_site(tmp_path / "edited", tmp_path / "clean-edited")
    site = tmp_path / "edited"
    assert not (site / "prensa/2026/07/mercado-campesino-sabados").exists()
    assert b"/prensa/2026/07/mercado-campesino-sabados/" not in (site / "sitemap.xml").read_bytes()
    assert b"/prensa/2026/08/cine-al-parque/" in (site / "sitemap.xml").read_bytes()  # served, still listed
    assert 'href="../prensa/2026/08/cine-al-parque/"' in (site / "guia/index.html").read_text(encoding="utf-8")

    # The clock alone expires a release: it changes state on a warm cache as in a clean build.
    later = "2026-11-26T10:00:00-05:00"
    build(project_copy, tmp_path / "warm-expired", now=later)
    clean_build(project_copy, tmp_path / "clean-expired", now=later)
    assert_same_site(tmp_path / "warm-expired", tmp_path / "clean-expired")

    # A theme override changes every page, served ones included.
    (overrides / "pregon-footer.html").write_text('<footer class="pie">Versión 2</footer>\n', encoding="utf-8")
    rendered, served = build_log(project_copy, tmp_path / "warm-theme", now=later)
    assert served == 0 and "prensa/2026/05/reparacion-puente-la-esperanza.md" in rendered
    assert (
        b"Versi\xc3\xb3n 2"
        in (tmp_path / "warm-theme" / "prensa/2026/05/reparacion-puente-la-esperanza/index.html").read_bytes()
    )
    clean_build(project_copy, tmp_path / "clean-theme", now=later)
    assert_same_site(tmp_path / "warm-theme", tmp_path / "clean-theme")


def test_a_hook_file_is_part_of_every_key(project_copy: Path, tmp_path: Path) -> None:
    """A ``hooks:`` file can change any page; with page events it also keeps pages in MkDocs' pipeline."""
    hook = project_copy / "hooks.py"
    hook.write_text("def on_page_markdown(markdown, page, config, files):\n    return markdown\n", encoding="utf-8")
    config = project_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hooks.py\n", encoding="utf-8")
    build(project_copy, tmp_path / "cold")
    rendered, served = build_log(project_copy, tmp_path / "again")
    assert rendered == set() and served == 0  # cached, but every page still goes through the hook's event

    hook.write_text(
        "def on_page_markdown(markdown, page, config, files):\n    return markdown + '\\n\\nRevisado por el gancho.\\n'\n",
        encoding="utf-8",
    )
    rendered = build(project_copy, tmp_path / "warm")
    assert f"{LIVE_BLOG}.md" in rendered
    assert "Revisado por el gancho." in (tmp_path / "warm" / LIVE_BLOG / "index.html").read_text(encoding="utf-8")
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def test_a_cache_committed_to_the_repository_is_not_used(project_copy: Path, tmp_path: Path) -> None:
    """Cache entries are trusted (releases are pickled), so entries that arrived in a commit are
    never read: the build warns, says how to remove them, and builds as if there were none."""
    git = ["git", "-c", "user.name=Prensa", "-c", "user.email=prensa@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=project_copy, check=True)
    build(project_copy, tmp_path / "cold")
    cache = project_copy / ".cache" / "pregon"
    subprocess.run([*git, "add", "-A", "-f", "."], cwd=project_copy, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "caché"], cwd=project_copy, check=True)
    before = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    assert before

    proc = run_build(project_copy, tmp_path / "warm", strict=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "está en el repositorio; no se usa" in proc.stderr
    assert "git rm -r --cached .cache/pregon" in proc.stderr
    assert "caché de construcción:" not in proc.stderr  # no page came from it
    assert {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()} == before  # nor was it written
    strict = run_build(project_copy, tmp_path / "strict")
    assert strict.returncode != 0  # a strict build stops on it
    shutil.rmtree(project_copy / ".cache")
    build(project_copy, tmp_path / "clean")
    assert_same_site(tmp_path / "warm", tmp_path / "clean")


def test_a_committed_cache_behind_a_symlink_is_not_used(project_copy: Path, tmp_path: Path) -> None:
    """The same entries committed under another name, with ``.cache`` a committed symlink to
    them, are still entries that arrived in a commit: the build does not read them."""
    git = ["git", "-c", "user.name=Prensa", "-c", "user.email=prensa@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=project_copy, check=True)
    build(project_copy, tmp_path / "cold")
    (project_copy / ".cache").rename(project_copy / "recursos")
    (project_copy / ".cache").symlink_to("recursos")
    subprocess.run([*git, "add", "-A", "-f", "."], cwd=project_copy, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "recursos"], cwd=project_copy, check=True)
    tracked = subprocess.run(["git", "ls-files", "-s", ".cache"], cwd=project_copy, capture_output=True, text=True)
    assert tracked.stdout.startswith("120000")  # the symlink itself is in the commit

    proc = run_build(project_copy, tmp_path / "warm", strict=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "está en el repositorio; no se usa" in proc.stderr
    assert "caché de construcción:" not in proc.stderr  # no page came from it


def _use_cache_dir(project: Path, folder: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      pagination:\n", f"      cache: {{dir: '{folder}'}}\n      pagination:\n", 1),
        encoding="utf-8",
    )


def test_the_cache_in_a_folder_of_the_office_removes_only_its_own_old_versions(
    project_copy: Path, tmp_path: Path
) -> None:
    """Pruning old formats removed every entry starting with «v» next to the cache: with
    ``cache.dir: datos``, the office's ``datos/valores.csv`` and ``datos/videos/`` went with it."""
    _use_cache_dir(project_copy, "datos")
    datos = project_copy / "datos"
    (datos / "videos").mkdir(parents=True)
    (datos / "videos" / "rueda-de-prensa.txt").write_text("guion", encoding="utf-8")
    (datos / "valores.csv").write_text("a,b\n", encoding="utf-8")
    (datos / "v2").mkdir()
    (datos / "v2" / "notas.txt").write_text("de la oficina", encoding="utf-8")  # named like a version
    (datos / "v1" / "page-output" / "ab").mkdir(parents=True)  # a version of the first formats
    build(project_copy, tmp_path / "site")
    assert (datos / "videos" / "rueda-de-prensa.txt").read_text(encoding="utf-8") == "guion"
    assert (datos / "valores.csv").exists() and (datos / "v2" / "notas.txt").exists()
    assert not (datos / "v1").exists()
    current = [p for p in datos.iterdir() if (p / "CACHEDIR.TAG").is_file()]
    assert len(current) == 1 and (current[0] / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55"
    )


def test_a_cache_folder_that_would_be_published_or_would_hold_the_project_is_refused(
    project_copy: Path, tmp_path: Path
) -> None:
    for folder, reason in (
        ("content/cache", "está dentro de la carpeta de los comunicados (docs_dir): se publicaría con el sitio"),
        ("..", "contiene la carpeta del proyecto"),
        (str(tmp_path / "site" / "cache"), "está dentro de la carpeta del sitio (site_dir)"),
    ):
        config = project_copy / "mkdocs.yml"
        original = config.read_text(encoding="utf-8")
        _use_cache_dir(project_copy, folder)
        proc = run_build(project_copy, tmp_path / "site")
        config.write_text(original, encoding="utf-8")
        assert proc.returncode != 0
        assert f"pregon: `cache.dir: {folder}` {reason}" in proc.stderr, proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
    assert not (project_copy / "content" / "cache").exists()
