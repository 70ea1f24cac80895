"""The figures of the monthly growth report, computed from ``records/`` (no formatting here).

Followers come from the daily account snapshots; posts from the ledger (posts confirmed during
the month, local time); engagement from the latest post snapshot measured during the month
(reactions + shares + replies; impressions apart, since few networks give them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..syndicate.schedule import TIMEZONE
from .metrics import AccountSnapshot, MentionCount, MetricsStore, PostSnapshot
from .months import Month
from .posts import SyndicatedPost

NETWORK_NAMES = {
    "bluesky": "Bluesky", "mastodon": "Mastodon", "facebook": "Facebook", "instagram": "Instagram",
    "threads": "Threads", "x": "X", "linkedin": "LinkedIn", "telegram": "Telegram",
    "youtube": "YouTube", "tiktok": "TikTok", "whatsapp": "WhatsApp", "email": "Correo", "outbox": "Bandeja local",
}  # fmt: skip
NOT_SOCIAL = frozenset({"email", "outbox"})
"""Channels that have no followers: mailing lists and the local outbox are not in a growth report."""


ACCOUNT_NETWORKS: dict[str, str] = {}
"""Account key -> network of the configured accounts (filled by :func:`.config.load_settings`)."""


def display_name(channel: str) -> str:
    """``Facebook`` for the network's own account; ``x-alcalde (X)`` for a second account."""
    network = ACCOUNT_NETWORKS.get(channel, channel)
    if network != channel:
        return f"{channel} ({NETWORK_NAMES.get(network, network)})"
    return NETWORK_NAMES.get(channel, channel.capitalize())


@dataclass(frozen=True)
class DailyFollowers:
    day: date
    followers: int | None
    net: int | None
    """Change since the previous snapshot (None on the first one)."""
    rate: float | None
    """``net`` as a fraction of the previous value (0.012 = 1.2 %)."""


@dataclass(frozen=True)
class PostRow:
    channel: str
    item_id: str
    update_id: str | None
    posted_at: date
    url: str | None
    snapshot: PostSnapshot | None

    @property
    def engagement(self) -> int | None:
        return self.snapshot.engagement if self.snapshot else None


@dataclass
class NetworkGrowth:
    channel: str
    days: list[DailyFollowers]
    start: int | None
    """Followers at the start: last snapshot of the previous month, else the month's first."""
    end: int | None
    posts: list[PostRow] = field(default_factory=list)
    replies: int = 0
    mentions: int = 0

    @property
    def net(self) -> int | None:
        return self.end - self.start if self.start is not None and self.end is not None else None

    @property
    def rate(self) -> float | None:
        return self.net / self.start if self.net is not None and self.start else None

    @property
    def measured(self) -> list[PostRow]:
        return [p for p in self.posts if p.snapshot is not None]

    @property
    def engagement(self) -> int:
        return sum(p.engagement or 0 for p in self.posts)

    @property
    def engagement_per_post(self) -> float | None:
        return self.engagement / len(self.measured) if self.measured else None


@dataclass(frozen=True)
class ReleaseRow:
    item_id: str
    posts: int
    engagement: int
    impressions: int
    channels: tuple[str, ...]


@dataclass(frozen=True)
class PreviousMonth:
    """What the same account did the month before, for the month-over-month columns."""

    net: int | None
    posts: int
    engagement: int


@dataclass(frozen=True)
class Totals:
    start: int | None
    end: int | None
    posts: int
    engagement: int
    previous_net: int | None
    previous_posts: int | None

    @property
    def net(self) -> int | None:
        return self.end - self.start if self.start is not None and self.end is not None else None

    @property
    def rate(self) -> float | None:
        return self.net / self.start if self.net is not None and self.start else None


@dataclass
class GrowthReport:
    month: Month
    networks: list[NetworkGrowth]
    releases: list[ReleaseRow]
    titles: Mapping[str, str] = field(default_factory=dict)
    previous: Mapping[str, PreviousMonth] = field(default_factory=dict)
    accounts: Mapping[str, str] = field(default_factory=dict)
    """Account key -> network (``x-alcalde`` -> ``x``); an account missing here is its own network."""

    def title(self, item_id: str) -> str:
        """The release's title where the content is at hand, else its id."""
        return self.titles.get(item_id, item_id)

    def network_of(self, account: str) -> str:
        return self.accounts.get(account, account)

    @property
    def empty(self) -> bool:
        return not any(n.days or n.posts or n.replies or n.mentions for n in self.networks)

    def total(self) -> Totals:
        """Every account added up (followers only over the accounts measured at both ends)."""
        both = [n for n in self.networks if n.start is not None and n.end is not None]
        before = [self.previous[n.channel] for n in self.networks if n.channel in self.previous]
        nets = [p.net for p in before if p.net is not None]
        return Totals(
            start=sum(n.start or 0 for n in both) if both else None,
            end=sum(n.end or 0 for n in both) if both else None,
            posts=sum(len(n.posts) for n in self.networks),
            engagement=sum(n.engagement for n in self.networks),
            previous_net=sum(nets) if nets else None,
            previous_posts=sum(p.posts for p in before) if before else None,
        )


def _daily(snapshots: list[AccountSnapshot], before: AccountSnapshot | None) -> list[DailyFollowers]:
    rows: list[DailyFollowers] = []
    previous = before.followers if before is not None else None
    for snap in snapshots:
        net = snap.followers - previous if snap.followers is not None and previous is not None else None
        rate = net / previous if net is not None and previous else None
        rows.append(DailyFollowers(snap.day, snap.followers, net, rate))
        if snap.followers is not None:
            previous = snap.followers
    return rows


def build(
    month: Month,
    metrics: MetricsStore,
    posts: Iterable[SyndicatedPost],
    titles: Mapping[str, str] | None = None,
    accounts: Mapping[str, str] | None = None,
) -> GrowthReport:
    """Every figure of the growth report for ``month``, with the month before for comparison.

    ``accounts`` maps each configured account to its network; mailing lists and the outbox are
    left out (they have no followers).
    """
    posts = list(posts)
    report = _month_figures(month, metrics, posts, titles or {}, accounts or {})
    before = _month_figures(month.previous(), metrics, posts, {}, accounts or {})
    report.previous = {
        n.channel: PreviousMonth(n.net, len(n.posts), n.engagement) for n in before.networks if n.days or n.posts
    }
    return report


def _month_figures(
    month: Month,
    metrics: MetricsStore,
    posts: list[SyndicatedPost],
    titles: Mapping[str, str],
    networks_of: Mapping[str, str],
) -> GrowthReport:
    def social(channel: str) -> bool:
        return networks_of.get(channel, channel) not in NOT_SOCIAL

    accounts = [a for a in metrics.accounts(month) if social(a.channel)]
    before = {s.channel: s for s in metrics.accounts(month.previous()) if s.followers is not None}
    snapshots = {(s.channel, s.item_id, s.update_id): s for s in metrics.posts(month)}
    counts: list[MentionCount] = [c for c in metrics.mention_counts(month) if social(c.channel)]
    month_posts = [
        p for p in posts if p.done_at is not None and month.contains(p.done_at, TIMEZONE) and social(p.channel)
    ]
    channels = sorted({a.channel for a in accounts} | {p.channel for p in month_posts} | {c.channel for c in counts})

    networks: list[NetworkGrowth] = []
    for channel in channels:
        own = [a for a in accounts if a.channel == channel]
        known = [a.followers for a in own if a.followers is not None]
        start = before[channel].followers if channel in before else (known[0] if known else None)
        network = NetworkGrowth(channel, _daily(own, before.get(channel)), start, known[-1] if known else None)
        for post in (p for p in month_posts if p.channel == channel):
            assert post.done_at is not None
            network.posts.append(
                PostRow(channel, post.item_id, post.update_id, post.done_at.astimezone(TIMEZONE).date(), post.url,
                        snapshots.get((channel, post.item_id, post.update_id)))
            )  # fmt: skip
        network.replies = sum(c.replies for c in counts if c.channel == channel)
        network.mentions = sum(c.mentions for c in counts if c.channel == channel)
        networks.append(network)

    by_item: dict[str, list[PostRow]] = {}
    for network in networks:
        for row in network.posts:
            by_item.setdefault(row.item_id, []).append(row)
    releases = [
        ReleaseRow(
            item_id=item,
            posts=len(rows),
            engagement=sum(r.engagement or 0 for r in rows),
            impressions=sum((r.snapshot.impressions or 0) if r.snapshot else 0 for r in rows),
            channels=tuple(sorted({r.channel for r in rows})),
        )
        for item, rows in by_item.items()
    ]
    releases.sort(key=lambda r: (-r.engagement, -r.impressions, r.item_id))
    return GrowthReport(month, networks, releases, titles, accounts=networks_of)
