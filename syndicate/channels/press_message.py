"""One press-release e-mail for one journalist, as a standard MIME message (stdlib ``email``).

Tree: ``multipart/alternative → [text/plain, multipart/related → [text/html, image]]`` when the
main image is small enough to travel inline (``cid:``); ``multipart/alternative → [text/plain,
text/html]`` with the image linked from the portal when it is not. The canonical URL is the first
link of both parts. Headers follow RFC 2369/2919 (``List-Unsubscribe``, ``List-Id``) and RFC 8058
(``List-Unsubscribe-Post`` only with an HTTPS unsubscribe URL).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

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


def build(body: Body, envelope: Envelope, inline: ImageFile | None) -> EmailMessage:
    """The message for one recipient; ``inline`` is the main image when it travels in the mail."""
    message = EmailMessage()
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
