"""Symbolic links and special files never reach the site: build, check and loader refuse them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pregon.plugins.digest import release_digest
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release, load_rules

from tests.conftest import build_site

from .conftest import pregon_check

FOLDER = "content/prensa/2026/03"
ITEM = f"{FOLDER}/biblioteca-amplia-horario.md"
IMAGE = "image: biblioteca-horario-extendido.jpg"


def _point_image_at(project: Path, name: str) -> Path:
    path = project / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace(IMAGE, f"image: {name}"), encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "/dev/zero"])
def test_an_image_that_is_a_symlink_is_refused_by_the_loader_and_the_digest(project_copy: Path, target: str) -> None:
    (project_copy / FOLDER / "enlace.jpg").symlink_to(target)
    path = _point_image_at(project_copy, "enlace.jpg")
    for call in (lambda: load_release(path, load_rules(project_copy / "mkdocs.yml")), lambda: release_digest(path)):
        with pytest.raises(ReleaseError, match="es un enlace simbólico") as caught:
            call()
        assert caught.value.problems[0].line == 7


def test_an_image_in_a_symlinked_folder_is_refused(project_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "fuera"
    outside.mkdir()
    (outside / "foto.jpg").write_bytes((project_copy / FOLDER / "biblioteca-horario-extendido.jpg").read_bytes())
    (project_copy / FOLDER / "fotos").symlink_to(outside)
    path = _point_image_at(project_copy, "fotos/foto.jpg")
    with pytest.raises(ReleaseError, match="carpeta que es un enlace simbólico"):
        load_release(path, load_rules(project_copy / "mkdocs.yml"))


def test_an_image_outside_the_docs_folder_is_refused(project_copy: Path) -> None:
    path = _point_image_at(project_copy, "../../../../mkdocs.jpg")
    (project_copy / "mkdocs.jpg").write_bytes(b"x")
    with pytest.raises(ReleaseError, match="fuera de la carpeta del sitio"):
        load_release(path, load_rules(project_copy / "mkdocs.yml"))


def test_a_fifo_or_a_folder_named_like_an_image_is_not_read(project_copy: Path) -> None:
    os.mkfifo(project_copy / FOLDER / "tubo.jpg")  # opening it for reading would block a naive loader
    path = _point_image_at(project_copy, "tubo.jpg")
    with pytest.raises(ReleaseError, match="no es un archivo normal"):
        load_release(path, load_rules(project_copy / "mkdocs.yml"))
    (project_copy / FOLDER / "carpeta.jpg").mkdir()
    path.write_text(path.read_text(encoding="utf-8").replace("image: tubo.jpg", "image: carpeta.jpg"))
    with pytest.raises(ReleaseError, match="no es un archivo normal"):
        release_digest(path)


def test_a_media_file_over_the_limit_is_refused_before_reading(project_copy: Path) -> None:
    big = project_copy / FOLDER / "enorme.jpg"
    with big.open("wb") as handle:  # sparse: 60 MB on paper, no disk used
        handle.truncate(60 * 1024 * 1024)
    path = _point_image_at(project_copy, "enorme.jpg")
    with pytest.raises(ReleaseError, match="pesa 60,0 MB: el máximo es 50,0 MB"):
        load_release(path, load_rules(project_copy / "mkdocs.yml"))


def test_a_release_that_is_a_symlink_is_refused(project_copy: Path) -> None:
    link = project_copy / FOLDER / "copia.md"
    link.symlink_to(project_copy / ITEM)
    with pytest.raises(ReleaseError, match="es un enlace simbólico"):
        load_release(link, load_rules(project_copy / "mkdocs.yml"))


def test_the_build_stops_on_any_symlink_and_copies_nothing(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / FOLDER / "enlace.jpg").symlink_to("/etc/passwd")
    (project_copy / "content/guia/etc").symlink_to("/etc")
    (project_copy / "content/guia/secreto.md").symlink_to("/proc/self/environ")
    site = tmp_path / "site"
    result = build_site(site, "http://portal.example/", project=project_copy)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    for shown in (f"{FOLDER}/enlace.jpg", "content/guia/etc", "content/guia/secreto.md"):
        assert f"{shown}: es un enlace simbólico" in result.stderr
    assert not site.exists() or (not any(site.rglob("passwd")) and not (site / "guia/secreto").exists())


def test_pregon_check_reports_symlinks_as_errors(project_copy: Path) -> None:
    (project_copy / FOLDER / "enlace.jpg").symlink_to("/etc/passwd")
    result = pregon_check(project_copy, ITEM)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert f"{FOLDER}/enlace.jpg: es un enlace simbólico" in result.stdout


@pytest.mark.parametrize("name", ["pagefind/pagefind.js", "pagefind/2026/nota.md", "pagefind.md"])
def test_a_file_where_the_search_index_is_written_stops_the_build(
    project_copy: Path, tmp_path: Path, name: str
) -> None:
    """Pagefind writes ``site/pagefind/`` while MkDocs writes pages: a source file there would race it."""
    source = project_copy / "content" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("---\ntitle: Nota\n---\n\nHola.\n" if name.endswith(".md") else "alert(1)\n", encoding="utf-8")
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode == 1
    assert f"content/{name}: se publicaría en `pagefind/" in result.stderr
    assert "la carpeta que el portal reserva para el índice de búsqueda" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "pagefind").exists()
