"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the example site, read with feedparser and checked strictly."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest

from .conftest import LIVE

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"


def _absolute(url: str, base: str) -> None:
    assert url.startswith(base), url


@pytest.fixture(scope="module")
def base(built_site: Path) -> str:
    manifest = json.loads((built_site / "pregon/manifest.json").read_text(encoding="utf-8"))
    return manifest["site_url"]


def test_rss_has_required_elements_and_rfc822_dates(built_site: Path, base: str) -> None:
    raw = (built_site / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = ET.fromstring(raw).find("channel")
    assert channel is not None
    for tag in ("title", "link", "description", "language"):
        assert (channel.findtext(tag) or "").strip(), tag
    items = channel.findall("item")
    assert len(items) == len(LIVE)
    guids = [i.findtext("guid") for i in items]
    assert len(set(guids)) == len(guids) and all(g and g.startswith("tag:") for g in guids)
    dates = []
    for item in items:
        _absolute(item.findtext("link") or "", base)
        dates.append(parsedate_to_datetime(item.findtext("pubDate") or ""))  # RFC 822
        assert item.find("guid").get("isPermaLink") == "false"
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.get("type") == "image/jpeg" and int(enclosure.get("length")) > 0
        _absolute(enclosure.get("url"), base)
        assert item.findall("category")
    assert dates == sorted(dates, reverse=True)


def test_atom_has_required_elements_and_rfc3339_dates(built_site: Path, base: str) -> None:
    raw = (built_site / "atom.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = ET.fromstring(raw)
    for tag in ("id", "title", "updated"):
        assert feed.findtext(ATOM + tag), tag
    assert any(
        link.get("rel") == "self" and link.get("href") == base + "atom.xml" for link in feed.findall(ATOM + "link")
    )
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == len(LIVE)
    for entry in entries:
        for tag in ("id", "title", "updated", "published"):
            value = entry.findtext(ATOM + tag)
            assert value, tag
            if tag in ("updated", "published"):
                assert datetime.fromisoformat(value).tzinfo is not None
                assert re.match(RFC3339, value), value
        links = {link.get("rel"): link for link in entry.findall(ATOM + "link")}
        _absolute(links["alternate"].get("href"), base)
        _absolute(links["enclosure"].get("href"), base)
    assert {e.id for e in parsed.entries} == {f"tag:{base.split('/')[2].split(':')[0]},2026:{i}" for i in LIVE}


def test_json_feed_1_1(built_site: Path, base: str) -> None:
    feed = json.loads((built_site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"] == base and feed["feed_url"] == base + "feed.json"
    assert feed["language"] == "es"
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids)) == len(LIVE)
    for item in feed["items"]:
        assert "content_text" in item or "content_html" in item
        _absolute(item["url"], base)
        _absolute(item["image"], base)
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_dependencia_feeds_hold_only_their_releases(built_site: Path) -> None:
    parsed = feedparser.parse((built_site / "dependencias/cultura/atom.xml").read_bytes())
    assert not parsed.bozo
    assert {e.link.split("/prensa/")[1].rstrip("/") for e in parsed.entries} == {
        "2026/06/festival-del-rio",
        "2026/08/cine-al-parque",
    }
    ambiente = feedparser.parse((built_site / "dependencias/ambiente/feed.xml").read_bytes())
    assert [e.title for e in ambiente.entries] == ["Vecinos y estudiantes siembran 2.000 árboles en la ribera"]


def test_feeds_are_advertised_in_every_head(built_site: Path, base: str) -> None:
    for path in ("index.html", "prensa/index.html", "guia/index.html"):
        html = (built_site / path).read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        for kind, name in (
            ("rss+xml", "feed.xml"),
            ("atom+xml", "atom.xml"),
            ("feed+json", "feed.json"),
        ):
            assert f'type="application/{kind}"' in head and f'href="{base}{name}"' in head, (path, kind)
    dependencia = (built_site / "dependencias/cultura/index.html").read_text(encoding="utf-8")
    assert f'href="{base}dependencias/cultura/atom.xml"' in dependencia[: dependencia.index("</head>")]
