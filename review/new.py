"""``pregon new``: a release file with its front matter ready to fill, so nobody learns the schema by heart."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pregon.plugins.lifecycle import now
from pregon.plugins.source import display_path

from .project import Project

MAX_SLUG = 60


class ReleaseExists(FileExistsError):
    """The file for this title and month already exists (never overwritten)."""


class UnknownDependencia(ValueError):
    """The dependencia is not configured in mkdocs.yml."""


def slugify(title: str) -> str:
    """``"¡Vacunación en Ñame!"`` → ``"vacunacion-en-name"``: ASCII, lower case, hyphens, ≤ 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug or "comunicado"


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


TEMPLATE = """\
---
# Comunicado creado con `pregon new`. Complete los campos vacíos ("") y borre lo que no use.
# Las líneas que empiezan con # son ayudas: no se publican.
title: {title}
# Fecha y hora de publicación (hora de Colombia). Si es futura, el comunicado queda en
# embargo: no aparece en el portal ni en las redes hasta esa hora.
date: {date}
# Resumen de una o dos frases (idealmente menos de 155 caracteres): se muestra en el listado,
# en los buscadores y en las redes.
summary: ""
dependencia: {dependencia}
# Temas, en minúsculas, por ejemplo: [salud, vacunación]
tags: []
# Imagen principal: guarde la foto en la carpeta {folder}/ (JPG o PNG, ideal 1200×630 px).
image: {folder}/foto.jpg
# Describa la imagen para quien no puede verla (qué se ve, quién, dónde), en una o dos frases.
image_alt: ""
# --- Opcional ---------------------------------------------------------------------------
# gallery:                         # más fotos, cada una con su descripción
#   - src: {folder}/foto-2.jpg
#     alt: ""
# video: https://www.youtube.com/watch?v=XXXXXXXXXXX   # o un archivo .mp4 en la carpeta
# video_alt: ""
# expires: 2026-12-31 23:59        # desde esta fecha el portal lo marca como no vigente
# featured: true                   # destacado en la portada
# featured_until: 2026-12-01 00:00
# social:                          # texto propio para una red (si no, se usa título + resumen)
#   x: ""
# press_lists: [periodistas]       # listas de correo de prensa que lo reciben
# live: true                       # cubrimiento en vivo: agregue actualizaciones en `updates`
# updates:
#   - time: 2026-03-10 11:45
#     text: ""
# draft: true                      # borrador: no se publica
---

<!-- Escriba aquí el texto del comunicado: frases cortas (no más de 20 palabras), lo más
importante primero (qué, quién, cuándo, dónde) y un dato de contacto institucional al final. -->
"""


@dataclass(frozen=True)
class CreatedRelease:
    path: Path
    folder: Path
    shown: str
    shown_folder: str
    text: str

    def instructions(self) -> str:
        """What the editor does next, in Spanish."""
        return (
            f"Comunicado creado: {self.shown}\n"
            f"Carpeta para las imágenes: {self.shown_folder}/\n\n"
            "Siguientes pasos:\n"
            f"  1. Complete el resumen (summary), la imagen y su descripción (image_alt) en {self.shown}.\n"
            "  2. Escriba el texto debajo del encabezado.\n"
            f"  3. Revíselo: pregon check {self.shown}\n"
            "  4. Guarde el cambio en una rama y abra un pull request para la revisión de contenido y diseño.\n"
        )


def create_release(project: Project, title: str, dependencia: str, *, dry_run: bool = False) -> CreatedRelease:
    """Write ``content/prensa/AAAA/MM/<slug>.md`` and its image folder; refuse to overwrite.

    With ``dry_run`` nothing is written: the result says what would be.
    """
    if dependencia not in project.rules.dependencias:
        choices = ", ".join(project.rules.dependencias) or "(ninguna configurada)"
        raise UnknownDependencia(
            f"la dependencia «{dependencia}» no está en {project.config_file.name}; use una de: {choices}"
        )
    moment = now(project.rules.timezone)
    slug = slugify(title)
    month = project.releases_root / f"{moment:%Y}" / f"{moment:%m}"
    path = month / f"{slug}.md"
    folder = month / slug
    shown = display_path(path, project.root)
    if path.exists():
        raise ReleaseExists(f"{shown} ya existe: cambie el título o edite ese archivo")
    text = TEMPLATE.format(
        title=_yaml_string(title.strip()), date=f"{moment:%Y-%m-%d %H:%M}", dependencia=dependencia, folder=slug
    )
    created = CreatedRelease(path, folder, shown, display_path(folder, project.root), text)
    if dry_run:
        return created
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return created
