"""Alerts to the office: what went wrong in a run reaches a person, not only a CI log.

Configuration (``syndicate: alerts:``)::

    alerts:
      email: prensa@alcaldia.gov.co            # one address or a list
      smtp:                                   # optional: by default, the e-mail channel's settings
        host: smtp.alcaldia.gov.co
        port: 587
        security: starttls                    # or tls; none only for a local relay (see smtp_connection)
        username: pregon@alcaldia.gov.co
        password_env: PREGON_SMTP_PASSWORD     # the variable's name, never the password
        sender: Pregón <pregon@alcaldia.gov.co>
      token_days: 7                           # warn when a token expires within this many days

An alert is sent when a run failed (an error row, or nothing could be done), when a post is
"por verificar" (sent but unconfirmed: a person must look at the network), or when a token was
refused or is about to expire. The command that raised it still exits non-zero, so the CI job is
red as well. The message never carries a secret: it is made of the run table's rows, which the
redaction layer already cleaned.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .smtp_connection import SmtpConnectError, SmtpConnection, open_session

if TYPE_CHECKING:  # the report imports the channels, which import the configuration, which imports this
    from .report import RunReport

# The status a post gets when it was sent but could not be confirmed (helper h3 names it).
UNVERIFIED = "unverified"
_TOKEN_WORDS = ("token", "credencial", "401", "contraseña")


class SmtpSettings(SmtpConnection):
    """How to reach the SMTP server: the e-mail channel's connection keys (one shared model,
    :class:`.smtp_connection.SmtpConnection`) and who the alerts come from."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sender: str


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: tuple[str, ...] = ()
    smtp: SmtpSettings | None = None
    token_days: int = Field(7, ge=0)

    @field_validator("email", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        for address in value or ():
            if "@" not in parseaddr(str(address))[1]:
                raise ValueError(f"{address!r} no es una dirección de correo")
        return value


class AlertError(RuntimeError):
    """The alert could not be sent (Spanish, without secrets)."""


def smtp_settings(alerts: AlertsConfig, channels: Mapping[str, Mapping[str, Any]]) -> SmtpSettings | None:
    """``alerts.smtp``, or the settings of the e-mail channel (``network: email`` or key ``email``)."""
    if alerts.smtp is not None:
        return alerts.smtp
    for key, options in channels.items():
        if (options or {}).get("network", key) == "email" and (options or {}).get("host"):
            return SmtpSettings.model_validate(options)
    return None


def send_mail(settings: SmtpSettings, to: tuple[str, ...], subject: str, text: str) -> None:
    """One plain-text message over the shared SMTP session (verified TLS unless a plain local relay
    is explicitly configured), authenticated if a user is set."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    # A header holds one line: `pregon alerta --motivo` comes from a CI script, which may pass a
    # multi-line value (EmailMessage would raise rather than send the alert).
    message["Subject"] = " ".join("".join(c if c.isprintable() else " " for c in subject).split())
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message.set_content(text)
    try:
        with open_session(settings) as smtp:
            smtp.send_message(message, from_addr=parseaddr(settings.sender)[1], to_addrs=list(to))
    except SmtpConnectError as exc:
        if exc.kind == "auth":
            raise AlertError("el servidor SMTP rechazó el usuario o la contraseña") from None
        raise AlertError(str(exc)) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertError(f"no se pudo enviar por SMTP a {settings.host} ({exc.__class__.__name__})") from None


@dataclass(frozen=True)
class Alert:
    subject: str
    lines: tuple[str, ...]


def run_alert(report: RunReport, site: str) -> Alert | None:
    """What the office must know about a syndication run, or None when all is well (or a dry run)."""
    from .report import LABELS

    if report.dry_run:
        return None
    lines: list[str] = []
    reasons: list[str] = []
    if report.fatal:
        reasons.append("la difusión no pudo hacerse")
        lines.append(f"Error: {report.fatal}")
    failed = [o for o in report.outcomes if o.status == "error"]
    unverified = [o for o in report.outcomes if o.status == UNVERIFIED]
    if failed:
        reasons.append(f"{len(failed)} publicación(es) con error")
    if any(any(w in o.detail.lower() for w in _TOKEN_WORDS) for o in failed):
        reasons.append("un token o credencial fue rechazado")
    if unverified:
        reasons.append(f"{len(unverified)} publicación(es) por verificar")
    for o in failed + unverified:
        update = f" (actualización {o.update})" if o.update else ""
        lines.append(f"- {o.item}{update} · {o.channel} · {LABELS.get(o.status, o.status)}: {o.detail}")
    if not reasons:
        return None
    header = [f"Portal: {site}", *_where(), ""]
    return Alert("Pregón: " + "; ".join(reasons), tuple(header + lines))


def token_alert(name: str, expires: datetime | None, days: int, now: datetime | None = None) -> Alert | None:
    """A warning when the token called ``name`` expires within ``days`` days (None otherwise)."""
    now = now or datetime.now(UTC)
    if expires is None or expires - now > timedelta(days=days):
        return None
    expired = expires <= now
    return Alert(
        f"Pregón: el token de {name} {'venció' if expired else 'vence pronto'}",
        (
            *_where(),
            f"El token de {name} {'venció' if expired else 'vence'} el {expires:%Y-%m-%d %H:%M} UTC: "
            "renuévelo en los secretos del CI.",
        ),
    )


def _where() -> list[str]:
    """The CI run that raised the alert, when there is one."""
    run = os.environ.get("GITHUB_RUN_ID")
    where = (
        f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com')}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{run}"
        if run and os.environ.get("GITHUB_REPOSITORY")
        else os.environ.get("CI_PIPELINE_URL", "")
    )
    return [f"Ejecución: {where}"] if where else []


def failure_alert(what: str, detail: str) -> Alert:
    """A CI job that failed before or outside the syndication run (build, deploy, approvals)."""
    return Alert(f"Pregón: falló {what}", (detail,))


def deliver(alert: Alert, alerts: AlertsConfig, channels: Mapping[str, Mapping[str, Any]]) -> str:
    """Send ``alert``; returns what happened, for the log (Spanish). Raises AlertError on failure."""
    if not alerts.email:
        return "no hay syndicate.alerts.email configurado: el aviso queda solo en el registro del CI"
    settings = smtp_settings(alerts, channels)
    if settings is None:
        raise AlertError("syndicate.alerts: falta smtp (y no hay canal de correo del que tomarlo)")
    body = "\n".join(alert.lines) + "\n\nEste mensaje lo envía Pregón automáticamente.\n"
    send_mail(settings, alerts.email, alert.subject, body)
    return f"aviso enviado a {', '.join(alerts.email)}"


def notify(alert: Alert | None, alerts: AlertsConfig, channels: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Deliver ``alert`` if there is one; the line to print (Spanish). Never raises: a broken
    alert path is reported, and the run keeps its own exit status."""
    if alert is None:
        return None
    try:
        return deliver(alert, alerts, channels)
    except AlertError as exc:
        return f"no se pudo enviar el aviso a la oficina: {exc}"
