"""The ``pregon`` object templates see: entity data, the current announcement, site feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from pregon.calendar_es import long_date

from .config import AnnouncementConfig, EntityConfig
from .release import parse_moment


@dataclass(frozen=True)
class Announcement:
    text: str
    link: str | None
    kind: str  # banner | popup
    expires: datetime | None


@dataclass(frozen=True)
class SiteContext:
    """Exposed to every template as ``pregon``: ``pregon.entity.name``, ``pregon.announcement``
    (None when unset or expired), ``pregon.feeds.rss|atom|json`` (absolute URLs) and
    ``pregon.dependencias`` (slug → name, in configuration order)."""

    entity: EntityConfig
    announcement: Announcement | None
    feeds: dict[str, str]
    dependencias: dict[str, str]


def current_announcement(config: AnnouncementConfig, now: datetime, tz: tzinfo) -> Announcement | None:
    """The configured announcement unless it has no text or its ``expires`` has passed."""
    if not config.text:
        return None
    expires = parse_moment(config.expires, tz) if config.expires else None
    if expires is not None and expires <= now:
        return None
    return Announcement(config.text, config.link, config.kind, expires)


def fecha(moment: Any, with_time: bool = True) -> str:
    """Spanish long date for people: «20 de noviembre de 2026, 10:00»."""
    if not isinstance(moment, datetime):
        return ""
    text = long_date(moment)
    return f"{text}, {moment:%H:%M}" if with_time else text
