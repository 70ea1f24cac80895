"""Head tags of release pages and the publication manifest agree with each other and the sources."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from pregon.plugins.digest import release_digest, update_digests
from pregon.syndicate.manifest import DIGEST_META, ID_META, Manifest, parse_manifest

from .conftest import EXPIRED, LIVE, LIVE_BLOG, head, meta_content, page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> Manifest:
    return parse_manifest((built_site / "pregon/manifest.json").read_bytes())


def test_manifest_carries_the_entity_for_the_press_email(manifest: Manifest) -> None:
    """Subject, dateline and press contact of the press e-mail come from mkdocs.yml's entity."""
    assert manifest.entity is not None
    assert manifest.entity.name == "Alcaldía de San Isidro del Río"
    assert manifest.entity.city == "San Isidro del Río (municipio ficticio)"
    assert manifest.entity.press_contact is not None
    assert manifest.entity.press_contact.email == "prensa@sanisidrodelrio.example"
    assert manifest.entity.press_contact.name == "Oficina de Comunicaciones y Prensa"


def test_manifest_lists_exactly_the_releases_in_force(manifest: Manifest) -> None:
    assert {i.id for i in manifest.items} == LIVE
    assert manifest.item(EXPIRED) is None
    assert manifest.feeds.rss.endswith("/feed.xml") and manifest.feeds.json_feed.endswith("/feed.json")
    assert manifest.generated_at.isoformat() == "2026-11-20T10:00:00-05:00"


def test_each_digest_matches_its_page_and_its_source(manifest: Manifest, built_site: Path) -> None:
    for item in manifest.items:
        html = page(built_site, item.id)
        assert meta_content(html, DIGEST_META) == [item.digest]
        assert meta_content(html, ID_META) == [item.id]
        assert item.source.path == f"content/{item.id}.md"
        assert release_digest(ROOT / item.source.path) == item.digest


def test_manifest_items_carry_media_and_live_updates(manifest: Manifest, built_site: Path) -> None:
    festival = manifest.item("prensa/2026/06/festival-del-rio")
    assert festival is not None and len(festival.images) == 3
    for media in festival.media:
        assert media.url.startswith(manifest.site_url) and media.alt and media.width == 1200 and media.height == 630
        assert (built_site / media.url.removeprefix(manifest.site_url)).stat().st_size == media.bytes
    cine = manifest.item("prensa/2026/08/cine-al-parque")
    assert cine is not None and cine.media[-1].youtube_id == "aqz-KE-bpKQ"
    live = manifest.item(LIVE_BLOG)
    assert live is not None and live.live and live.featured
    assert [u.time for u in live.updates] == sorted((u.time for u in live.updates), reverse=True)
    assert {u.id: u.digest for u in live.updates} == update_digests(ROOT / live.source.path)
    assert all(u.url == f"{live.url}#{u.id}" for u in live.updates)
    rendicion = manifest.item("prensa/2026/10/rendicion-de-cuentas-2026")
    assert rendicion is not None and "facebook" in rendicion.social and rendicion.press_lists


def test_release_head_has_social_and_structured_data(manifest: Manifest, built_site: Path) -> None:
    for item in manifest.items:
        html = page(built_site, item.id)
        top = head(html)
        # Our tags sit at the top of <head>, right after <meta charset>, before the theme's own tags.
        assert top.index('name="pregon:digest"') < top.index('name="viewport"')
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', top)
        assert canonical == [item.url] == meta_content(top, "og:url")
        assert meta_content(top, "twitter:card") == ["summary_large_image"]
        assert meta_content(top, "article:published_time") == [item.date.isoformat()]
        image = meta_content(top, "og:image")[0]
        assert image == item.media[0].url and image.startswith("http")
        assert meta_content(top, "og:image:alt") == meta_content(top, "twitter:image:alt") == [item.media[0].alt]
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', top, re.DOTALL).group(1))
        types = [node["@type"] for node in ld["@graph"]]
        assert types[0] == "NewsArticle" and ld["@graph"][0]["datePublished"] == item.date.isoformat()
        assert ("LiveBlogPosting" in types) == item.live
    live_ld = head(page(built_site, LIVE_BLOG))
    assert live_ld.count('"@type": "BlogPosting"') == 3


def test_source_commit_is_the_last_commit_of_each_file(manifest: Manifest) -> None:
    """One `git log` pass in the build must agree with asking git file by file."""
    for item in manifest.items:
        expected = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", item.source.path],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert item.source.commit == (expected or None), item.id
