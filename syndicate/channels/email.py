"""E-mail to journalists' lists over SMTP with STARTTLS (or implicit TLS) and AUTH.

One message per recipient, never BCC: each carries its own one-click unsubscribe link (RFC 8058
requires the token to identify recipient and list) and its own deterministic Message-ID per
(item, list, recipient). A journalist on several of the release's lists gets it once, under the
first list. Live updates go to the same people as replies (``In-Reply-To`` the release's message).

Security: the server certificate is always verified (``ca_file`` adds a private CA, e.g. the
test's); the password is read only from the environment variable named by ``password_env`` and
is sent only after STARTTLS. Recipients come from a private file or variable (:mod:`.press_lists`),
never from the repository; the ledger records only counts.

Embargo: nothing is sent before the item's (or update's) time, whatever the caller does.

Reconciliation: SMTP cannot be asked what was delivered, so :meth:`EmailChannel.find_existing`
reads the sent log (:class:`.press_lists.SentLog`): the post exists when every recipient's
message is in it; a partly sent post is completed by the next ``publish``, which skips the logged
ones. The log lives in the records (``records/email/``) and is made durable — pushed to the
records branch — every ``sent_log_every`` recipients (K, default 5): a job killed mid-mailing
gives a second copy, with the same Message-ID, to at most K recipients. Its lines hold an HMAC of
each Message-ID keyed by ``PREGON_SENT_LOG_SECRET`` (or, if unset, the unsubscribe secret), never
an address: the records branch is public. An explicit ``sent_log:`` file keeps it private instead.

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
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import Field

from .. import media as media_files
from ..counting import URL_RE, graphemes
from ..jsonlines import RecordError
from ..manifest import Item, Update
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
from .press_lists import SentLog, load_lists, valid_address
from .press_message import Body, Envelope, HeaderError, build, header_text_problem
from .transport import REDACTOR

NO_LIMIT = 100_000
# What List-Unsubscribe may carry as written (RFC 8058 needs it readable by every client).
_UNSUBSCRIBE_URL = re.compile(r"https?://[\x21-\x3b\x3d\x3f-\x7e]+")


class EmailOptions(ChannelOptions):
    host: str
    port: int = 587
    security: Literal["starttls", "tls"] = "starttls"
    username: str = ""
    password_env: str = "PREGON_SMTP_PASSWORD"
    ca_file: Path | None = None
    timeout: float = 30.0
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
    inline_image_max_bytes: int = 400_000

    secret_env_options: ClassVar[tuple[str, ...]] = ("password_env", "unsubscribe_secret_env")
    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("username", "password_env"),)


class EmailChannel(Channel):
    name = "email"
    text_limit = NO_LIMIT
    max_images = 1
    options_model = EmailOptions
    correction_modes = frozenset({"responder", "nada"})
    """A sent e-mail cannot be changed or recalled: a correction is a new e-mail "Corrección: …"."""

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
        self._make_durable: Callable[[], None] = lambda: None

    def attach_records(self, folder: Path, make_durable: Callable[[], None]) -> None:
        """The sent log goes into ``folder/email`` and is pushed every ``sent_log_every`` recipients."""
        self._records = folder / "email"
        self._make_durable = make_durable

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        images = item.images if update is None else (tuple(m for m in update.media if m.kind == "image") or item.images)
        main_image = images[0] if images else None
        if update is None:
            text = compose(item, self.name, self.options.template)
            link, subject, heading = item.url, item.title, item.title
            paragraphs: tuple[str, ...] = (item.summary,)
            not_before = item.date
        else:
            text = compose_update(update, self.options.update_template)
            link, subject = update.url, f"Actualización: {item.title}"
            heading, paragraphs, not_before = subject, (update.text,), update.time
        problems = []
        # A line break in a header would make every send fail; the office fixes the title instead.
        subject_problem = header_text_problem(subject)
        if subject_problem:
            problems.append(f"correo: el título del comunicado {subject_problem}; escríbalo en una sola línea")
        first_link = URL_RE.search(text)
        if first_link is None or first_link.group() != link:
            problems.append(f"correo: el primer enlace del texto debe ser la dirección del comunicado ({link})")
        if main_image is not None and not main_image.alt.strip():
            problems.append(f"correo: la imagen {main_image.url} no tiene texto alternativo (alt)")
        body = Body(
            subject=subject,
            heading=heading,
            text=text,
            paragraphs=paragraphs,
            link=link,
            link_label="Leer en el portal oficial",
            image_url=main_image.url if main_image else None,
            image_alt=main_image.alt if main_image else "",
            signature=item.dependencia.name,
        )
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
            skip=None if item.press_lists else "el comunicado no indica listas de prensa (press_lists)",
            extra={
                "body": body,
                "lists": item.press_lists,
                "not_before": not_before.isoformat(),
                "thread_key": post_key(item.id, self.account) if update else None,
            },
        )

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def render_correction(self, item: Item, reply_to: Published | None) -> Post:
        """The corrected release, whole, as "Corrección: {title}" to the same press lists, in
        the thread of the first e-mail (In-Reply-To). Its Message-IDs come from the correction
        key, so the sent log lets each recipient get it exactly once."""
        post = self.render(item)
        body: Body = post.extra["body"]
        corrected = replace(
            body,
            subject=f"Corrección: {body.subject}",
            heading=f"Corrección: {body.heading}",
            paragraphs=(
                "Este comunicado se corrigió después de enviarse. Esta es la versión vigente, publicada en el portal.",
                *body.paragraphs,
            ),
            text=f"Corrección: este comunicado se corrigió después de enviarse.\n\n{body.text}",
        )
        return replace(
            post,
            key=correction_key(item.id, self.account, item.digest),
            update_id=correction_update_id(item.digest),
            reply_to=reply_to,
            extra={**post.extra, "body": corrected, "thread_key": post_key(item.id, self.account)},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        self._respect_embargo(post)
        deliveries = self._deliveries(post)
        log = self._sent_log()
        pending = [d for d in deliveries if d[2] not in log]
        if pending:
            body: Body = post.extra["body"]
            inline = self._inline_image(body)
            now = datetime.now(UTC)
            with self._connect() as smtp:
                for handled, (press_list, address, message_id) in enumerate(pending, 1):
                    try:
                        message = build(body, self._envelope(post, press_list, address, message_id, now), inline)
                    except HeaderError as exc:
                        raise PermanentError(f"correo: {exc}") from None
                    status = self._send(smtp, message, address)
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

    def _summary(self, post: Post, deliveries: list[tuple[str, str, str]], log: SentLog) -> Published:
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

    def _deliveries(self, post: Post) -> list[tuple[str, str, str]]:
        """(list, address, Message-ID) for each recipient, once per address across lists."""
        wanted: tuple[str, ...] = post.extra["lists"]
        if not wanted:
            return []
        lists = load_lists(self.options.recipients_file, self.options.recipients_env)
        unknown = [name for name in wanted if name not in lists]
        if unknown:
            raise PermanentError(
                f"correo: el comunicado pide las listas {', '.join(unknown)}, que no están en el archivo de destinatarios"
            )
        seen: set[str] = set()
        deliveries = []
        for name in wanted:
            for address in lists[name]:
                if address.lower() in seen:
                    continue
                seen.add(address.lower())
                deliveries.append((name, address, self._message_id(post.key, name, address)))
        return deliveries

    def _message_id(self, key: str, press_list: str, address: str) -> str:
        who = hashlib.sha256(f"{press_list}\n{address.lower()}".encode()).hexdigest()[:20]
        return f"<pregon.{key}.{who}@{self.domain}>"

    def _sent_log(self) -> SentLog:
        """The explicit private ``sent_log`` file, else the records' ``email/`` folder, else a
        private file next to the recipients (a channel used outside a run, e.g. in a script)."""
        path, folder = self.options.sent_log, False
        if path is None and self._records is not None:
            path, folder = self._records, True
        if path is None:
            if self.options.recipients_file is None:
                raise PermanentError(
                    "correo: falta channels.email.sent_log; sin archivo de destinatarios indique dónde "
                    "guardar el registro privado de envíos"
                )
            path = self.options.recipients_file.parent / "pregon-enviados.jsonl"
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

    def _envelope(self, post: Post, press_list: str, address: str, message_id: str, now: datetime) -> Envelope:
        thread_key = post.extra["thread_key"]
        return Envelope(
            sender=self.options.sender,
            recipient=address,
            message_id=message_id,
            list_id=f"{press_list}.{self.domain}",
            list_label=press_list,
            unsubscribe_url=self._unsubscribe_url(press_list, address),
            unsubscribe_mailto=(
                f"mailto:{self.options.unsubscribe_mailto}?subject={quote('baja ' + press_list)}"
                if self.options.unsubscribe_mailto
                else None
            ),
            in_reply_to=self._message_id(thread_key, press_list, address) if thread_key else None,
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

    def _inline_image(self, body: Body) -> media_files.ImageFile | None:
        """The main image from the live portal if it is small enough to travel inline, else None (linked)."""
        if not body.image_url:
            return None
        try:
            data = media_files.fetch(body.image_url)
            image = media_files.describe(data)
        except media_files.MediaError as exc:
            raise PermanentError(f"correo: {exc}") from None
        return image if len(data) <= self.options.inline_image_max_bytes else None

    # --- SMTP --------------------------------------------------------------------------------
    def _connect(self) -> smtplib.SMTP:
        """An authenticated SMTP session over a verified TLS connection."""
        context = ssl.create_default_context(cafile=str(self.options.ca_file) if self.options.ca_file else None)
        host, port, timeout = self.options.host, self.options.port, self.options.timeout
        smtp: smtplib.SMTP | None = None
        try:
            if self.options.security == "tls":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
                smtp.ehlo()
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.options.username:
                password = os.environ.get(self.options.password_env)
                if not password:
                    raise PermanentError(
                        f"correo: falta la variable de entorno {self.options.password_env} (contraseña SMTP)"
                    )
                REDACTOR.add(password)
                REDACTOR.add_pair(self.options.username, password)
                _login(smtp, self.options.username, password)
            return smtp
        except ChannelError:
            _quietly_close(smtp)
            raise
        except ssl.SSLCertVerificationError as exc:
            _quietly_close(smtp)
            raise PermanentError(
                f"correo: el certificado del servidor SMTP no es válido ({exc.verify_message})"
            ) from None
        except smtplib.SMTPNotSupportedError:
            _quietly_close(smtp)
            raise PermanentError(
                "correo: el servidor no ofrece STARTTLS; no se envía la contraseña sin cifrar"
            ) from None
        except smtplib.SMTPAuthenticationError:
            _quietly_close(smtp)
            raise AuthError("correo: el usuario o la contraseña SMTP no son válidos") from None
        except smtplib.SMTPResponseException as exc:
            _quietly_close(smtp)
            raise _smtp_error(exc) from None
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(smtp)
            kind = (
                "no respondió a tiempo"
                if isinstance(exc, socket.timeout)
                else f"falló la conexión ({exc.__class__.__name__})"
            )
            raise TransientError(f"correo: el servidor SMTP {kind}", timeout=isinstance(exc, socket.timeout)) from None


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616): smtplib's own login cannot send a non-ASCII
    password (``contraseña``) and, after one refusal, retries other mechanisms."""
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        if not (username + password).isascii():
            raise PermanentError("correo: la contraseña tiene caracteres no ASCII y el servidor no ofrece AUTH PLAIN")
        smtp.login(username, password)
        return
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _smtp_error(exc: smtplib.SMTPResponseException) -> ChannelError:
    if 400 <= exc.smtp_code < 500:
        return TransientError(f"correo: el servidor SMTP pidió reintentar ({exc.smtp_code})", status=exc.smtp_code)
    return PermanentError(f"correo: el servidor SMTP rechazó el envío ({exc.smtp_code})", status=exc.smtp_code)


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()
