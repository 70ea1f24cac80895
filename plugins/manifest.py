"""Writer of ``/pregon/manifest.json``, the publication manifest read by ``pregon syndicate``.

The reader's model and the format's documentation are ``pregon.syndicate.manifest`` and the
README ("Manifiesto de publicación"); this writer emits exactly that shape, version 1.
Only entries in listings (live, not expired, not embargoed, not drafts) are included.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .catalog import Entry
from .feeds import FeedSite
from .media import Media

MANIFEST_PATH = "pregon/manifest.json"
FORMAT = "pregon-manifest"
VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def media_item(site: FeedSite, media: Media) -> dict[str, Any]:
    url = site.absolute(media.src) if media.src else f"https://www.youtube.com/watch?v={media.youtube_id}"
    return {
        "kind": media.kind,
        "url": url,
        "alt": media.alt,
        "mime": media.mime,
        "width": media.width,
        "height": media.height,
        "bytes": media.bytes,
        "youtube_id": media.youtube_id,
        "duration": media.duration,
    }


def manifest_item(site: FeedSite, entry: Entry) -> dict[str, Any]:
    r = entry.release
    page = site.absolute(entry.url)
    return {
        "id": r.id,
        "url": page,
        "digest": r.digest,
        "title": r.title,
        "summary": r.meta.summary,
        "date": _iso(r.date),
        "updated": _iso(entry.updated),
        "expires": _iso(r.meta.expires),
        "dependencia": {"slug": r.meta.dependencia, "name": entry.dependencia_name},
        "tags": list(r.meta.tags),
        "featured": entry.featured,
        "media": [media_item(site, m) for m in r.media],
        "social": dict(r.meta.social),
        "press_lists": list(r.meta.press_lists),
        "accounts": list(r.meta.accounts or []),
        "source": {"path": r.display_path, "commit": entry.commit},
        "live": r.meta.live,
        "updates": [
            {
                "id": u.id,
                "time": _iso(u.time),
                "text": u.text,
                "digest": u.digest,
                "url": f"{page}#{u.id}",
                "media": [media_item(site, m) for m in u.media],
            }
            for u in entry.updates
        ],
    }


def entity_facts(entity: Any) -> dict[str, Any]:
    """What syndication shows of the entity (``entity`` of the plugin's options): the press
    e-mail's subject, dateline and contact. The press contact falls back to the entity's own
    telephone and e-mail."""
    contact = entity.press_contact
    return {
        "name": entity.name,
        "city": entity.city,
        "phone": entity.phone,
        "email": entity.email,
        "press_contact": {
            "name": contact.name or "",
            "phone": contact.phone or entity.phone or "",
            "email": contact.email or entity.email or "",
        },
    }


def render_manifest(
    site: FeedSite, entries: list[Entry], feeds: dict[str, str], entity: dict[str, Any] | None = None
) -> bytes:
    """The manifest document for ``entries``; ``feeds`` maps rss/atom/json to site paths;
    ``entity`` is :func:`entity_facts` of the entity (omitted when None)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _iso(site.now),
        "site_url": site.url,
        "feeds": {kind: site.absolute(path) for kind, path in feeds.items()},
        **({"entity": entity} if entity is not None else {}),
        "items": [manifest_item(site, e) for e in entries],
    }
    # No indent: with one, json falls back to its pure-Python encoder (1 s at 4,000 releases).
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
