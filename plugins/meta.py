"""Head tags: feed discovery on every page; Open Graph, Twitter Card, JSON-LD and the Pregón
``<meta>`` tags on release pages.

They are inserted into the rendered HTML right after ``<head>`` (after ``<meta charset>`` when it
comes first, so the charset stays within the first 1024 bytes). Social scrapers read the top of the
page, and the theme's templates stay free of Pregón logic.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from markupsafe import Markup

from .catalog import Entry
from .derivatives import Crops
from .feeds import FeedSite
from .manifest import media_item

DIGEST_META = "pregon:digest"  # same names as pregon.syndicate.manifest (the contract)
ID_META = "pregon:id"
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
FEED_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def _meta(attr: str, name: str, content: object) -> str:
    return f'<meta {attr}="{escape(name)}" content="{escape(str(content))}">'


def feed_links(site: FeedSite, feeds: dict[str, str], title: str) -> str:
    """``<link rel="alternate">`` for each feed in ``feeds`` (kind → site path)."""
    return "".join(
        f'<link rel="alternate" type="{FEED_TYPES[k]}" title="{escape(title)} ({FEED_LABELS[k]})" href="{escape(site.absolute(p))}">'
        for k, p in feeds.items()
    )


def release_tags(site: FeedSite, entry: Entry, site_name: str, crops: Crops | None = None) -> str:
    """Open Graph, Twitter Card, article times, NewsArticle (+ LiveBlogPosting) JSON-LD, Pregón metas."""
    r = entry.release
    url = site.absolute(entry.url)
    tags = [
        _meta("name", DIGEST_META, r.digest),
        _meta("name", ID_META, r.id),
        _meta("property", "og:type", "article"),
        _meta("property", "og:locale", "es_CO"),
        _meta("property", "og:site_name", site_name),
        _meta("property", "og:title", r.title),
        _meta("property", "og:description", r.meta.summary),
        _meta("property", "og:url", url),
        _meta("property", "article:published_time", r.date.isoformat()),
        _meta("property", "article:section", entry.dependencia_name),
        _meta("name", "twitter:card", "summary_large_image"),
        _meta("name", "twitter:title", r.title),
        _meta("name", "twitter:description", r.meta.summary),
    ]
    if entry.updated:
        tags.append(_meta("property", "article:modified_time", entry.updated.isoformat()))
    if r.meta.expires:
        tags.append(_meta("property", "article:expiration_time", r.meta.expires.isoformat()))
    tags += [_meta("property", "article:tag", t) for t in r.meta.tags]
    image = share_image(site, entry, crops)
    if image:
        tags += [
            _meta("property", "og:image", image["url"]),
            _meta("property", "og:image:alt", image["alt"]),
            _meta("name", "twitter:image", image["url"]),
            _meta("name", "twitter:image:alt", image["alt"]),
        ]
        tags += [_meta("property", f"og:image:{k}", image[k]) for k in ("width", "height") if image.get(k)]
        if image.get("mime"):
            tags.append(_meta("property", "og:image:type", image["mime"]))
    tags.append(_json_ld(site, entry, site_name, image))
    return "".join(tags)


def share_image(site: FeedSite, entry: Entry, crops: Crops | None = None) -> dict[str, Any] | None:
    """The picture that represents a release when shared: the 1.91:1 crop of its image (the link
    card's shape, around its focal point), else the image itself, else its YouTube thumbnail."""
    r = entry.release
    card = crops.link_card(r.image) if crops is not None and r.image is not None else None
    if r.image is not None and card is not None:
        return {
            "url": site.absolute(card.path),
            "alt": r.image.alt,
            "width": card.width,
            "height": card.height,
            "mime": card.mime,
        }
    if r.image is not None:
        return media_item(site, r.image)
    if r.video is not None and r.video.youtube_id:
        return {
            "url": f"https://i.ytimg.com/vi/{r.video.youtube_id}/hqdefault.jpg",
            "alt": r.video.alt,
        }
    return None


def _json_ld(site: FeedSite, entry: Entry, site_name: str, image: dict[str, Any] | None) -> str:
    r = entry.release
    url = site.absolute(entry.url)
    publisher = {
        "@type": "GovernmentOrganization",
        "name": site.author,
        "url": site.url,
    }
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": r.title[:110],
        "description": r.meta.summary,
        "datePublished": r.date.isoformat(),
        "dateModified": (entry.updated or r.date).isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "inLanguage": "es-CO",
        "articleSection": entry.dependencia_name,
        "keywords": list(r.meta.tags),
        "author": {"@type": "Person", "name": r.meta.author} if r.meta.author else publisher,
        "publisher": publisher,
        "isAccessibleForFree": True,
    }
    if image:
        article["image"] = [image["url"]]
    graph: list[dict[str, Any]] = [article]
    if r.meta.live:
        graph.append(
            {
                "@type": "LiveBlogPosting",
                "headline": r.title[:110],
                "url": url,
                "datePublished": r.date.isoformat(),
                "coverageStartTime": r.date.isoformat(),
                "about": {
                    "@type": "Event",
                    "name": r.title,
                    "startDate": r.date.isoformat(),
                },
                "liveBlogUpdate": [
                    {
                        "@type": "BlogPosting",
                        "headline": u.text[:110],
                        "articleBody": u.text,
                        "datePublished": u.time.isoformat(),
                        "url": f"{url}#{u.id}",
                    }
                    for u in entry.updates
                ],
            }
        )
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # "<" escaped as \u003c: no "</script>" or "<!--" can end or confuse the script element.
    return '<script type="application/ld+json">' + data.replace("<", "\\u003c") + "</script>"


def inject(output: str, tags: str) -> str:
    """Insert ``tags`` at the top of ``<head>``, after ``<meta charset>`` when that comes first."""
    start = output.find("<head>")
    if start < 0 or not tags:
        return output
    at = start + len("<head>")
    charset = output.find("<meta charset", at, at + 200)
    if charset >= 0:
        at = output.index(">", charset) + 1
    return output[:at] + tags + output[at:]


def fix_title(output: str, escaped_title: str, plain_title: str) -> str:
    """Re-escape the ``<title>`` text: Jinja's ``striptags`` (used by the theme) unescapes it."""
    unescaped = Markup(escaped_title).striptags()
    if unescaped == escaped_title:
        return output
    return output.replace(f"<title>{unescaped}", f"<title>{escape(plain_title, quote=False)}", 1)
