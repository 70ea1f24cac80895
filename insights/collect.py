"""``pregon collect``: one daily snapshot of every configured channel.

For each channel: followers and posts of the official account, the counts of each recently
syndicated post, and the new replies and mentions (backfeed). Counts are appended to
``records/metrics``; reply and mention texts go to the private store only. A channel whose API
lacks an operation is skipped for it with a note; a channel that fails does not stop the others,
and the run reports every failure so the command can exit non-zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from ..syndicate.channels.base import Channel, ChannelError, NotSupported, PostGone, RateLimited
from ..syndicate.schedule import TIMEZONE
from .metrics import MetricsStore
from .posts import SyndicatedPost
from .private import PrivateStore, StoredMention

POST_WINDOW = timedelta(days=30)
"""Posts are measured for 30 days: later counts barely move and some APIs bill every read."""

T = TypeVar("T")


@dataclass
class CollectResult:
    notes: list[str] = field(default_factory=list)
    """Spanish: operations a network does not offer, skipped private store…"""
    failures: list[str] = field(default_factory=list)
    """Spanish, one per failed read: channel and what failed."""
    accounts: int = 0
    posts: int = 0
    mentions: int = 0
    purged: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


class _Gone(Exception):
    """The post was deleted on the network."""


class _Skip(Exception):
    """A read did not succeed; ``give_up`` when the same read of other posts would fail alike."""

    def __init__(self, give_up: bool):
        super().__init__()
        self.give_up = give_up


def _line(channel: str, what: str, message: str) -> str:
    # Channel messages usually start with their own name already.
    return f"{channel}: {what}: {message.removeprefix(f'{channel}: ')}"


def _guard(result: CollectResult, channel: str, what: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except NotSupported as exc:
        result.notes.append(_line(channel, what, exc.message) + " (se omite)")
        raise _Skip(give_up=True) from None
    except PostGone as exc:
        # Deleted by hand on the network: gone, not an error, and not measured again.
        result.notes.append(_line(channel, what, exc.message) + " (se deja de medir)")
        raise _Gone() from None
    except ChannelError as exc:
        result.failures.append(_line(channel, what, exc.message))
        raise _Skip(give_up=isinstance(exc, RateLimited)) from None
    except Exception as exc:
        # The exception text is not shown: it may carry a URL with a token.
        result.failures.append(f"{channel}: {what}: error inesperado ({type(exc).__name__})")
        raise _Skip(give_up=False) from None


def collect(
    channels: Mapping[str, Channel],
    posts: Iterable[SyndicatedPost],
    metrics: MetricsStore,
    private: PrivateStore | None,
    *,
    now: datetime,
    retention_days: int,
) -> CollectResult:
    """Snapshot ``channels`` at ``now``; write counts to ``metrics`` and texts to ``private``."""
    result = CollectResult()
    today = now.astimezone(TIMEZONE).date().isoformat()
    taken_at = now.isoformat()
    gone = metrics.gone()
    recent = [
        p
        for p in posts
        if p.published is not None
        and p.done_at is not None
        and now - p.done_at <= POST_WINDOW
        and (p.channel, p.remote_id) not in gone
    ]
    if private is None:
        result.notes.append(
            "sin PREGON_PRIVATE_DIR: no se recogen respuestas ni menciones (son datos personales y "
            "solo se guardan en una carpeta privada fuera del repositorio)"
        )
    for name, channel in channels.items():
        # Written channel by channel: a crash later in the run keeps what was already read.
        lines = _account(result, name, channel, today, taken_at)
        lines += _posts(result, name, channel, [p for p in recent if p.channel == name], today, taken_at)
        if private is not None:
            lines += _mentions(result, name, channel, private, now)
        metrics.append(lines)
    if private is not None:
        result.purged = private.purge(retention_days, now)
    return result


def _account(result: CollectResult, name: str, channel: Channel, today: str, taken_at: str) -> list[dict[str, Any]]:
    try:
        stats = _guard(result, name, "seguidores", channel.account_stats)
    except _Skip:
        return []
    result.accounts += 1
    return [{"kind": "account", "date": today, "taken_at": taken_at, "channel": name,
             "followers": stats.followers, "posts": stats.posts}]  # fmt: skip


# Networks where Pregón posts live updates as replies in the release's thread: each update is a
# reply the network counts on the post before it, and it is the office's, not a citizen's.
THREADED = frozenset({"bluesky", "mastodon", "x", "threads"})


def _own_replies(channel: Channel, posts: list[SyndicatedPost]) -> dict[str, int]:
    """Replies the office itself made to each post (key -> count): the next post of its thread."""
    if channel.name not in THREADED:
        return {}
    out: dict[str, int] = {}
    by_item: dict[str, list[SyndicatedPost]] = {}
    for post in posts:
        by_item.setdefault(post.item_id, []).append(post)
    for thread in by_item.values():
        ordered = sorted((p for p in thread if p.done_at is not None), key=lambda p: p.done_at or 0)
        for post in ordered[:-1]:
            out[post.key] = 1
    return out


def _posts(
    result: CollectResult, name: str, channel: Channel, posts: list[SyndicatedPost], today: str, taken_at: str
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    own = _own_replies(channel, posts)
    for post in posts:
        assert post.published is not None
        try:
            counts = _guard(result, name, f"métricas de {post.item_id}", partial(channel.post_stats, post.published))
        except _Gone:
            lines.append({"kind": "gone", "date": today, "taken_at": taken_at, "channel": name,
                          "item_id": post.item_id, "update_id": post.update_id, "remote_id": post.remote_id})  # fmt: skip
            continue
        except _Skip as skip:
            if skip.give_up:
                break
            continue
        replies = counts.replies
        if replies is not None:
            replies = max(0, replies - own.get(post.key, 0))  # citizens' replies only
        lines.append({
            "kind": "post", "date": today, "taken_at": taken_at, "channel": name,
            "item_id": post.item_id, "update_id": post.update_id, "remote_id": post.remote_id,
            "impressions": counts.impressions, "reactions": counts.reactions,
            "shares": counts.shares, "replies": replies,
        })  # fmt: skip
        result.posts += 1
    return lines


def _mentions(
    result: CollectResult, name: str, channel: Channel, private: PrivateStore, now: datetime
) -> list[dict[str, Any]]:
    """Store new replies and mentions privately; return their per-day counts for the records."""
    try:
        found = _guard(result, name, "respuestas y menciones", partial(channel.mentions, private.latest_mention(name)))
    except _Skip:
        return []
    stored = [StoredMention(name, m.remote_id, m.author, m.text, m.created_at, m.in_reply_to, m.url) for m in found]
    new = private.add_mentions(stored, now)
    result.mentions += len(new)
    return _mention_counts(name, new, now.isoformat())


def _mention_counts(channel: str, mentions: list[StoredMention], taken_at: str) -> list[dict[str, Any]]:
    """Aggregate new mentions by local day: the only trace of them in the public records."""
    days: dict[str, list[int]] = {}
    for mention in mentions:
        pair = days.setdefault(mention.created_at.astimezone(TIMEZONE).date().isoformat(), [0, 0])
        pair[0 if mention.in_reply_to else 1] += 1
    return [
        {"kind": "mentions", "date": day, "taken_at": taken_at, "channel": channel, "replies": r, "mentions": m}
        for day, (r, m) in sorted(days.items())
    ]
