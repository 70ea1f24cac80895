"""The footer's "Mapa del sitio" is a page for people (sections, dependencias, years, feeds),
and the sitemaps where the theme looks for them exist."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from tests.conftest import ROOT

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DEPENDENCIAS = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["plugins"][0][
    "pregon"
]["dependencias"]


def _links(html: str) -> dict[str, str]:
    body = html[html.index('<article id="contenido"') : html.index("</article>")]
    return {text: href for href, text in re.findall(r'<a href="([^"#]+)"[^>]*>([^<]+)</a>', body)}


def test_footer_links_to_a_human_site_map(built_site: Path) -> None:
    for path in ("index.html", "prensa/2026/06/festival-del-rio/index.html", "guia/index.html"):
        html = (built_site / path).read_text(encoding="utf-8")
        footer = html[html.index("Mapa del sitio") - 200 : html.index("Mapa del sitio")]
        href = re.findall(r'href="([^"]+)"', footer)[-1]
        target = urljoin("http://x/" + path, href)
        assert urlsplit(target).path == "/mapa-del-sitio/", (path, href)
    assert "sitemap.xml" not in (built_site / "index.html").read_text(encoding="utf-8").split("<footer", 1)[1]


def test_site_map_lists_sections_dependencias_years_and_feeds(built_site: Path) -> None:
    html = (built_site / "mapa-del-sitio/index.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Mapa del sitio" in html
    links = _links(html)
    for name in [*DEPENDENCIAS.values(), "Inicio", "Dependencias", "Buscar en el portal", "2026", "Guía para editores"]:
        assert name in links, (name, sorted(links))
    for text, href in links.items():
        if href.startswith("http"):
            assert text in ("RSS", "Atom", "JSON Feed") and urlsplit(href).path.lstrip("/") in (
                "feed.xml",
                "atom.xml",
                "feed.json",
            )
            continue
        target = urlsplit(urljoin("http://x/mapa-del-sitio/", href)).path.lstrip("/")
        assert (built_site / target / "index.html").is_file(), (text, href)
    assert links[DEPENDENCIAS["salud"]] == "../dependencias/salud/"


def test_each_dependencia_folder_has_a_sitemap_of_its_pages(built_site: Path) -> None:
    site_url = json.loads((built_site / "pregon/manifest.json").read_text(encoding="utf-8"))["site_url"]
    for slug in DEPENDENCIAS:
        tree = ET.parse(built_site / "dependencias" / slug / "sitemap.xml").getroot()
        locs = [u.findtext(f"{SITEMAP_NS}loc") for u in tree.findall(f"{SITEMAP_NS}url")]
        # The protocol: a sitemap lists only addresses under its own folder.
        assert locs == [site_url + f"dependencias/{slug}/"]
