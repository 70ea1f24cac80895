"""The manifest's items from the build cache: the same bytes as a document written in one piece,
and an unchanged item is read, not made again. Real releases of the example content, a real
build cache on disk."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pregon.plugins import manifest
from pregon.plugins.cache import BuildCache
from pregon.plugins.catalog import Entry
from pregon.plugins.feeds import FeedSite
from pregon.plugins.lifecycle import State
from pregon.plugins.release import load_release, load_rules
from pregon.syndicate.manifest import parse_manifest

from tests.conftest import ROOT

SOURCES = ("prensa/2026/11/nueva-sede-hospital.md", "prensa/2026/11/vias-rurales-temporada-de-lluvias.md")
NOW = datetime.fromisoformat("2026-11-20T10:00:00-05:00")


def _entries() -> list[Entry]:
    rules = load_rules(ROOT / "mkdocs.yml")
    out = []
    for src in SOURCES:
        release = load_release(ROOT / "content" / src, rules)
        url = src.removesuffix(".md") + "/"
        out.append(Entry(release, url, State.LIVE, False, "Secretaría de Salud", release.updates))
    return out


def _site(url: str = "https://portal.example/") -> FeedSite:
    return FeedSite(url, "Noticias", "Alcaldía", None, "2026-01-01", NOW)


def test_items_from_the_cache_give_the_bytes_of_one_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = _entries()
    feeds = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
    keys = {e.release.src_uri: f"clave-{n}" for n, e in enumerate(entries)}
    whole = json.dumps(
        {
            "format": manifest.FORMAT,
            "version": manifest.VERSION,
            "generated_at": NOW.isoformat(),
            "site_url": "https://portal.example/",
            "feeds": {k: "https://portal.example/" + v for k, v in feeds.items()},
            "items": [manifest.manifest_item(_site(), e) for e in entries],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")

    cache = BuildCache(tmp_path)
    cold = manifest.render_manifest(_site(), entries, feeds, items=manifest.ItemTexts(cache, keys))
    assert cold == whole == manifest.render_manifest(_site(), entries, feeds)
    assert len(parse_manifest(cold).items) == 2
    cache.prune()

    def made_again(*args: object, **kwargs: object) -> dict:
        raise AssertionError("an unchanged item was made again")

    monkeypatch.setattr(manifest, "manifest_item", made_again)
    warm = manifest.render_manifest(_site(), entries, feeds, items=manifest.ItemTexts(BuildCache(tmp_path), keys))
    assert warm == whole
    # Another site address or another entry key is another item: made, not read.
    with pytest.raises(AssertionError, match="made again"):
        manifest.render_manifest(_site("https://otro.example/"), entries, feeds, items=manifest.ItemTexts(cache, keys))
    with pytest.raises(AssertionError, match="made again"):
        other = {**keys, entries[0].release.src_uri: "otra-clave"}
        manifest.render_manifest(_site(), entries, feeds, items=manifest.ItemTexts(BuildCache(tmp_path), other))
