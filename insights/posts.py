"""The syndicated posts and their history, as insights reads them from the ledger.

The ledger (``syndicate/ledger.py``) is the single source of what was posted where and when;
this module only turns its per-key histories into the rows reports and ``collect`` need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..syndicate.channels.base import Published
from ..syndicate.ledger import Ledger, PostHistory


@dataclass(frozen=True)
class SyndicatedPost:
    """One (item, channel[, update]) post and how its syndication went."""

    key: str
    item_id: str
    channel: str
    update_id: str | None
    outcome: str
    """confirmed, reconciled or seeded once done; otherwise the last state (failed, intent)."""
    attempts: int
    first_at: datetime
    done_at: datetime | None
    """When the post was confirmed (or reconciled/seeded): its posting time."""
    remote_id: str | None
    url: str | None
    error: str | None

    @property
    def published(self) -> Published | None:
        return Published(self.remote_id, self.url) if self.remote_id else None

    @property
    def posted(self) -> bool:
        """Really sent by Pregón (seeded posts were adopted, not sent, and have no posting time)."""
        return self.done_at is not None


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _row(key: str, history: PostHistory) -> SyndicatedPost | None:
    if not history.entries:
        return None
    first, last, done = history.entries[0], history.entries[-1], history.done
    sent = done is not None and done.state != "seeded"
    return SyndicatedPost(
        key=key,
        item_id=first.item,
        channel=first.channel,
        update_id=first.update,
        outcome=done.state if done is not None else last.state,
        attempts=history.attempts,
        first_at=_moment(first.at),
        done_at=_moment(done.at) if sent and done is not None else None,
        remote_id=done.remote_id if done is not None else None,
        url=done.url if done is not None else None,
        error=last.error if done is None else None,
    )


def syndicated_posts(records: Path) -> list[SyndicatedPost]:
    """Every post the ledger under ``records`` knows, oldest first."""
    ledger = Ledger(records / "ledger", read_only=True)
    rows = [row for key, history in ledger.histories() if (row := _row(key, history)) is not None]
    return sorted(rows, key=lambda r: (r.first_at, r.channel, r.key))
