"""AT Protocol plumbing for the Bluesky channel: XRPC calls with a cached session, and record keys.

Docs followed: atproto.com/specs/xrpc (error bodies ``{"error", "message"}``, ``ExpiredToken``,
``RateLimit-*`` headers), the lexicons ``com.atproto.server.createSession`` /
``refreshSession``, and docs.bsky.app "Rate limits" (``createSession`` is limited to 30 per
5 minutes and 300 per day per account, so a session is reused and refreshed, never re-created per
post). The high-level ``atproto`` SDK client is not used: its login also reads the profile from an
AppView, which a bare PDS does not have.

Only :mod:`.bluesky` uses this module; nothing else knows about XRPC.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from pregon.json_input import loads as json_loads

from .base import ChannelError, PermanentError, RateLimited, TransientError
from .transport import REDACTOR, send

NETWORK = "bluesky"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH_US = 1_704_067_200_000_000
"""2024-01-01T00:00:00Z in microseconds: deterministic record keys sort after it."""


def tid_from_key(key: str) -> str:
    """A valid TID (13 base32-sortable characters) derived only from ``key``.

    A TID is 64 bits: a zero top bit, 53 bits of microseconds, 10 bits of clock id
    (atproto.com/specs/tid). Here both parts come from a hash of the post key, so the same
    (item, channel, update) always gets the same record key and a second ``createRecord`` of it
    fails instead of posting twice. The timestamp part is kept within ~12 days after 2024-01-01:
    record keys are identifiers, not publication times (``createdAt`` is), and a key must not move
    when an editor changes the release's date.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    micros = _TID_EPOCH_US + (digest >> 24) % (1 << 40)
    clock_id = digest & 0x3FF
    value = (micros << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> (5 * (12 - i))) & 31] for i in range(13))


class XRPCError(PermanentError):
    """A refused XRPC call (4xx); ``error`` is the lexicon's error name, e.g. ``InvalidRequest``."""

    def __init__(self, message: str, *, error: str, status: int):
        super().__init__(message, status=status)
        self.error = error


class NotFound(XRPCError):
    """The record (or method) does not exist."""


class XRPC:
    """XRPC calls against one PDS as one account, with one session reused for the whole run.

    The session (access and refresh JWTs) can also be kept between runs in ``session_file``, a
    private path outside the repository written with mode 0600: the JWTs are secrets.
    """

    def __init__(
        self,
        service: str,
        handle: str,
        password: str,
        *,
        session_file: Path | None = None,
        client: httpx.Client | None = None,
        timeout: float = 30.0,
    ):
        self.service = service.rstrip("/")
        self.handle = handle
        self._password = password
        REDACTOR.add(password)
        self._session_file = session_file
        self._session: dict[str, str] | None = None
        self.client = client or httpx.Client(timeout=timeout)

    # --- session -----------------------------------------------------------------------------
    @property
    def did(self) -> str:
        return self._ensure_session()["did"]

    def _ensure_session(self) -> dict[str, str]:
        if self._session is None:
            self._session = self._load_session() or self._create_session()
        return self._session

    def _load_session(self) -> dict[str, str] | None:
        if self._session_file is None or not self._session_file.exists():
            return None
        try:
            saved = json_loads(self._session_file.read_text(encoding="utf-8"))
        except ValueError:
            return None
        if not isinstance(saved, dict) or saved.get("service") != self.service or saved.get("handle") != self.handle:
            return None
        REDACTOR.add(str(saved.get("accessJwt", "")))
        REDACTOR.add(str(saved.get("refreshJwt", "")))
        return saved

    def _store(self, data: dict[str, Any]) -> dict[str, str]:
        # Secrets the run learns: redacted (and masked on GitHub Actions) before anything can print them.
        REDACTOR.add(str(data.get("accessJwt", "")))
        REDACTOR.add(str(data.get("refreshJwt", "")))
        session = {
            "service": self.service,
            "handle": self.handle,
            "did": data["did"],
            "accessJwt": data["accessJwt"],
            "refreshJwt": data["refreshJwt"],
        }
        if self._session_file is not None:
            self._session_file.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self._session_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(session, handle)
        self._session = session
        return session

    def _create_session(self) -> dict[str, str]:
        if not self.handle or not self._password:
            raise PermanentError("bluesky: faltan handle o app_password en la configuración")
        data = self._request(
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self._password},
            token=None,
        )
        return self._store(data)

    def _refresh_session(self) -> dict[str, str]:
        """Trade the refresh JWT for new tokens; log in again only if it is no longer valid."""
        assert self._session is not None
        try:
            data = self._request("POST", "com.atproto.server.refreshSession", token=self._session["refreshJwt"])
        except XRPCError as exc:
            if exc.error not in ("ExpiredToken", "InvalidToken", "AuthenticationRequired"):
                raise
            return self._store(
                self._request(
                    "POST",
                    "com.atproto.server.createSession",
                    json={"identifier": self.handle, "password": self._password},
                    token=None,
                )
            )
        return self._store(data)

    # --- calls -------------------------------------------------------------------------------
    def call(self, method: str, nsid: str, **kwargs: Any) -> Any:
        """One authenticated XRPC call; an expired access token is refreshed once."""
        session = self._ensure_session()
        try:
            return self._request(method, nsid, token=session["accessJwt"], **kwargs)
        except XRPCError as exc:
            if exc.error not in ("ExpiredToken", "InvalidToken"):
                raise
        session = self._refresh_session()
        return self._request(method, nsid, token=session["accessJwt"], **kwargs)

    def _request(self, method: str, nsid: str, *, token: str | None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = send(self.client, method, f"{self.service}/xrpc/{nsid}", network=NETWORK, headers=headers, **kwargs)
        if response.status_code == 200:
            return response.json() if response.content else {}
        raise error_for(response, nsid)

    def close(self) -> None:
        self.client.close()


def error_for(response: httpx.Response, nsid: str) -> ChannelError:
    """Map an XRPC error answer to the channel errors the core understands."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = str(body.get("error") or "")
    detail = str(body.get("message") or error or f"HTTP {status}")
    if status == 429:
        return RateLimited(
            f"bluesky: límite de uso de la API en {nsid}; hay que esperar",
            retry_after=retry_after(response),
            status=status,
        )
    if status >= 500 or status == 408:
        return TransientError(f"bluesky: error temporal del servidor en {nsid} ({status}: {detail})", status=status)
    if error in ("RecordNotFound", "MethodNotImplemented") or status == 404:
        return NotFound(f"bluesky: {nsid}: {detail}", error=error or "NotFound", status=status)
    if status == 401 and nsid == "com.atproto.server.createSession":
        return XRPCError("bluesky: el handle o la contraseña de aplicación no son válidos", error=error, status=status)
    return XRPCError(f"bluesky: {nsid} rechazó la solicitud ({error or status}: {detail})", error=error, status=status)


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``RateLimit-Reset`` (epoch)."""
    now = time.time() if now is None else now
    value = response.headers.get("retry-after")
    if value:
        if value.strip().isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            pass
    reset = response.headers.get("ratelimit-reset")
    if reset and reset.strip().isdigit():
        # Bluesky sends an epoch timestamp; the IETF draft it follows allows delta seconds.
        seconds = float(reset)
        return max(0.0, seconds - now) if seconds > 1_000_000_000 else seconds
    return None
