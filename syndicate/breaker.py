"""The circuit breaker: an account that keeps failing is left alone for the rest of the run.

Without it a run where a network is down spends every post's attempts and waits on it (24 items
× 4 attempts × a 30 s timeout is most of an hour). Per account:

* ``breaker.failures`` (default 3) consecutive transport failures (connection refused, 5xx) open it;
* a timeout opens it at once: a network that left one call unanswered for the whole per-call
  timeout would cost as much again on the next;
* rejected credentials (:class:`AuthError`, HTTP 401) open it at once: nothing will go out on that
  account until the office renews them.

Any answer that shows the network is working (a post made, or refused for its content) closes the
count again. Rate limits do not count: the delivery already waits or leaves the post for later.
An open breaker is reported once, in one row; the account's other posts stay pending (no ledger
line) for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .channels.base import AuthError, ChannelError, RateLimited, TransientError


@dataclass
class _State:
    consecutive: int = 0
    reason: str | None = None
    skipped: int = 0


@dataclass
class Breaker:
    failures: int = 3
    _accounts: dict[str, _State] = field(default_factory=dict)

    def _state(self, account: str) -> _State:
        return self._accounts.setdefault(account, _State())

    def is_open(self, account: str) -> bool:
        return self._state(account).reason is not None

    def reason(self, account: str) -> str | None:
        return self._state(account).reason

    def succeeded(self, account: str) -> None:
        state = self._state(account)
        if state.reason is None:
            state.consecutive = 0

    def failed(self, account: str, error: BaseException) -> bool:
        """Count ``error`` against ``account``; True when this opened the breaker."""
        state = self._state(account)
        if state.reason is not None:
            return False
        message = error.message if isinstance(error, ChannelError) else f"error inesperado ({type(error).__name__})"
        if isinstance(error, AuthError) or (isinstance(error, ChannelError) and error.status == 401):
            state.reason = f"la red rechazó las credenciales: {message}"
        elif isinstance(error, RateLimited):
            return False
        elif isinstance(error, TransientError) and error.timeout:
            state.reason = f"la red no respondió a tiempo: {message}"
        elif isinstance(error, TransientError) or not isinstance(error, ChannelError):
            state.consecutive += 1
            if state.consecutive >= self.failures:
                state.reason = f"{state.consecutive} fallos seguidos; el último: {message}"
        else:
            state.consecutive = 0  # the network answered (a refusal of this post's content)
        return state.reason is not None

    def skip(self, account: str) -> None:
        """One more post of ``account`` left for the next run because its breaker is open."""
        self._state(account).skipped += 1

    def summary(self) -> list[tuple[str, str, int]]:
        """(account, reason, posts left for the next run) of every open breaker."""
        return [(a, s.reason, s.skipped) for a, s in self._accounts.items() if s.reason is not None]
