"""A sitemap in each dependencia's folder (``dependencias/<slug>/sitemap.xml``).

Material for MkDocs fetches ``sitemap.xml`` next to every ``<link rel="alternate">`` of a page
(its language switcher maps pages through the sitemap found there: ``new URL("sitemap.xml",
link.href)`` in the theme's bundle). A dependencia's feeds live in its folder, so every page of
that dependencia asked for a sitemap that did not exist (three 404s per page). The sitemap
protocol lets a sitemap list only addresses under its own folder: this one lists the
dependencia's pages (its page and the older pages of its list).
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from .feeds import FeedSite

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_path(prefix: str) -> str:
    return prefix + "sitemap.xml"


def render_sitemap(site: FeedSite, urls: list[str], lastmod: datetime | None) -> bytes:
    """A sitemap of the site-relative ``urls`` (in the order given)."""
    stamp = f"<lastmod>{lastmod.date().isoformat()}</lastmod>" if lastmod else ""
    rows = "".join(f"<url><loc>{escape(site.absolute(u))}</loc>{stamp}</url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n{rows}</urlset>\n'.encode()
