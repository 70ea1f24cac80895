"""The exactly-once ledger: ``<records>/ledger/AAAA-MM.jsonl``, append-only JSON Lines.

One line per state change of one (item, channel[, update]) post, in the file of the month the
change happened (UTC)::

    {"v": 1, "at": "2026-11-20T15:02:11.412Z", "state": "confirmed", "key": "<post_key>",
     "item": "<item id>", "channel": "bluesky", "update": null, "digest": "sha256:…",
     "attempt": 1, "remote_id": "at://…", "url": "https://…", "error": null, "run": "<run id>"}

States: ``intent`` (written and fsynced before sending), ``confirmed`` (the network answered),
``failed`` (not sent; ``error`` says why; ``uncertain: true`` when the network could not be asked
whether it exists), ``reconciled`` (an unconfirmed intent was found on the network),
``seeded`` (backlog adopted without posting, ``pregon syndicate --seed``) and
``changed_after_publication`` (the item's digest changed after it was posted; recorded once per
new digest, for the correction workflow) and ``unverified`` ("por verificar": an interrupted send
on a network that cannot be asked whether it arrived, e.g. Telegram; nothing is re-sent until the
office resolves it with ``pregon registros confirmar``, which writes ``reconciled`` or ``failed``
with ``by`` naming who checked). A post is *done* once it has a confirmed, reconciled or seeded
line; it then never goes out again, whatever later runs see.

Read-back (proof that the post is out, docs/difusion.md "Comprobación en la red"): after a post is
done, the run reads it back from the network. ``read_back`` says the network serves it (``url``:
its public address); ``read_back_failed`` says it could not be proved (``error``: why, in
Spanish — deleted, different text, or the network's API cannot read it back). Neither changes
whether the post is done: a post whose read-back failed is never sent again.

A line is checked field by field when read (types, known states, no unknown keys): a hand edit
such as ``"attempt": "x"`` is reported as "línea ilegible" with file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, TypeAdapter, ValidationError

from .channels.base import Published
from .jsonlines import RecordError, append_records, read_records
from .redaction import REDACTOR
from .validation_es import EXPECTED

# --- corrections and expiry (syndicate/corrections.py) -------------------------------------
# Written under the post key of an item's own post, with ``digest`` = the corrected version
# (corrections) or the version on the network (expiry). ``correction_unverified`` is the
# correction's "por verificar" (an interrupted send on a network that cannot be asked).
CorrectionState = Literal[
    "correction_intent",
    "correction_done",
    "correction_failed",
    "correction_unverified",
    "expiry_seen",
    "expiry_intent",
    "expiry_done",
    "expiry_failed",
    "expiry_kept",
]
CORRECTION_DONE = "correction_done"
# --- end corrections and expiry ------------------------------------------------------------

# --- read-back states (not to be confused with "unverified", an interrupted Telegram send) ---
ReadBackState = Literal["read_back", "read_back_failed"]
READ_BACK_STATES = ("read_back", "read_back_failed")
# --- end read-back states ---
State = Literal[
    "intent",
    "confirmed",
    "failed",
    "reconciled",
    "seeded",
    "changed_after_publication",
    "unverified",
    ReadBackState,
    CorrectionState,
]
DONE_STATES = ("confirmed", "reconciled", "seeded")
VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One ledger line."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)

    state: State
    key: str
    item: str
    channel: str
    digest: str
    at: str
    update: str | None = None
    attempt: int = 0
    remote_id: str | None = None
    url: str | None = None
    error: str | None = None
    uncertain: bool = False
    run: str | None = None
    by: str | None = None
    """Who resolved a "por verificar" post by hand (``pregon registros confirmar``)."""
    action: str | None = None
    """On ``correction_*`` lines: what the correction does (``editar``, ``responder``, ``borrar_y_publicar``)."""
    expires: str | None = None
    """On ``expiry_*`` lines: the release's expiry moment (ISO 8601) as the manifest said it."""

    @property
    def published(self) -> Published | None:
        return Published(self.remote_id, self.url) if self.remote_id else None

    def to_record(self) -> dict[str, Any]:
        """The JSON object of this line (``uncertain`` and ``by`` only when set, to keep lines short)."""
        data: dict[str, Any] = {"v": VERSION, **self.__dict__}
        if not self.uncertain:
            del data["uncertain"]
        for optional in ("by", "action", "expires"):
            if data[optional] is None:
                del data[optional]
        return data

    def to_json(self) -> str:
        """The line as written to the ledger file (without the newline)."""
        return json.dumps(self.to_record(), ensure_ascii=False)


@dataclass
class PostHistory:
    """Everything the ledger knows about one post key, in order."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def last(self) -> Entry | None:
        return self.entries[-1] if self.entries else None

    @property
    def done(self) -> Entry | None:
        """The line that made the post done (confirmed/reconciled/seeded), if any."""
        return next((e for e in self.entries if e.state in DONE_STATES), None)

    @property
    def attempts(self) -> int:
        return max((e.attempt for e in self.entries), default=0)

    @property
    def needs_reconciliation(self) -> bool:
        """An intent never followed by an outcome, or a failure that may have posted anyway.

        Only an outcome settles an intent: a read-back line after it, with the confirmation gone
        (a hand edit, a bad merge), leaves the post to be looked up before anything is sent, never
        sent again blindly."""
        last = self.last
        if last is None:
            return False
        if last.state in ("intent", "unverified") or (last.state == "failed" and last.uncertain):
            return True
        if self.done is not None:
            return False
        intents = [i for i, e in enumerate(self.entries) if e.state == "intent"]
        return bool(intents) and not any(
            e.state == "failed" or e.state in DONE_STATES for e in self.entries[intents[-1] + 1 :]
        )

    @property
    def unverified(self) -> bool:
        """Waiting for the office to say whether an interrupted send arrived (no lookup possible)."""
        last = self.last
        return last is not None and last.state == "unverified"

    @property
    def last_intent(self) -> Entry | None:
        """The most recent intent: its digest is what an interrupted send may have posted."""
        return next((e for e in reversed(self.entries) if e.state == "intent"), None)

    # --- read-back ------------------------------------------------------------------------
    @property
    def read_back(self) -> Entry | None:
        """The line that proved the post is on the network, if any."""
        return next((e for e in self.entries if e.state == "read_back"), None)

    @property
    def read_back_failures(self) -> list[Entry]:
        """Every failed read-back of the post, oldest first."""
        return [e for e in self.entries if e.state == "read_back_failed"]

    # --- end read-back ----------------------------------------------------------------------

    def changed_recorded(self, digest: str) -> bool:
        return any(e.state == "changed_after_publication" and e.digest == digest for e in self.entries)

    # --- corrections and expiry ------------------------------------------------------------
    positions: list[int] = field(default_factory=list)
    """Position of each entry in the whole ledger (read order, then append order)."""

    @property
    def current_digest(self) -> str | None:
        """The version the network shows: the last correction's, else the post's own."""
        corrected = [e for e in self.entries if e.state == CORRECTION_DONE]
        if corrected:
            return corrected[-1].digest
        done = self.done
        return done.digest if done is not None else None

    @property
    def current_post(self) -> Published | None:
        """The post that stands for the release: a repost (``borrar_y_publicar``) replaces it."""
        reposts = [e for e in self.entries if e.state == CORRECTION_DONE and e.action == "borrar_y_publicar"]
        if reposts and reposts[-1].published is not None:
            return reposts[-1].published
        done = self.done
        return done.published if done is not None else None

    @property
    def unverified_correction(self) -> Entry | None:
        """The interrupted correction waiting for the office (``pregon registros confirmar``):
        the last ``correction_*`` line, when it is ``correction_unverified``."""
        lines = [e for e in self.entries if e.state.startswith("correction_")]
        return lines[-1] if lines and lines[-1].state == "correction_unverified" else None

    def corrections_of(self, digest: str) -> list[Entry]:
        return [e for e in self.entries if e.state.startswith("correction_") and e.digest == digest]

    def expiry_lines(self) -> list[Entry]:
        return [e for e in self.entries if e.state.startswith("expiry_")]

    def thread_posts(self) -> list[tuple[int, Published]]:
        """(ledger position, post) of every post made in this key's thread: the done post and
        correction replies and reposts (an edit in place makes no new post)."""
        found = []
        for position, entry in zip(self.positions, self.entries, strict=True):
            made = entry.state in DONE_STATES or (
                entry.state == CORRECTION_DONE and entry.action in ("responder", "borrar_y_publicar")
            )
            if made and entry.published is not None:
                found.append((position, entry.published))
        return found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Ledger:
    """Reads all monthly files once, then appends (fsynced) as the run goes."""

    def __init__(self, folder: Path, run: str | None = None, *, read_only: bool = False):
        self.folder = folder
        self.run = run
        self.read_only = read_only
        self._history: dict[str, PostHistory] = {}
        self._channels_seen: set[str] = set()
        self._count = 0
        for entry in self._read():
            self._remember(entry)

    def _read(self) -> Iterator[Entry]:
        try:
            for where, data in read_records(self.folder):
                yield parse_entry(where, data)
        except LedgerError:
            raise
        except RecordError as exc:
            raise LedgerError(str(exc)) from None

    def _remember(self, entry: Entry) -> None:
        history = self._history.setdefault(entry.key, PostHistory())
        history.entries.append(entry)
        history.positions.append(self._count)
        self._count += 1
        self._channels_seen.add(entry.channel)

    def history(self, key: str) -> PostHistory:
        return self._history.get(key) or PostHistory()

    def histories(self) -> Iterator[tuple[str, PostHistory]]:
        """Every post key with its history, for reports (``pregon audit``, insights)."""
        yield from self._history.items()

    def knows_channel(self, channel: str) -> bool:
        """Whether any post of ``channel`` was ever recorded (guards a new channel's backlog)."""
        return channel in self._channels_seen

    def thread_tip(self, keys: list[str]) -> Published | None:
        """The LAST post made in the thread of ``keys`` (item post, updates, corrections), in the
        order they went out, not in the order of the updates' times: an update added later with
        an earlier time still goes at the end of the thread instead of forking it."""
        made = [post for key in keys for post in self.history(key).thread_posts()]
        return max(made, key=lambda pair: pair[0])[1] if made else None

    def append(
        self,
        state: State,
        *,
        key: str,
        item: str,
        channel: str,
        digest: str,
        **fields: Any,
    ) -> Entry:
        """Write one line and fsync it before returning (the intent must survive a crash).

        Every string passes through the redaction layer: the ledger is committed to git, and an
        error text that slipped past a channel must still not carry a secret there."""
        fields = {k: REDACTOR.deep(v) for k, v in fields.items()}
        entry = Entry(
            state=state,
            key=key,
            item=item,
            channel=channel,
            digest=digest,
            at=_now(),
            run=self.run,
            **fields,
        )
        if self.read_only:
            raise LedgerError("el registro está en modo de solo lectura (--dry-run)")
        append_records(self.folder, entry.at[:7], [entry.to_record()], durable=True)
        self._remember(entry)
        return entry


_ENTRY = TypeAdapter(Entry)


def parse_entry(where: str, data: dict[str, Any]) -> Entry:
    """One ledger line, checked field by field; :class:`LedgerError` names the place and field."""
    if data.get("v", VERSION) != VERSION:
        raise LedgerError(f"{where}: línea ilegible (versión {data.get('v')!r} desconocida; se esperaba {VERSION})")
    fields = {k: v for k, v in data.items() if k != "v"}
    try:
        # JSON mode: strict about JSON types (no "1" for 1, no true for 1), objects for dataclasses.
        entry = _ENTRY.validate_json(json.dumps(fields))
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise LedgerError(f"{where}: línea ilegible ({problems})") from None
    try:
        if datetime.fromisoformat(entry.at).tzinfo is None:
            raise ValueError("sin zona horaria")
    except ValueError:
        raise LedgerError(
            f"{where}: línea ilegible (campo `at`: se esperaba una fecha y hora ISO 8601 con zona, p. ej. 2026-11-20T15:02:11Z)"
        ) from None
    return entry


_EXPECTED = {**EXPECTED, "literal_error": "estado desconocido"}


def _problem(error: Any) -> str:
    field_name = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int)) or "línea"
    if error.get("type") == "dataclass_type":
        return "se esperaba un objeto JSON"
    return f"campo `{field_name}`: {_EXPECTED.get(error.get('type', ''), 'valor no válido')}"


class LedgerError(RecordError):
    """The ledger cannot be read, or written (a dry run's is read-only); nothing is posted without it."""
