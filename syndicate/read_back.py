"""Proof that each post is out: done posts read back from their networks, recorded in the ledger.

After a run's sends, every post that is done (``confirmed`` or ``reconciled``; not ``seeded``,
which Pregón never sent) and not yet proved is read back with :meth:`Channel.read_back`:

* the network serves it (with the text and link that were sent, where its API returns them) →
  ledger ``read_back`` with the public URL; row "comprobado en la red";
* it is not there, or not what was sent, or the network could not be asked → ``read_back_failed``
  with the reason in Spanish; row "no comprobado". The post is NOT sent again (it was confirmed);
  later runs read it back again while less than :data:`RETRY_WINDOW` has passed since it was
  done; the first attempt after that is the last one ("no se volverá a comprobar");
* its network cannot read posts back (Telegram's Bot API, e-mail) → one ``read_back_failed`` line
  "no comprobable: …" and the row "no comprobable", once.

A post done before a crash (between the send and its read-back) is read back by the next run, as
long as it was done less than :data:`LOOKBACK` ago. Containment: the step has its own
:class:`breaker.Breaker` (an account whose reads keep failing, time out or are refused is left
for the next run and summed up in one note), skips accounts whose sending breaker is open, catches
everything a channel raises, and never adds an error row: the exit status stays what the sends
made it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from .breaker import Breaker
from .channels.base import Channel, ChannelError, Post, PostGone, ReadBack
from .ledger import Entry, Ledger, LedgerError, PostHistory, ReadBackState
from .manifest import Item, Update
from .report import Outcome, Status

RETRY_WINDOW = timedelta(hours=24)
"""A post that could not be proved is read back again on later runs for this long after it was done."""
LOOKBACK = timedelta(days=7)
"""A done post never read back (a crash, a run before this existed) is read back if newer than this."""
UNAVAILABLE_PREFIX = "no comprobable: "
FINAL_SUFFIX = " — no se volverá a comprobar (pasaron más de 24 h desde la publicación)"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def due(history: PostHistory, now: datetime) -> bool:
    """Whether the post of ``history`` should be read back now (see the module's rules)."""
    done = history.done
    if done is None or done.state == "seeded" or done.remote_id is None or history.read_back is not None:
        return False
    if _removed_on_purpose(history):
        return False
    done_at = _moment(done.at)
    failures = history.read_back_failures
    if not failures:
        return now - done_at <= LOOKBACK
    last = failures[-1]
    if last.error is not None and last.error.startswith(UNAVAILABLE_PREFIX):
        return False
    return _moment(last.at) - done_at < RETRY_WINDOW


def _removed_on_purpose(history: PostHistory) -> bool:
    """The office's own flow took the post down (expiry ``borrar``, or a correction by delete and
    repost): reading it back would report as missing what was deleted on purpose."""
    return any(
        e.state in ("expiry_intent", "expiry_done")
        or (e.state == "correction_done" and e.action == "borrar_y_publicar")
        for e in history.entries
    )


class ReadBackStep:
    """One run's read-back of every pending post of the opened ``channels``."""

    def __init__(
        self,
        ledger: Ledger,
        channels: Mapping[str, Channel],
        items: Iterable[Item],
        failures: int,
        sending: Breaker,
        now: datetime | None = None,
    ):
        self.ledger = ledger
        self.channels = channels
        self.items = {item.id: item for item in items}
        self.breaker = Breaker(failures)
        self.sending = sending
        self.now = now
        self.postponed: dict[str, int] = {}
        self.counts: dict[Status, int] = {"read_back": 0, "read_back_failed": 0, "read_back_unavailable": 0}
        self.stopped: str | None = None

    def run(self) -> list[Outcome]:
        now = self.now or datetime.now(UTC)
        rows: list[Outcome] = []
        pending = [h for _, h in list(self.ledger.histories()) if h.done is not None]
        for history in pending:
            done = history.done
            assert done is not None
            channel = self.channels.get(done.channel)
            if channel is None or not due(history, now):
                continue
            account = channel.account
            if self.breaker.is_open(account) or self.sending.is_open(account):
                self.postponed[account] = self.postponed.get(account, 0) + 1
                continue
            result = self._read(channel, done)
            try:
                row = self._record(history, done, result, now)
            except LedgerError as exc:
                self.stopped = str(exc)
                break
            if row is not None:
                rows.append(row)
        return rows

    def _read(self, channel: Channel, done: Entry) -> ReadBack:
        published = done.published
        assert published is not None
        try:
            result = channel.read_back(published, self._expected(channel, done))
        except PostGone as exc:
            self.breaker.succeeded(channel.account)
            return ReadBack.failed(f"la publicación ya no está en la red ({exc.message})")
        except ChannelError as exc:
            self.breaker.failed(channel.account, exc)
            return ReadBack.failed(f"no se pudo consultar la red ({exc.message})")
        except Exception as exc:
            # Only the class name: the text of an unexpected exception may carry a secret.
            self.breaker.failed(channel.account, exc)
            return ReadBack.failed(f"no se pudo consultar la red (error inesperado {exc.__class__.__name__})")
        self.breaker.succeeded(channel.account)
        return result

    def _expected(self, channel: Channel, done: Entry) -> Post | None:
        """The post as sent, rendered again, when the release is still the version that was sent."""
        item = self.items.get(done.item)
        if item is None:
            return None
        update: Update | None = None
        if done.update is not None:
            update = next((u for u in item.updates if u.id == done.update), None)
            if update is None or update.digest != done.digest:
                return None
        elif item.digest != done.digest:
            return None
        with contextlib.suppress(Exception):  # a render that fails only loses the text comparison
            post = channel.render(item, update, None)
            return post if post.skip is None else None
        return None

    def _record(self, history: PostHistory, done: Entry, result: ReadBack, now: datetime) -> Outcome | None:
        if result.status == "verified":
            url = result.url or done.url
            self._write("read_back", done, url)
            return self._row(done, "read_back", "la red muestra la publicación", url)
        if result.status == "unavailable":
            if history.read_back_failures:
                return None
            reason = UNAVAILABLE_PREFIX + result.reason
            self._write("read_back_failed", done, done.url, reason)
            return self._row(done, "read_back_unavailable", result.reason, done.url)  # the label says the rest
        reason = result.reason
        if now - _moment(done.at) >= RETRY_WINDOW:
            reason += FINAL_SUFFIX
        else:
            reason += "; se volverá a comprobar en la próxima ejecución (no se publica de nuevo)"
        self._write("read_back_failed", done, done.url, reason)
        return self._row(done, "read_back_failed", reason, done.url)

    def _write(self, state: ReadBackState, done: Entry, url: str | None, error: str | None = None) -> None:
        self.ledger.append(
            state,
            key=done.key,
            item=done.item,
            channel=done.channel,
            digest=done.digest,
            update=done.update,
            remote_id=done.remote_id,
            url=url,
            error=error,
        )

    def _row(self, done: Entry, status: Status, detail: str, url: str | None) -> Outcome:
        self.counts[status] += 1
        item = self.items.get(done.item)
        return Outcome(
            done.item, item.title if item else done.item, done.channel, status, detail, done.update, None, url
        )

    def notes(self) -> list[str]:
        """One line summing up the step, plus what it left for the next run."""
        notes = []
        verified, failed, unavailable = (
            self.counts["read_back"],
            self.counts["read_back_failed"],
            self.counts["read_back_unavailable"],
        )
        if verified or failed or unavailable:
            notes.append(
                f"Comprobación en la red: {verified} comprobadas, {failed} no comprobadas, "
                f"{unavailable} no comprobables (la red no lo permite)"
            )
        for account, left in sorted(self.postponed.items()):
            reason = self.breaker.reason(account) or self.sending.reason(account) or "la cuenta falló"
            notes.append(f"{account}: {left} comprobaciones quedan para la próxima ejecución ({reason})")
        if self.stopped:
            notes.append(f"la comprobación en la red se detuvo: {self.stopped}")
        return notes
