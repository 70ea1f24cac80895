"""One press-release e-mail for one journalist, as a standard MIME message (stdlib ``email``).

Tree: ``multipart/alternative → [text/plain, multipart/related → [text/html, image]]`` when the
main image is small enough to travel inline (``cid:``); ``multipart/alternative → [text/plain,
text/html]`` with the image linked from the portal when it is not. The canonical URL is the first
link of both parts. Headers follow RFC 2369/2919 (``List-Unsubscribe``, ``List-Id``) and RFC 8058
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
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, default
from email.utils import format_datetime
from typing import Any, cast

from ..media import ImageFile


@dataclass(frozen=True)
class Body:
    """The words of the message, the same for every recipient."""

    subject: str
    heading: str
    text: str
    """Plain-text part (without the per-recipient footer)."""
    paragraphs: tuple[str, ...]
    link: str
    link_label: str
    image_url: str | None = None
    image_alt: str = ""
    signature: str = ""


@dataclass(frozen=True)
class Envelope:
    """What differs per recipient and list."""

    sender: str
    recipient: str
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


def build(body: Body, envelope: Envelope, inline: ImageFile | None) -> EmailMessage:
    """The message for one recipient; ``inline`` is the main image when it travels in the mail.

    Raises :class:`HeaderError` when a value cannot be a header (a title with a line break)."""
    problem = header_text_problem(body.subject)
    if problem:
        raise HeaderError(f"el asunto del correo {problem}: corrija el título del comunicado")
    message = EmailMessage(policy=POLICY)
    message["From"] = envelope.sender
    message["To"] = envelope.recipient
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

    message.set_content(body.text + _text_footer(envelope), cte="quoted-printable")
    cid = f"imagen-principal.{envelope.message_id.strip('<>')}" if inline else None
    message.add_alternative(
        _html(body, envelope, f"cid:{cid}" if cid else body.image_url), subtype="html", cte="quoted-printable"
    )
    if inline is not None and cid is not None:
        maintype, subtype = inline.mime.split("/")
        html_part = list(message.iter_parts())[1]
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(
            inline.data, maintype, subtype, cid=f"<{cid}>", filename=f"imagen.{subtype}", disposition="inline"
        )
    return message


def _unsubscribe_target(envelope: Envelope) -> str | None:
    return envelope.unsubscribe_url or envelope.unsubscribe_mailto


def _text_footer(envelope: Envelope) -> str:
    target = _unsubscribe_target(envelope)
    line = f"\n\n--\nRecibe este correo por estar en la lista «{envelope.list_label}»."
    if target:
        line += f"\nPara no recibir más comunicados: {target.removeprefix('mailto:').split('?')[0]}"
    return line + "\n"


def _html(body: Body, envelope: Envelope, image_src: str | None) -> str:
    e = html.escape
    parts = [
        '<!doctype html><html lang="es"><head><meta charset="utf-8">',
        f"<title>{e(body.subject)}</title></head>",
        '<body style="font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;color:#1a1a1a">',
        f'<h1 style="font-size:22px">{e(body.heading)}</h1>',
        f'<p><a href="{e(body.link)}">{e(body.link_label)}</a></p>',
        *(f"<p>{e(p)}</p>" for p in body.paragraphs),
    ]
    if image_src:
        parts.append(f'<p><img src="{e(image_src)}" alt="{e(body.image_alt)}" style="max-width:100%;height:auto"></p>')
    if body.signature:
        parts.append(f"<p>{e(body.signature)}</p>")
    footer = f"Recibe este correo por estar en la lista «{e(envelope.list_label)}»."
    target = _unsubscribe_target(envelope)
    if target:
        footer += f' <a href="{e(target)}">Cancelar la suscripción</a>.'
    parts += [f'<hr><p style="font-size:12px;color:#555">{footer}</p>', "</body></html>"]
    return "\n".join(parts)
