"""A Telegram channel through the Bot API (the bot is an administrator of the channel).

Docs followed: core.telegram.org/bots/api (``sendMessage`` + ``link_preview_options``,
``sendPhoto``, ``sendMediaGroup``, ``deleteMessage``, ``getChatMemberCount``, "Formatting options"
for HTML, ``ResponseParameters.retry_after``) and core.telegram.org/bots/faq (flood limits).

**The bot token is part of every URL** (``/bot<token>/method``). It never appears in an error
message (transport errors are reported without the URL), in a log line (the redaction layer,
:mod:`pregon.syndicate.redaction`, knows it and the ``/bot<token>/`` shape) or in a
:class:`Published` URL (those are public ``t.me`` links).

Limits and honest gaps:

* Captions are ≤ 1,024 and texts ≤ 4,096 characters *after entity parsing*: the visible text is
  counted in UTF-16 units, HTML tags excluded.
* Photos are sent by their published URL (web-first: Telegram fetches them from the portal). A
  photo over what Telegram fetches by URL (5 MB; width + height ≤ 10,000) is uploaded as a
  Pillow derivative instead; an aspect ratio over 20 cannot be fixed without cropping: a problem.
* The Bot API has no alternative text for photos.
* **No reconciliation.** The Bot API cannot list a channel's messages, so :meth:`find_existing`
  cannot know whether an interrupted send arrived (``can_look_up = False``). The core never
  re-sends such a post by itself: it is reported "por verificar" (run table, audit, alert) until
  the office checks the channel and resolves it with ``pregon registros confirmar``. Each intent
  is made durable (pushed to the records branch) right before its send, so at most the one post
  in flight can be left in that state.
* No per-message view counts (the Bot API's Message has no ``views``); replies live in the linked
  discussion group, which only reaches a bot through updates: not collected.

Configuration (``channels.telegram``)::

    telegram:
      bot_token: !ENV TELEGRAM_BOT_TOKEN
      chat_id: "@alcaldia_canal"       # or the numeric -100… id of a private channel
      api_base: https://api.telegram.org
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from .. import media as media_files
from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from .base import (
    AccountStats,
    AuthError,
    Channel,
    PermanentError,
    Post,
    Published,
    RateLimited,
    TransientError,
)
from .options import ChannelOptions
from .transport import REDACTOR, send

URL_PHOTO_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_PHOTO_MAX_BYTES = 10 * 1024 * 1024
MAX_SIDES_SUM = 10_000
MAX_ASPECT = 20
GROUP_MAX = 10


def _needs_upload(image: Media) -> bool:
    """Whether Telegram would refuse to fetch this published photo by URL."""
    too_big = image.bytes is not None and image.bytes > URL_PHOTO_MAX_BYTES
    too_wide = image.width is not None and image.height is not None and image.width + image.height > MAX_SIDES_SUM
    return too_big or too_wide or (image.mime not in (None, "image/jpeg", "image/png"))


def _aspect_problem(image: Media) -> str | None:
    if image.width and image.height and max(image.width, image.height) > MAX_ASPECT * min(image.width, image.height):
        return (
            f"telegram: la imagen {image.url} mide {image.width}×{image.height}; Telegram no acepta fotos "
            f"con una proporción mayor de {MAX_ASPECT}:1 (recórtela o quítela)"
        )
    return None


class TelegramOptions(ChannelOptions):
    bot_token: SecretStr
    chat_id: str | int
    timeout: float = 60.0


class TelegramChannel(Channel):
    name = "telegram"
    text_limit = 4096
    max_images = GROUP_MAX
    can_look_up = False
    options_model = TelegramOptions
    read_back_unavailable = "la Bot API no permite leer los mensajes de un canal; revise el canal a mano"
    correction_modes = frozenset({"editar", "responder", "borrar_y_publicar", "nada"})

    API_BASE: ClassVar[str] = "https://api.telegram.org"

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self._client: httpx.Client | None = None

    # --- rendering (no network) --------------------------------------------------------------
    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        text, link, images = self.draft(item, update)
        images = images[:GROUP_MAX]
        rule = "telegram" if images else "telegram_text"
        length, limit = count(rule, text), (1024 if images else self.text_limit)
        problems = [too_long_message(self.name, length, limit)] if length > limit else []
        problems += [p for p in map(_aspect_problem, images) if p]
        method = "sendMessage" if not images else "sendPhoto" if len(images) == 1 else "sendMediaGroup"
        return self.new_post(
            item,
            update,
            text=text,
            length=length,
            limit=limit,
            link=link,
            media=images,
            reply_to=reply_to,
            problems=tuple(problems),
            extra={"method": method, "html": html.escape(text, quote=False)},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        common: dict[str, Any] = {"chat_id": self._chat()}
        if post.reply_to is not None:
            first = post.reply_to.remote_id.split(",")[0]
            common["reply_parameters"] = {
                "message_id": int(first),
                "allow_sending_without_reply": True,
            }
        caption = post.extra["html"]
        uploads: dict[str, tuple[str, bytes, str]] = {}
        if not post.media:
            result = self._call(
                "sendMessage",
                {
                    **common,
                    "text": caption,
                    "parse_mode": "HTML",
                    "link_preview_options": {
                        "url": post.link,
                        "prefer_large_media": True,
                    },
                },
            )
            messages = [result]
        elif len(post.media) == 1:
            photo = self._photo(post.media[0], "foto0", uploads)
            result = self._call(
                "sendPhoto",
                {**common, "photo": photo, "caption": caption, "parse_mode": "HTML"},
                uploads,
            )
            messages = [result]
        else:
            group = [{"type": "photo", "media": self._photo(m, f"foto{n}", uploads)} for n, m in enumerate(post.media)]
            group[0].update(caption=caption, parse_mode="HTML")
            messages = self._call("sendMediaGroup", {**common, "media": group}, uploads)
        ids = [str(m["message_id"]) for m in messages]
        return Published(remote_id=",".join(ids), url=_message_url(messages[0]))

    def _photo(self, image: Media, name: str, uploads: dict[str, tuple[str, bytes, str]]) -> str:
        """The published URL, or an ``attach://`` reference to an uploaded derivative."""
        if not _needs_upload(image):
            return image.url
        try:
            fitted = media_files.fit_image(
                media_files.fetch(image.url),
                max_bytes=UPLOAD_PHOTO_MAX_BYTES,
                max_side=MAX_SIDES_SUM // 2,
            )
        except media_files.MediaError as exc:
            raise PermanentError(f"telegram: {exc}") from exc
        uploads[name] = (
            f"{name}.{fitted.mime.split('/')[1]}",
            fitted.data,
            fitted.mime,
        )
        return f"attach://{name}"

    def find_existing(self, post: Post) -> Published | None:
        """Always ``None``: the Bot API cannot list a channel's messages (``can_look_up`` is False)."""
        return None

    def delete(self, published: Published) -> None:
        for message_id in published.remote_id.split(","):
            self._call(
                "deleteMessage",
                {"chat_id": self._chat(), "message_id": int(message_id)},
            )

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def edit(self, published: Published, post: Post) -> Published:
        """``editMessageText`` of a text message, ``editMessageCaption`` of the first message of
        a photo or album (the caption lives there). Telegram answers "message is not modified"
        when the text is already the corrected one: that is the edit done (re-applied after an
        interruption)."""
        first = int(published.remote_id.split(",")[0])
        params: dict[str, Any] = {"chat_id": self._chat(), "message_id": first, "parse_mode": "HTML"}
        if post.media:
            method, params["caption"] = "editMessageCaption", post.extra["html"]
        else:
            method, params["text"] = "editMessageText", post.extra["html"]
            params["link_preview_options"] = {"url": post.link, "prefer_large_media": True}
        try:
            self._call(method, params)
        except PermanentError as exc:
            if "message is not modified" not in exc.message:
                raise
        return Published(published.remote_id, published.url)

    def account_stats(self) -> AccountStats:
        return AccountStats(followers=int(self._call("getChatMemberCount", {"chat_id": self._chat()})))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- HTTP --------------------------------------------------------------------------------
    def _chat(self) -> str:
        chat = self.config.get("chat_id")
        if not chat:
            raise PermanentError(
                "telegram: mkdocs.yml no define `syndicate.channels.telegram.chat_id` "
                "(el @canal o su id numérico -100…)"
            )
        return str(chat)

    def _http(self) -> tuple[httpx.Client, str]:
        token = str(self.config.get("bot_token") or "")
        if not token:
            raise PermanentError(
                "telegram: mkdocs.yml no define `syndicate.channels.telegram.bot_token` "
                "(defínalo con !ENV y una variable de entorno)"
            )
        if self._client is None:
            REDACTOR.add(token)  # before any request: httpx logs the URL, which holds the token
            self._client = httpx.Client(
                base_url=str(self.config.get("api_base") or self.API_BASE),
                timeout=float(self.config.get("timeout", 60)),
            )
        return self._client, token

    def _call(
        self,
        method: str,
        params: dict[str, Any],
        uploads: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        client, token = self._http()
        if uploads:
            # Files go as multipart parts; the other parameters as form fields (objects JSON-encoded).
            fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            response = send(
                client,
                "POST",
                f"/bot{token}/{method}",
                network=self.name,
                data=fields,
                files=dict(uploads),
            )
        else:
            response = send(client, "POST", f"/bot{token}/{method}", network=self.name, json=params)
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.is_success and body.get("ok"):
            return body["result"]
        raise _error(response.status_code, body)


def _message_url(message: Mapping[str, Any]) -> str | None:
    chat = message.get("chat", {})
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message['message_id']}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):  # private channel: only members can open the link
        return f"https://t.me/c/{chat_id[4:]}/{message['message_id']}"
    return None


def _error(status: int, body: Mapping[str, Any]) -> Exception:
    """Map a Bot API error (``{"ok": false, "error_code", "description", "parameters"}``)."""
    code = int(body.get("error_code") or status)
    description = str(body.get("description") or f"HTTP {status}")
    if code == 429:
        wait = float(body.get("parameters", {}).get("retry_after") or 5)
        return RateLimited(
            f"telegram: demasiados mensajes seguidos; Telegram pide esperar {wait:g} s",
            retry_after=wait,
            status=code,
        )
    if code == 401 or code == 404:
        return AuthError(
            "telegram: Telegram no reconoce el token del bot (¿se revocó en @BotFather?)",
            status=code,
        )
    if code == 403:
        return PermanentError(
            f"telegram: el bot no puede publicar en el canal ({description}); hágalo "
            "administrador con permiso para publicar",
            status=code,
        )
    if code >= 500:
        return TransientError(f"telegram: error del servidor de Telegram ({code})", status=code)
    return PermanentError(f"telegram: Telegram rechazó el mensaje: {description}", status=code)
