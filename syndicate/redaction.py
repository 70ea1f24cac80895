"""One redaction layer for the whole run: no secret reaches stdout, stderr, logs or ``records/``.

* :data:`REDACTOR` knows every secret value of the configuration (``SecretStr`` options and
  ``!ENV`` values of every account, registered when an account is opened) and the secrets a run
  derives (session tokens), with the forms they take on the wire: URL-encoded, base64 (HTTP Basic
  ``user:pass``, SMTP ``AUTH PLAIN``), JSON-escaped. :func:`redact` replaces them, and token-shaped
  text (``/bot<token>/`` path segments, ``Bearer …``, ``access_token=…`` query values, JWTs), in
  any string. Channel errors are redacted when they are made (:class:`base.ChannelError`), and so
  are the ledger's lines, the run's report rows and every log record of the process: an API that
  echoes the request in its error body cannot carry a secret into stdout, stderr or ``records/``.
* On GitHub Actions (``GITHUB_ACTIONS=true``) every registered value and derived form (above all
  the secrets a run learns, such as a Bluesky session token, which GitHub cannot know) is announced
  with ``::add-mask::`` before anything could print it, so the runner's log masks it too.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

HIDDEN = "[secreto oculto]"
MIN_SECRET_LENGTH = 6
"""Shorter values are not credentials; replacing them would mangle ordinary text."""

_TOKEN_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Telegram bot tokens: /bot123456:AA…/method
    (re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{20,}"), f"bot{HIDDEN}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+(?!\[secreto)[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {HIDDEN}"),
    (
        re.compile(
            r"(?i)([?&;]|\b)((?:access_|refresh_|id_|bot_|app_|api_|client_)?(?:token|key|secret|password|"
            r"passwd|signature)=)(?!\[secreto)[^&#\s\"'<>]+"
        ),
        rf"\1\2{HIDDEN}",
    ),
    (re.compile(r'(?i)(oauth_(?:token|consumer_key|signature|nonce)=")(?!\[secreto)[^"]*'), rf"\1{HIDDEN}"),
    # JSON Web Tokens (atproto sessions, Google id tokens): header.payload.signature
    (re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"), HIDDEN),
)


def derived_forms(secret: str) -> set[str]:
    """The ways ``secret`` can appear in a request, a response or an error text."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        html.escape(secret),
        base64.b64encode(secret.encode()).decode(),
        base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="),
        # Python's repr of the value, as libraries quote a refused one («Illegal header value
        # b'Bearer abc\\n'»), and the value without the line break a pasted secret often ends in.
        repr(secret)[1:-1],
        repr(secret.encode())[2:-1],
        secret.strip(),
    }
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


class Redactor:
    """Replaces every registered secret (in every derived form) and token-shaped text."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, secret: object) -> None:
        """Register a secret value (a ``str`` or a ``SecretStr``) in all its derived forms."""
        value = _plain(secret)
        if value is not None and len(value) >= MIN_SECRET_LENGTH:
            self._add_forms(derived_forms(value))

    def add_pair(self, user: object, password: object) -> None:
        """Register credentials sent together: HTTP Basic ``user:pass`` and SMTP ``AUTH PLAIN``."""
        user_value, password_value = _plain(user) or "", _plain(password) or ""
        if len(password_value) < MIN_SECRET_LENGTH:
            return
        forms: set[str] = set()
        for joined in (f"{user_value}:{password_value}", f"\0{user_value}\0{password_value}"):
            forms |= derived_forms(joined) - {joined}
        self._add_forms(forms)

    def _add_forms(self, forms: Iterable[str]) -> None:
        with self._lock:
            new = set(forms) - self._values
            if not new:
                return
            for form in sorted(new):
                mask_for_runner(form)  # before the value can ever be printed
            self._values |= new
            alternatives = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in alternatives))

    def __call__(self, text: str) -> str:
        if not text:
            return text
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(HIDDEN, text)
        for shape, replacement in _TOKEN_SHAPES:
            text = shape.sub(replacement, text)
        return text

    def deep(self, value: Any) -> Any:
        """``value`` with every string inside (mappings, lists) redacted."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.deep(v) for v in value)
        return value


def _plain(secret: object) -> str | None:
    if secret is None:
        return None
    getter = getattr(secret, "get_secret_value", None)
    value = getter() if callable(getter) else secret
    return value if isinstance(value, str) else str(value)


def mask_for_runner(value: str) -> None:
    """Tell GitHub Actions to mask ``value`` in the job log (a no-op anywhere else)."""
    if os.environ.get("GITHUB_ACTIONS") == "true" and "\n" not in value:
        sys.stdout.write(f"::add-mask::{value}\n")
        sys.stdout.flush()


REDACTOR = Redactor()


def redact(text: str) -> str:
    """``text`` without any secret the process knows of, nor token-shaped text."""
    return REDACTOR(text)


def _redacting_record_factory() -> None:
    """Every log record of the process is redacted when made (httpx logs full request URLs)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "pregon_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's business, not ours
            return record
        redacted = REDACTOR(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    factory.pregon_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_redacting_record_factory()
