"""Bluesky rich text: visible text with shortened links, and facets with UTF-8 byte offsets.

Bluesky does not make a URL clickable by itself: a ``app.bsky.richtext.facet`` must cover it, with
``byteStart``/``byteEnd`` counted in UTF-8 bytes (start inclusive, end exclusive). Since a URL
counts at full length against the 300-grapheme limit, the visible text may show a shortened URL
while the facet keeps the full URI (lexicon ``app.bsky.richtext.facet``; docs.bsky.app
"Links, mentions, and rich text"). Hashtags become ``#tag`` facets whose ``tag`` has no ``#``.
"""

from __future__ import annotations

from typing import Any

import regex

from ..counting import URL_RE, graphemes

DISPLAY_URL_MAX = 32
"""Graphemes of a shortened visible link, ellipsis included (Bluesky's own app uses ~30)."""
TAG_MAX_GRAPHEMES = 64

_HASHTAG = regex.compile(r"(?<![\w#&/])#(\w+)")


def shorten(url: str, limit: int = DISPLAY_URL_MAX) -> str:
    """``https://portal.gov.co/prensa/2026/11/x/`` → ``portal.gov.co/prensa/2026/11/x/`` or ``…``-cut."""
    shown = regex.sub(r"^https?://(www\.)?", "", url)
    if graphemes(shown) <= limit:
        return shown
    return "".join(regex.findall(r"\X", shown)[: limit - 1]) + "…"


def _byte_index(text: str, char_index: int) -> int:
    return len(text[:char_index].encode("utf-8"))


def link_text(text: str, *, shorten_links: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """The visible text (links shortened) and its link and hashtag facets, in text order."""
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []  # (start char, end char, full URI) in the new text
    cursor, length = 0, 0
    for match in URL_RE.finditer(text):
        before = text[cursor : match.start()]
        shown = shorten(match.group()) if shorten_links else match.group()
        pieces += [before, shown]
        start = length + len(before)
        spans.append((start, start + len(shown), match.group()))
        length = start + len(shown)
        cursor = match.end()
    pieces.append(text[cursor:])
    visible = "".join(pieces)

    facets: list[tuple[int, dict[str, Any]]] = []
    for start, end, uri in spans:
        facets.append((start, _facet(visible, start, end, {"$type": "app.bsky.richtext.facet#link", "uri": uri})))
    for match in _HASHTAG.finditer(visible):
        tag = match.group(1)
        inside_link = any(s <= match.start() < e for s, e, _ in spans)
        if inside_link or tag.isdigit() or graphemes(tag) > TAG_MAX_GRAPHEMES:
            continue
        feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
        facets.append((match.start(), _facet(visible, match.start(), match.end(), feature)))
    return visible, [facet for _, facet in sorted(facets, key=lambda pair: pair[0])]


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {
        "index": {"byteStart": _byte_index(text, start), "byteEnd": _byte_index(text, end)},
        "features": [feature],
    }
