"""Channel modules, one per network or mailing list, behind :class:`base.Channel`.

The registry maps the configuration key to the class, imported only when configured.
"""

from __future__ import annotations

import importlib

from .base import Channel

REGISTRY: dict[str, str] = {
    "outbox": "pregon.syndicate.channels.outbox:OutboxChannel",
    "bluesky": "pregon.syndicate.channels.bluesky:BlueskyChannel",
    "mastodon": "pregon.syndicate.channels.mastodon:MastodonChannel",
    "email": "pregon.syndicate.channels.email:EmailChannel",
    "facebook": "pregon.syndicate.channels.facebook:FacebookChannel",
    "instagram": "pregon.syndicate.channels.instagram:InstagramChannel",
    "threads": "pregon.syndicate.channels.threads:ThreadsChannel",
    "x": "pregon.syndicate.channels.x:XChannel",
    "linkedin": "pregon.syndicate.channels.linkedin:LinkedInChannel",
    "telegram": "pregon.syndicate.channels.telegram:TelegramChannel",
    "youtube": "pregon.syndicate.channels.youtube:YouTubeChannel",
    "tiktok": "pregon.syndicate.channels.tiktok:TikTokChannel",
    "whatsapp": "pregon.syndicate.channels.whatsapp:WhatsAppChannel",
    "kit-equipo": "pregon.syndicate.channels.team_kit:TeamKitChannel",
}


def channel_class(name: str) -> type[Channel]:
    """The class configured as ``name``; KeyError names the known channels."""
    try:
        module, attribute = REGISTRY[name].split(":")
    except KeyError:
        raise KeyError(f"canal desconocido {name!r}; canales disponibles: {', '.join(sorted(REGISTRY))}") from None
    return getattr(importlib.import_module(module), attribute)
