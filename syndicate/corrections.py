"""Corrections and expiry: every copy of a release follows what the portal says now.

**Corrections.** When a published release is edited, re-approved and redeployed, its digest on
the live portal differs from the one its posts carry. Each account says what then happens
(``correccion:`` in its ``channels`` entry, see docs/difusion.md, «Correcciones y vencimiento»):

* ``editar`` — the post is edited in place with the corrected text (where the network's API
  allows it: Bluesky ``putRecord``, Mastodon ``PUT /api/v1/statuses/:id``, a Facebook page post,
  Telegram ``editMessageText``/``editMessageCaption``);
* ``responder`` — a "Corrección: …" post with the link answers the thread (an e-mail
  "Corrección: …" to the same press lists, once per recipient);
* ``borrar_y_publicar`` — the post is deleted and the corrected one is posted;
* ``nada`` (default) — nothing public happens; the run says the release changed.

The runner only calls :meth:`CorrectionFlow.correct` once the corrected version passed the same
gates as a post: live on the portal with the new digest, and approved. It goes out exactly once
per account: a ``correction_intent`` line (fsynced; pushed first where the network cannot be
asked) before the call and ``correction_done`` after, keyed by the post key and the new digest
(:func:`.channels.base.correction_key`). An interrupted correction is reconciled before anything
is sent again: a reply or repost is looked up by its key (``find_existing``), an edit is
re-applied (it replaces the text, so twice is still one correction), and a network that cannot
be asked (Telegram) is left "por verificar". A failure is retried in the next run, not in this
one.

**Expiry.** The manifest carries a release's ``expires`` while it is listed; the run records it
(``expiry_seen``) because an expired release leaves the manifest. Once the moment passed, each
account with ``vencimiento: borrar`` deletes every post of the release's thread, once
(``expiry_intent``/``expiry_done`` per post); with ``vencimiento: nada`` (default) the posts stay
and an ``expiry_kept`` line says so. The run table mentions it either way, in the run that sees it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime

from .breaker import Breaker
from .channels.base import (
    Channel,
    ChannelError,
    DuplicateRejected,
    Post,
    PostGone,
    Published,
    RateLimited,
    TransientError,
    correction_key,
    post_key,
)
from .durability import Durability, DurabilityError
from .ledger import Entry, Ledger, PostHistory, State
from .manifest import Item
from .report import Outcome, Status

CORRECTION_OPTION = "correccion"
EXPIRY_OPTION = "vencimiento"
MODE_LABELS = {
    "editar": "editada en la red",
    "responder": "respuesta «Corrección» en el hilo",
    "borrar_y_publicar": "borrada y publicada de nuevo",
}
UNVERIFIED_CORRECTION = (
    "por verificar: una corrección se interrumpió y esta red no permite comprobar si salió; revise el "
    "canal (no se reenvía sola; vea «Correcciones y vencimiento» en docs/difusion.md)"
)


def correction_mode(channel: Channel) -> str:
    return str(channel.config.get(CORRECTION_OPTION) or "nada")


def expiry_mode(channel: Channel) -> str:
    return str(channel.config.get(EXPIRY_OPTION) or "nada")


def option_problems(cls: type[Channel], correccion: str, vencimiento: str) -> list[tuple[str, str]]:
    """(option, Spanish message) for each choice the network ``cls`` cannot carry out."""
    problems = []
    if correccion not in cls.correction_modes:
        possible = ", ".join(sorted(cls.correction_modes))
        problems.append(
            (CORRECTION_OPTION, f"la red {cls.name} no permite «{correccion}» por su API; valores posibles: {possible}")
        )
    if vencimiento == "borrar" and not cls.can_delete():
        problems.append((EXPIRY_OPTION, f"la red {cls.name} no permite borrar publicaciones; use vencimiento: nada"))
    return problems


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, ChannelError) else f"error inesperado del canal ({exc.__class__.__name__})"


class CorrectionFlow:
    def __init__(self, ledger: Ledger, *, dry_run: bool, durability: Durability, breaker: Breaker, now: datetime):
        self.ledger = ledger
        self.dry_run = dry_run
        self.durability = durability
        self.breaker = breaker
        self.now = now

    # --- corrections -------------------------------------------------------------------------
    def wanted(self, channel: Channel, item: Item, history: PostHistory) -> bool:
        """Whether ``channel`` should correct its post of ``item`` (changed, and not ``nada``)."""
        return correction_mode(channel) != "nada" and history.done is not None and history.current_digest != item.digest

    def correct(self, channel: Channel, item: Item, thread_keys: list[str]) -> Outcome | None:
        """Carry the approved, live version ``item`` to ``channel``'s post, once. None when the
        account's breaker is open (summed up by the runner)."""
        account, mode = channel.account, correction_mode(channel)
        key = post_key(item.id, account)
        history = self.ledger.history(key)

        def out(status: Status, detail: str, post: Post | None = None, url: str | None = None) -> Outcome:
            return Outcome(item.id, item.title, account, status, detail, None, post, url)

        problems = option_problems(type(channel), mode, "nada")
        if problems:
            return out("error", f"channels.{account}.{problems[0][0]}: {problems[0][1]}")
        target = history.current_post
        if target is None:
            return out(
                "changed",
                "el comunicado cambió después de publicarse; no se puede corregir en esta red porque se marcó "
                "como publicado (--seed) sin su identificador en la red",
            )
        try:
            post = self._render(channel, item, mode, thread_keys)
        except Exception as exc:
            return out("error", f"no se pudo preparar la corrección ({exc.__class__.__name__})")
        if post.problems:
            return out("error", "corrección: " + "; ".join(post.problems), post)
        if post.skip:
            return out("skipped", post.skip, post)
        lines = history.corrections_of(item.digest)
        last = lines[-1] if lines else None
        if last is not None and last.state == "correction_unverified":
            return out("unverified", UNVERIFIED_CORRECTION, post)
        interrupted = last is not None and (
            last.state == "correction_intent" or (last.state == "correction_failed" and last.uncertain)
        )
        if self.dry_run:
            note = " (antes se comprobará si una ejecución interrumpida ya la hizo)" if interrupted else ""
            return out("would_post", f"se corregiría: {MODE_LABELS[mode]}{note}", post)
        if self.breaker.is_open(account):
            self.breaker.skip(account)
            return None

        def write(state: State, published: Published | None = None, **fields: object) -> Entry:
            return self.ledger.append(
                state,
                key=key,
                item=item.id,
                channel=account,
                digest=item.digest,
                action=mode,
                remote_id=published.remote_id if published else None,
                url=published.url if published else None,
                **fields,
            )

        if interrupted and mode != "editar":
            if not channel.can_look_up:
                write("correction_unverified", target)
                return out("unverified", UNVERIFIED_CORRECTION, post)
            try:
                existing = channel.find_existing(post)
            except Exception as exc:
                self.breaker.failed(account, exc)
                return out(
                    "error", f"no se pudo comprobar si la corrección ya salió ({_message(exc)}); se reintentará", post
                )
            if existing is not None:
                write("correction_done", existing, error="conciliada: ya estaba en la red (ejecución interrumpida)")
                return out(
                    "reconciled", "la corrección ya estaba en la red (ejecución interrumpida)", post, existing.url
                )
        write("correction_intent", target)
        if not channel.can_look_up and mode != "editar":
            try:
                self.durability.make_durable(f"intención de corrección {key}")
            except DurabilityError as exc:
                detail = f"no se envió la corrección: el registro de la intención no se pudo guardar ({exc})"
                write("correction_failed", error=detail)
                return out("error", detail, post)
        try:
            result = self._send(channel, mode, target, post)
        except DuplicateRejected as exc:
            self.breaker.succeeded(account)
            existing = exc.existing
            if existing is None:
                try:
                    existing = channel.find_existing(post)
                except Exception:
                    existing = None
            if existing is not None:
                write("correction_done", existing, error="duplicado: se adopta la publicación existente")
                return out("corrected", f"corrección: {MODE_LABELS[mode]} (la red ya la tenía)", post, existing.url)
            write("correction_failed", error=exc.message)
            return out("error", exc.message, post)
        except TransientError as exc:
            self.breaker.failed(account, exc)
            uncertain = not isinstance(exc, RateLimited)
            if uncertain and not channel.can_look_up and mode != "editar":
                write("correction_unverified", error=exc.message)
                return out("unverified", f"{exc.message}; {UNVERIFIED_CORRECTION}", post)
            detail = f"{exc.message}; la corrección se reintentará en la próxima ejecución"
            write("correction_failed", error=detail, uncertain=uncertain)
            return out("error", detail, post)
        except ChannelError as exc:
            self.breaker.failed(account, exc)
            write("correction_failed", error=exc.message)
            return out("error", f"corrección: {exc.message}", post)
        except Exception as exc:
            self.breaker.failed(account, exc)
            detail = f"{_message(exc)}; se comprobará en la próxima ejecución"
            write("correction_failed", error=detail, uncertain=True)
            return out("error", detail, post)
        self.breaker.succeeded(account)
        write("correction_done", result)
        return out("corrected", f"corrección: {MODE_LABELS[mode]}", post, result.url)

    def _render(self, channel: Channel, item: Item, mode: str, thread_keys: list[str]) -> Post:
        if mode == "editar":
            return channel.render(item, None, None)
        if mode == "responder":
            return channel.render_correction(item, self.ledger.thread_tip(thread_keys))
        return channel.with_key(channel.render(item, None, None), correction_key(item.id, channel.account, item.digest))

    @staticmethod
    def _send(channel: Channel, mode: str, target: Published, post: Post) -> Published:
        if mode == "editar":
            return channel.edit(target, post)
        if mode == "borrar_y_publicar":
            with contextlib.suppress(PostGone):  # deleted already (by hand, or an interrupted run)
                channel.delete(target)
        return channel.publish(post)

    # --- expiry ------------------------------------------------------------------------------
    def expire(self, listed: Iterable[Item], channels: Iterable[Channel]) -> list[Outcome]:
        """Record the expiry moments the manifest states, and act on those that passed."""
        items = {item.id: item for item in listed}
        threads: dict[tuple[str, str], list[str]] = {}
        for key, history in self.ledger.histories():
            if history.entries:
                first = history.entries[0]
                threads.setdefault((first.item, first.channel), []).append(key)
        outcomes: list[Outcome] = []
        for channel in channels:
            for (item_id, account), keys in sorted(threads.items()):
                if account != channel.account:
                    continue
                outcome = self._expire_one(channel, item_id, items.get(item_id), keys)
                if outcome is not None:
                    outcomes.append(outcome)
        return outcomes

    def _expire_one(self, channel: Channel, item_id: str, item: Item | None, keys: list[str]) -> Outcome | None:
        account = channel.account
        key = post_key(item_id, account)
        history = self.ledger.history(key)
        if history.done is None:
            return None
        expiry_lines = history.expiry_lines()
        seen = [e for e in expiry_lines if e.state == "expiry_seen"]
        recorded = seen[-1].expires if seen else None
        if item is not None:
            stated = item.expires.isoformat() if item.expires else None
            if stated != recorded and not self.dry_run:
                self.ledger.append(
                    "expiry_seen",
                    key=key,
                    item=item_id,
                    channel=account,
                    digest=history.current_digest or item.digest,
                    expires=stated,
                )
            recorded = stated
        if recorded is None or datetime.fromisoformat(recorded) > self.now:
            return None
        this = [e for e in expiry_lines if e.expires == recorded and e.state != "expiry_seen"]
        if any(e.state == "expiry_kept" for e in this):
            return None
        title = item.title if item is not None else item_id
        when = datetime.fromisoformat(recorded).strftime("%Y-%m-%d %H:%M")

        def out(status: Status, detail: str) -> Outcome:
            return Outcome(item_id, title, account, status, detail)

        digest = history.current_digest or ""
        if expiry_mode(channel) == "nada":
            if not self.dry_run:
                self.ledger.append(
                    "expiry_kept", key=key, item=item_id, channel=account, digest=digest, expires=recorded
                )
            return out("expired", f"venció el {when}; sus publicaciones se conservan (vencimiento: nada)")
        deleted = {e.remote_id for e in this if e.state == "expiry_done"}
        pending = [p for p in self._posts(history, keys) if p.remote_id not in deleted]
        if not pending:
            return None  # deleted in an earlier run
        if self.dry_run:
            return out("would_post", f"venció el {when}: se borrarían {len(pending)} publicaciones")
        problems = option_problems(type(channel), "nada", "borrar")
        if problems:
            return out("error", f"channels.{account}.{problems[0][0]}: {problems[0][1]}")
        if self.breaker.is_open(account):
            self.breaker.skip(account)
            return None
        failures = []
        for published in pending:
            fields = {"key": key, "item": item_id, "channel": account, "digest": digest, "expires": recorded}
            self.ledger.append("expiry_intent", remote_id=published.remote_id, url=published.url, **fields)
            try:
                channel.delete(published)
            except PostGone:
                pass
            except Exception as exc:
                self.breaker.failed(account, exc)
                uncertain = isinstance(exc, TransientError) or not isinstance(exc, ChannelError)
                self.ledger.append(
                    "expiry_failed",
                    remote_id=published.remote_id,
                    error=_message(exc),
                    uncertain=uncertain,
                    **fields,
                )
                failures.append(_message(exc))
                if self.breaker.is_open(account):
                    break
                continue
            self.breaker.succeeded(account)
            self.ledger.append("expiry_done", remote_id=published.remote_id, url=published.url, **fields)
        done = len(pending) - len(failures)
        if failures:
            return out(
                "error",
                f"venció el {when}: se borraron {done} de {len(pending)} publicaciones ({failures[0]}); "
                "se reintentará en la próxima ejecución",
            )
        return out("expired", f"venció el {when}: {done} publicaciones borradas de la red (vencimiento: borrar)")

    def _posts(self, history: PostHistory, keys: list[str]) -> list[Published]:
        """Every post of the thread still standing: the item's post (or its repost), updates and
        correction replies, in the order they went out."""
        replaced = {
            e.remote_id
            for e in history.entries
            if e.state == "correction_intent"
            and e.action == "borrar_y_publicar"
            and any(d.state == "correction_done" and d.digest == e.digest for d in history.entries)
        }
        made = sorted((pair for k in keys for pair in self.ledger.history(k).thread_posts()), key=lambda p: p[0])
        unique: dict[str, Published] = {}
        for _, published in made:
            if published.remote_id not in replaced:
                unique.setdefault(published.remote_id, published)
        return list(reversed(unique.values()))  # replies first, the thread's root last
