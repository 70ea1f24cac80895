"""What every approval provider answers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from ..manifest import Item, Update


@dataclass(frozen=True)
class Decision:
    """Whether one item (or live update) may go out, and why (Spanish)."""

    approved: bool
    reason: str
    provider: str
    digest: str
    approvers: dict[str, str] | None = None
    """Control point -> login that satisfied it (approved decisions)."""
    reference: str | None = None
    """Where the approval lives: ``PR #12``, an approval record file…"""


class ApprovalUnavailable(RuntimeError):
    """The provider could not answer now (rate limit, network); the item waits for the next run."""


class ApprovalProvider(ABC):
    name: str

    @abstractmethod
    def decide(self, item: Item, update: Update | None = None) -> Decision:
        """Decide for ``item`` (or its live ``update``); raise :class:`ApprovalUnavailable` if unsure."""

    def close(self) -> None:  # noqa: B027 - an optional hook: providers without connections keep it
        """Release network resources."""
