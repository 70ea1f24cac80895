"""The press e-mail: one message per journalist, over SMTP with STARTTLS (or implicit TLS) and AUTH.

What a journalist receives (:mod:`.press_message` builds it): the subject «Comunicado de prensa —
{entity}: {title}» (``subject_template``, checked when the channel is configured); the yearly
number «Comunicado n.º 023 de 2026» (:mod:`.press_numbers`); the full text of the release in HTML
and plain text, taken from its live page (:mod:`.press_body`: the page must carry the approved
digest); a dateline (the entity's city, the date in Spanish in Bogotá); every image linked at full
resolution, the main one attached up to ``attach_max_bytes``; the press contact of the entity (from
the live manifest's ``entity``, handed over by :meth:`attach_site`); and the journalist's name in
``To:``. Live updates go as replies (``In-Reply-To`` the release's message) and only to the lists
that opt in (``live_updates: true`` in the lists file).

One message per recipient, never BCC: each carries its own one-click unsubscribe link (RFC 8058
requires the token to identify recipient and list) and its own deterministic Message-ID per
(item, list, recipient). A journalist on several of the release's lists gets it once, under the
first list.

Security: the connection is :mod:`..smtp_connection`'s, shared with the office alerts: the server
certificate is always verified (``ca_file`` adds a private CA, e.g. the test's); the password is
read only from the environment variable named by ``password_env`` and is sent only after STARTTLS;
a plain relay without TLS (``security: none``) only towards this machine or with
``allow_plaintext: true``, and never with credentials. Recipients come from a private file or
variable (:mod:`.press_lists`), never from the repository; the ledger records only counts.

Embargo: nothing is sent before the item's (or update's) time, whatever the caller does.

Reconciliation: SMTP cannot be asked what was delivered, so :meth:`EmailChannel.find_existing`
reads the sent log (:class:`.press_lists.SentLog`): the post exists when every recipient's
message is in it; a partly sent post is completed by the next ``publish``, which skips the logged
ones. The log lives in the records (``records/email/``) and is made durable — pushed to the
records branch — every ``sent_log_every`` recipients (K, default 5): a job killed mid-mailing
gives a second copy, with the same Message-ID, to at most K recipients. Its lines hold an HMAC of
each Message-ID keyed by ``PREGON_SENT_LOG_SECRET`` (or, if unset, the unsubscribe secret), never
an address: the records branch is public. An explicit ``sent_log:`` file keeps it private instead.
The release's number is made durable before the first message carrying it leaves.

Configuration (``channels.email``)::

    email:
      host: smtp.alcaldia.gov.co
      port: 587                              # STARTTLS; or port 465 with security: tls
      username: prensa@alcaldia.gov.co
      password_env: PREGON_SMTP_PASSWORD     # the variable's name, never the password
      sender: "Oficina de Prensa <prensa@alcaldia.gov.co>"
      recipients_file: !ENV PREGON_PRESS_LISTS_FILE   # private, outside the repository
      unsubscribe_url: "https://alcaldia.gov.co/baja?lista={list}&t={token}"
      unsubscribe_mailto: baja-prensa@alcaldia.gov.co
      unsubscribe_secret_env: PREGON_UNSUBSCRIBE_SECRET
      sent_log_every: 5                      # K: push the sent log every K recipients
      sent_log_secret_env: PREGON_SENT_LOG_SECRET   # key of the sent log's hashes
      subject_template: "Comunicado de prensa — {entity}: {title}"
      attach_max_bytes: 5000000              # the main image is attached up to this size
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import re
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from string import Formatter
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .. import media as media_files
from ..counting import URL_RE, graphemes
from ..jsonlines import RecordError
from ..manifest import Entity, Item, Manifest, Media, Update
from ..smtp_connection import SmtpConnectError, SmtpConnection, open_session, quietly_close
from ..text import compose, compose_update
from .base import (
    AuthError,
    Channel,
    ChannelError,
    PermanentError,
    Post,
    Published,
    TransientError,
    correction_key,
    correction_update_id,
    post_key,
)
from .options import ChannelOptions, parse_options
from .press_body import fetch_body
from .press_lists import Recipient, SentLog, load_press_lists, valid_address
from .press_message import (
    BOGOTA,
    Attachment,
    Body,
    Envelope,
    HeaderError,
    ImageLink,
    build,
    dateline,
    header_text_problem,
    spanish_date,
)
from .press_numbers import Numbering, ReleaseNumber
from .transport import REDACTOR

NO_LIMIT = 100_000
# What List-Unsubscribe may carry as written (RFC 8058 needs it readable by every client).
_UNSUBSCRIBE_URL = re.compile(r"https?://[\x21-\x3b\x3d\x3f-\x7e]+")


SUBJECT_FIELDS = ("entity", "title", "number", "year", "dependencia", "date")
DEFAULT_SUBJECT = "Comunicado de prensa — {entity}: {title}"
DEFAULT_UPDATE_SUBJECT = "Actualización — {entity}: {title}"


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot make a subject (Spanish), or None."""
    try:
        fields = [name for _, name, spec, conversion in Formatter().parse(template) if name is not None]
    except ValueError:
        return "llaves sin cerrar; escriba {{ o }} para una llave literal"
    unknown = [name or "{}" for name in fields if name not in SUBJECT_FIELDS]
    if unknown:
        allowed = ", ".join("{" + f + "}" for f in SUBJECT_FIELDS)
        return f"marcador desconocido {{{unknown[0]}}}; se admiten {allowed}"
    return None


class EmailOptions(ChannelOptions, SmtpConnection):
    sender: str
    reply_to: str | None = None
    recipients_file: Path | None = None
    recipients_env: str = "PREGON_PRESS_LISTS"
    sent_log: Path | None = None
    sent_log_every: int = Field(5, ge=1, le=1000)
    sent_log_secret_env: str = "PREGON_SENT_LOG_SECRET"
    list_domain: str | None = None
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    unsubscribe_secret_env: str = "PREGON_UNSUBSCRIBE_SECRET"
    subject_template: str = DEFAULT_SUBJECT
    update_subject_template: str = DEFAULT_UPDATE_SUBJECT
    attach_max_bytes: int = Field(5_000_000, ge=0)
    """The main image travels attached up to this size; a bigger one is only linked (and the
    message says so)."""
    numbering: bool = True
    """«Comunicado n.º 023 de 2026» in every message (numbers kept in the records)."""

    secret_env_options: ClassVar[tuple[str, ...]] = ("password_env", "unsubscribe_secret_env")
    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("username", "password_env"),)

    @field_validator("subject_template", "update_subject_template")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        problem = template_problem(value)
        if problem:
            raise PydanticCustomError("subject_template", "{problem}", {"problem": problem})
        return value


@dataclass(frozen=True)
class Material:
    """What one message takes from the portal, the same for every recipient."""

    html: str
    text: str
    images: tuple[ImageLink, ...]
    attachment: Attachment | None


class EmailChannel(Channel):
    name = "email"
    text_limit = NO_LIMIT
    max_images = 1
    options_model = EmailOptions
    read_back_unavailable = (
        "un correo entregado no se puede leer de vuelta (el registro de envíos dice a quién se entregó)"
    )
    correction_modes = frozenset({"responder", "nada"})
    """A sent e-mail cannot be changed or recalled: a correction is a new e-mail «Corrección: …»."""

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(EmailOptions, self.config, self.name)
        self.sender_address = parseaddr(self.options.sender)[1]
        if not valid_address(self.options.sender, display_name=True):
            raise ValueError("channels.email.sender: debe ser una dirección, p. ej. Prensa <prensa@entidad.gov.co>")
        if self.options.reply_to and not valid_address(self.options.reply_to, display_name=True):
            raise ValueError("channels.email.reply_to: debe ser una dirección, p. ej. prensa@entidad.gov.co")
        if not (self.options.unsubscribe_url or self.options.unsubscribe_mailto):
            raise ValueError(
                "channels.email: configure unsubscribe_url o unsubscribe_mailto; "
                "cada periodista debe poder darse de baja"
            )
        if self.options.unsubscribe_mailto and not valid_address(self.options.unsubscribe_mailto, ascii_only=True):
            raise ValueError(
                "channels.email.unsubscribe_mailto: debe ser una sola dirección ASCII, p. ej. baja-prensa@entidad.gov.co"
            )
        if self.options.unsubscribe_url and not _UNSUBSCRIBE_URL.fullmatch(
            self.options.unsubscribe_url.replace("{list}", "x").replace("{token}", "x")
        ):
            raise ValueError(
                "channels.email.unsubscribe_url: debe ser una dirección http(s) en ASCII, sin espacios ni «<>», "
                "p. ej. https://entidad.gov.co/baja?lista={list}&t={token} (un dominio con tildes va en punycode)"
            )
        self.domain = self.options.list_domain or self.sender_address.rpartition("@")[2]
        self._records: Path | None = None
        self.entity: Entity | None = None
        self._make_durable: Callable[[], None] = lambda: None

    def attach_records(self, folder: Path, make_durable: Callable[[], None]) -> None:
        """The sent log goes into ``folder/email`` and is pushed every ``sent_log_every`` recipients."""
        self._records = folder / "email"
        self._make_durable = make_durable

    def attach_site(self, manifest: Manifest) -> None:
        """The entity of the live manifest: subject, dateline and press contact."""
        self.entity = manifest.entity

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        images = item.images if update is None else tuple(m for m in update.media if m.kind == "image")
        main_image = images[0] if images else None
        if update is None:
            text = compose(item, self.name, self.options.template)
            link, not_before = item.url, item.date
        else:
            text = compose_update(update, self.options.update_template)
            link, not_before = update.url, update.time
        problems = []
        # A line break in a header would make every send fail; the office fixes the title instead.
        subject_problem = header_text_problem(item.title)
        if subject_problem:
            problems.append(f"correo: el título del comunicado {subject_problem}; escríbalo en una sola línea")
        first_link = URL_RE.search(text)
        if first_link is None or first_link.group() != link:
            problems.append(f"correo: el primer enlace del texto debe ser la dirección del comunicado ({link})")
        if main_image is not None and not main_image.alt.strip():
            problems.append(f"correo: la imagen {main_image.url} no tiene texto alternativo (alt)")
        skip = None if item.press_lists else "el comunicado no indica listas de prensa (press_lists)"
        if skip is None and update is not None and self._update_lists(item.press_lists) == ():
            skip = "ninguna de las listas de prensa del comunicado recibe actualizaciones en vivo (live_updates)"
        return self.new_post(
            item,
            update,
            text=text,
            length=graphemes(text),
            limit=NO_LIMIT,
            link=link,
            media=(main_image,) if main_image else (),
            reply_to=reply_to,
            problems=tuple(problems),
            skip=skip,
            extra={
                "item": item,
                "update": update,
                "lists": item.press_lists,
                "not_before": not_before.isoformat(),
                "thread_key": post_key(item.id, self.account) if update else None,
            },
        )

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def render_correction(self, item: Item, reply_to: Published | None) -> Post:
        """The corrected release, whole, as «Corrección: {subject}» to the same press lists (all of
        them, as the release), in the thread of the first e-mail (``In-Reply-To``). Its Message-IDs
        come from the correction key, so the sent log lets each recipient get it exactly once."""
        post = self.render(item)
        return replace(
            post,
            key=correction_key(item.id, self.account, item.digest),
            update_id=correction_update_id(item.digest),
            reply_to=reply_to,
            extra={**post.extra, "correction": True, "thread_key": post_key(item.id, self.account)},
        )

    @staticmethod
    def _corrected(body: Body) -> Body:
        return replace(
            body,
            subject=f"Corrección: {body.subject}",
            heading=f"Corrección: {body.heading}",
            summary="Este comunicado se corrigió después de enviarse. Esta es la versión vigente, publicada en el portal."
            + (f" {body.summary}" if body.summary else ""),
        )

    def _update_lists(self, wanted: tuple[str, ...]) -> tuple[str, ...] | None:
        """The release's lists that take live updates; None when the lists cannot be read now
        (``publish`` then says why)."""
        try:
            lists = load_press_lists(self.options.recipients_file, self.options.recipients_env)
        except PermanentError:
            return None
        return tuple(name for name in wanted if name in lists and lists[name].live_updates)

    # --- the message (fetches the live page and the main image) ------------------------------
    def _material(self, item: Item, update: Update | None) -> Material:
        """What the message carries from the portal: the full text (the release's live page) and
        the main image (attached when small enough)."""
        images = item.images if update is None else tuple(m for m in update.media if m.kind == "image")
        if update is None:
            content = fetch_body(item.url, item.digest, self.options.timeout)
            content_html, content_text = content.html, content.text
        else:
            paragraphs = [p.strip() for p in update.text.split("\n\n") if p.strip()]
            content_html = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
            content_text = "\n\n".join(paragraphs)
        attachment, note = self._attachment(images[0]) if images else (None, "")
        links = tuple(ImageLink(m.url, m.alt, note if n == 0 else "") for n, m in enumerate(images))
        return Material(content_html, content_text, links, attachment)

    def _body(self, item: Item, update: Update | None, number: ReleaseNumber | None, material: Material) -> Body:
        entity = self.entity
        entity_name = entity.name if entity else (parseaddr(self.options.sender)[0] or self.domain)
        fields = {
            "entity": entity_name,
            "title": item.title,
            "number": f"{number.number:03d}" if number else "",
            "year": str(number.year if number else item.date.astimezone(BOGOTA).year),
            "dependencia": item.dependencia.name,
            "date": spanish_date(item.date),
        }
        if update is None:
            subject = self.options.subject_template.format(**fields)
            label = number.label() if number else None
            link, moment, summary = item.url, item.date, item.summary
        else:
            subject = self.options.update_subject_template.format(**fields)
            label = f"Actualización del {number.label()[0].lower()}{number.label()[1:]}" if number else None
            link, moment, summary = update.url, update.time, ""
        return Body(
            subject=subject,
            heading=item.title if update is None else f"Actualización: {item.title}",
            link=link,
            link_label="Leer en el portal oficial",
            dateline=dateline(entity.city if entity else None, moment),
            content_html=material.html,
            content_text=material.text,
            number_label=label,
            summary=summary,
            images=material.images,
            contact=self._contact(),
            signature=f"{item.dependencia.name} — {entity_name}",
        )

    def _contact(self) -> tuple[str, ...]:
        """The press contact of the entity; the sender's address when the manifest has none."""
        contact = self.entity.press_contact if self.entity else None
        if contact is None:
            return (f"Correo: {parseaddr(self.options.reply_to or self.options.sender)[1]}",)
        lines = [contact.name] if contact.name else []
        if contact.phone:
            lines.append(f"Teléfono: {contact.phone}")
        if contact.email:
            lines.append(f"Correo: {contact.email}")
        return tuple(lines)

    def _attachment(self, image: Media) -> tuple[Attachment | None, str]:
        """The main image as an attachment when it fits ``attach_max_bytes``, and what the message
        says about it (a bigger one is not even downloaded when the manifest gives its size)."""
        limit = self.options.attach_max_bytes
        if image.bytes is None or image.bytes <= limit:
            try:
                data = media_files.fetch(image.url)
                described = media_files.describe(data)
            except media_files.MediaError as exc:
                raise PermanentError(f"correo: {exc}") from None
            if len(data) <= limit:
                name = image.url.rstrip("/").rpartition("/")[2] or "imagen"
                return Attachment(data, described.mime, name), "adjunta a este correo"
            size = len(data)
        else:
            size = image.bytes
        return None, (
            f"no se adjunta: pesa {_megabytes(size)} y el límite es {_megabytes(limit)}; descárguela del enlace"
        )

    def _number(self, item: Item, *, assign: bool) -> ReleaseNumber | None:
        """The release's yearly number; given (and made durable) now when ``assign`` and it has none."""
        if not self.options.numbering:
            return None
        year = item.date.astimezone(BOGOTA).year
        numbering = Numbering(self._numbering_folder())
        try:
            if not assign:
                return numbering.get(item.id, year)
            return numbering.assign(item.id, year, self._make_durable)
        except (RecordError, ChannelError) as exc:
            raise PermanentError(f"correo: numeración de comunicados: {exc}") from None

    def _numbering_folder(self) -> Path:
        """``records/email/numbering`` in a run; beside the private sent log otherwise."""
        if self.options.sent_log is None and self._records is not None:
            return self._records / "numbering"
        return self._sent_log_path().parent / "pregon-numeracion"

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        self._respect_embargo(post)
        deliveries = self._deliveries(post)
        log = self._sent_log()
        pending = [d for d in deliveries if d[2] not in log]
        if pending:
            item: Item = post.extra["item"]
            update: Update | None = post.extra["update"]
            material = self._material(item, update)  # the live page first: nothing is numbered if it is not there
            # The number is durable before the first message that carries it leaves.
            correction = bool(post.extra.get("correction"))
            number = self._number(item, assign=update is None and not correction)
            body, attachment = self._body(item, update, number, material), material.attachment
            if correction:
                body = self._corrected(body)
            now = datetime.now(UTC)
            first_lists = self._first_lists(post) if update is not None else {}
            with self._connect() as smtp:
                for handled, (press_list, recipient, message_id) in enumerate(pending, 1):
                    # An update replies to the message the release went out as: under the first
                    # of its lists holding this address, which may be a list without updates.
                    thread_list = first_lists.get(recipient.address.lower(), press_list)
                    envelope = self._envelope(post, press_list, recipient, message_id, now, thread_list)
                    try:
                        message = build(body, envelope, attachment)
                    except HeaderError as exc:
                        raise PermanentError(f"correo: {exc}") from None
                    status = self._send(smtp, message, recipient.address)
                    log.record(message_id, key=post.key, press_list=press_list, status=status)
                    if handled % self.options.sent_log_every == 0:
                        self._make_durable()
        published = self._summary(post, deliveries, log)
        if deliveries and published.extra["sent"] == 0:
            raise PermanentError(f"correo: el servidor rechazó los {len(deliveries)} destinatarios")
        return published

    def _send(self, smtp: smtplib.SMTP, message: EmailMessage, address: str) -> str:
        """Send one message; ``"refused"`` when the server refuses this address for good."""
        try:
            smtp.send_message(message, from_addr=self.sender_address, to_addrs=[address])
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            if 400 <= code < 500:
                raise TransientError(f"correo: el servidor aplazó un destinatario ({code}); se reintentará") from None
            return "refused"
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(exc) from None
        except (OSError, smtplib.SMTPException) as exc:
            # The message may or may not have been accepted: the core reconciles first.
            raise TransientError(f"correo: se cortó la conexión SMTP ({exc.__class__.__name__})") from None
        return "sent"

    def find_existing(self, post: Post) -> Published | None:
        """Complete only when the private sent log has handled every recipient's message for ``post``."""
        deliveries = self._deliveries(post)
        log = self._sent_log()
        if any(d[2] not in log for d in deliveries):
            return None
        return self._summary(post, deliveries, log)

    def _summary(self, post: Post, deliveries: list[tuple[str, Recipient, str]], log: SentLog) -> Published:
        """Counts only: the ledger is public, the addresses are not."""
        statuses = [log.status(d[2]) for d in deliveries]
        return Published(
            remote_id=f"pregon.{post.key}@{self.domain}",
            extra={"recipients": len(deliveries), "sent": statuses.count("sent"), "refused": statuses.count("refused")},
        )

    def _respect_embargo(self, post: Post) -> None:
        not_before = datetime.fromisoformat(post.extra["not_before"])
        wait = (not_before - datetime.now(UTC)).total_seconds()
        if wait > 0:
            raise TransientError(f"correo: embargo hasta {not_before.isoformat()}; no se envía antes", retry_after=wait)

    def _deliveries(self, post: Post) -> list[tuple[str, Recipient, str]]:
        """(list, recipient, Message-ID) for each recipient, once per address across lists.
        A live update goes only to the lists that opt in (``live_updates: true``)."""
        wanted: tuple[str, ...] = post.extra["lists"]
        if not wanted:
            return []
        lists = load_press_lists(self.options.recipients_file, self.options.recipients_env)
        unknown = [name for name in wanted if name not in lists]
        if unknown:
            raise PermanentError(
                f"correo: el comunicado pide las listas {', '.join(unknown)}, que no están en el archivo de destinatarios"
            )
        if post.extra["update"] is not None:
            wanted = tuple(name for name in wanted if lists[name].live_updates)
        seen: set[str] = set()
        deliveries = []
        for name in wanted:
            for recipient in lists[name].recipients:
                if recipient.address.lower() in seen:
                    continue
                seen.add(recipient.address.lower())
                deliveries.append((name, recipient, self._message_id(post.key, name, recipient.address)))
        return deliveries

    def _message_id(self, key: str, press_list: str, address: str) -> str:
        who = hashlib.sha256(f"{press_list}\n{address.lower()}".encode()).hexdigest()[:20]
        return f"<pregon.{key}.{who}@{self.domain}>"

    def _sent_log_path(self) -> Path:
        """The explicit private ``sent_log`` file, else the records' ``email/`` folder, else a
        private file next to the recipients (a channel used outside a run, e.g. in a script)."""
        if self.options.sent_log is not None:
            return self.options.sent_log
        if self._records is not None:
            return self._records
        if self.options.recipients_file is None:
            raise PermanentError(
                "correo: falta channels.email.sent_log; sin archivo de destinatarios indique dónde "
                "guardar el registro privado de envíos"
            )
        return self.options.recipients_file.parent / "pregon-enviados.jsonl"

    def _sent_log(self) -> SentLog:
        path = self._sent_log_path()
        folder = self.options.sent_log is None and self._records is not None
        secret = os.environ.get(self.options.sent_log_secret_env) or os.environ.get(self.options.unsubscribe_secret_env)
        if not secret and folder:
            raise PermanentError(
                f"correo: falta la variable de entorno {self.options.sent_log_secret_env}: el registro de envíos "
                "va en los registros (públicos) y sin esa clave no se puede proteger quién recibió qué"
            )
        try:
            return SentLog(path, (secret or "pregon-registro-privado").encode(), folder=folder)
        except RecordError as exc:
            raise PermanentError(f"correo: registro de envíos: {exc}") from None

    def _first_lists(self, post: Post) -> dict[str, str]:
        """Address (lower case) → the first of the release's lists that holds it."""
        lists = load_press_lists(self.options.recipients_file, self.options.recipients_env)
        first: dict[str, str] = {}
        for name in post.extra["lists"]:
            for recipient in lists[name].recipients if name in lists else ():
                first.setdefault(recipient.address.lower(), name)
        return first

    def _envelope(
        self, post: Post, press_list: str, recipient: Recipient, message_id: str, now: datetime, thread_list: str
    ) -> Envelope:
        thread_key = post.extra["thread_key"]
        address = recipient.address
        return Envelope(
            sender=self.options.sender,
            recipient=address,
            recipient_name=recipient.name,
            message_id=message_id,
            list_id=f"{press_list}.{self.domain}",
            list_label=press_list,
            unsubscribe_url=self._unsubscribe_url(press_list, address),
            unsubscribe_mailto=(
                f"mailto:{self.options.unsubscribe_mailto}?subject={quote('baja ' + press_list)}"
                if self.options.unsubscribe_mailto
                else None
            ),
            in_reply_to=self._message_id(thread_key, thread_list, address) if thread_key else None,
            date=now,
            reply_to=self.options.reply_to,
        )

    def _unsubscribe_url(self, press_list: str, address: str) -> str | None:
        template = self.options.unsubscribe_url
        if not template:
            return None
        token = ""
        if "{token}" in template:
            secret = os.environ.get(self.options.unsubscribe_secret_env, "")
            if not secret:
                raise PermanentError(
                    f"correo: unsubscribe_url usa {{token}} y falta la variable de entorno {self.options.unsubscribe_secret_env}"
                )
            token = hmac.new(secret.encode(), f"{press_list}\n{address.lower()}".encode(), "sha256").hexdigest()[:32]
        return template.format(list=quote(press_list), token=token)

    # --- SMTP --------------------------------------------------------------------------------
    def _connect(self) -> smtplib.SMTP:
        """An SMTP session as configured (:mod:`..smtp_connection`): verified TLS and AUTH, or a
        plain local relay only when explicitly configured."""

        def learn(password: str) -> None:
            REDACTOR.add(password)
            REDACTOR.add_pair(self.options.username, password)

        try:
            return open_session(self.options, learn_secret=learn)
        except SmtpConnectError as exc:
            message = f"correo: {exc}"
            if exc.kind == "auth":
                raise AuthError(message) from None
            if exc.kind == "permanent":
                raise PermanentError(message) from None
            raise TransientError(message, timeout=exc.timeout) from None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def _smtp_error(exc: smtplib.SMTPResponseException) -> ChannelError:
    if 400 <= exc.smtp_code < 500:
        return TransientError(f"correo: el servidor SMTP pidió reintentar ({exc.smtp_code})", status=exc.smtp_code)
    return PermanentError(f"correo: el servidor SMTP rechazó el envío ({exc.smtp_code})", status=exc.smtp_code)


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    quietly_close(smtp)
