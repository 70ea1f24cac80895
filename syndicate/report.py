"""What a run did, per item and channel: the values the CLI prints and tests assert on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .channels.base import Post
from .redaction import redact

Status = Literal[
    "published",
    "reconciled",
    "adopted",
    "already",
    "skipped",
    "waiting",
    "error",
    "would_post",
    "seeded",
    "changed",
    "unverified",
    "read_back",
    "read_back_failed",
    "read_back_unavailable",
    "corrected",
    "expired",
]

LABELS: dict[str, str] = {
    "published": "publicado",
    "reconciled": "ya existía (conciliado)",
    "adopted": "duplicado adoptado",
    "already": "ya publicado",
    "skipped": "no aplica",
    "waiting": "en espera",
    "error": "ERROR",
    "would_post": "se publicaría",
    "seeded": "marcado como publicado",
    "changed": "cambiado después de publicar",
    "unverified": "por verificar",
    "read_back": "comprobado en la red",
    "read_back_failed": "no comprobado",
    "read_back_unavailable": "no comprobable",
    "corrected": "corregido",
    "expired": "vencido",
}

UNVERIFIED: Status = "unverified"
"""An interrupted send on a network that cannot be asked whether it arrived (Telegram): nothing is
re-sent until the office resolves it (``pregon registros confirmar``). The run fails (exit 1) so
the office hears of it; alerts read :attr:`RunReport.unverified`."""

READ_BACK_STATUSES: tuple[Status, ...] = ("read_back", "read_back_failed", "read_back_unavailable")
"""Rows of the read-back step (proof that a done post is on the network; docs/difusion.md
"Comprobación en la red"): the post was read back (``url`` is its public address), could not be
proved (deleted, different; ``detail`` says why, tried again on later runs for a while), or its
network cannot read posts back (``detail`` says why). None of them is a failure of the run: the
post was confirmed and is never sent again, so the exit status does not change."""

ALL_CHANNELS = "(todos)"


@dataclass(frozen=True)
class Outcome:
    """One row of the summary: an item (or live update) on one account, or the whole item."""

    item: str
    title: str
    channel: str
    """The account key (``x-alcalde``), or :data:`ALL_CHANNELS`."""
    status: Status
    detail: str
    update: str | None = None
    post: Post | None = None
    url: str | None = None
    config: bool = False
    """The account could not be configured (the run's exit status is then 2)."""

    def __post_init__(self) -> None:
        # Details quote networks' answers: the last place a secret could slip into the output.
        object.__setattr__(self, "detail", redact(self.detail))

    @property
    def failed(self) -> bool:
        """Something due was not done: an error, or a post waiting for the office to verify it."""
        return self.status in ("error", "unverified")


@dataclass
class RunReport:
    site: str
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fatal: str | None = None
    """Why nothing could be done at all (site unreachable, bad manifest…)."""
    checks: list[Outcome] = field(default_factory=list)
    """The read-back rows (:data:`READ_BACK_STATUSES`), apart from the sending ``outcomes``: they
    never make the run fail."""

    @property
    def ok(self) -> bool:
        """False when something that should have been posted could not be (exit non-zero)."""
        return self.fatal is None and not any(o.failed for o in self.outcomes)

    @property
    def unverified(self) -> list[Outcome]:
        """The posts "por verificar" (see :data:`UNVERIFIED`), for the run table and the alerts."""
        return [o for o in self.outcomes if o.status == UNVERIFIED]

    @property
    def exit_code(self) -> int:
        """0 all done (or waiting), 2 an account could not be configured, 1 anything else failed."""
        if any(o.config for o in self.outcomes):
            return 2
        return 0 if self.ok else 1

    @property
    def read_backs(self) -> dict[Status, list[Outcome]]:
        """The read-back rows by status (see :data:`READ_BACK_STATUSES`), for the table and notes."""
        return {status: [o for o in self.checks if o.status == status] for status in READ_BACK_STATUSES}

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)
