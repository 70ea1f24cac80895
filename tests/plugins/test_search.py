"""The Pagefind step: what is indexed, what is left out, the background run and errors editors can read."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import PluginError
from pregon.plugins import search

from tests.conftest import ROOT

DEPENDENCIAS = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["plugins"][0][
    "pregon"
]["dependencias"]

RELEASE = search.Document(
    dest_uri="prensa/2026/04/vacunacion/index.html",
    title="Vacunación <en> veredas",
    body_html='<h2 id="horarios">Horarios<a class="headerlink" href="#horarios">¶</a></h2><p>Equipos de salud vacunan gratis.</p>',
    lead=("Brigadas en doce veredas.",),
    image="../vacunacion.jpg",
    image_alt="Enfermera aplica una vacuna",
    dependencia="Secretaría de Salud, Protección Social",
    kind="release",
)


def fragments(bundle: Path) -> list[dict]:
    """Every page of ``bundle`` and of the year bundles merged into it (``bundle/<year>/``)."""
    out = []
    for f in sorted(bundle.glob("**/fragment/*")):
        raw = gzip.decompress(f.read_bytes())
        out.append(json.loads(raw[raw.index(b"{") :]))
    return out


def test_a_release_document_is_indexed_with_title_lead_body_filter_and_image(tmp_path: Path) -> None:
    index = search.SearchIndex()
    index.add(RELEASE)
    work = Path(index._work.name)
    index.build(tmp_path)

    bundle = tmp_path / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["es"]["page_count"] == 1
    [indexed] = fragments(bundle)
    assert indexed["url"] == "/prensa/2026/04/vacunacion/"
    assert indexed["meta"]["title"] == "Vacunación <en> veredas"  # escaped in, plain text out
    assert indexed["meta"]["image"] == "../vacunacion.jpg"
    assert indexed["meta"]["image_alt"] == "Enfermera aplica una vacuna"
    # A comma inside the dependencia's name does not split it into two filter values.
    assert indexed["filters"] == {"dependencia": ["Secretaría de Salud, Protección Social"]}
    assert "Brigadas en doce veredas" in indexed["content"]
    assert "Protección Social" in indexed["content"]  # the dependencia is searchable text too
    assert "vacunan gratis" in indexed["content"]
    assert "¶" not in indexed["content"]  # permalink anchors are left out
    assert [a["id"] for a in indexed["anchors"]] == ["horarios"]
    assert (bundle / "pagefind-ui.js").exists()  # the UI ships with the index
    assert not work.exists()  # the intermediate documents are gone


def test_the_example_site_indexes_releases_and_content_pages_only(built_site: Path) -> None:
    urls = {f["url"]: f for f in fragments(built_site / "pagefind")}
    prensa = ROOT / "content" / "prensa"
    releases = {"/prensa/" + p.relative_to(prensa).with_suffix("").as_posix() + "/" for p in prensa.rglob("*.md")}
    hidden = {"/prensa/2026/11/borrador-calendario-tributario/"}  # a draft: no page at all
    expired = {"/prensa/2026/02/jornada-vacunacion-barrios-veredas/"}  # on the site, out of search
    embargoed = {u for u in releases if not (built_site / u.strip("/") / "index.html").exists()} - hidden
    assert embargoed, "the example site has an embargoed release"
    dependencias = {f"/dependencias/{slug}/" for slug in DEPENDENCIAS}
    # The editors' guide is for the office (search: exclude: true): the index is the citizens'.
    assert set(urls) == (releases - hidden - expired - embargoed) | dependencias
    # Every dependencia is a value of the filter, even one with no release in force (Salud).
    names = {v for f in urls.values() for v in f["filters"].get("dependencia", [])}
    assert names == set(DEPENDENCIAS.values())
    # Listings, archives, the home page and the search page repeat summaries: not indexed.
    for url, release in urls.items():
        assert "Compartir" not in release["content"] and "Publicado el" not in release["content"]
        if url not in dependencias:
            assert release["filters"]["dependencia"][0] in release["content"]
    river = urls["/prensa/2026/04/siembra-arboles-ribera/"]
    assert river["filters"] == {"dependencia": ["Secretaría de Ambiente"]}
    assert river["meta"]["image"].endswith(".jpg") and not river["meta"]["image"].startswith("/")


def test_a_site_without_indexed_pages_builds_without_search(tmp_path: Path, caplog) -> None:
    index = search.SearchIndex()
    index.build(tmp_path)
    assert not (tmp_path / "pagefind").exists()
    assert "sin búsqueda" in caplog.text


def test_a_stale_index_is_replaced_not_mixed(tmp_path: Path) -> None:
    stale = tmp_path / "pagefind" / "fragment"
    stale.mkdir(parents=True)
    (stale / "old.pf_fragment").write_bytes(b"stale")
    index = search.SearchIndex()
    index.add(RELEASE)
    index.build(tmp_path)
    assert not (stale / "old.pf_fragment").exists()
    assert len(fragments(tmp_path / "pagefind")) == 1


def test_abort_stops_pagefind_and_drops_the_documents(tmp_path: Path) -> None:
    index = search.SearchIndex()
    index.add(RELEASE)
    index.start(tmp_path)
    index.abort()
    assert all(process.returncode is not None for process in index.launched)  # none left running
    assert index._thread is None and not Path(index._work.name).exists()


def test_failure_is_reported_in_spanish_with_pagefind_reason(tmp_path: Path) -> None:
    with pytest.raises(
        PluginError,
        match=r"(?s)Pagefind no pudo crear el índice de búsqueda:\n.*html files",
    ):
        search.build_index(tmp_path)  # nothing to index


def test_documents_go_to_shared_memory_only_with_ample_room(tmp_path: Path) -> None:
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    assert search.scratch_dir(free // 8, shm=str(tmp_path)) == str(tmp_path)
    assert search.scratch_dir(free // 2, shm=str(tmp_path)) is None  # a small container /dev/shm
    assert search.scratch_dir(1, shm=str(tmp_path / "missing")) is None


def test_releases_outweigh_content_pages_and_code_blocks_stay_out(tmp_path: Path) -> None:
    """Pagefind's weights: a release's title and summary count most; a content page's text less,
    and its code blocks (commands, example front matter) are not indexed at all."""
    guide = search.Document(
        dest_uri="guia/index.html",
        title="Guía para editores",
        body_html="<p>Cómo escribir un comunicado.</p><pre><code>summary: Vacunación gratis\ndependencia: salud</code></pre>",
    )
    release_html = RELEASE.html("es")
    assert f'<h1 data-pagefind-weight="{search.RELEASE_TITLE_WEIGHT}">' in release_html
    assert f'<p data-pagefind-weight="{search.RELEASE_LEAD_WEIGHT}">Brigadas' in release_html
    assert float(search.PAGE_BODY_WEIGHT) < 1 < float(search.RELEASE_LEAD_WEIGHT)
    index = search.SearchIndex()
    index.add(guide)
    index.add(RELEASE, group="2026")
    index.build(tmp_path)
    pages = {f["url"]: f for f in fragments(tmp_path / "pagefind")}
    assert "Cómo escribir un comunicado" in pages["/guia/"]["content"]
    assert "summary:" not in pages["/guia/"]["content"] and "dependencia: salud" not in pages["/guia/"]["content"]


def _release_page(content: str):  # a real MkDocs page, as a build has it after conversion
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    config = MkDocsConfig()
    config.load_dict({"site_name": "Alcaldía", "docs_dir": ".", "site_dir": "site"})
    config.validate()
    file = File("prensa/2026/04/vacunacion.md", src_dir=None, dest_dir="site", use_directory_urls=True)
    page = Page(None, file, config)
    page.content = content
    return page


def test_a_release_document_digest_comes_from_the_cache_under_its_page_key(tmp_path: Path) -> None:
    """The digest is stored under the page's key, which covers everything the document shows: an
    unchanged page costs a lookup, its document is made only if its bundle is indexed again, and
    another key is digested afresh."""
    from types import SimpleNamespace

    from pregon.plugins.cache import BuildCache, digest

    meta = SimpleNamespace(summary="Brigadas en doce veredas.")
    release = SimpleNamespace(title="Vacunación", meta=meta, image=None)
    entry = SimpleNamespace(release=release, updates=(), dependencia_name="Secretaría de Salud")
    page = _release_page("<p>Equipos de salud vacunan gratis.</p>")
    expected = digest(search.release_document(page, entry).html("es"))  # type: ignore[arg-type]

    first = search.SearchIndex(cache=BuildCache(tmp_path))
    first.add_release(page, entry, "2026", "clave-de-pagina")  # type: ignore[arg-type]
    assert first._groups["2026"] == [(page.file.dest_uri, expected)]
    assert first.cache is not None
    first.cache.prune()

    other = _release_page("<p>Otro texto.</p>")
    warm = search.SearchIndex(cache=BuildCache(tmp_path))
    warm.add_release(other, entry, "2026", "clave-de-pagina")  # type: ignore[arg-type]
    warm.add_release(other, entry, "2026", "otra-clave")  # type: ignore[arg-type]
    fresh = digest(search.release_document(other, entry).html("es"))  # type: ignore[arg-type]
    assert [sha for _, sha in warm._groups["2026"]] == [expected, fresh]
    lazy = warm._documents["2026"][0]
    assert isinstance(lazy, search.LazyRelease)
    assert lazy.html("es") == search.release_document(other, entry).html("es")  # type: ignore[arg-type]
