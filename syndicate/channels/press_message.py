"""One press-release e-mail for one journalist, as a standard MIME message (stdlib ``email``).

Tree: ``multipart/mixed → [multipart/alternative → [text/plain, text/html], image]`` when the main
image is small enough to travel attached; ``multipart/alternative → [text/plain, text/html]``
when it is not (the message says so next to its link). Both parts carry the number, the title,
the dateline (city, date in Bogotá), the full text, every image linked at full resolution and the
press contact. The canonical URL is the first link of both parts. ``To:`` carries the journalist's
name as the press list writes it, encoded by the standard library (accents, commas). Headers follow RFC 2369/2919 (``List-Unsubscribe``, ``List-Id``) and RFC 8058
(``List-Unsubscribe-Post`` only with an HTTPS unsubscribe URL).

The standard library folds a long header by RFC 2047-encoding the words that do not fit a line,
which turns ``List-Unsubscribe`` into ``=?utf-8?q?=3Chttps…?=``: mail clients then find no link
and one-click unsubscribe (RFC 8058) breaks. Those two headers get a header class of their own
that keeps them ASCII, as written, folded only between their ``<URI>`` entries.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, default
from email.utils import format_datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from pregon.calendar_es import long_date

BOGOTA = ZoneInfo("America/Bogota")


def spanish_date(moment: datetime) -> str:
    """«20 de noviembre de 2026», the day as it is in Bogotá."""
    local = moment.astimezone(BOGOTA)
    return long_date(local)


def dateline(city: str | None, moment: datetime) -> str:
    """«San Isidro del Río, 20 de noviembre de 2026» (the date alone when the city is unknown)."""
    return f"{city}, {spanish_date(moment)}" if city else spanish_date(moment)


@dataclass(frozen=True)
class ImageLink:
    """An image of the release, linked at full resolution on the portal."""

    url: str
    alt: str
    note: str = ""
    """Said next to it, e.g. «adjunta a este correo» or why it is not attached."""


@dataclass(frozen=True)
class Attachment:
    data: bytes
    mime: str
    filename: str


@dataclass(frozen=True)
class Body:
    """The words of the message, the same for every recipient."""

    subject: str
    heading: str
    link: str
    link_label: str
    dateline: str
    content_html: str
    """The release's body as e-mail HTML (cleaned, absolute links)."""
    content_text: str
    """The same body as plain text."""
    number_label: str | None = None
    summary: str = ""
    images: tuple[ImageLink, ...] = ()
    contact: tuple[str, ...] = ()
    """Lines of the press contact (name, telephone, e-mail)."""
    signature: str = ""


@dataclass(frozen=True)
class Envelope:
    """What differs per recipient and list."""

    sender: str
    recipient: str
    recipient_name: str
    message_id: str
    list_id: str
    list_label: str
    unsubscribe_url: str | None
    unsubscribe_mailto: str | None
    in_reply_to: str | None
    date: datetime
    reply_to: str | None = None


class HeaderError(ValueError):
    """A value cannot go in a header as it is (the message says which, in Spanish)."""


_URI = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+>")  # printable ASCII without "<", ">" or spaces


class VerbatimListHeader(UnstructuredHeader):
    """``List-Unsubscribe`` / ``List-Unsubscribe-Post``: ASCII, never encoded, folded between URIs."""

    max_count = 1

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        if not value.isascii() or any(c in value for c in "\r\n\0"):
            raise HeaderError("las direcciones para darse de baja deben ser ASCII y de una sola línea")
        super().parse(value, kwds)

    def fold(self, *, policy: Any) -> str:
        entries = _URI.findall(str(self)) or [str(self)]
        name: str = self.name  # type: ignore[attr-defined]  # BaseHeader's, mixed in by the registry
        lines = [f"{name}: {entries[0]}"]
        for entry in entries[1:]:
            if len(lines[-1]) + len(entry) + 2 > (policy.max_line_length or 998):
                lines[-1] += ","
                lines.append(" " + entry)
            else:
                lines[-1] += ", " + entry
        return policy.linesep.join(lines) + policy.linesep


def _policy() -> EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    for name in ("list-unsubscribe", "list-unsubscribe-post"):
        # The registry mixes BaseHeader in, as it does for its own classes.
        registry.map_to_type(name, cast("type[BaseHeader]", VerbatimListHeader))
    return default.clone(header_factory=registry)


POLICY = _policy()


def header_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a header (Subject), in Spanish; None when it can."""
    if any(c in text for c in "\r\n"):
        return "tiene un salto de línea"
    if any(not c.isprintable() for c in text):
        return "tiene caracteres de control"
    return None


def build(body: Body, envelope: Envelope, attachment: Attachment | None) -> EmailMessage:
    """The message for one recipient; ``attachment`` is the main image when it travels in the mail.

    Tree: ``multipart/alternative → [text/plain, text/html]``, inside ``multipart/mixed`` with the
    image when there is one. Raises :class:`HeaderError` when a value cannot be a header."""
    problem = header_text_problem(body.subject)
    if problem:
        raise HeaderError(f"el asunto del correo {problem}: corrija el título del comunicado")
    message = EmailMessage(policy=POLICY)
    message["From"] = envelope.sender
    # The name is encoded (RFC 2047) and quoted by the header class: accents and commas are safe.
    local, _, domain = envelope.recipient.rpartition("@")
    try:
        message["To"] = Address(display_name=envelope.recipient_name, username=local, domain=domain)
    except (ValueError, IndexError):
        raise HeaderError("el nombre de un destinatario no cabe en el encabezado To") from None
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = body.subject
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    if envelope.in_reply_to:
        message["In-Reply-To"] = envelope.in_reply_to
        message["References"] = envelope.in_reply_to
    message["List-Id"] = f"{envelope.list_label} <{envelope.list_id}>"
    targets = [f"<{u}>" for u in (envelope.unsubscribe_url, envelope.unsubscribe_mailto) if u]
    message["List-Unsubscribe"] = ", ".join(targets)
    if envelope.unsubscribe_url and envelope.unsubscribe_url.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    message.set_content(_text(body) + _text_footer(envelope), cte="quoted-printable")
    message.add_alternative(_html(body, envelope), subtype="html", cte="quoted-printable")
    if attachment is not None:
        maintype, subtype = attachment.mime.split("/")
        message.add_attachment(attachment.data, maintype, subtype, filename=attachment.filename)
    return message


def _unsubscribe_target(envelope: Envelope) -> str | None:
    return envelope.unsubscribe_url or envelope.unsubscribe_mailto


def _text(body: Body) -> str:
    """The plain-text part: the canonical URL is its first link."""
    lines = [body.number_label] if body.number_label else []
    lines += [body.heading, "", f"{body.link_label}: {body.link}", ""]
    if body.summary:
        lines += [body.summary, ""]
    lines += [f"{body.dateline}. {body.content_text}".strip(), ""]
    if body.images:
        lines.append("Imágenes en alta resolución:")
        lines += [f"- {i.alt or 'Imagen'}: {i.url}" + (f" ({i.note})" if i.note else "") for i in body.images]
        lines.append("")
    if body.contact:
        lines += ["Contacto de prensa:", *body.contact, ""]
    if body.signature:
        lines.append(body.signature)
    return "\n".join(lines).rstrip()


def _text_footer(envelope: Envelope) -> str:
    target = _unsubscribe_target(envelope)
    line = f"\n\n--\nRecibe este correo por estar en la lista «{envelope.list_label}»."
    if target:
        line += f"\nPara no recibir más comunicados: {target.removeprefix('mailto:').split('?')[0]}"
    return line + "\n"


def _html(body: Body, envelope: Envelope) -> str:
    e = html.escape
    parts = [
        '<!doctype html><html lang="es"><head><meta charset="utf-8">',
        f"<title>{e(body.subject)}</title></head>",
        '<body style="font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;color:#1a1a1a">',
    ]
    if body.number_label:
        parts.append(f'<p style="font-size:13px;color:#555">{e(body.number_label)}</p>')
    parts += [
        f'<h1 style="font-size:22px">{e(body.heading)}</h1>',
        f'<p><a href="{e(body.link)}">{e(body.link_label)}</a></p>',
    ]
    if body.summary:
        parts.append(f"<p><strong>{e(body.summary)}</strong></p>")
    main = body.images[0] if body.images else None
    if main is not None:
        parts.append(
            f'<p><a href="{e(main.url)}"><img src="{e(main.url)}" alt="{e(main.alt)}" '
            'style="max-width:100%;height:auto"></a></p>'
        )
    parts += [f'<p class="dateline"><strong>{e(body.dateline)}.</strong></p>', body.content_html]
    if body.images:
        parts.append('<h2 style="font-size:16px">Imágenes en alta resolución</h2><ul>')
        for image in body.images:
            note = f" ({e(image.note)})" if image.note else ""
            parts.append(f'<li><a href="{e(image.url)}">{e(image.alt or "Imagen")}</a>{note}</li>')
        parts.append("</ul>")
    if body.contact:
        parts.append('<h2 style="font-size:16px">Contacto de prensa</h2>')
        parts.append("<p>" + "<br>".join(e(line) for line in body.contact) + "</p>")
    if body.signature:
        parts.append(f"<p>{e(body.signature)}</p>")
    footer = f"Recibe este correo por estar en la lista «{e(envelope.list_label)}»."
    target = _unsubscribe_target(envelope)
    if target:
        footer += f' <a href="{e(target)}">Cancelar la suscripción</a>.'
    parts += [f'<hr><p style="font-size:12px;color:#555">{footer}</p>', "</body></html>"]
    return "\n".join(parts)
