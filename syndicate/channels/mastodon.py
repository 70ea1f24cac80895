"""Mastodon (any instance) through its REST API, with httpx.

Docs followed (docs.joinmastodon.org): ``methods/statuses`` (``POST /api/v1/statuses``,
``Idempotency-Key``, ``in_reply_to_id``, context), ``methods/media`` (``POST /api/v2/media``: 200
processed, 202 processing → poll ``GET /api/v1/media/:id`` until 200), ``entities/Instance``
(``GET /api/v2/instance`` → ``configuration.statuses.max_characters``,
``characters_reserved_per_url``, ``max_media_attachments``, media limits), ``api/rate-limits``
(``X-RateLimit-Limit/Remaining/Reset``, the reset an ISO 8601 time), ``methods/accounts``,
``methods/notifications`` and ``entities/Error``.

httpx rather than Mastodon.py: the core owns retries and waiting, so the channel must see each 429
and its headers instead of a library that sleeps by itself (Mastodon.py's ``ratelimit_method``),
and the transport errors must become URL-free channel errors like every other network's.

* Length: grapheme clusters with every URL counted as the instance's
  ``characters_reserved_per_url`` (23). :meth:`render` counts against ``max_characters`` from the
  configuration (default 500, Mastodon's default) because it never calls the network;
  :meth:`publish` checks again against the limit the instance itself declares.
* Exactly once: ``Idempotency-Key`` = the post key, so a retry within the hour Mastodon keeps keys
  returns the same status. Beyond that window :meth:`find_existing` looks for the status by its
  link: among the replies to the thread's tip for a live update, else in the account's recent
  statuses.
* Images with alt text (``description``), up to the instance's ``max_media_attachments``.

Configuration (``channels.mastodon``)::

    mastodon:
      instance: https://social.example.gov.co
      access_token: !ENV MASTODON_TOKEN      # scopes: write:statuses write:media read:accounts read:notifications
      visibility: public
      max_characters: 500                   # the instance's limit, for previews
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from .. import media as media_files
from ..counting import mastodon_length, too_long_message
from ..manifest import Item, Media, Update
from ..text import draft
from .base import (  # read-back (proof that the post is out)
    AccountStats,
    AuthError,
    Channel,
    ChannelError,
    Mention,
    PermanentError,
    Post,
    PostGone,
    PostStats,
    Published,
    RateLimited,
    ReadBack,
    TransientError,
)
from .options import ChannelOptions, parse_options
from .transport import REDACTOR, send

DEFAULT_MAX_CHARACTERS = 500
DEFAULT_DESCRIPTION_LIMIT = 1500
MEDIA_POLL_SECONDS = (0.2, 0.5, 1.0, 2.0)
"""Waits between polls of an upload still processing; the last one repeats."""
MEDIA_POLL_LIMIT = 60.0
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif", "image/webp")
_HREF = re.compile(r'href="([^"]+)"')
MENTION_PAGES = 250
"""Pages of 40 notifications read at most per collect (10,000)."""
_TAGS = re.compile(r"<[^>]+>")


class MastodonOptions(ChannelOptions):
    instance: str = ""
    access_token: SecretStr = SecretStr("")
    visibility: Literal["public", "unlisted", "private", "direct"] = "public"
    language: str = "es"
    max_characters: int = DEFAULT_MAX_CHARACTERS
    reconcile_pages: int = 5
    """Pages of 40 own statuses searched by :meth:`MastodonChannel.find_existing`."""


class MastodonChannel(Channel):
    name = "mastodon"
    text_limit = DEFAULT_MAX_CHARACTERS
    max_images = 4
    options_model = MastodonOptions
    correction_modes = frozenset({"editar", "responder", "borrar_y_publicar", "nada"})

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(MastodonOptions, self.config, self.name)
        base = self.options.api_base or self.options.instance
        if not base:
            raise ValueError("channels.mastodon.instance: falta la dirección de la instancia (https://…)")
        self.base = base.rstrip("/")
        self._client: httpx.Client | None = None
        self._instance: dict[str, Any] | None = None
        self._me: str | None = None
        self._exhausted_until = 0.0
        self.sleep = time.sleep

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            token = self.options.access_token.get_secret_value()
            REDACTOR.add(token)
            self._client = httpx.Client(timeout=self.options.timeout, headers={"Authorization": f"Bearer {token}"})
        return self._client

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        text, link, images = draft(item, update, self.name, self.options.template, self.options.update_template)
        limit = self.options.max_characters
        length = mastodon_length(text)
        problems = []
        if length > limit:
            problems.append(too_long_message(self.name, length, limit))
        images = images[: self.max_images]
        for image in images:
            if not image.alt.strip():
                problems.append(f"mastodon: la imagen {image.url} no tiene texto alternativo (alt)")
            elif len(image.alt) > DEFAULT_DESCRIPTION_LIMIT:
                problems.append(
                    f"mastodon: el texto alternativo de {image.url} pasa de {DEFAULT_DESCRIPTION_LIMIT} caracteres"
                )
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
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        self._check_instance_limits(post)
        media_ids = [self._upload(image) for image in post.media]
        body: dict[str, Any] = {
            "status": post.text,
            "visibility": self.options.visibility,
            "language": self.options.language,
        }
        if media_ids:
            body["media_ids"] = media_ids
        if post.reply_to is not None:
            body["in_reply_to_id"] = post.reply_to.remote_id
        status = self._call("POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": post.key})
        return _published(status)

    def _check_instance_limits(self, post: Post) -> None:
        statuses = self._instance_config().get("statuses", {})
        limit = int(statuses.get("max_characters", DEFAULT_MAX_CHARACTERS))
        length = mastodon_length(post.text, int(statuses.get("characters_reserved_per_url", 23)))
        if length > limit:
            raise PermanentError(too_long_message(self.name, length, limit) + " (límite declarado por la instancia)")
        max_media = int(statuses.get("max_media_attachments", self.max_images))
        if len(post.media) > max_media:
            raise PermanentError(
                f"mastodon: la instancia admite {max_media} imágenes por publicación y hay {len(post.media)}"
            )

    def _instance_config(self) -> dict[str, Any]:
        if self._instance is None:
            self._instance = self._call("GET", "/api/v2/instance").get("configuration", {})
        return self._instance

    def _upload(self, image: Media) -> str:
        limits = self._instance_config().get("media_attachments", {})
        max_bytes = int(limits.get("image_size_limit", 16 * 1024 * 1024))
        pixels = int(limits.get("image_matrix_limit", 33_177_600))
        try:
            fitted = media_files.fit_image(
                media_files.fetch(image.url), max_bytes=max_bytes, max_side=int(pixels**0.5), formats=IMAGE_FORMATS
            )
        except media_files.MediaError as exc:
            raise PermanentError(f"mastodon: {exc}") from None
        extension = fitted.mime.split("/")[1]
        description = image.alt[: int(limits.get("description_limit", DEFAULT_DESCRIPTION_LIMIT))]
        attachment = self._call(
            "POST",
            "/api/v2/media",
            files={"file": (f"imagen.{extension}", fitted.data, fitted.mime)},
            data={"description": description},
        )
        return self._wait_processed(attachment)

    def _wait_processed(self, attachment: dict[str, Any]) -> str:
        """Poll ``GET /api/v1/media/:id`` while the instance is still processing (202/206)."""
        waited, step = 0.0, 0
        while attachment.get("url") is None:
            if waited >= MEDIA_POLL_LIMIT:
                raise TransientError("mastodon: la instancia no terminó de procesar la imagen a tiempo")
            pause = MEDIA_POLL_SECONDS[min(step, len(MEDIA_POLL_SECONDS) - 1)]
            self.sleep(pause)
            waited, step = waited + pause, step + 1
            attachment = self._call("GET", f"/api/v1/media/{attachment['id']}", accept=(200, 206))
        return str(attachment["id"])

    # --- reconciliation ----------------------------------------------------------------------
    def find_existing(self, post: Post) -> Published | None:
        """The status already made for ``post``: a reply under the thread's tip, or a recent status.

        Matched by the link the post carries (Mastodon shows it as an ``href`` in ``content``), since
        the Idempotency-Key is not visible on a status and is only kept for an hour.
        """
        me = self._account_id()
        if post.reply_to is not None:
            context = self._call("GET", f"/api/v1/statuses/{post.reply_to.remote_id}/context")
            candidates = context.get("descendants", [])
            return next(
                (_published(s) for s in candidates if s["account"]["id"] == me and _links_to(s, post.link)), None
            )
        params: dict[str, Any] = {"limit": 40, "exclude_reblogs": "true"}
        for _ in range(self.options.reconcile_pages):
            page = self._call("GET", f"/api/v1/accounts/{me}/statuses", params=params)
            for status in page:
                if _links_to(status, post.link) and status.get("in_reply_to_id") is None:
                    return _published(status)
            if not page:
                return None
            params["max_id"] = page[-1]["id"]
        return None

    def _account_id(self) -> str:
        if self._me is None:
            self._me = str(self._call("GET", "/api/v1/accounts/verify_credentials")["id"])
        return self._me

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """``GET /api/v1/statuses/:id``: the status exists, is the account's, and links to the release
        (its text comes back as HTML, so the link is what is compared)."""
        try:
            status = self._call("GET", f"/api/v1/statuses/{published.remote_id}")
        except PermanentError as exc:
            if exc.status == 404:
                return ReadBack.failed(f"mastodon: la publicación {published.remote_id} ya no existe (404)")
            raise
        if status.get("account", {}).get("id") is not None and str(status["account"]["id"]) != self._account_id():
            return ReadBack.failed(f"mastodon: la publicación {published.remote_id} es de otra cuenta")
        if post is not None and post.link and not _links_to(status, post.link):
            return ReadBack.failed(f"mastodon: la publicación {published.remote_id} no enlaza a {post.link}")
        return ReadBack.verified(status.get("url") or published.url)

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def edit(self, published: Published, post: Post) -> Published:
        """``PUT /api/v1/statuses/:id`` (Mastodon 3.5+) with the corrected ``status`` text; the
        instance keeps the edit history visible to readers. The media stay as they were."""
        self._check_instance_limits(replace(post, media=()))
        try:
            status = self._call(
                "PUT",
                f"/api/v1/statuses/{published.remote_id}",
                json={"status": post.text, "language": self.options.language},
            )
        except PermanentError as exc:
            if exc.status == 404:
                raise PostGone(
                    f"mastodon: la publicación {published.remote_id} ya no existe; no se puede editar"
                ) from None
            raise
        return _published(status)

    def delete(self, published: Published) -> None:
        try:
            self._call("DELETE", f"/api/v1/statuses/{published.remote_id}")
        except PermanentError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    # --- metrics -----------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        account = self._call("GET", "/api/v1/accounts/verify_credentials")
        return AccountStats(followers=account.get("followers_count"), posts=account.get("statuses_count"))

    def post_stats(self, published: Published) -> PostStats:
        """Counts as known to our instance (remote reblogs and favourites may be missing)."""
        try:
            status = self._call("GET", f"/api/v1/statuses/{published.remote_id}")
        except PermanentError as exc:
            if exc.status == 404:
                raise PostGone(f"mastodon: la publicación {published.remote_id} ya no existe") from None
            raise
        return PostStats(
            reactions=status.get("favourites_count"),
            shares=status.get("reblogs_count"),
            replies=status.get("replies_count"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Citizens' mentions newer than ``since``, every page (``max_id``, newest first); the
        account's own statuses are not citizens'."""
        found: list[Mention] = []
        me = self._account_id()
        params: dict[str, Any] = {"types[]": "mention", "limit": 40}
        for _ in range(MENTION_PAGES):
            page = self._call("GET", "/api/v1/notifications", params=params)
            older = False
            for note in page:
                status = note.get("status")
                if not status:
                    continue
                created = datetime.fromisoformat(status["created_at"])
                if since is not None and created <= since:
                    older = True
                    continue
                if str(note.get("account", {}).get("id")) == me:
                    continue
                text = html.unescape(_TAGS.sub(" ", status["content"].replace("<br />", "\n"))).strip()
                found.append(
                    Mention(
                        str(status["id"]),
                        note["account"]["acct"],
                        re.sub(r"[ \t]+", " ", text),
                        created,
                        status.get("in_reply_to_id"),
                        status.get("url"),
                    )
                )
            if older or not page:
                return found
            params["max_id"] = page[-1]["id"]
        return found

    # --- HTTP --------------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, accept: tuple[int, ...] = (200, 202), **kwargs: Any) -> Any:
        wait = self._exhausted_until - time.time()
        if wait > 0:
            # The last answer said no requests are left until the reset: don't spend one on a 429.
            raise RateLimited("mastodon: límite de solicitudes agotado; hay que esperar", retry_after=wait)
        response = send(self.client, method, self.base + path, network=self.name, **kwargs)
        self._note_rate_limit(response)
        if response.status_code in accept:
            return response.json()
        raise _error(response, self._reset_in(response))

    def _note_rate_limit(self, response: httpx.Response) -> None:
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = self._reset_in(response)
            if reset is not None:
                self._exhausted_until = time.time() + reset

    @staticmethod
    def _reset_in(response: httpx.Response) -> float | None:
        value = response.headers.get("x-ratelimit-reset")
        if not value:
            return None
        try:
            reset = datetime.fromisoformat(value)
        except ValueError:
            return None
        return max(0.0, (reset - datetime.now(UTC)).total_seconds())

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _error(response: httpx.Response, reset_in: float | None) -> ChannelError:
    status = response.status_code
    try:
        detail = str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        detail = ""
    if status == 429:
        return RateLimited(
            "mastodon: demasiadas solicitudes (429); hay que esperar", retry_after=reset_in, status=status
        )
    if status >= 500:
        return TransientError(f"mastodon: error temporal de la instancia ({status})", status=status)
    if status == 401:
        return AuthError("mastodon: el token de acceso no es válido o fue revocado", status=status)
    if status == 422:
        return PermanentError(
            f"mastodon: la instancia rechazó la publicación ({detail or 'validación'})", status=status
        )
    return PermanentError(f"mastodon: la instancia respondió {status} ({detail or 'sin detalle'})", status=status)


def _published(status: Mapping[str, Any]) -> Published:
    return Published(remote_id=str(status["id"]), url=status.get("url"), extra={"uri": status.get("uri")})


def _links_to(status: Mapping[str, Any], link: str | None) -> bool:
    return link is not None and link in {html.unescape(h) for h in _HREF.findall(status.get("content", ""))}
