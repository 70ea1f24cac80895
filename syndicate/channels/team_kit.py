"""Kit de difusión del equipo: for each published release, ready-to-forward texts for the team.

Offices ask each member of the communications team to pass every release on to their own
WhatsApp broadcast lists and personal accounts. This channel sends the team, once per release and
only after the release is live (it is a channel like the others: web-first, approved, ledgered),
one message with, per network, the text to forward and a link that opens the network's own share
screen with it filled in — for WhatsApp a ``https://wa.me/?text=…`` link (text URL-encoded as
``encodeURIComponent`` does), which lets each person pick their list or contact.

Configuration (``channels.kit-equipo``)::

    kit-equipo:
      networks: [whatsapp, facebook, x, linkedin, telegram]   # texts in the kit, in this order
      recipients_file: !ENV PREGON_PRESS_LISTS_FILE   # private file of lists (as for e-mail)
      list: equipo                                    # the list with the team's addresses
      email:                                          # the office's SMTP server
        host: smtp.alcaldia.gov.co
        port: 587
        security: starttls                            # or tls (port 465)
        username: prensa@alcaldia.gov.co
        password_env: PREGON_SMTP_PASSWORD
        sender: "Oficina de Prensa <prensa@alcaldia.gov.co>"
      telegram:                                       # optional: the team's Telegram group
        bot_token: !ENV TELEGRAM_BOT_TOKEN            # the bot may be the Telegram channel's own
        chat_id: "-1001234567890"

The texts follow each network's override in the release (``social.whatsapp``, ``social.x``…) or
the default wording; X's text is counted as X counts it and flagged when over 280. The e-mail is
one message to the whole team with a deterministic Message-ID; the Telegram part goes through the
Telegram channel. Neither SMTP nor the Bot API can be asked afterwards what arrived, so a run that
dies between sending and recording sends the kit again on the next run (the copy carries the same
Message-ID); nothing reaches journalists or citizens through this channel.
"""

from __future__ import annotations

import html
import smtplib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field

from ..counting import count
from ..manifest import Item, Update
from ..text import compose
from .base import Channel, NotSupported, PermanentError, Post, Published, TransientError
from .email import EmailChannel, _quietly_close, _smtp_error
from .options import ChannelOptions, parse_options
from .press_lists import load_lists
from .telegram import TelegramChannel

LABELS = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "x": "X (Twitter)",
    "linkedin": "LinkedIn",
    "telegram": "Telegram",
    "bluesky": "Bluesky",
    "threads": "Threads",
    "mastodon": "Mastodon",
    "instagram": "Instagram",
}
DEFAULT_TEMPLATES = {"whatsapp": "*{title}*\n\n{summary}\n\n{url}"}
X_LIMIT = 280
TELEGRAM_LIMIT = 4096


def share_link(network: str, text: str, url: str) -> str | None:
    """The network's public share screen with ``text`` (or the page) filled in; None if it has none."""
    t, u = _encode(text), _encode(url)
    links = {
        "whatsapp": f"https://wa.me/?text={t}",
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={u}",
        "x": f"https://x.com/intent/post?text={t}",
        "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
        "telegram": f"https://t.me/share/url?url={u}&text={_encode(text.replace(url, '').strip())}",
        "bluesky": f"https://bsky.app/intent/compose?text={t}",
        "threads": f"https://www.threads.net/intent/post?text={t}",
    }
    return links.get(network)


def _encode(text: str) -> str:
    """JavaScript's ``encodeURIComponent``: what share links expect (space → %20, newline → %0A)."""
    return quote(text, safe="-_.!~*'()")


class TeamKitOptions(ChannelOptions):
    networks: tuple[str, ...] = ("whatsapp", "facebook", "x", "linkedin", "telegram")
    recipients_file: Path | None = None
    recipients_env: str = "PREGON_PRESS_LISTS"
    list: str = "equipo"
    email: dict[str, Any] | None = None
    """SMTP settings, the keys of the e-mail channel's (host, port, security, username…)."""
    telegram: dict[str, Any] | None = None
    templates: dict[str, str] = Field(default_factory=dict)
    """Per-network text templates for the kit (fields as in ``syndicate/text.py``)."""


class TeamKitChannel(Channel):
    name: ClassVar[str] = "kit-equipo"
    options_model = TeamKitOptions
    read_back_unavailable = "el mensaje al equipo no se puede leer de vuelta"
    text_limit: ClassVar[int] = 100_000
    max_images: ClassVar[int] = 0

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(TeamKitOptions, self.config, self.name)
        unknown = [n for n in self.options.networks if n not in LABELS]
        if unknown:
            raise ValueError(f"channels.{self.name}.networks: redes desconocidas {', '.join(unknown)}")
        if self.options.email is None and self.options.telegram is None:
            raise ValueError(f"channels.{self.name}: configure email (SMTP) o telegram para enviar el kit al equipo")
        self._telegram = TelegramChannel(self.options.telegram) if self.options.telegram is not None else None
        self._mailer = _mailer(self.options.email, self.name) if self.options.email is not None else None
        self._done: dict[str, dict[str, str]] = {}
        """Parts (email, telegram) already sent per post key in this process: a retry skips them."""

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        if update is not None:
            return self.new_post(
                item,
                update,
                text="",
                length=0,
                limit=self.text_limit,
                skip="el kit va con el comunicado, no con sus actualizaciones",
            )
        blocks: list[dict[str, Any]] = []
        problems = []
        for network in self.options.networks:
            template = self.options.templates.get(network) or DEFAULT_TEMPLATES.get(network)
            text = compose(item, network, template)
            note = ""
            if network == "x":
                weight = count("x", text)
                note = f"{weight}/{X_LIMIT} caracteres ponderados" + (
                    " — ACÓRTELO antes de publicar" if weight > X_LIMIT else ""
                )
            blocks.append(
                {
                    "network": network,
                    "label": LABELS[network],
                    "text": text,
                    "link": share_link(network, text, item.url),
                    "note": note,
                }
            )
        lines = [
            f"Kit de difusión — {item.title}",
            f"Publicado en el portal: {item.url}",
            "",
            "Reenvíe este comunicado a sus listas de difusión y cuentas: copie el texto de cada red o abra su enlace.",
            "",
        ]
        for block in blocks:
            lines += [f"== {block['label']} ==", block["text"]]
            if block["note"]:
                lines.append(f"({block['note']})")
            if block["link"]:
                lines.append(f"Abrir en {block['label']}: {block['link']}")
            lines.append("")
        text = "\n".join(lines).strip() + "\n"
        telegram_length = count("telegram_text", text)
        if self._telegram is not None and telegram_length > TELEGRAM_LIMIT:
            problems.append(
                f"kit-equipo: el kit tiene {telegram_length} unidades UTF-16 y Telegram admite {TELEGRAM_LIMIT}; configure menos redes en `networks`"
            )
        return self.new_post(
            item,
            update,
            text=text,
            length=len(text),
            limit=self.text_limit,
            link=item.url,
            problems=tuple(problems),
            extra={"blocks": blocks, "subject": f"Para difundir: {' '.join(item.title.split())}", "title": item.title},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        if post.skip:
            raise NotSupported(f"kit-equipo: {post.skip}")
        done = self._done.setdefault(post.key, {})
        if self._mailer is not None and "email" not in done:
            done["email"] = self._send_mail(post, self._mailer)
        if self._telegram is not None and "telegram" not in done:
            done["telegram"] = self._send_telegram(post, self._telegram)
        return Published(remote_id=done.get("email") or done["telegram"], extra=dict(done))

    def find_existing(self, post: Post) -> Published | None:
        """Only this process remembers what went out (see the module notes)."""
        done = self._done.get(post.key) or {}
        wanted = {"email"} if self._mailer is not None else set()
        wanted |= {"telegram"} if self._telegram is not None else set()
        return (
            Published(done.get("email") or done.get("telegram", ""), extra=dict(done)) if wanted <= set(done) else None
        )

    def _send_mail(self, post: Post, mailer: EmailChannel) -> str:
        team = self._team()
        sender = mailer.sender_address
        message_id = f"<pregon.kit.{post.key}@{mailer.domain}>"
        message = EmailMessage()
        message["From"] = mailer.options.sender
        message["To"] = ", ".join(team)
        message["Subject"] = post.extra["subject"]
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = message_id
        message.set_content(post.text, cte="quoted-printable")
        message.add_alternative(_html(post), subtype="html", cte="quoted-printable")
        session = mailer._connect()  # the e-mail channel's verified TLS and AUTH, whatever its options
        try:
            refused = session.send_message(message, from_addr=sender, to_addrs=list(team))
        except smtplib.SMTPRecipientsRefused:
            raise PermanentError("kit-equipo: el servidor SMTP rechazó todas las direcciones del equipo") from None
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(exc) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"kit-equipo: se cortó la conexión SMTP ({exc.__class__.__name__})") from None
        finally:
            _quietly_close(session)
        if refused:
            return f"{message_id} ({len(refused)} direcciones rechazadas)"
        return message_id

    def _send_telegram(self, post: Post, telegram: TelegramChannel) -> str:
        message = Post(
            channel=telegram.name,
            item_id=post.item_id,
            key=post.key,
            text=post.text,
            length=count("telegram_text", post.text),
            limit=TELEGRAM_LIMIT,
            link=post.link,
            extra={"method": "sendMessage", "html": html.escape(post.text, quote=False)},
        )
        return f"telegram:{telegram.publish(message).remote_id}"

    def _team(self) -> tuple[str, ...]:
        lists = load_lists(self.options.recipients_file, self.options.recipients_env)
        team = lists.get(self.options.list)
        if not team:
            raise PermanentError(
                f"kit-equipo: la lista «{self.options.list}» no está en el archivo de destinatarios o está vacía"
            )
        return team

    def close(self) -> None:
        if self._telegram is not None:
            self._telegram.close()


def _html(post: Post) -> str:
    e = html.escape
    parts = [
        '<!doctype html><html lang="es"><head><meta charset="utf-8">',
        f"<title>{e(post.extra['subject'])}</title></head>",
        '<body style="font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;color:#1a1a1a">',
        f'<h1 style="font-size:20px">Kit de difusión — {e(post.extra["title"])}</h1>',
        f'<p>Publicado en el portal: <a href="{e(post.link or "")}">{e(post.link or "")}</a></p>',
        "<p>Reenvíe este comunicado a sus listas de difusión y cuentas: copie el texto de cada red o abra su enlace.</p>",
    ]
    for block in post.extra["blocks"]:
        parts.append(f'<h2 style="font-size:16px">{e(block["label"])}</h2>')
        parts.append(
            f'<pre style="white-space:pre-wrap;font-family:inherit;background:#f4f4f4;padding:8px">{e(block["text"])}</pre>'
        )
        if block["note"]:
            parts.append(f"<p><small>{e(block['note'])}</small></p>")
        if block["link"]:
            parts.append(f'<p><a href="{e(block["link"])}">Abrir en {e(block["label"])}</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _mailer(settings: Mapping[str, Any], channel: str) -> EmailChannel:
    """An e-mail channel used only for its SMTP session (its lists and unsubscribe rules are unused)."""
    sender = str(settings.get("sender") or "")
    try:
        return EmailChannel({**settings, "unsubscribe_mailto": sender.rpartition("<")[2].rstrip(">") or "x@x"})
    except ValueError as exc:
        raise ValueError(str(exc).replace("channels.email", f"channels.{channel}.email")) from None
