"""The editor guide is a page of the portal and never a release (not in feeds or the manifest)."""

from __future__ import annotations

import json
from pathlib import Path


def test_guide_is_published_but_not_a_release(built_site: Path) -> None:
    page = (built_site / "guia" / "index.html").read_text(encoding="utf-8")
    assert "Guía para editores" in page and "pregon new" in page and "Cubrimiento en vivo" in page
    for feed in ("feed.xml", "atom.xml", "feed.json"):
        assert "/guia/" not in (built_site / feed).read_text(encoding="utf-8"), feed
    manifest = json.loads((built_site / "pregon" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["items"] and not any("/guia/" in item["url"] for item in manifest["items"])
