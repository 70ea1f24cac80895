"""Helpers for the portal-build tests: read pages and feeds of a built site, edit a project copy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXED_NOW

LIVE = {
    "prensa/2026/01/plan-de-obras-2026",
    "prensa/2026/03/biblioteca-amplia-horario",
    "prensa/2026/04/siembra-arboles-ribera",
    "prensa/2026/05/reparacion-puente-la-esperanza",
    "prensa/2026/06/festival-del-rio",
    "prensa/2026/07/mercado-campesino-sabados",
    "prensa/2026/08/cine-al-parque",
    "prensa/2026/09/becas-educacion-superior",
    "prensa/2026/10/rendicion-de-cuentas-2026",
    "prensa/2026/11/vias-rurales-temporada-de-lluvias",
}
"""Example releases in force at the fixed clock (tests/conftest.py FIXED_NOW)."""
EXPIRED = "prensa/2026/02/jornada-vacunacion-barrios-veredas"
EMBARGOED = "prensa/2026/11/nueva-sede-hospital"
DRAFT = "prensa/2026/11/borrador-calendario-tributario"
LIVE_BLOG = "prensa/2026/11/vias-rurales-temporada-de-lluvias"


def page(site: Path, item_id: str) -> str:
    return (site / item_id / "index.html").read_text(encoding="utf-8")


def head(html: str) -> str:
    return html[html.index("<head>") : html.index("</head>")]


def meta_content(html: str, key: str) -> list[str]:
    """Values of ``<meta name|property="key" content="…">`` (our tags put content last)."""
    return re.findall(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)"', html)


def edit(project: Path, item_id: str, old: str, new: str) -> Path:
    """Replace ``old`` by ``new`` in a release of a project copy (and check it was there)."""
    path = project / "content" / f"{item_id}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def pregon_check(project: Path, *paths: str | Path, now: str = FIXED_NOW) -> subprocess.CompletedProcess[str]:
    """Run ``pregon check PATHS`` in ``project`` as the CLI (a real process, wide plain output)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "pregon"), "check", *map(str, paths)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PREGON_NOW": now, "NO_COLOR": "1", "COLUMNS": "300"},
        timeout=300,
    )
