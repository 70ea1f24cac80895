"""``PREGON_NOW``: the clock override of rehearsals, demos and tests, read the same way everywhere.

Standard library only (``python -m pregon.pendiente`` runs before anything is installed).
"""

from __future__ import annotations

import os
from datetime import datetime

CLOCK_ENV = "PREGON_NOW"


class ClockError(ValueError):
    """``PREGON_NOW`` is set but is not a moment; the message says so in Spanish."""


def clock_error(value: str) -> ClockError:
    return ClockError(f"{CLOCK_ENV}={value!r} no es una fecha ISO 8601 (por ejemplo 2026-11-20T10:00:00-05:00)")


def fixed_now() -> datetime | None:
    """The moment ``PREGON_NOW`` sets (naive if written without a zone), or None when unset."""
    value = os.environ.get(CLOCK_ENV)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise clock_error(value) from None
