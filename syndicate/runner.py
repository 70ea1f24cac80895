"""One syndication run: the live manifest's items through the gates, then to every channel once.

Other code (``pregon demo``, tests, a scheduler) calls :func:`syndicate`; the CLI is a thin layer
over it. Gates, in order, for each item that still has something to post:

1. **Live** (:class:`live.LiveCheck`) — the page and the feed on the live site match the manifest;
2. **Approved** (:mod:`approvals`) — the configured provider approves this digest;
3. **Due** (:mod:`schedule`) — per account, now is inside its schedule.

An item failing a gate is reported and left for a later run. Then each channel renders its post;
a post with problems is reported as an error and never sent; others go through
:class:`delivery.Delivery` (exactly once). Live updates follow their item's post on each channel,
in time order, each as a reply to the LAST post made in the thread (one added later with an
earlier time still goes at the end). A release changed after publication is corrected where the
account says so (:mod:`corrections`, after the same live and approval gates), and an expired
release's posts are deleted where the account says ``vencimiento: borrar``. A channel with nothing to send for an
item or update (its rendered post has ``Post.skip`` with the reason, e.g. YouTube without a
video) is decided before any gate and leaves no ledger line; it is not an error. Nor is a release
an account does not take (:mod:`selection`).

Each ``channels`` entry is an account (:mod:`accounts`). An account that cannot be opened (unset
environment variable, invalid option, unknown network) is one error row naming what to fix; the
others go on, and the exit status says "configuration" (2). An account whose
:class:`breaker.Breaker` opens sends nothing more in this run and is summed up in one row.

Read-back (docs/difusion.md, "Comprobación en la red"): after the sends, :meth:`_Run._read_back`
reads every done post that is not proved yet back from its network (:mod:`read_back`); it never
sends, never stops another account and never changes the exit status.

Durability (docs/difusion.md, "Registros que sobreviven"): when the records folder is a checkout
of the records branch, the run pushes its journal's ``started`` line before the first send, each
intent of a channel that cannot look its posts up (Telegram) right before that send, the e-mail
sent log every few recipients, and everything else at the end — a bounded number of pushes.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import httpx

from .accounts import AccountError, accounts
from .approvals import ApprovalProvider, ApprovalUnavailable, Decision, provider_for
from .approvals.decisions import DecisionLog
from .backlog import guard, seed, skip_reason
from .breaker import Breaker
from .channels import open_account
from .channels.base import Channel, Post, post_key
from .config import SyndicateConfig
from .corrections import CorrectionFlow
from .delivery import Delivery
from .durability import Durability
from .jsonlines import repair_folder
from .ledger import Ledger
from .live import LiveCheck, SiteUnreachable, fetch_manifest
from .lock import RunLock
from .manifest import Item, ManifestError, Update
from .read_back import ReadBackStep
from .records_git import durability_for
from .report import ALL_CHANNELS, Outcome, RunReport, Status
from .runs import RunJournal
from .schedule import BEST_HOURS_FILE, Scheduler, load_best_hours

ItemProgress = Callable[[int, int, Item], None]


def syndicate(
    site: str,
    config: SyndicateConfig,
    *,
    dry_run: bool = False,
    seed: bool = False,
    publish_backlog: bool = False,
    now: datetime | None = None,
    on_item: ItemProgress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    """Run syndication against the live ``site`` (base URL). Holds the records lock unless dry-run.

    Raises :class:`lock.LockBusy` when another run holds the lock. Never raises for a network,
    site or channel failure: those are in the returned report (``report.ok`` is False).
    """
    site = site if site.endswith("/") else site + "/"
    # The ledger is read inside the lock: a run that finished just before must be seen whole.
    guard = contextlib.nullcontext() if dry_run else RunLock(config.records)
    with guard:
        return _Run(
            site,
            config,
            dry_run=dry_run,
            seed=seed,
            publish_backlog=publish_backlog,
            now=now,
            on_item=on_item,
            sleep=sleep,
        ).execute()


class _Run:
    def __init__(
        self,
        site: str,
        config: SyndicateConfig,
        *,
        dry_run: bool,
        seed: bool,
        publish_backlog: bool,
        now: datetime | None,
        on_item: ItemProgress | None,
        sleep: Callable[[float], None],
    ):
        self.site = site
        self.config = config
        self.dry_run = dry_run
        self.seed = seed
        self.publish_backlog = publish_backlog
        self.now = now or datetime.now(UTC)
        self.on_item = on_item
        self.report = RunReport(site, dry_run=dry_run)
        if not dry_run:
            # A torn last line (power cut mid-write) is set aside, never read as records or glued to.
            self.report.notes += repair_folder(config.records)
        run = uuid.uuid4().hex[:12]
        self.ledger = Ledger(config.records / "ledger", run=run, read_only=dry_run)
        self.decisions = None if dry_run else DecisionLog(config.records / "decisions")
        self.durability: Durability = durability_for(config.records, config.records_branch)
        self.journal = RunJournal(config.records / "runs", run)
        self.breaker = Breaker(config.breaker.failures)
        self.delivery = Delivery(self.ledger, config.retry, sleep, self.durability, self.breaker)
        self.scheduler = Scheduler(config.schedule, load_best_hours(config.records))
        self.corrections = CorrectionFlow(
            self.ledger, dry_run=dry_run, durability=self.durability, breaker=self.breaker, now=self.now
        )
        self.channels: dict[str, Channel] = {}
        self.approvals: ApprovalProvider | None = None
        self._decided: dict[tuple[str, str | None], Decision | str] = {}

    # --- setup -----------------------------------------------------------------------------
    def _open_channels(self) -> None:
        for key, account in accounts(self.config):
            try:
                if isinstance(account, AccountError):
                    raise account
                channel = open_account(account)
                channel.attach_records(self.config.records, self._make_durable_hook(key))
                self.channels[key] = channel
            except AccountError as exc:
                message = exc.message
            except Exception as exc:
                # Only the class name: the text of an unexpected exception may carry a secret.
                message = f"error inesperado ({exc.__class__.__name__})"
            else:
                continue
            self.report.outcomes.append(
                Outcome("—", "—", key, "error", f"la cuenta no se pudo configurar: {message}", config=True)
            )

    def _make_durable_hook(self, name: str) -> Callable[[], None]:
        return lambda: self.durability.make_durable(f"registro de envíos de {name}")

    def _begin_sending(self) -> None:
        """Before the first send: the journal says which channels this run may send on, pushed.
        A run with nothing to send writes nothing and pushes nothing."""
        if self.journal.started:
            return
        self.journal.start([c.account for c in self.channels.values() if c.can_look_up])
        self.durability.make_durable("inicio de la difusión")

    def _end(self) -> None:
        if self.dry_run:
            return
        self.journal.finish()
        self.durability.make_durable("resultados de la difusión")

    def execute(self) -> RunReport:
        with httpx.Client(timeout=30.0, follow_redirects=False) as client:
            try:
                manifest = fetch_manifest(self.site, client)
            except (SiteUnreachable, ManifestError) as exc:
                self.report.fatal = f"{exc} — no se publicó nada"
                return self.report
            if manifest.site_url.rstrip("/") != self.site.rstrip("/"):
                # Another deploy answers at this address (wrong URL, stale proxy): nothing there is ours.
                self.report.fatal = (
                    f"el manifiesto publicado en {self.site} es del sitio {manifest.site_url}; "
                    "revise --site (o PREGON_SITE_URL de la construcción) — no se publicó nada"
                )
                return self.report
            self._open_channels()
            for channel in self.channels.values():
                channel.attach_site(manifest)
            try:
                if self.seed:
                    self.report.outcomes += seed(manifest.items, self.channels, self.ledger, dry_run=self.dry_run)
                    return self.report
                self.approvals = provider_for(self.config.approvals, self.config.records)
                live = LiveCheck(self.site, manifest, client)
                refused = (
                    []
                    if self.publish_backlog
                    else guard(
                        manifest.items,
                        self.channels,
                        self.ledger,
                        self.config.backlog_limit,
                    )
                )
                self.report.outcomes += refused
                blocked = {o.channel for o in refused}
                for number, item in enumerate(manifest.items, 1):
                    if self.on_item:
                        self.on_item(number, len(manifest.items), item)
                    self._item(item, live, blocked)
                self._expiry(manifest.items, blocked)
                self._read_back(manifest.items)
            finally:
                for channel in self.channels.values():
                    with contextlib.suppress(Exception):  # closing must not hide what the run did
                        channel.close()
                if self.approvals is not None:
                    self.approvals.close()
                self._end()
        for account, reason, left in self.breaker.summary():
            later = f"; {left} publicaciones más quedan para la próxima ejecución" if left else ""
            self.report.outcomes.append(
                Outcome("—", "—", account, "error", f"se dejó de usar esta cuenta en esta ejecución ({reason}){later}")
            )
        already = self.report.count("already")
        if already:
            self.report.notes.append(f"{already} publicaciones ya estaban hechas en ejecuciones anteriores")
        for name in sorted(self.scheduler.fallbacks):
            self.report.notes.append(
                f"{name}: no hay mejores horas calculadas ({BEST_HOURS_FILE} en los registros); "
                "se usaron las ventanas configuradas"
            )
        skipped = self.report.count("skipped")
        if skipped and not self.dry_run:
            self.report.notes.append(
                f"{skipped} publicaciones no aplican en su red (p. ej. sin video); --dry-run las lista"
            )
        return self.report

    # --- one item --------------------------------------------------------------------------
    def _item(self, item: Item, live: LiveCheck, blocked: set[str]) -> None:
        channels = [c for name, c in self.channels.items() if name not in blocked]
        pending_main = []
        to_correct = []
        for channel in channels:
            history = self.ledger.history(post_key(item.id, channel.account))
            done = history.done
            if done is None:
                reason = skip_reason(channel, item, None)
                if reason:
                    self._add(item, channel.account, "skipped", reason)
                else:
                    pending_main.append(channel)
            elif history.current_digest != item.digest:
                if self.corrections.wanted(channel, item, history):
                    to_correct.append(channel)
                else:
                    self._changed(item, channel, recorded=history.changed_recorded(item.digest))
            else:
                self._add(item, channel.account, "already", "ya publicado")
        updates = sorted(item.updates, key=lambda u: u.time) if item.live else []
        pending_updates = any(
            self.ledger.history(post_key(item.id, c.account, u.id)).done is None and not skip_reason(c, item, u)
            for c in channels
            for u in updates
        )
        if not pending_main and not pending_updates and not to_correct:
            return
        verdict = live.check(item)
        if not verdict.ok:
            self._add(item, ALL_CHANNELS, "waiting", f"no está en el portal: {verdict.reason}")
            return
        decision = self._decide(item, None)
        if decision is None:
            return
        self._corrections(item, to_correct)
        ready = {c.account for c in pending_main if self._post(item, c, None)}
        for channel in channels:
            # Updates follow once the item's own post is done here, or if it has none (skip).
            main_ready = channel.account in ready or channel not in pending_main
            self._updates(item, channel, updates, live, main_ready)

    def _read_back(self, items: Iterable[Item]) -> None:
        """Proof that each done post is out: read back what is pending (never in a dry run)."""
        if self.dry_run:
            return
        step = ReadBackStep(self.ledger, self.channels, items, self.config.breaker.failures, self.breaker)
        self.report.checks += step.run()
        self.report.notes += step.notes()

    def _changed(self, item: Item, channel: Channel, update: Update | None = None, *, recorded: bool) -> None:
        if not recorded and not self.dry_run:
            self.ledger.append(
                "changed_after_publication",
                key=post_key(item.id, channel.account, update.id if update else None),
                item=item.id,
                channel=channel.account,
                digest=update.digest if update else item.digest,
                update=update.id if update else None,
            )
        self._add(
            item,
            channel.account,
            "changed",
            "el comunicado cambió después de publicarse en esta red; no se vuelve a publicar ni se corrige "
            "(la cuenta tiene correccion: nada; vea «Correcciones y vencimiento» en docs/difusion.md)",
            update,
        )

    def _decide(self, item: Item, update: Update | None) -> Decision | None:
        """The approval decision, or None (reported) when refused or unavailable."""
        cache_key = (item.id, update.id if update else None)
        if cache_key not in self._decided:
            assert self.approvals is not None
            decision: Decision | str
            try:
                decision = self.approvals.decide(item, update)
            except ApprovalUnavailable as exc:
                decision = str(exc)
            if isinstance(decision, Decision) and self.decisions is not None:
                self.decisions.record(item.id, update.id if update else None, decision)
            self._decided[cache_key] = decision
            channel = ALL_CHANNELS
            if isinstance(decision, str):
                self._add(
                    item,
                    channel,
                    "error",
                    f"aprobación no verificable: {decision}",
                    update,
                )
            elif not decision.approved:
                self._add(
                    item,
                    channel,
                    "waiting",
                    f"sin aprobación: {decision.reason}",
                    update,
                )
        decided = self._decided[cache_key]
        return decided if isinstance(decided, Decision) and decided.approved else None

    def _post(
        self,
        item: Item,
        channel: Channel,
        update: Update | None,
        keys: list[str] | None = None,
    ) -> bool:
        """Render and send one post; True when it is done, or would be in a dry run (so later
        updates may follow)."""
        if self.breaker.is_open(channel.account):
            self.breaker.skip(channel.account)  # summed up in one row at the end of the run
            return False
        due = self.scheduler.due(channel.account, self.now, network=channel.name)
        if not due.due:
            self._add(item, channel.account, "waiting", due.reason, update)
            return False
        reply_to = self.ledger.thread_tip(keys) if keys else None
        try:
            post = channel.render(item, update, reply_to)
        except Exception as exc:
            self._add(
                item,
                channel.account,
                "error",
                f"no se pudo preparar la publicación ({exc.__class__.__name__})",
                update,
            )
            return False
        if post.problems:
            self._add(item, channel.account, "error", "; ".join(post.problems), update, post)
            return False
        if self.dry_run:
            history = self.ledger.history(post.key)
            note = (
                " (antes se comprobará si una ejecución interrumpida ya la publicó)"
                if history.needs_reconciliation
                else ""
            )
            self._add(item, channel.account, "would_post", f"se publicaría{note}", update, post)
            return True  # in a dry run, "would be posted" lets the following updates show too
        digest = update.digest if update else item.digest
        history = self.ledger.history(post.key)
        suspect = self.journal.suspect(channel.account, history)
        self._begin_sending()
        outcome = self.delivery.send(channel, post, digest, item.title, suspect=suspect)
        self.report.outcomes.append(outcome)
        done = self.ledger.history(post.key).done
        if outcome.status == "reconciled" and done is not None and done.digest != digest:
            # The network holds the version of the interrupted send, not today's.
            self._changed(item, channel, update, recorded=False)
        return not outcome.failed

    def _updates(
        self,
        item: Item,
        channel: Channel,
        updates: list[Update],
        live: LiveCheck,
        main_ready: bool,
    ) -> None:
        """Post ``item``'s pending live updates on ``channel``, in order, once its main post is done
        (in a dry run: once it would be posted)."""
        keys = [post_key(item.id, channel.account)]
        # Every post of the thread, whatever its update's time: a new update replies to the LAST
        # post made (Ledger.thread_tip), so one added later with an earlier time does not fork it.
        thread = keys + [post_key(item.id, channel.account, u.id) for u in item.updates]
        if not main_ready:
            if updates and self.ledger.history(keys[0]).done is None and not self.breaker.is_open(channel.account):
                self._add(
                    item,
                    channel.account,
                    "waiting",
                    "las actualizaciones esperan la publicación principal",
                    updates[0],
                )
            return
        for update in updates:
            key = post_key(item.id, channel.account, update.id)
            if self.ledger.history(key).done is not None:
                keys.append(key)
                continue
            reason = skip_reason(channel, item, update)
            if reason:
                self._add(item, channel.account, "skipped", reason, update)
                continue  # not a post on this channel: the following updates go on
            verdict = live.check_update(item, update)
            if not verdict.ok:
                self._add(item, channel.account, "waiting", verdict.reason, update)
                return
            if self._decide(item, update) is None:
                return
            if not self._post(item, channel, update, thread):
                return  # order matters: later updates wait for this one
            keys.append(key)

    # --- corrections and expiry (syndicate/corrections.py) --------------------------------
    def _corrections(self, item: Item, channels: list[Channel]) -> None:
        """The corrected version of ``item`` (live on the portal and approved: checked by the
        caller) to each account that corrects, once."""
        for channel in channels:
            key = post_key(item.id, channel.account)
            if not self.dry_run:
                if not self.ledger.history(key).changed_recorded(item.digest):
                    self.ledger.append(
                        "changed_after_publication", key=key, item=item.id, channel=channel.account, digest=item.digest
                    )
                self._begin_sending()
            thread = [key] + [post_key(item.id, channel.account, u.id) for u in item.updates]
            outcome = self.corrections.correct(channel, item, thread)
            if outcome is not None:
                self.report.outcomes.append(outcome)

    def _expiry(self, items: tuple[Item, ...], blocked: set[str]) -> None:
        """Expired releases' posts: deleted once where the account says ``vencimiento: borrar``."""
        channels = [c for name, c in self.channels.items() if name not in blocked]
        if not self.dry_run and any(c.config.get("vencimiento") == "borrar" for c in channels):
            self._begin_sending()
        self.report.outcomes += self.corrections.expire(items, channels)

    def _add(
        self,
        item: Item,
        channel: str,
        status: Status,
        detail: str,
        update: Update | None = None,
        post: Post | None = None,
    ) -> None:
        self.report.outcomes.append(
            Outcome(
                item.id,
                item.title,
                channel,
                status,
                detail,
                update.id if update else None,
                post,
            )
        )
