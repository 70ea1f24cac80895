"""A release with a mistake stops `mkdocs build --strict` with a Spanish message naming the file and
the field, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW, build_site

from .conftest import edit, pregon_check

ITEM = "prensa/2026/03/biblioteca-amplia-horario"
SHOWN = f"content/{ITEM}.md"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "title: La biblioteca municipal abre también los sábados y domingos\n",
            "",
            "falta `title`",
        ),
        (
            "date: 2026-03-16 09:00",
            "date: 2026-13-45 09:00",
            "`date`: «2026-13-45 09:00» no es una fecha válida",
        ),
        (
            "image_alt: Ilustración de tres estantes de madera llenos de libros de colores.\n",
            "",
            "md:7: falta `image_alt` para la imagen `biblioteca-horario-extendido.jpg`: describa la imagen",
        ),
        (
            "dependencia: educacion",
            "dependencia: hacienda",
            "la dependencia `hacienda` no existe",
        ),
        (
            "tags: [lectura, bibliotecas]",
            "tags: [lectura, bibliotecas",
            "el encabezado YAML no se puede leer",
        ),
        (
            "image: biblioteca-horario-extendido.jpg",
            "image: no-existe.jpg",
            "no se encuentra el archivo `no-existe.jpg`",
        ),
        (
            "\nLos fines de semana",
            "\nEl plano: ![Plano de la biblioteca](plano.png)\n\nLos fines de semana",
            "md:15: no se encuentra el archivo `plano.png` junto al comunicado",
        ),
        (
            "\nLos fines de semana",
            "\n![Plano](" + "plano/" * 2000 + "x.png)\n\nLos fines de semana",
            "md:15: el archivo `plano/plano/",
        ),
    ],
    ids=[
        "missing-title",
        "bad-date",
        "missing-image-alt",
        "unknown-dependencia",
        "malformed-yaml",
        "missing-image",
        "missing-body-image-at-its-line",
        "absurd-body-image-path-quoted-short",
    ],
)
def test_bad_front_matter_fails_the_build_in_spanish(
    project_copy: Path, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    edit(project_copy, ITEM, old, new)
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert SHOWN in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert max(len(line) for line in result.stderr.splitlines()) < 400, "a message quotes a value whole"


def test_bad_field_message_points_at_the_line(project_copy: Path, tmp_path: Path) -> None:
    edit(project_copy, ITEM, "dependencia: educacion", "dependencia: hacienda")
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert f"{SHOWN}:5: la dependencia `hacienda` no existe" in result.stderr


def test_unknown_field_is_a_warning_that_strict_refuses(project_copy: Path, tmp_path: Path) -> None:
    edit(project_copy, ITEM, "image_alt:", "imagen: x\nimage_alt:")
    env = {
        **os.environ,
        "PREGON_SITE_URL": "http://portal.example/",
        "PREGON_NOW": FIXED_NOW,
    }
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-d",
        str(tmp_path / "site"),
    ]
    result = subprocess.run(cmd, cwd=project_copy, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "WARNING" in result.stderr and f"{SHOWN}:" in result.stderr
    assert "campo desconocido `imagen`: ¿quiso decir `image`?" in result.stderr
    assert "Traceback" not in result.stderr
    relaxed = subprocess.run(
        cmd[:4] + cmd[5:],
        cwd=project_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert relaxed.returncode == 0, relaxed.stderr


def test_bad_announcement_date_is_a_clean_config_error(project_copy: Path, tmp_path: Path) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("expires: 2026-12-15 23:59", "expires: mañana"), encoding="utf-8")
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert "`announcement.expires: mañana` no es una fecha válida" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_image_cut_short_fails_the_build_in_spanish_and_check_finds_it_first(
    project_copy: Path, tmp_path: Path
) -> None:
    """A JPEG whose copy was interrupted keeps a valid header, so it passes the loader; the build
    used to end in Pillow's OSError while making the crops. `pregon check` decodes it whole."""
    image = project_copy / "content" / "prensa/2026/03/biblioteca-horario-extendido.jpg"
    whole = image.read_bytes()
    image.write_bytes(whole[: len(whole) // 3])
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert (
        "pregon: la imagen `prensa/2026/03/biblioteca-horario-extendido.jpg` está incompleta o dañada" in result.stderr
    )
    check = pregon_check(project_copy, SHOWN)
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"{SHOWN}:7  error  [imagenes] `image`: la imagen `biblioteca-horario-extendido.jpg` está incompleta" in (
        check.stdout
    )
    image.write_bytes(whole)  # exported again: the next build goes through
    assert build_site(tmp_path / "site", "http://portal.example/", project=project_copy).returncode == 0
