"""The one interface every channel (network or mailing list) implements.

A channel module owns everything about its network: HTTP details, limits, counting, media rules,
error mapping. The core (``syndicate/runner.py``) only sees the names below:

* :meth:`Channel.render` turns a manifest item (or one live update of it) into a :class:`Post`.
  It never talks to the network and is what ``--dry-run`` and ``pregon check`` show. Problems that
  would make the post fail (too long, no image where one is required…) are listed in
  ``Post.problems`` in Spanish; the core never sends a post that has problems, and nothing is ever
  truncated silently.
* :meth:`Channel.publish` sends a rendered post **once** (a single attempt, no retry loop) and
  returns :class:`Published`. Failures are raised as :class:`ChannelError` subclasses, so the core
  decides about retries and reconciliation uniformly.
* :meth:`Channel.find_existing` looks for a post already made for ``post.key`` (after a crash
  between send and confirm) and returns it, or ``None`` when the network surely has none.
* :meth:`Channel.delete`, :meth:`Channel.edit`, :meth:`Channel.account_stats`,
  :meth:`Channel.post_stats` and :meth:`Channel.mentions` are optional; the defaults say "not
  supported". :attr:`Channel.correction_modes` says which corrections the network can carry
  (:mod:`pregon.syndicate.corrections`).
* :meth:`Channel.read_back` reads a confirmed post back from the network (proof that it is out)
  and returns :class:`ReadBack`; the default says "no comprobable" and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from ..manifest import Item, Manifest, Media, Update
from ..redaction import redact
from ..selection import Selection
from ..text import Draft, draft
from .options import ChannelOptions


@dataclass(frozen=True)
class Post:
    """A post exactly as it would be sent: what ``--dry-run`` and the PR preview show."""

    channel: str
    """The account key (``x-alcalde``)."""
    item_id: str
    key: str
    """Deterministic idempotency key for (item, account, update); see :func:`post_key`."""
    text: str
    length: int
    """Length of ``text`` counted by the network's own rules."""
    limit: int
    link: str | None = None
    media: tuple[Media, ...] = ()
    update_id: str | None = None
    reply_to: Published | None = None
    """For a live update: the post it replies to (the thread's previous post)."""
    card: Mapping[str, Any] = field(default_factory=dict)
    """Link card fields where the client builds it (title, description, thumbnail URL)."""
    problems: tuple[str, ...] = ()
    """Spanish messages; a post with problems is never sent."""
    skip: str | None = None
    """Why this channel has nothing to send for this item or update (YouTube without a video,
    e-mail without press lists, Instagram update without an image). Not an error: the core
    records nothing and reports it as "no aplica"."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Channel-specific rendered values (e.g. e-mail subject, HTML body)."""
    network: str = ""
    """The network module (``x``); empty when made outside :meth:`Channel.new_post`."""

    @property
    def sendable(self) -> bool:
        return not self.problems and self.skip is None


@dataclass(frozen=True)
class Published:
    """Where a post lives on the network once sent."""

    remote_id: str
    url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountStats:
    followers: int | None
    posts: int | None = None


@dataclass(frozen=True)
class PostStats:
    impressions: int | None = None
    reactions: int | None = None
    shares: int | None = None
    replies: int | None = None


@dataclass(frozen=True)
class Mention:
    """A reply to or mention of the official account (personal data: kept out of the repo)."""

    remote_id: str
    author: str
    text: str
    created_at: datetime
    in_reply_to: str | None = None
    url: str | None = None


ReadBackStatus = Literal["verified", "failed", "unavailable"]


@dataclass(frozen=True)
class ReadBack:
    """What reading a confirmed post back from the network showed (:meth:`Channel.read_back`).

    ``verified``: the network serves the post (and, where it returns them, its text and link are
    what was sent); ``url`` is its public address. ``failed``: the network says it is not there or
    not what was sent; ``reason`` says what, in Spanish. ``unavailable``: this network's API
    offers no way to read it back; ``reason`` says why. A read that could not be made (timeout,
    5xx) is not a ReadBack: the channel raises :class:`ChannelError` and the core tries later."""

    status: ReadBackStatus
    reason: str = ""
    url: str | None = None

    @classmethod
    def verified(cls, url: str | None) -> ReadBack:
        return cls("verified", "", url)

    @classmethod
    def failed(cls, reason: str) -> ReadBack:
        return cls("failed", reason)

    @classmethod
    def unavailable(cls, reason: str) -> ReadBack:
        return cls("unavailable", reason)


def same_words(sent: str | None, served: str | None) -> bool:
    """Whether a network serves ``sent`` unchanged but for whitespace and line-end differences."""
    if sent is None or served is None:
        return True
    return " ".join(sent.split()) == " ".join(served.split())


class ChannelError(Exception):
    """A publish or read that did not succeed.

    ``message`` is fit for the office (Spanish). It is redacted here, when the error is made, so a
    network's error body that echoes the request (token, password) never reaches a report, a log
    or the ledger. ``retryable`` says whether the same post may be tried again later;
    ``retry_after`` is the network's own hint in seconds; ``timeout`` marks a request the network
    never answered.
    """

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        timeout: bool = False,
    ):
        message = _one_line(redact(message))
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.status = status
        self.timeout = timeout


MESSAGE_MAX = 600
"""An error row quotes the network's own text; one that echoes a whole request is cut here."""


def _one_line(message: str) -> str:
    # Redacted before this: cutting first could leave part of a secret unrecognisable but visible.
    message = re.sub(r"[\x00-\x1f\x7f]+", " ", message)
    return message if len(message) <= MESSAGE_MAX else message[:MESSAGE_MAX] + "… (mensaje recortado)"


class PermanentError(ChannelError):
    """The network refused the post for a reason a retry will not fix (validation, auth)."""


class AuthError(PermanentError):
    """The network refused the account's credentials (revoked or expired token, wrong keys):
    nothing else will go out on that account until the office renews them."""


class PostGone(PermanentError):
    """The post no longer exists on the network (deleted by hand): there is nothing left to measure."""


class TransientError(ChannelError):
    """Timeout, connection error or 5xx: the post may or may not exist; reconcile, then retry."""

    retryable = True


class RateLimited(TransientError):
    """The network asked us to slow down (HTTP 429, Graph codes 4/17/32/613…)."""


class DuplicateRejected(ChannelError):
    """The network says this content already exists; ``existing`` names it when the API does."""

    def __init__(self, message: str, *, existing: Published | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.existing = existing


class NotSupported(ChannelError):
    """The network's API does not offer this operation."""


def post_key(item_id: str, channel: str, update_id: str | None = None) -> str:
    """Deterministic key of one (item, account, update) post: 32 hex characters.

    ``channel`` is the ACCOUNT key of the configuration (``x``, ``x-alcalde``), so two accounts of
    one network never share a key."""
    raw = f"{item_id}\x1f{channel}\x1f{update_id or ''}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def correction_update_id(digest: str) -> str:
    """Stands for a correction of the version ``digest`` in the keys of :func:`post_key`."""
    return "correccion-" + digest.removeprefix("sha256:")[:24]


def correction_key(item_id: str, channel: str, digest: str) -> str:
    """Deterministic key of the correction of (item, account) to the version ``digest``."""
    return post_key(item_id, channel, correction_update_id(digest))


class Channel(ABC):
    """Base class of every channel. Subclasses declare their limits as class constants."""

    name: ClassVar[str]
    """The network, e.g. ``"bluesky"``: its module's registry name, counting rule, social override."""
    text_limit: ClassVar[int]
    requires_media: ClassVar[bool] = False
    max_images: ClassVar[int] = 4
    can_look_up: ClassVar[bool] = True
    """Whether :meth:`find_existing` really asks the network. Where it cannot (Telegram), an
    interrupted send is never repeated by itself: the core reports it "por verificar"."""
    correction_modes: ClassVar[frozenset[str]] = frozenset({"nada"})
    """The ``correccion`` values this network can carry (``nada`` always): ``editar`` needs
    :meth:`edit`, ``responder`` a post that can answer the thread (:meth:`render_correction`),
    ``borrar_y_publicar`` :meth:`delete`. Expiry's ``borrar`` needs :meth:`delete`
    (:attr:`can_delete`)."""
    options_model: ClassVar[type[ChannelOptions] | None] = None
    """The typed options of the network: every account is validated against it when opened and
    by ``pregon check``. Every module of the registry declares one (a test holds them to it)."""

    def __init__(self, config: Mapping[str, Any] | None = None):
        self.config: Mapping[str, Any] = dict(config or {})
        self.account: str = self.name
        """The account key in the configuration (``x-alcalde``); ledger, schedule and metrics use
        it. :func:`pregon.syndicate.channels.open_account` sets it; the network name otherwise."""
        self.selection: Selection = Selection()
        """Which releases this account takes (every one by default)."""

    @abstractmethod
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        """Render the post for ``item`` (or one of its live ``update``s); never touches the network."""

    def draft(self, item: Item, update: Update | None) -> Draft:
        """The post's words, link and images from the ``template``/``update_template`` settings."""
        return draft(item, update, self.name, self.config.get("template"), self.config.get("update_template"))

    def new_post(self, item: Item, update: Update | None, **fields: Any) -> Post:
        """A post of this channel for ``item`` (or its ``update``), with its identity and key filled in."""
        update_id = update.id if update else None
        return Post(
            channel=self.account,
            network=self.name,
            item_id=item.id,
            key=post_key(item.id, self.account, update_id),
            update_id=update_id,
            **fields,
        )

    @abstractmethod
    def publish(self, post: Post) -> Published:
        """Send ``post`` once. Raise :class:`ChannelError` subclasses on failure."""

    @abstractmethod
    def find_existing(self, post: Post) -> Published | None:
        """Find the post already made for ``post.key``, for reconciliation after a crash."""

    def delete(self, published: Published) -> None:
        raise NotSupported(f"{self.name}: la API no permite borrar publicaciones")

    # --- corrections and expiry (syndicate/corrections.py) ---------------------------------
    @classmethod
    def can_delete(cls) -> bool:
        return cls.delete is not Channel.delete

    def edit(self, published: Published, post: Post) -> Published:
        """Replace the text of ``published`` with ``post``'s (the corrected release), in place.
        Applying the same edit twice leaves one corrected post (reconciliation re-applies it)."""
        raise NotSupported(f"{self.name}: la API no permite editar publicaciones")

    def render_correction(self, item: Item, reply_to: Published | None) -> Post:
        """The "Corrección: …" post answering the thread, with the link to the portal. Its key is
        deterministic from the post key and the corrected digest (:func:`correction_key`)."""
        note = Update(
            id=correction_update_id(item.digest),
            time=item.updated or item.date,
            text=f"Corrección: se actualizó «{item.title}». La versión vigente está en el portal:",
            digest=item.digest,
            url=item.url,
        )
        return self.render(item, note, reply_to)

    def with_key(self, post: Post, key: str) -> Post:
        """``post`` under another idempotency key (the repost of ``borrar_y_publicar``)."""
        return dataclasses.replace(post, key=key)

    def account_stats(self) -> AccountStats:
        raise NotSupported(f"{self.name}: la API no ofrece el número de seguidores")

    def post_stats(self, published: Published) -> PostStats:
        raise NotSupported(f"{self.name}: la API no ofrece métricas por publicación")

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        raise NotSupported(f"{self.name}: la API no ofrece respuestas ni menciones")

    read_back_unavailable: ClassVar[str] = "la API de esta red no permite leer una publicación ya hecha"
    """Why :meth:`read_back` cannot check this network (the default answer's reason)."""

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """Read the confirmed post ``published`` back from the network: it exists, with its text
        and link as in ``post`` (the same post rendered again; None when the release changed since,
        then only existence is checked). Raise :class:`ChannelError` when the network could not be
        asked (the core tries again on a later run). Default: "no comprobable"."""
        return ReadBack.unavailable(f"{self.name}: {self.read_back_unavailable}")

    def attach_records(self, folder: Path, make_durable: Callable[[], None]) -> None:  # noqa: B027
        """The run's records folder and how to make what is written there durable (pushed to the
        records branch), for channels that keep records of their own (e-mail's sent log)."""

    def attach_site(self, manifest: Manifest) -> None:  # noqa: B027
        """The live manifest of the run (site-level facts such as the entity), for channels that
        show them (the press e-mail's dateline and press contact)."""

    def close(self) -> None:  # noqa: B027 - an optional hook: channels without connections keep it
        """Release network resources (HTTP clients, SMTP connections)."""
