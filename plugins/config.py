"""Options of the ``pregon`` MkDocs plugin, as written under ``plugins: - pregon:`` in mkdocs.yml.

Every option is typed and has a default, so this file doubles as the reference of the options.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from pregon.safe_text import KEY, first_invisible

from .sanitize import DEFAULT_IFRAME_HOSTS


class LinksConfig(Config):
    """Legal and service pages every public entity must link from its portal."""

    privacy = c.Optional(c.Type(str))
    terms = c.Optional(c.Type(str))
    pqrsd = c.Optional(c.Type(str))  # peticiones, quejas, reclamos, sugerencias y denuncias
    accessibility = c.Optional(c.Type(str))


class PressContactConfig(Config):
    """Who answers journalists: shown in every press e-mail (defaults to the entity's phone and e-mail)."""

    name = c.Optional(c.Type(str))  # e.g. "Oficina de Comunicaciones — Laura Gómez"
    phone = c.Optional(c.Type(str))
    email = c.Optional(c.Type(str))


class EntityConfig(Config):
    """The public entity that publishes the portal (shown in the footer and in feeds)."""

    name = c.Type(str, default="Entidad pública")
    nit = c.Optional(c.Type(str))
    address = c.Optional(c.Type(str))
    city = c.Optional(c.Type(str))
    hours = c.Optional(c.Type(str))
    phone = c.Optional(c.Type(str))
    email = c.Optional(c.Type(str))
    notifications_email = c.Optional(c.Type(str))  # notificaciones judiciales
    # Network name (facebook, x, instagram, youtube, tiktok, linkedin, …) → profile URL.
    networks = c.DictOfItems(c.Type(str), default={})
    links = c.SubConfig(LinksConfig)
    press_contact = c.SubConfig(PressContactConfig)


class AnnouncementConfig(Config):
    """A site-wide notice (emergencies, closures); hidden once ``expires`` has passed."""

    text = c.Optional(c.Type(str))
    link = c.Optional(c.Type(str))
    expires = c.Optional(c.Type((str, datetime.date, datetime.datetime)))
    kind = c.Choice(("banner", "popup"), default="banner")


class FeedsConfig(Config):
    """RSS 2.0, Atom 1.0 and JSON Feed 1.1, site-wide and per dependencia."""

    limit = c.Type(int, default=50)
    # Date part of the `tag:` URIs that identify entries. Set once when the portal starts and
    # never change it: feed readers use these ids to tell new entries from old ones.
    id_date = c.Type(str, default="2026")


class PaginationConfig(Config):
    per_page = c.Type(int, default=20)


class CacheConfig(Config):
    """The build cache: releases, pages and search bundles reused when nothing they show changed."""

    enabled = c.Type(bool, default=True)
    # Relative to the folder of mkdocs.yml. CI keeps it between runs (.github/workflows, .gitlab-ci.yml).
    dir = c.Type(str, default=".cache/pregon")


class PregonConfig(Config):
    enabled = c.Type(bool, default=True)

    # Clock and calendar (naive dates in front matter are in this zone)
    timezone = c.Type(str, default="America/Bogota")

    # The entity and its offices
    entity = c.SubConfig(EntityConfig)
    dependencias = c.DictOfItems(c.Type(str), default={})  # slug → display name

    # Where releases live under docs_dir (content/prensa/AAAA/MM/<slug>.md)
    releases_dir = c.Type(str, default="prensa")

    # Site-wide notice
    announcement = c.SubConfig(AnnouncementConfig)

    # Listings and feeds
    pagination = c.SubConfig(PaginationConfig)
    feeds = c.SubConfig(FeedsConfig)
    home_latest = c.Type(int, default=9)

    cache = c.SubConfig(CacheConfig)

    # Embeds a release body may frame: "host" or "host/path-prefix", https only (plugins/sanitize.py).
    iframe_hosts = c.ListOfItems(c.Type(str), default=list(DEFAULT_IFRAME_HOSTS))

    # After-deploy options, validated by `pregon syndicate` itself (pregon.syndicate.config)
    syndicate = c.Type(dict, default={})

    # Options of `pregon check` (rule files, word list, allowed e-mails…), validated by
    # pregon.review.project; declared here so `mkdocs build --strict` accepts the key.
    review = c.Type(dict, default={})


# Options that never reach the site: `pregon syndicate` and `pregon check` validate their own.
_NOT_PUBLISHED = frozenset({"syndicate", "review"})


def invisible_option(options: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first option whose text carries a control character (written as a YAML escape such as
    ``"\\x07"``), and that character: the site, the feeds and the manifest would carry it, and
    the syndicator refuses such a manifest."""
    found = first_invisible({k: v for k, v in options.items() if k not in _NOT_PUBLISHED})
    if found is None:
        return None
    path, char = found
    name = ""
    for step in path:
        if isinstance(step, int):
            name += f"[{step}]"
        else:
            name += ("." if name else "") + ("(un nombre)" if step is KEY else str(step))
    return name, char
