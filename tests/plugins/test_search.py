"""The Pagefind step on real HTML: what is indexed, what is left out, and errors editors can read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from pregon.plugins import search

PAGE = """<!doctype html><html lang="es"><head><title>{title}</title></head><body>
<nav>Menú del portal con la palabra menuchrome</nav>
<article {attrs}><h1>{title}</h1><p>{text}</p>
<p class="pregon-release__meta">Publicado el 22 de abril</p>
<section class="pregon-share">Compartir en Facebook</section></article></body></html>"""


def write(
    site: Path, path: str, title: str, text: str, attrs: str = "data-pagefind-body"
) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        PAGE.format(title=title, text=text, attrs=attrs), encoding="utf-8"
    )


def fragments(site: Path) -> list[dict]:
    out = []
    for f in sorted((site / "pagefind" / "fragment").iterdir()):
        raw = gzip.decompress(f.read_bytes())
        out.append(json.loads(raw[raw.index(b"{") :]))
    return out


def test_only_marked_articles_are_indexed_without_chrome_share_or_dates(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "prensa/a/index.html",
        "Vacunación en veredas",
        "Equipos de salud vacunan gratis.",
        'data-pagefind-body data-pagefind-filter="dependencia:Secretaría de Salud"',
    )
    write(tmp_path, "prensa/index.html", "Comunicados", "Lista de resúmenes", attrs="")
    search.build_index(tmp_path)

    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["es"]["page_count"] == 1
    [page] = fragments(tmp_path)
    assert page["url"] == "/prensa/a/"
    assert page["filters"] == {"dependencia": ["Secretaría de Salud"]}
    assert "vacunan gratis" in page["content"]
    for left_out in ("menuchrome", "Compartir", "Publicado el"):
        assert left_out not in page["content"]
    assert (
        tmp_path / "pagefind" / "pagefind-ui.js"
    ).exists()  # the UI ships with the index


def test_failure_is_reported_in_spanish_with_pagefind_reason(tmp_path: Path) -> None:
    with pytest.raises(
        PluginError,
        match=r"(?s)Pagefind no pudo crear el índice de búsqueda:\n.*html files",
    ):
        search.build_index(tmp_path)  # nothing to index
