"""The words of a post: per-network override from the front matter, or a configurable template.

Template fields: ``{title}``, ``{summary}``, ``{url}``, ``{hashtags}``, ``{dependencia}``.
An override (``social: {x: "…"}`` in the release) is the editor's exact text for that network; the
release URL is appended when the override does not already contain it, because web-first means
every post points back to the portal.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .manifest import Item, Media, Update

DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{url}"
DEFAULT_UPDATE_TEMPLATE = "{text}\n\n{url}"


def hashtag(tag: str) -> str:
    """``"salud pública"`` → ``"#SaludPública"`` (accents kept, spaces and punctuation removed)."""
    words = re.split(r"[^\w]+", unicodedata.normalize("NFC", tag))
    return "#" + "".join(w[:1].upper() + w[1:] for w in words if w)


def compose(item: Item, channel: str, template: str | None = None) -> str:
    """The text of ``item``'s post on ``channel``."""
    override = item.social.get(channel)
    if override:
        text = override.strip()
        return text if item.url in text else f"{text}\n\n{item.url}"
    fields = {
        "title": item.title,
        "summary": item.summary,
        "url": item.url,
        "hashtags": " ".join(hashtag(t) for t in item.tags),
        "dependencia": item.dependencia.name,
    }
    text = (template or DEFAULT_TEMPLATE).format(**fields)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def compose_update(update: Update, template: str | None = None) -> str:
    """The text of one live-coverage update."""
    return (template or DEFAULT_UPDATE_TEMPLATE).format(text=update.text.strip(), url=update.url).strip()


class Draft(NamedTuple):
    """What a post says before a network's own rules: its text, the page it links, its images."""

    text: str
    link: str
    images: tuple[Media, ...]


def draft(
    item: Item, update: Update | None, channel: str, template: str | None = None, update_template: str | None = None
) -> Draft:
    """The release's post (its images), or a live update's (only the update's own images)."""
    if update is None:
        return Draft(compose(item, channel, template), item.url, item.images)
    images = tuple(m for m in update.media if m.kind == "image")
    return Draft(compose_update(update, update_template), update.url, images)
