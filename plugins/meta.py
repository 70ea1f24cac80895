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

from .brand import Picture
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


def release_tags(
    site: FeedSite,
    entry: Entry,
    site_name: str,
    crops: Crops | None = None,
    *,
    logo: Picture | None = None,
    offices: list[str] | None = None,
) -> str:
    """Open Graph, Twitter Card, article times, NewsArticle or LiveBlogPosting JSON-LD, Pregón metas.

    ``crops`` gives og:image its 1.91:1 cut; ``logo`` is the publisher's logo in the JSON-LD;
    ``offices`` the dependencias' names (an author named like one is an Organization)."""
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
    tags.append(_json_ld(site, entry, site_name, image, logo, offices))
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


HEADLINE_LIMIT = 110  # Google: longer headlines are cut in rich results
# First words of an office's name (an author that is an office is an Organization, not a Person).
OFFICE_WORDS = frozenset(
    {
        *("alcaldía", "gobernación", "secretaría", "oficina", "despacho", "dirección", "subdirección"),
        *("departamento", "instituto", "concejo", "personería", "contraloría", "gerencia", "área"),
        *("grupo", "unidad", "coordinación", "equipo", "prensa", "comunicaciones", "ministerio"),
        *("agencia", "superintendencia", "empresa", "junta", "comité", "consejo", "programa"),
    }
)


def headline(text: str, limit: int = HEADLINE_LIMIT) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def author_node(name: str, offices: list[str], publisher: dict[str, Any]) -> dict[str, Any]:
    """schema.org author: the entity itself, one of its offices (Organization), or a person."""
    folded = _folded(name)
    entity = {"@type": publisher["@type"], "name": publisher["name"], "url": publisher["url"]}
    if folded == _folded(publisher["name"]):
        return entity
    words = folded.split()
    if folded in {_folded(o) for o in offices} or (words and words[0] in OFFICE_WORDS):
        return {"@type": "Organization", "name": name, "parentOrganization": entity}
    return {"@type": "Person", "name": name}


def publisher_node(site: FeedSite, logo: Picture | None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "@id": site.url + "#entidad",
        "name": site.author,
        "url": site.url,
    }
    if logo is not None:
        node["logo"] = {
            "@type": "ImageObject",
            "url": site.absolute(logo.path),
            "width": logo.width,
            "height": logo.height,
        }
    return node


def _json_ld(
    site: FeedSite,
    entry: Entry,
    site_name: str,
    image: dict[str, Any] | None,
    logo: Picture | None = None,
    offices: list[str] | None = None,
) -> str:
    """One node per release: a NewsArticle, or a LiveBlogPosting (an Article too) when live."""
    r = entry.release
    url = site.absolute(entry.url)
    publisher = publisher_node(site, logo)
    article: dict[str, Any] = {
        "@type": "LiveBlogPosting" if r.meta.live else "NewsArticle",
        "headline": headline(r.title),
        "description": r.meta.summary,
        "datePublished": r.date.isoformat(),
        "dateModified": (entry.updated or r.date).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": "es-CO",
        "articleSection": entry.dependencia_name,
        "keywords": list(r.meta.tags),
        "author": [author_node(r.meta.author or site.author, offices or [], publisher)],
        "publisher": publisher,
        "isAccessibleForFree": True,
    }
    if image:
        article["image"] = [image["url"]]
    if r.meta.live:
        article["coverageStartTime"] = r.date.isoformat()
        if r.meta.expires:
            article["coverageEndTime"] = r.meta.expires.isoformat()
        updates = []
        for u in entry.updates:
            update: dict[str, Any] = {
                "@type": "BlogPosting",
                "headline": headline(u.text),
                "articleBody": u.text,
                "datePublished": u.time.isoformat(),
                "url": f"{url}#{u.id}",
                "author": article["author"],
            }
            pictures = [site.absolute(m.src) for m in u.media if m.src and m.kind == "image"]
            if pictures:
                update["image"] = pictures
            updates.append(update)
        article["liveBlogUpdate"] = updates
    data = json.dumps({"@context": "https://schema.org", **article}, ensure_ascii=False)
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
