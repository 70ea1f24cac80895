"""What feeds say about each release, read as a feed reader and as the W3C feed validator would.

A copy of the example project is edited so the feeds meet hard cases (a summary with ``<``, ``&``
and typed markup, a body with relative links and images, a person and an office as authors), built
with ``mkdocs build --strict``, and its RSS, Atom and JSON Feed are read with feedparser, with a raw
XML parser and against a JSON Schema written from the JSON Feed 1.1 specification
(https://www.jsonfeed.org/version/1.1/). The W3C validator's rules that apply to these feeds are
asserted one by one: self links, non-permalink guids, RFC 822 / RFC 3339 dates, unique ids,
absolute addresses inside the content.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import jsonschema
import pytest
from PIL import Image

from tests.conftest import ROOT, build_site

from .conftest import LIVE, LIVE_BLOG, edit

SITE = "http://portal.example/"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
MARKET = "prensa/2026/07/mercado-campesino-sabados"
SCHOLARSHIPS = "prensa/2026/09/becas-educacion-superior"
TRICKY_SUMMARY = "Tarifas < 5 % & sin IVA: escriba <b>gratis</b> en el formulario."
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# JSON Feed 1.1, from https://www.jsonfeed.org/version/1.1/ (every "required" and every type the
# specification states; "should" rules are asserted separately below).
_AUTHOR = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "url": {"type": "string"}, "avatar": {"type": "string"}},
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
}
_DATE = {"type": "string", "pattern": RFC3339.pattern}
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string"},
        "icon": {"type": "string"},
        "favicon": {"type": "string"},
        "authors": {"type": "array", "items": _AUTHOR},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {"type": "object", "required": ["type", "url"]},
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string"},
                    "external_url": {"type": "string"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": {"type": "string"},
                    "banner_image": {"type": "string"},
                    "date_published": _DATE,
                    "date_modified": _DATE,
                    "authors": {"type": "array", "items": _AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                    "attachments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["url", "mime_type"],
                            "properties": {
                                "url": {"type": "string"},
                                "mime_type": {"type": "string"},
                                "title": {"type": "string"},
                                "size_in_bytes": {"type": "number"},
                                "duration_in_seconds": {"type": "number"},
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("feeds") / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "content", "records"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    market = (project / "content" / f"{MARKET}.md").read_text(encoding="utf-8")
    summary = re.search(r"^summary: (.*)$", market, re.M).group(1)
    edit(project, MARKET, f"summary: {summary}", f"summary: {json.dumps(TRICKY_SUMMARY)}")
    edit(
        project,
        MARKET,
        "Desde este sábado,",
        "Vea [la guía](../../../guia/index.md) y el ![puesto](mercado-campesino.jpg).\n\nDesde este sábado,",
    )
    return project


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("feeds-site")
    result = build_site(dest, SITE, project=project)
    assert result.returncode == 0, result.stderr[-3000:]
    return dest


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "poster")]


def _urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _rss_items(site: Path, path: str = "feed.xml") -> dict[str, ET.Element]:
    channel = ET.fromstring((site / path).read_bytes()).find("channel")
    return {(i.findtext("link") or "").removeprefix(SITE).rstrip("/"): i for i in channel.findall("item")}


def test_rss_channel_links_to_the_portal_page_and_to_itself_as_self(site: Path) -> None:
    for path, page in (("feed.xml", SITE), ("dependencias/cultura/feed.xml", SITE + "dependencias/cultura/")):
        channel = ET.fromstring((site / path).read_bytes()).find("channel")
        assert channel.findtext("link") == page
        selves = [link for link in channel.findall(ATOM + "link") if link.get("rel") == "self"]
        assert [(s.get("href"), s.get("type")) for s in selves] == [(SITE + path, "application/rss+xml")]
        parsed = feedparser.parse((site / path).read_bytes())
        assert parsed.bozo == 0 and parsed.feed.link == page
    atom = ET.fromstring((site / "dependencias/cultura/atom.xml").read_bytes())
    links = {link.get("rel"): link.get("href") for link in atom.findall(ATOM + "link")}
    assert links == {"self": SITE + "dependencias/cultura/atom.xml", "alternate": SITE + "dependencias/cultura/"}


def test_a_summary_with_markup_characters_reaches_readers_as_text(site: Path) -> None:
    raw = _rss_items(site)[MARKET]
    # RSS <description> is HTML: the text must arrive escaped once more than XML requires.
    assert raw.findtext("description") == escape(TRICKY_SUMMARY, quote=False)
    rss = {e.link.removeprefix(SITE).rstrip("/"): e for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    assert "<b>" not in rss[MARKET].summary and "&lt;b&gt;gratis&lt;/b&gt;" in rss[MARKET].summary
    atom = {
        e.link.removeprefix(SITE).rstrip("/"): e for e in feedparser.parse((site / "atom.xml").read_bytes()).entries
    }
    assert atom[MARKET].summary_detail.type == "text/plain" and atom[MARKET].summary == TRICKY_SUMMARY
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert {i["url"]: i["summary"] for i in feed["items"]}[SITE + MARKET + "/"] == TRICKY_SUMMARY


def test_every_feed_carries_the_body_with_absolute_addresses(site: Path) -> None:
    body_start = "Desde este sábado, el mercado campesino se instala en la Plaza Principal."
    rss = _rss_items(site)
    atom = {
        e.find(ATOM + "link").get("href").removeprefix(SITE).rstrip("/"): e
        for e in ET.fromstring((site / "atom.xml").read_bytes()).findall(ATOM + "entry")
    }
    feed = {
        i["url"].removeprefix(SITE).rstrip("/"): i for i in json.loads((site / "feed.json").read_text("utf-8"))["items"]
    }
    assert set(rss) == set(atom) == set(feed) == LIVE
    for item_id in LIVE:
        atom_content = atom[item_id].find(ATOM + "content")
        assert atom_content.get("type") == "html"
        html = rss[item_id].findtext(CONTENT)
        assert html and html == atom_content.text == feed[item_id]["content_html"]
        assert "headerlink" not in html and "<script" not in html
        for url in _urls(html):
            assert url.startswith(("http://", "https://", "mailto:", "tel:")), (item_id, url)
        text = feed[item_id]["content_text"]
        assert "<" not in text and text != feed[item_id]["summary"] and len(text) > len(feed[item_id]["summary"]) / 2
    market = feed[MARKET]
    assert body_start in market["content_text"] and body_start in market["content_html"]
    urls = _urls(market["content_html"])
    assert SITE + "guia/" in urls and SITE + MARKET + "/mercado-campesino.jpg" not in urls
    assert SITE + "prensa/2026/07/mercado-campesino.jpg" in urls
    assert (site / "prensa/2026/07/mercado-campesino.jpg").is_file()


def test_live_updates_reach_the_feeds(site: Path) -> None:
    release = (ROOT / "content" / f"{LIVE_BLOG}.md").read_text(encoding="utf-8")
    newest = "La vía a El Alto abre a un solo carril. Hay paso controlado cada 20 minutos."
    assert newest in release
    feed = {
        i["url"].removeprefix(SITE).rstrip("/"): i for i in json.loads((site / "feed.json").read_text("utf-8"))["items"]
    }
    live = feed[LIVE_BLOG]
    # Its newest published update (2026-11-20 08:45), not its first publication (2026-11-18 06:00).
    assert live["date_modified"] == "2026-11-20T08:45:00-05:00" != live["date_published"]
    assert newest in live["content_text"] and newest in live["content_html"]
    assert live["content_html"].index(newest) < live["content_html"].index("Todas las vías rurales están abiertas")
    assert SITE + "prensa/2026/11/vias-rurales-derrumbe.jpg" in _urls(live["content_html"])
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    entry = next(e for e in atom.entries if e.link.rstrip("/").endswith(LIVE_BLOG))
    assert datetime.fromisoformat(entry.updated) == datetime.fromisoformat("2026-11-20T08:45:00-05:00")
    assert newest in entry.content[0].value
    assert datetime.fromisoformat(atom.feed.updated) == datetime.fromisoformat("2026-11-20T08:45:00-05:00")


def test_entries_have_their_own_updated_times(site: Path) -> None:
    atom = ET.fromstring((site / "atom.xml").read_bytes())
    updated = [e.findtext(ATOM + "updated") for e in atom.findall(ATOM + "entry")]
    assert len(set(updated)) == len(updated) == len(LIVE)
    for entry in atom.findall(ATOM + "entry"):
        assert entry.findtext(ATOM + "updated") >= entry.findtext(ATOM + "published")  # same offset: comparable


def test_json_feed_is_valid_json_feed_1_1(site: Path) -> None:
    for path in ("feed.json", "dependencias/cultura/feed.json", "dependencias/despacho/feed.json"):
        feed = json.loads((site / path).read_text(encoding="utf-8"))
        jsonschema.validate(feed, JSON_FEED_1_1)
        assert feed["feed_url"] == SITE + path and feed["language"] == "es"
        assert feed["authors"] == [{"name": "Alcaldía de San Isidro del Río", "url": SITE}]
        for key in ("icon", "favicon"):
            assert feed[key].startswith(SITE)
            picture = site / feed[key].removeprefix(SITE)
            with Image.open(picture) as image:
                width, height = image.size
            # "should be square … not smaller than 64 x 64" (favicon); "relatively large" (icon)
            assert width == height >= (512 if key == "icon" else 64), (key, image.size)
        ids = [item["id"] for item in feed["items"]]
        assert len(ids) == len(set(ids))
        for item in feed["items"]:
            assert item["url"].startswith(SITE) and item["image"].startswith(SITE)
            assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])


def test_rss_and_atom_follow_the_w3c_validator_rules(site: Path) -> None:
    for prefix in ("", "dependencias/gobierno/"):
        raw_rss = (site / prefix / "feed.xml").read_bytes()
        raw_atom = (site / prefix / "atom.xml").read_bytes()
        for raw in (raw_rss, raw_atom):
            parsed = feedparser.parse(raw)
            assert parsed.bozo == 0, parsed.get("bozo_exception")
        channel = ET.fromstring(raw_rss).find("channel")
        parsedate_to_datetime(channel.findtext("lastBuildDate"))
        image = channel.find("image")
        assert image.findtext("link") == channel.findtext("link") and image.findtext("title") == channel.findtext(
            "title"
        )
        guids = []
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:")
            guids.append(guid.text)
            date = parsedate_to_datetime(item.findtext("pubDate"))
            assert date.tzinfo is not None
            assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", item.findtext("pubDate"))
        assert guids and len(set(guids)) == len(guids)
        feed = ET.fromstring(raw_atom)
        assert RFC3339.match(feed.findtext(ATOM + "updated"))
        assert feed.findtext(ATOM + "icon").startswith(SITE) and feed.findtext(ATOM + "logo").startswith(SITE)
        ids = [e.findtext(ATOM + "id") for e in feed.findall(ATOM + "entry")]
        assert ids == guids  # the same entry has the same id in both formats
        for entry in feed.findall(ATOM + "entry"):
            for tag in ("updated", "published"):
                assert RFC3339.match(entry.findtext(ATOM + tag))


def test_feeds_are_byte_deterministic(project: Path, site: Path, tmp_path: Path) -> None:
    """A second build (from the build cache the first one left) writes the same bytes."""
    again = tmp_path / "again"
    result = build_site(again, SITE, project=project)
    assert result.returncode == 0, result.stderr[-2000:]
    for path in ("feed.xml", "atom.xml", "feed.json", "dependencias/gobierno/atom.xml"):
        assert (again / path).read_bytes() == (site / path).read_bytes(), path
