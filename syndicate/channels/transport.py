"""The one road every channel's HTTP traffic takes: requests and their failures, redacted.

:func:`send` makes one HTTP request. A connection error or timeout leaves a post in an unknown
state (it may have reached the network), so it becomes a :class:`TransientError`: the core
reconciles before any retry. Its message names the network and the kind of failure, never the URL
(httpx puts the URL in its exception text, and Telegram carries the token in the path). Every
error a channel raises is a :class:`base.ChannelError`, whose text passes through
:func:`pregon.syndicate.redaction.redact` when it is made, so an API that echoes the request in its
error body cannot carry a secret into the run's output or the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import httpx

from ..redaction import REDACTOR, redact
from .base import TransientError

__all__ = ["REDACTOR", "redact", "seconds_until_midnight", "send"]


def send(client: httpx.Client, method: str, url: str, *, network: str, **kwargs: Any) -> httpx.Response:
    """One HTTP request; a transport failure becomes a URL-free :class:`TransientError`."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        error = TransientError(
            f"{network}: la API no respondió a tiempo; la publicación pudo o no llegar", timeout=True
        )
    except httpx.HTTPError as exc:
        error = TransientError(f"{network}: fallo de conexión con la API ({exc.__class__.__name__})")
    # Raised outside the except block so the httpx exception (whose text holds the URL) is not
    # chained into tracebacks.
    raise error


def seconds_until_midnight(zone: tzinfo = UTC, now: datetime | None = None) -> float:
    """Seconds from ``now`` to the next midnight in ``zone`` (daily quotas reset then)."""
    current = (now or datetime.now(UTC)).astimezone(zone)
    tomorrow = (current + timedelta(days=1)).date()
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return max(1.0, (midnight - current).total_seconds())
