"""Sending one rendered post exactly once: intent, publish, confirm; reconcile before any retry.

The protocol, for one post key, with the ledger as the only memory:

1. If the last ledger line is an unanswered ``intent`` (crash, timeout) or an ``uncertain``
   failure — or the caller says an interrupted run may have sent it (``suspect``) — ask the
   network (:meth:`Channel.find_existing`) first: found → ``reconciled``, recorded with the
   digest of the intent (what was actually posted), not the current one. A network that cannot
   be asked (``Channel.can_look_up`` False, Telegram) gets ``unverified`` ("por verificar")
   instead, and nothing is sent until the office resolves it.
2. Write ``intent`` (fsynced; on a network that cannot be asked, also made durable — pushed —
   before the send), call :meth:`Channel.publish` once, write ``confirmed``.
3. ``RateLimited``/``TransientError``: wait ``retry_after`` (or a doubling backoff) and try again,
   up to ``retry.max_attempts`` in this run and never waiting longer than ``retry.max_wait``;
   beyond that the post is left for the next run. A transient error other than a rate limit may
   have posted anyway, so the network is asked (step 1) before the next attempt.
4. ``DuplicateRejected``: the network already has it; adopt the existing post as confirmed.

Every failure is also counted by the run's :class:`breaker.Breaker`: once an account's breaker
opens, the post in hand stops retrying (left for the next run) and the runner sends nothing more
on that account. Nothing a channel raises escapes as a traceback: an unexpected exception is
reported by its class name only (its text may carry a secret) and left for reconciliation.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .breaker import Breaker
from .channels.base import (
    Channel,
    ChannelError,
    DuplicateRejected,
    Post,
    Published,
    RateLimited,
    TransientError,
)
from .config import RetryConfig
from .durability import Durability, DurabilityError, LocalOnly
from .ledger import Ledger, State
from .report import Outcome, Status

UNVERIFIED = (
    "por verificar: un envío se interrumpió y esta red no permite comprobar si llegó; revise el "
    "canal y ejecute `pregon registros confirmar` (no se reenvía solo)"
)


class Delivery:
    def __init__(
        self,
        ledger: Ledger,
        retry: RetryConfig,
        sleep: Callable[[float], None] = time.sleep,
        durability: Durability | None = None,
        breaker: Breaker | None = None,
    ):
        self.ledger = ledger
        self.retry = retry
        self.sleep = sleep
        self.durability = durability or LocalOnly()
        self.breaker = breaker or Breaker()

    def send(self, channel: Channel, post: Post, digest: str, title: str, *, suspect: bool = False) -> Outcome:
        """Deliver ``post`` (its item's ``digest`` goes into every ledger line). ``suspect``: an
        interrupted earlier run may have sent it without a durable intent; look it up first."""

        def outcome(status: Status, detail: str, published: Published | None = None) -> Outcome:
            return Outcome(
                post.item_id,
                title,
                channel.account,
                status,
                detail,
                post.update_id,
                post,
                published.url if published else None,
            )

        def write(
            state: State,
            attempt: int,
            published: Published | None = None,
            digest: str = digest,
            **fields: object,
        ) -> None:
            self.ledger.append(
                state,
                key=post.key,
                item=post.item_id,
                channel=channel.account,
                digest=digest,
                update=post.update_id,
                attempt=attempt,
                remote_id=published.remote_id if published else None,
                url=published.url if published else None,
                **fields,
            )

        account = channel.account
        history = self.ledger.history(post.key)
        attempt = history.attempts
        intent = history.last_intent
        posted_digest = intent.digest if intent is not None else digest
        if history.unverified:
            return outcome("unverified", UNVERIFIED)
        if history.needs_reconciliation and not channel.can_look_up:
            write("unverified", attempt, digest=posted_digest)
            return outcome("unverified", UNVERIFIED)
        if history.needs_reconciliation or (suspect and channel.can_look_up):
            try:
                existing = channel.find_existing(post)
            except Exception as exc:
                self.breaker.failed(account, exc)
                return outcome(
                    "error",
                    f"no se pudo comprobar si ya se publicó ({_message(exc)}); se reintentará",
                )
            if existing is not None:
                write("reconciled", attempt, existing, digest=posted_digest)
                return outcome(
                    "reconciled",
                    "la publicación ya existía en la red (ejecución interrumpida)",
                    existing,
                )

        delay = self.retry.backoff
        for try_number in range(1, self.retry.max_attempts + 1):
            attempt += 1
            write("intent", attempt)
            if not channel.can_look_up:
                try:
                    self.durability.make_durable(f"intención {post.key}")
                except DurabilityError as exc:
                    detail = f"no se envió: el registro de la intención no se pudo guardar ({exc})"
                    write("failed", attempt, error=detail)
                    return outcome("error", detail)
            try:
                published = channel.publish(post)
            except DuplicateRejected as exc:
                self.breaker.succeeded(account)
                existing = exc.existing or self._find(channel, post)
                if existing is not None:
                    write(
                        "confirmed",
                        attempt,
                        existing,
                        error="duplicado: se adopta la publicación existente",
                    )
                    return outcome(
                        "adopted",
                        "la red ya tenía esta publicación; se adoptó",
                        existing,
                    )
                write("failed", attempt, error=exc.message)
                return outcome("error", exc.message)
            except TransientError as exc:
                self.breaker.failed(account, exc)
                uncertain = False
                if not isinstance(exc, RateLimited) and not channel.can_look_up:
                    # It may have arrived and nobody can tell: never again by itself.
                    write("unverified", attempt, error=exc.message)
                    return outcome("unverified", f"{exc.message}; {UNVERIFIED}")
                if not isinstance(exc, RateLimited) and not self.breaker.is_open(account):
                    try:
                        existing = channel.find_existing(post)
                    except Exception as lookup:
                        self.breaker.failed(account, lookup)
                        uncertain = True
                    else:
                        if existing is not None:
                            write("reconciled", attempt, existing)
                            return outcome(
                                "reconciled",
                                "la red confirmó la publicación tras un error temporal",
                                existing,
                            )
                wait = exc.retry_after if exc.retry_after is not None else delay
                delay *= 2
                if self.breaker.is_open(account) and not isinstance(exc, RateLimited):
                    # Not asked whether it arrived: the next run asks before any retry.
                    uncertain = True
                if uncertain or try_number == self.retry.max_attempts or wait > self.retry.max_wait:
                    later = f"{exc.message}; se reintentará en la próxima ejecución"
                    if wait > self.retry.max_wait:
                        later = f"{exc.message}; la red pide esperar {wait:g} s (más que el máximo de {self.retry.max_wait:g} s): se reintentará en la próxima ejecución"
                    write("failed", attempt, error=later, uncertain=uncertain)
                    return outcome("error", later)
                write("failed", attempt, error=exc.message)
                self.sleep(wait)
            except ChannelError as exc:
                self.breaker.failed(account, exc)
                write("failed", attempt, error=exc.message)
                return outcome("error", exc.message)
            except Exception as exc:
                self.breaker.failed(account, exc)
                detail = f"{_message(exc)}; se comprobará en la próxima ejecución"
                write("failed", attempt, error=detail, uncertain=True)
                return outcome("error", detail)
            else:
                self.breaker.succeeded(account)
                write("confirmed", attempt, published)
                return outcome("published", "publicado", published)
        raise AssertionError("unreachable: the loop returns on its last attempt")

    @staticmethod
    def _find(channel: Channel, post: Post) -> Published | None:
        try:
            return channel.find_existing(post)
        except Exception:
            return None


def _message(exc: BaseException) -> str:
    """A channel error's own (redacted) message; only the class name of anything else, whose
    text may carry a secret."""
    if isinstance(exc, ChannelError):
        return exc.message
    return f"error inesperado del canal ({exc.__class__.__name__})"
