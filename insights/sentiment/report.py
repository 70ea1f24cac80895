"""The figures of the monthly sentiment report, from the private store (no formatting here).

Every reply and mention created in the month (local time) is classified; an analyst's correction
(kept in the private store by pseudonymous id) replaces the model's label. Rows carry only
pseudonymised data: a keyed id, a keyed author code and the masked text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...syndicate.schedule import TIMEZONE
from ..months import Month
from ..posts import SyndicatedPost
from ..private import PrivateStore
from ..pseudonym import mask
from .classifier import Classifier, classify
from .labelled import LABELS
from .terms import top_terms

DIRECT = "(mención directa)"
"""Release column of a mention that does not answer one of our posts."""


@dataclass(frozen=True)
class Row:
    id: str
    channel: str
    created: datetime
    """Local time."""
    author: str
    """Pseudonymous author code."""
    text: str
    """Masked text."""
    release: str
    predicted: str
    corrected: str | None
    confidence: float | None = None
    """The model's probability for ``predicted`` (None when the classifier gives none)."""

    @property
    def label(self) -> str:
        return self.corrected or self.predicted

    @property
    def week(self) -> date:
        """Monday of the row's week."""
        day = self.created.date()
        return day - timedelta(days=day.weekday())


@dataclass
class SentimentReport:
    month: Month
    rows: list[Row]
    corrections_applied: int

    @property
    def empty(self) -> bool:
        return not self.rows

    def distribution(self, key: str) -> list[tuple[object, dict[str, int]]]:
        """Counts per class grouped by ``key`` (``channel``, ``week`` or ``release``), sorted."""
        groups: dict[object, dict[str, int]] = {}
        for row in self.rows:
            counts = groups.setdefault(getattr(row, key), dict.fromkeys(LABELS, 0))
            counts[row.label] += 1
        return sorted(groups.items(), key=lambda kv: str(kv[0]))

    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(LABELS, 0)
        for row in self.rows:
            counts[row.label] += 1
        return counts

    def samples(self, limit: int) -> list[Row]:
        """Up to ``limit`` rows for people to read and correct, in time order.

        Rows already corrected always come back (the analyst sees their own corrections); the rest
        is spread evenly over the month and balanced across the model's classes, so a rare class
        gets as many chances to be checked as a frequent one.
        """
        corrected = [r for r in self.rows if r.corrected][:limit]
        rest = [r for r in self.rows if not r.corrected]
        room = limit - len(corrected)
        chosen = list(corrected)
        if len(rest) <= room:
            chosen += rest
        else:
            groups = sorted(([r for r in rest if r.predicted == label] for label in LABELS), key=len)
            for left, group in zip(range(len(groups), 0, -1), groups, strict=True):
                take = min(room // left, len(group))
                chosen += [group[int(k * len(group) / take)] for k in range(take)]
                room -= take
        return sorted(chosen, key=lambda r: (r.created, r.id))

    def terms(self, limit: int = 15) -> dict[str, list[tuple[str, int]]]:
        return {label: top_terms((r.text for r in self.rows if r.label == label), limit) for label in LABELS}


def build(
    month: Month,
    store: PrivateStore,
    classifier: Classifier,
    posts: Iterable[SyndicatedPost],
    titles: Mapping[str, str] | None = None,
) -> SentimentReport:
    """Classify the month's replies and mentions and apply the stored corrections."""
    titles = titles or {}
    releases = {(p.channel, p.remote_id): titles.get(p.item_id, p.item_id) for p in posts if p.remote_id}
    # Stored by UTC month: a local month (UTC−5) ends in the first hours of the next UTC month.
    mentions = [
        m for m in (*store.mentions(month), *store.mentions(month.next())) if month.contains(m.created_at, TIMEZONE)
    ]
    ordered = sorted(mentions, key=lambda m: (m.created_at, m.channel, m.remote_id))
    texts = [m.text for m in ordered]
    predicted = classify(classifier, texts)
    scorer = getattr(classifier, "confidences", None)
    confidence: list[float | None] = list(scorer(texts)) if callable(scorer) else [None] * len(texts)
    corrections = store.corrections()
    rows: list[Row] = []
    for mention, label, score in zip(ordered, predicted, confidence, strict=True):
        mention_id = store.mention_id(mention.channel, mention.remote_id)
        # "ana.bsky.social" or "ana@social.example": the handle and its first part (often a name).
        names = (mention.author, re.split(r"[@.]", mention.author.lstrip("@"))[0])
        rows.append(
            Row(
                id=mention_id,
                channel=mention.channel,
                created=mention.created_at.astimezone(TIMEZONE),
                author=store.author_code(mention.channel, mention.author),
                text=mask(mention.text, names),
                release=releases.get((mention.channel, mention.in_reply_to or ""), DIRECT),
                predicted=label,
                corrected=corrections.get(mention_id),
                confidence=score,
            )
        )
    return SentimentReport(month, rows, sum(1 for r in rows if r.corrected))
