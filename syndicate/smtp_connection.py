"""How Pregón reaches an SMTP server: one model and one way to open a session, for every sender.

The e-mail channel (``channels.email``), the office alerts (``alerts.smtp``) and the approval
previews share these keys and this behaviour, so a server that works for one works for all:

* ``security: starttls`` (default, port 587) or ``security: tls`` (implicit TLS, port 465): the
  certificate is always verified (``ca_file`` adds a private CA) and the password, read only from
  the variable named by ``password_env``, travels only inside TLS.
* ``security: none`` — a plain relay without TLS — only when the office says so explicitly: the
  host is the machine itself (``127.0.0.1``, ``::1``, ``localhost``) or ``allow_plaintext: true``
  is set, and never with a user and password (they would cross the network in clear). Anything
  else is a Spanish configuration error naming the key.

Errors come out as :class:`SmtpConnectError` with a Spanish message and a ``kind`` (``auth``,
``permanent``, ``transient``) that each caller maps to its own exceptions.
"""

from __future__ import annotations

import base64
import contextlib
import os
import smtplib
import socket
import ssl
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class SmtpConnection(BaseModel):
    """The connection keys shared by ``channels.email``, ``alerts.smtp`` (and the team kit)."""

    host: str
    port: int = 587
    allow_plaintext: bool = False
    """With ``security: none`` towards a host other than this machine: the office accepts a relay
    without TLS (a relay on its own network). Never enough for credentials."""
    username: str = ""
    password_env: str = "PREGON_SMTP_PASSWORD"
    ca_file: Path | None = None
    timeout: float = 30.0
    security: Literal["starttls", "tls", "none"] = "starttls"
    """Last, so that its check sees the host, the user and ``allow_plaintext``."""

    @field_validator("security")
    @classmethod
    def _plaintext_only_when_explicit(cls, value: str, info: ValidationInfo) -> str:
        if value != "none":
            return value
        host = str(info.data.get("host", ""))
        if info.data.get("username"):
            raise PydanticCustomError(
                "smtp_plaintext",
                "security: none envía sin cifrar; un relé sin TLS no puede llevar usuario ni contraseña "
                "(quite username o use security: starttls)",
            )
        if host.lower() not in LOOPBACK_HOSTS and not info.data.get("allow_plaintext"):
            raise PydanticCustomError(
                "smtp_plaintext",
                "security: none enviaría los comunicados sin cifrar por la red hacia {host}; solo se permite "
                "hacia 127.0.0.1/localhost o con allow_plaintext: true",
                {"host": host},
            )
        return value


class SmtpConnectError(Exception):
    """The session could not be opened (Spanish, without secrets)."""

    def __init__(self, message: str, kind: Literal["auth", "permanent", "transient"], *, timeout: bool = False):
        super().__init__(message)
        self.kind = kind
        self.timeout = timeout


def open_session(settings: SmtpConnection, *, learn_secret: object = None) -> smtplib.SMTP:
    """An SMTP session as ``settings`` says: verified TLS (or the explicitly allowed plain relay),
    authenticated when a user is set. ``learn_secret`` (optional) is called with the password
    before it is used, so the redaction layer knows it."""
    host, port, timeout = settings.host, settings.port, settings.timeout
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == "none":
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            smtp.ehlo()
            return smtp
        context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            smtp.ehlo()
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username:
            password = os.environ.get(settings.password_env)
            if not password:
                raise SmtpConnectError(
                    f"falta la variable de entorno {settings.password_env} (contraseña SMTP)", "permanent"
                )
            if callable(learn_secret):
                learn_secret(password)
            login_utf8(smtp, settings.username, password)
        return smtp
    except SmtpConnectError:
        quietly_close(smtp)
        raise
    except ssl.SSLCertVerificationError as exc:
        quietly_close(smtp)
        raise SmtpConnectError(
            f"el certificado del servidor SMTP no es válido ({exc.verify_message})", "permanent"
        ) from None
    except smtplib.SMTPNotSupportedError:
        quietly_close(smtp)
        raise SmtpConnectError(
            "el servidor no ofrece STARTTLS; no se envía nada sin cifrar (para un relé local sin TLS "
            "configure security: none)",
            "permanent",
        ) from None
    except smtplib.SMTPAuthenticationError:
        quietly_close(smtp)
        raise SmtpConnectError("el usuario o la contraseña SMTP no son válidos", "auth") from None
    except smtplib.SMTPResponseException as exc:
        quietly_close(smtp)
        kind: Literal["transient", "permanent"] = "transient" if 400 <= exc.smtp_code < 500 else "permanent"
        raise SmtpConnectError(f"el servidor SMTP respondió {exc.smtp_code} al conectar", kind) from None
    except ssl.SSLError as exc:
        quietly_close(smtp)
        raise SmtpConnectError(
            f"el servidor SMTP no ofrece una conexión TLS válida ({exc.__class__.__name__})", "permanent"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        quietly_close(smtp)
        slow = isinstance(exc, socket.timeout)
        what = "no respondió a tiempo" if slow else f"falló la conexión ({exc.__class__.__name__})"
        raise SmtpConnectError(f"el servidor SMTP {what}", "transient", timeout=slow) from None


def login_utf8(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616): smtplib's own login cannot send a non-ASCII
    password (``contraseña``) and, after one refusal, retries other mechanisms."""
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        if not (username + password).isascii():
            raise SmtpConnectError(
                "la contraseña tiene caracteres no ASCII y el servidor no ofrece AUTH PLAIN", "permanent"
            )
        smtp.login(username, password)
        return
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError):
        smtp.close()
