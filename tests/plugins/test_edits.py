"""Edits of the example content: stable ids, escaped HTML titles, pagination."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from pregon.syndicate.manifest import parse_manifest

from tests.conftest import build_site

from .conftest import edit, meta_content, page

ITEM = "prensa/2026/05/reparacion-puente-la-esperanza"
TITLE = "title: Comienza la reparación del puente de La Esperanza"


def _build(project: Path, dest: Path) -> Path:
    result = build_site(dest, "http://portal.example/", project=project)
    assert result.returncode == 0, result.stderr
    return dest


def test_ids_survive_a_title_edit_and_digest_changes(built_site: Path, project_copy: Path, tmp_path: Path) -> None:
    before = parse_manifest((built_site / "pregon/manifest.json").read_bytes()).item(ITEM)
    edit(
        project_copy,
        ITEM,
        TITLE,
        "title: Empieza la reparación del puente de La Esperanza",
    )
    site = _build(project_copy, tmp_path / "site")
    after = parse_manifest((site / "pregon/manifest.json").read_bytes()).item(ITEM)
    assert before is not None and after is not None
    assert after.id == before.id and after.title.startswith("Empieza")
    assert after.digest != before.digest
    ids = {e.title: e.id for e in feedparser.parse((site / "atom.xml").read_bytes()).entries}
    assert ids["Empieza la reparación del puente de La Esperanza"] == "tag:portal.example,2026:" + ITEM


def test_front_matter_id_and_page_options(project_copy: Path, tmp_path: Path) -> None:
    edit(
        project_copy,
        ITEM,
        TITLE,
        TITLE + "\nid: puente-la-esperanza\nhide: [navigation]",
    )
    site = _build(project_copy, tmp_path / "site")
    manifest = parse_manifest((site / "pregon/manifest.json").read_bytes())
    assert manifest.item("puente-la-esperanza") is not None and manifest.item(ITEM) is None
    assert meta_content(page(site, ITEM), "pregon:id") == ["puente-la-esperanza"]
    # `hide` reaches the theme even though the plugin strips the front matter it already parsed.
    assert 'data-md-type="navigation" hidden' in page(site, ITEM)


def test_html_in_a_title_is_shown_as_text(project_copy: Path, tmp_path: Path) -> None:
    edit(
        project_copy,
        ITEM,
        TITLE,
        'title: "<script>alert(1)</script> Puente </title><b>x</b>"',
    )
    site = _build(project_copy, tmp_path / "site")
    html = page(site, ITEM)
    assert "<script>alert(1)" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Puente" in html
    for listing in (
        "index.html",
        "prensa/index.html",
        "dependencias/infraestructura/index.html",
    ):
        assert "<script>alert(1)" not in (site / listing).read_text(encoding="utf-8"), listing
    rss = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in rss and "&lt;script&gt;alert(1)" in rss
    titles = [i["title"] for i in json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"]]
    assert "<script>alert(1)</script> Puente </title><b>x</b>" in titles  # JSON carries plain text


def test_pagination_counts_pages_from_the_oldest(project_copy: Path, tmp_path: Path) -> None:
    """Ten releases, four per page: the first page shows the latest four; numbered pages hold
    four each counted from the oldest, so new releases leave them as they are."""
    config = project_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("per_page: 20", "per_page: 4"),
        encoding="utf-8",
    )
    site = _build(project_copy, tmp_path / "site")
    first = (site / "prensa/index.html").read_text(encoding="utf-8")
    assert 'rel="next" href="pagina/2/"' in first and first.count('class="pregon-card"') == 4
    assert "Los más recientes" in first and '<a rel="prev"' not in first
    second = (site / "prensa/pagina/2/index.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../1/"' in second
    oldest = (site / "prensa/pagina/1/index.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="../2/"' in oldest and '<a rel="next"' not in oldest
    assert oldest.count('class="pregon-card"') == 4
    assert "plan-de-obras-2026" in oldest and "plan-de-obras-2026" not in first
    assert not (site / "prensa/pagina/3").exists()
