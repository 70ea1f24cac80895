"""Writer of ``/pregon/manifest.json``, the publication manifest read by ``pregon syndicate``.

The reader's model and the format's documentation are ``pregon.syndicate.manifest`` and the
README ("Manifiesto de publicación"); this writer emits exactly that shape, version 1.
Only entries in listings (live, not expired, not embargoed, not drafts) are included.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .cache import BuildCache, digest
from .catalog import Entry
from .derivatives import Crops, crops_version
from .feeds import FeedSite
from .media import Media

MANIFEST_PATH = "pregon/manifest.json"
ITEM_KIND = "manifest-item"  # build-cache kind: one item's JSON text
FORMAT = "pregon-manifest"
VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def media_item(site: FeedSite, media: Media, crops: Crops | None = None) -> dict[str, Any]:
    """One media entry; an image carries its crops for the networks (``plugins/derivatives.py``)."""
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
        "crops": [
            {"ratio": c.ratio, "url": site.absolute(c.path), "width": c.width, "height": c.height, "mime": c.mime}
            for c in (crops.of(media) if crops is not None else ())
        ],
    }


def manifest_item(site: FeedSite, entry: Entry, crops: Crops | None = None) -> dict[str, Any]:
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
        "media": [media_item(site, m, crops) for m in r.media],
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
                "media": [media_item(site, m, crops) for m in u.media],
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


def _dumps(value: Any) -> str:
    # No indent: with one, json falls back to its pure-Python encoder (1 s at 4,000 releases).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ItemTexts:
    """Each item's JSON text, kept in the build cache under the release's entry key (which covers
    everything an item shows: its bytes and media, its state, its published updates), the site's
    URL and the crops' version: a warm build reads the items it did not change."""

    def __init__(self, cache: BuildCache | None, entry_keys: dict[str, str]) -> None:
        self.cache = cache
        self.entry_keys = entry_keys

    def __call__(self, site: FeedSite, entry: Entry, crops: Crops | None) -> str:
        entry_key = self.entry_keys.get(entry.release.src_uri)
        if self.cache is None or entry_key is None:
            return _dumps(manifest_item(site, entry, crops))
        key = digest(ITEM_KIND, entry_key, site.url, crops_version())
        stored = self.cache.get(ITEM_KIND, key)
        if stored is not None:
            try:
                return stored.decode("utf-8")
            except UnicodeDecodeError:
                self.cache.discard(ITEM_KIND, key)
        text = _dumps(manifest_item(site, entry, crops))
        self.cache.put(ITEM_KIND, key, text.encode("utf-8"))
        return text


def render_manifest(
    site: FeedSite,
    entries: list[Entry],
    feeds: dict[str, str],
    entity: dict[str, Any] | None = None,
    crops: Crops | None = None,
    items: ItemTexts | None = None,
) -> bytes:
    """The manifest document for ``entries``; ``feeds`` maps rss/atom/json to site paths;
    ``entity`` is :func:`entity_facts` of the entity (omitted when None); ``crops`` gives each
    image its published crops; ``items`` reads unchanged items from the build cache."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _iso(site.now),
        "site_url": site.url,
        "feeds": {kind: site.absolute(path) for kind, path in feeds.items()},
        **({"entity": entity} if entity is not None else {}),
    }
    make = items or ItemTexts(None, {})
    texts = ",".join(make(site, e, crops) for e in entries)
    # "items" last, as json.dumps would write the whole document.
    return (_dumps(head)[:-1] + ',"items":[' + texts + "]}").encode("utf-8")
