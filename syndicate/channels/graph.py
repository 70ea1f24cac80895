"""What Facebook Pages, Instagram and Threads share on the wire: Meta's Graph API conventions.

(The channels' common base class, built on this client, is :class:`.meta.MetaChannel`.)

The three networks speak the same dialect (``graph.facebook.com`` for Pages and Instagram,
``graph.threads.net`` for Threads):

* **Errors** come as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"…}}``
  and the HTTP status is not a reliable signal; :func:`channel_error` branches on ``code`` and
  ``error_subcode`` (Graph API "Handling Errors" guide) and maps them to the core's errors.
* **Rate limits** are error codes 4, 17, 32, 341, 613, 80000-range (Business Use Case throttles)
  and Instagram's publishing cap (subcode 2207042). How long to wait is only told by the
  ``X-Business-Use-Case-Usage`` header (``estimated_time_to_regain_access``, in minutes); the
  platform headers ``X-App-Usage``/``X-Page-Usage`` carry percentages only ("Rate Limits" guide).
* **Containers** (Instagram, Threads): a post is first created as a container, polled until it is
  ``FINISHED``, then published; :meth:`GraphAPI.wait_until_finished`.
* **Publishing caps** are read from ``…/content_publishing_limit`` (Instagram) and
  ``…/threads_publishing_limit`` (Threads), same shape; :meth:`GraphAPI.check_publishing_limit`.
* **Lists** page with ``paging.next`` (a full URL, cursors inside); :meth:`GraphAPI.pages`.

The access token never goes into a URL: URLs end up in httpx's own INFO log lines and in exception
text. Writes send it as the ``access_token`` form field, exactly as every reference page shows;
reads (where the pages show it in the query string) send it as ``Authorization: Bearer``. Graph's
``paging.next`` links carry ``access_token`` in their query; it is stripped before following them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from .base import (
    AuthError,
    ChannelError,
    DuplicateRejected,
    PermanentError,
    PostGone,
    RateLimited,
    TransientError,
)
from .transport import REDACTOR, send

RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613})
"""Application, user, page, app-limit and custom-limit throttling (Graph error reference)."""
BUC_RATE_LIMIT_RANGE = range(80000, 80100)
"""Business Use Case throttles (80001 Pages, 80002 Instagram, …)."""
POLICY_BLOCK_CODE = 368
"""'Temporarily blocked for policy violations': the guide's advice is to wait and retry."""
TOKEN_EXPIRED_CODE = 190
DUPLICATE_POST_CODE = 506
TRANSIENT_CODES = frozenset({1, 2})
"""'API Unknown' and 'API Service': temporary downtime per the error guide."""
MISSING_OBJECT = (100, 33)
"""'Unsupported get request. Object with ID … does not exist': a post deleted on the network."""
PUBLISH_CAP_SUBCODES = frozenset({2207042})
"""Instagram: the account reached its API publishing limit for the moving 24 hours."""

PUBLISH_CAP_RETRY = 3600.0
"""The publishing-limit endpoints say how many posts were made, not when the oldest leaves the
moving window, so a full quota is retried after an hour (the next scheduled run)."""


@dataclass(frozen=True)
class GraphError:
    """The parts of a Graph error body that decide what to do."""

    code: int | None
    subcode: int | None
    message: str
    is_transient: bool = False

    @classmethod
    def from_body(cls, body: Any) -> GraphError | None:
        if not isinstance(body, Mapping) or not isinstance(body.get("error"), Mapping):
            return None
        err = body["error"]
        return cls(
            code=as_int(err.get("code")),
            subcode=as_int(err.get("error_subcode")),
            message=str(err.get("error_user_msg") or err.get("message") or ""),
            is_transient=bool(err.get("is_transient")),
        )


def as_int(value: Any) -> int | None:
    """``int(value)``, or ``None`` when Meta left the field out or sent something else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def retry_after_from_headers(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait according to ``X-Business-Use-Case-Usage`` (the only header with a time).

    The header maps each business object id to a list of usages, each with
    ``estimated_time_to_regain_access`` in minutes; the longest wait wins.
    """
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [
        float(entry.get("estimated_time_to_regain_access") or 0)
        for entries in (usage.values() if isinstance(usage, Mapping) else [])
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, Mapping)
    ]
    longest = max(minutes, default=0.0)
    return longest * 60 if longest > 0 else None


def channel_error(network: str, status: int, body: Any, headers: Mapping[str, str]) -> ChannelError:
    """Map one failed Graph response to the core's error classes (message in Spanish; the
    redaction layer takes any secret out of Meta's text)."""
    error = GraphError.from_body(body)
    detail = error.message if error else ""
    code_text = ""
    if error is not None and error.code is not None:
        code_text = f" (código {error.code}" + (f"/{error.subcode}" if error.subcode else "") + ")"
    wait = retry_after_from_headers(headers)
    if error is not None:
        if (
            error.code in RATE_LIMIT_CODES
            or (error.code is not None and error.code in BUC_RATE_LIMIT_RANGE)
            or error.code == POLICY_BLOCK_CODE
        ):
            return RateLimited(f"{network}: Meta pide esperar{code_text}: {detail}", retry_after=wait, status=status)
        if error.subcode in PUBLISH_CAP_SUBCODES:
            return RateLimited(
                f"{network}: se alcanzó el límite de publicaciones por API en 24 horas{code_text}",
                retry_after=wait or PUBLISH_CAP_RETRY,
                status=status,
            )
        if error.code == TOKEN_EXPIRED_CODE:
            return AuthError(
                f"{network}: token vencido o revocado{code_text}; genere un token nuevo y "
                "actualice la variable de entorno configurada",
                status=status,
            )
        if error.code == DUPLICATE_POST_CODE:
            return DuplicateRejected(f"{network}: Meta rechaza la publicación por duplicada{code_text}", status=status)
        if (error.code, error.subcode) == MISSING_OBJECT:
            return PostGone(f"{network}: la publicación ya no existe en la red{code_text}", status=status)
        if error.code in TRANSIENT_CODES or error.is_transient:
            return TransientError(f"{network}: error temporal de Meta{code_text}: {detail}", status=status)
    if status >= 500 or status == 429:
        cls = RateLimited if status == 429 else TransientError
        return cls(f"{network}: Meta respondió {status}{code_text}", retry_after=wait, status=status)
    return PermanentError(f"{network}: Meta rechazó la solicitud ({status}){code_text}: {detail}", status=status)


def _without_token(url: str) -> str:
    """``paging.next`` minus its ``access_token`` query parameter (the header carries it)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class GraphAPI:
    """A small Graph client: token in the header, errors mapped, lists paged, containers polled."""

    def __init__(
        self,
        network: str,
        api_base: str,
        token: str,
        *,
        timeout: float = 30.0,
        poll_interval: float = 3.0,
        poll_attempts: int = 20,
    ):
        self.network = network
        self.api_base = api_base.rstrip("/")
        self._token = token
        REDACTOR.add(token)
        self.poll_interval = poll_interval
        self.poll_attempts = poll_attempts
        self._http = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": "pregon"},
        )

    def close(self) -> None:
        self._http.close()

    # --- requests ---------------------------------------------------------------------------
    def get(self, path: str, **params: Any) -> Any:
        return self._request("GET", self._url(path), params=params)

    def post(self, path: str, **form: Any) -> Any:
        """POST a form (``application/x-www-form-urlencoded``) with the token as a form field."""
        data = {k: _form_value(v) for k, v in form.items() if v is not None}
        return self._request("POST", self._url(path), data={**data, "access_token": self._token})

    def delete(self, path: str) -> Any:
        return self._request("DELETE", self._url(path))

    def _url(self, path: str) -> str:
        return f"{self.api_base}/{path.lstrip('/')}"

    def _request(self, method: str, url: str, **kw: Any) -> Any:
        if method != "POST":
            kw["headers"] = {"Authorization": f"Bearer {self._token}"}
        response = send(self._http, method, url, network=self.network, **kw)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or GraphError.from_body(body) is not None:
            raise channel_error(self.network, response.status_code, body, response.headers)
        return body

    # --- lists ------------------------------------------------------------------------------
    def pages(self, path: str, *, max_pages: int = 10, **params: Any) -> Iterator[Mapping[str, Any]]:
        """Yield the ``data`` entries of a list, following ``paging.next`` up to ``max_pages``."""
        body = self.get(path, **params)
        for _ in range(max_pages):
            yield from body.get("data") or []
            next_url = (body.get("paging") or {}).get("next")
            if not next_url:
                return
            body = self._request("GET", _without_token(next_url))

    # --- containers (Instagram, Threads) -------------------------------------------------------
    def wait_until_finished(self, container_id: str, status_field: str, error_field: str | None = None) -> str:
        """Poll a container until it is ready; return its final status (``FINISHED``/``PUBLISHED``).

        ``ERROR`` is permanent (Meta could not fetch or process the media); ``EXPIRED`` (24 h unused)
        and still ``IN_PROGRESS`` after the last attempt are transient: a new run makes a new one.
        """
        fields = ",".join(f for f in (status_field, error_field) if f)
        for attempt in range(self.poll_attempts):
            body = self.get(container_id, fields=fields)
            status = str(body.get(status_field) or "")
            if status in ("FINISHED", "PUBLISHED"):
                return status
            if status == "ERROR":
                reason = body.get(error_field) if error_field else None
                raise PermanentError(
                    f"{self.network}: Meta no pudo procesar el contenedor {container_id}"
                    + (f": {reason}" if reason else "")
                )
            if status == "EXPIRED":
                raise TransientError(f"{self.network}: el contenedor {container_id} venció sin publicarse")
            if attempt + 1 < self.poll_attempts:
                time.sleep(self.poll_interval)
        raise TransientError(
            f"{self.network}: el contenedor {container_id} sigue en proceso tras {self.poll_attempts} consultas"
        )

    def container_status(self, container_id: str, status_field: str) -> str | None:
        """Status of a container, or ``None`` when it cannot be read right now."""
        try:
            return str(self.get(container_id, fields=status_field).get(status_field) or "") or None
        except ChannelError:
            return None

    def check_publishing_limit(self, path: str, *, replies: bool = False) -> None:
        """Raise :class:`RateLimited` when the account's moving-24-hour publishing quota is used up.

        ``replies`` reads Threads' separate reply quota (``reply_quota_usage``/``reply_config``).
        """
        prefix = "reply_" if replies else ""
        body = self.get(path, fields=f"{prefix}quota_usage,{prefix}config")
        entries = body.get("data") or []
        if not entries:
            return
        usage = as_int(entries[0].get(f"{prefix}quota_usage")) or 0
        total = as_int((entries[0].get(f"{prefix}config") or {}).get("quota_total"))
        if total is not None and usage >= total:
            what = "respuestas" if replies else "publicaciones"
            raise RateLimited(
                f"{self.network}: la cuenta ya hizo {usage} de {total} {what} por API en 24 horas; "
                "se reintentará cuando se libere la ventana",
                retry_after=PUBLISH_CAP_RETRY,
            )

    def permalink(self, object_id: str, field: str = "permalink") -> str | None:
        """Public URL of a just-published object; ``None`` if the lookup fails (the post exists)."""
        try:
            value = self.get(object_id, fields=field).get(field)
        except ChannelError:
            return None
        return str(value) if value else None


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)
