"""How a run makes its records durable beyond this machine: the small interface the runner uses.

On a hosted CI runner the disk is thrown away after the job, so "written and fsynced" is not
enough for the exactly-once promise: the records must be pushed to the records branch
(:mod:`records_git`) before a send that a later run, on a fresh clone, could not otherwise
recognise. The runner calls :meth:`Durability.make_durable` at the few points where that matters
(see docs/difusion.md, "Registros que sobreviven"); with no records branch checked out (the demo,
local use) it is :class:`LocalOnly`, which does nothing: the local, fsynced files are the records.
"""

from __future__ import annotations

from typing import Protocol


class DurabilityError(RuntimeError):
    """The records could not be made durable (push refused, no network); message in Spanish."""


class Durability(Protocol):
    def make_durable(self, reason: str) -> None:
        """Commit what changed in the records and push it; raise :class:`DurabilityError` if not possible."""

    @property
    def description(self) -> str:
        """Where the records go, for the run's notes (Spanish)."""


class LocalOnly:
    """No records branch: the local files are the records."""

    description = "registros locales (sin rama de registros)"

    def make_durable(self, reason: str) -> None:
        pass
