"""JSON-LD of release pages, parsed with json and checked against the fields Google lists for
Article (NewsArticle) and LiveBlogPosting rich results: headline (≤ 110 characters), image,
datePublished/dateModified with a zone, authors typed Person or Organization with a name,
publisher with a logo (ImageObject: url, width, height); a live release is one LiveBlogPosting
with its coverage start and its published updates (headline, body, date), not a second node.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from pregon.plugins.meta import HEADLINE_LIMIT, author_node, headline

from tests.conftest import ROOT, build_site

from .conftest import LIVE, LIVE_BLOG, edit, page

SITE = "http://portal.example/"
PERSON_ITEM = "prensa/2026/05/reparacion-puente-la-esperanza"
OFFICE_ITEM = "prensa/2026/09/becas-educacion-superior"
LONG_ITEM = "prensa/2026/07/mercado-campesino-sabados"
LONG_TITLE = (
    "El mercado campesino llega a la plaza todos los sábados con cuarenta familias que venden frutas, "
    "verduras y lácteos sin intermediarios"
)
ORGANIZATIONS = {"Organization", "GovernmentOrganization"}


def _ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert "@graph" not in data and data["@context"] == "https://schema.org"
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("ld") / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "content", "records"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    edit(project, PERSON_ITEM, "\ndependencia:", "\nauthor: María Fernanda Gómez\ndependencia:")
    edit(project, OFFICE_ITEM, "\ndependencia:", "\nauthor: Secretaría de Educación\ndependencia:")
    edit(project, LONG_ITEM, "title: El mercado campesino llega a la plaza todos los sábados", f"title: {LONG_TITLE}")
    dest = tmp_path_factory.mktemp("ld-site")
    result = build_site(dest, SITE, project=project)
    assert result.returncode == 0, result.stderr[-3000:]
    return dest


def _check_article(data: dict, url: str) -> None:
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert 0 < len(data["headline"]) <= HEADLINE_LIMIT
    assert data["image"] and all(i.startswith(SITE) for i in data["image"])
    published = datetime.fromisoformat(data["datePublished"])
    modified = datetime.fromisoformat(data["dateModified"])
    assert published.tzinfo is not None and modified >= published
    assert data["author"] and all(a["@type"] in ORGANIZATIONS | {"Person"} and a["name"] for a in data["author"])
    publisher = data["publisher"]
    assert publisher["@type"] in ORGANIZATIONS and publisher["name"] and publisher["url"] == SITE
    logo = publisher["logo"]
    assert logo["@type"] == "ImageObject" and logo["url"].startswith(SITE)
    assert isinstance(logo["width"], int) and isinstance(logo["height"], int) and logo["width"] >= 112


def test_every_release_has_one_complete_node(site: Path) -> None:
    for item_id in LIVE:
        data = _ld(page(site, item_id))
        _check_article(data, SITE + item_id + "/")
        assert data["@type"] == ("LiveBlogPosting" if item_id == LIVE_BLOG else "NewsArticle")
    logo = _ld(page(site, PERSON_ITEM))["publisher"]["logo"]
    assert (site / logo["url"].removeprefix(SITE)).is_file()


def test_a_live_release_is_one_live_blog_posting_with_its_updates(site: Path) -> None:
    data = _ld(page(site, LIVE_BLOG))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == data["datePublished"] == "2026-11-18T06:00:00-05:00"
    assert data["dateModified"] == "2026-11-20T08:45:00-05:00"  # its newest published update
    updates = data["liveBlogUpdate"]
    assert [u["datePublished"] for u in updates] == sorted((u["datePublished"] for u in updates), reverse=True)
    assert len(updates) == 3
    for u in updates:
        assert u["@type"] == "BlogPosting" and u["articleBody"] and len(u["headline"]) <= HEADLINE_LIMIT
        assert u["url"].startswith(SITE + LIVE_BLOG + "/#")
    assert updates[1]["image"] == [SITE + "prensa/2026/11/vias-rurales-derrumbe.jpg"]


def test_authors_are_typed_person_or_organization(site: Path) -> None:
    assert _ld(page(site, PERSON_ITEM))["author"] == [{"@type": "Person", "name": "María Fernanda Gómez"}]
    office = _ld(page(site, OFFICE_ITEM))["author"][0]
    assert office["@type"] == "Organization" and office["name"] == "Secretaría de Educación"
    assert office["parentOrganization"]["name"] == "Alcaldía de San Isidro del Río"
    entity = _ld(page(site, "prensa/2026/06/festival-del-rio"))["author"][0]  # no author: the entity
    assert entity["@type"] == "GovernmentOrganization" and entity["name"] == "Alcaldía de San Isidro del Río"


def test_a_long_headline_is_cut_at_a_word_boundary(site: Path) -> None:
    cut = _ld(page(site, LONG_ITEM))["headline"]
    assert len(LONG_TITLE) > HEADLINE_LIMIT >= len(cut)
    assert cut.endswith("…") and LONG_TITLE.startswith(cut[:-1])
    assert LONG_TITLE[len(cut) - 1] == " "  # the next character of the title ends a word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Corto", "Corto"),
        ("a" * 110, "a" * 110),
        ("palabra " * 20, ("palabra " * 13).strip() + "…"),
        ("x" * 200, "x" * 109 + "…"),  # one word longer than the limit: cut inside it
    ],
)
def test_headline(text: str, expected: str) -> None:
    assert headline(text) == expected and len(headline(text)) <= HEADLINE_LIMIT


def test_author_node_tells_offices_from_people() -> None:
    publisher = {"@type": "GovernmentOrganization", "name": "Alcaldía de X", "url": SITE}
    assert author_node("Despacho del Alcalde", ["Despacho del Alcalde"], publisher)["@type"] == "Organization"
    assert author_node("Oficina de Comunicaciones", [], publisher)["@type"] == "Organization"
    assert author_node("alcaldía de x", [], publisher)["@type"] == "GovernmentOrganization"
    assert author_node("Juan Pérez", [], publisher) == {"@type": "Person", "name": "Juan Pérez"}
