"""What the HTTP channels share: transport failures as :class:`TransientError`, and reset times.

A connection error or timeout leaves a post in an unknown state (it may have reached the network),
so it is a :class:`TransientError`: the core reconciles before any retry. The message names the
network and the kind of failure but never the URL, because some APIs (Telegram) carry the secret
token in the path and httpx puts the URL in its exception text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import httpx

from .base import TransientError


def send(client: httpx.Client, method: str, url: str, *, network: str, **kwargs: Any) -> httpx.Response:
    """One HTTP request; a transport failure becomes a URL-free :class:`TransientError`."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        error = TransientError(f"{network}: la API no respondió a tiempo; la publicación pudo o no llegar")
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
