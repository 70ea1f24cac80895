"""Channel modules, one per network or mailing list, behind :class:`base.Channel`.

The registry maps the NETWORK name to its class, imported only when an account uses it.
:func:`open_account` makes the channel of one configured account: it validates the account's
options against the network's options model, registers every secret with the redaction layer
before any request can be made, and says in Spanish what to fix when the account cannot be used
(an unset environment variable is named as such).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from pydantic import SecretStr

from ..accounts import Account, AccountError
from ..redaction import REDACTOR
from .base import Channel
from .options import UNSET_PLACEHOLDER, ChannelOptions, OptionsError, account_options

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


def channel_class(network: str) -> type[Channel]:
    """The class of ``network``; KeyError names the known networks."""
    try:
        module, attribute = REGISTRY[network].split(":")
    except KeyError:
        raise KeyError(f"red desconocida {network!r}; redes disponibles: {', '.join(sorted(REGISTRY))}") from None
    return getattr(importlib.import_module(module), attribute)


def validated_options(account: Account) -> tuple[type[Channel], ChannelOptions | None]:
    """The network class of ``account`` and its options validated; AccountError otherwise.

    Unset environment variables are left out here (they are reported on their own), so what is
    checked is whether the rest of the mapping is what the network module expects.
    """
    try:
        cls = channel_class(account.network)
    except KeyError as exc:
        hint = " (para una segunda cuenta de una red, indique network: <red>)" if account.network == account.key else ""
        raise AccountError(f"channels.{account.key}: {exc.args[0]}{hint}", key="network") from None
    except ImportError as exc:
        raise AccountError(
            f"channels.{account.key}: el módulo de la red {account.network} no se pudo cargar ({exc.__class__.__name__})"
        ) from None
    if cls.options_model is None:
        return cls, None
    unset = {u.option for u in account.unset}
    try:
        options = account_options(cls.options_model, account.options, account.key, unset=unset)
    except OptionsError as exc:
        raise AccountError(f"{exc.args[0]}; revise mkdocs.yml", key=exc.problems[0][0], problems=exc.problems) from None
    return cls, options


def open_account(account: Account) -> Channel:
    """The channel of ``account``, ready to publish; AccountError (Spanish) when it cannot be."""
    cls, options = validated_options(account)
    register_secrets(account, options)
    if account.unset:
        first = account.unset[0]
        raise AccountError(first.message(account.key), key=first.option)
    try:
        channel = cls(dict(account.options))
    except (KeyError, ValueError, TypeError) as exc:
        # Constructors check what the options model cannot (an instance URL, a pair of keys).
        raise AccountError(constructor_message(exc, account)) from None
    channel.account = account.key
    channel.selection = account.selection
    return channel


def register_secrets(account: Account, options: ChannelOptions | None) -> None:
    """Tell the redaction layer every secret of ``account`` (before any request is made)."""
    for value in account.env_values:
        REDACTOR.add(value)
    if options is None:
        return
    secrets = _secret_fields(options)
    for name in options.secret_env_options:
        variable = _value(options, name)
        if variable and os.environ.get(variable):
            secrets[name] = os.environ[variable]
    for value in secrets.values():
        REDACTOR.add(value)
    for user_key, secret_key in options.credential_pairs:
        secret = secrets.get(secret_key)
        if secret:
            REDACTOR.add_pair(_value(options, user_key) or "", secret)


def _secret_fields(options: Any, path: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for name in type(options).model_fields:
        value = getattr(options, name)
        where = f"{path}{name}"
        if isinstance(value, SecretStr) and value.get_secret_value() != UNSET_PLACEHOLDER:
            found[where] = value.get_secret_value()
        elif hasattr(type(value), "model_fields"):
            found |= _secret_fields(value, where + ".")
    return found


def _value(options: Any, dotted: str) -> str | None:
    value: Any = options
    for part in dotted.split("."):
        value = getattr(value, part, None)
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return None if value is None else str(value)


def constructor_message(exc: Exception, account: Account) -> str:
    """A constructor's message, naming the account's own key (channels.x-alcalde.…)."""
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else exc.__class__.__name__
    text = text.removeprefix("mkdocs.yml: ")
    network = f"channels.{account.network}"
    if text.startswith(network + ".") or text.startswith(network + ":"):
        return f"channels.{account.key}" + text[len(network) :]
    return f"channels.{account.key}: {text}"
