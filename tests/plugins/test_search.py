"""The Pagefind step on real HTML: what is indexed, what is left out, and errors editors can read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from pregon.plugins import search

PAGE = """<!doctype html><html lang="es"><head><title>{title}</title></head><body>
<nav>Menú del portal con la palabra menuchrome</nav>{start}
<article {attrs}><h1>{title}</h1><p>{text}</p>
<p class="pregon-release__meta">Publicado el 22 de abril</p>
<section class="pregon-share">Compartir en Facebook</section></article>{end}
<footer>Pie con la palabra piechrome</footer></body></html>"""


def page(
    title: str, text: str, attrs: str = "data-pagefind-body", indexed: bool = True
) -> str:
    marks = (search.INDEXED_START, search.INDEXED_END) if indexed else ("", "")
    return PAGE.format(
        title=title, text=text, attrs=attrs, start=marks[0], end=marks[1]
    )


def fragments(bundle: Path) -> list[dict]:
    out = []
    for f in sorted((bundle / "fragment").iterdir()):
        raw = gzip.decompress(f.read_bytes())
        out.append(json.loads(raw[raw.index(b"{") :]))
    return out


def test_only_marked_articles_are_indexed_without_chrome_share_or_dates(
    tmp_path: Path,
) -> None:
    index = search.SearchIndex()
    index.add(
        "prensa/2026/04/vacunacion/index.html",
        page(
            "Vacunación en veredas",
            "Equipos de salud vacunan gratis.",
            'data-pagefind-body data-pagefind-filter="dependencia:Secretaría de Salud"',
        ),
    )
    index.add(
        "prensa/index.html",
        page("Comunicados", "Lista de resúmenes", attrs="", indexed=False),
    )
    assert index.pages == 1
    index.build(tmp_path)

    bundle = tmp_path / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["es"]["page_count"] == 1
    [indexed] = fragments(bundle)
    assert indexed["url"] == "/prensa/2026/04/vacunacion/"
    assert indexed["meta"]["title"] == "Vacunación en veredas"
    assert indexed["filters"] == {"dependencia": ["Secretaría de Salud"]}
    assert "vacunan gratis" in indexed["content"]
    for left_out in ("menuchrome", "piechrome", "Compartir", "Publicado el"):
        assert left_out not in indexed["content"]
    assert (bundle / "pagefind-ui.js").exists()  # the UI ships with the index
    assert not Path(index._work.name).exists()  # the intermediate documents are gone


def test_a_site_without_indexed_pages_builds_without_search(
    tmp_path: Path, caplog
) -> None:
    index = search.SearchIndex()
    index.add("index.html", page("Inicio", "Portada", attrs="", indexed=False))
    index.build(tmp_path)
    assert not (tmp_path / "pagefind").exists()
    assert "sin búsqueda" in caplog.text


def test_failure_is_reported_in_spanish_with_pagefind_reason(tmp_path: Path) -> None:
    with pytest.raises(
        PluginError,
        match=r"(?s)Pagefind no pudo crear el índice de búsqueda:\n.*html files",
    ):
        search.build_index(tmp_path)  # nothing to index
