"""When a release is shown: draft, embargo, expiry and featured, from one clock.

Pages, listings, feeds and the manifest all ask this module, so they always agree.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from datetime import datetime, tzinfo

from pregon.clock import CLOCK_ENV, clock_error

from .release import Release, Update, parse_moment


class State(enum.Enum):
    DRAFT = "draft"  # never built
    EMBARGOED = "embargoed"  # `date` is in the future: no page at all yet
    LIVE = "live"  # page, listings, feeds, manifest
    EXPIRED = "expired"  # page says it is no longer in force; out of listings, feeds, manifest


def now(tz: tzinfo) -> datetime:
    """The build's clock: ``PREGON_NOW`` (ISO 8601; naive means ``tz``) if set, else the real time."""
    value = os.environ.get(CLOCK_ENV)
    if not value:
        return datetime.now(tz)
    try:
        return parse_moment(value, tz)
    except ValueError:
        raise clock_error(value) from None


def state(release: Release, at: datetime) -> State:
    if release.meta.draft:
        return State.DRAFT
    if release.date > at:
        return State.EMBARGOED
    if release.meta.expires is not None and release.meta.expires <= at:
        return State.EXPIRED
    return State.LIVE


def is_featured(release: Release, at: datetime) -> bool:
    until = release.meta.featured_until
    return release.meta.featured and (until is None or at < until)


def published_updates(release: Release, at: datetime) -> tuple[Update, ...]:
    """Updates whose time has come, newest first (an update can be written ahead and wait)."""
    return tuple(u for u in release.updates if u.time <= at)


def next_change(releases: Iterable[Release], at: datetime, others: Iterable[datetime | None] = ()) -> datetime | None:
    """The first instant after ``at`` at which anything shown changes by the clock alone.

    An embargo lifts (``date``), a release expires, its ``featured_until`` ends, a live update
    written ahead comes due; ``others`` adds the site's own moments (the announcement's expiry).
    Drafts wait for an edit, not for the clock. None: nothing will change until the next edit.
    """
    moments = [m for m in others if m is not None and m > at]
    for release in releases:
        if release.meta.draft:
            continue
        candidates = [release.date, release.meta.expires, *(u.time for u in release.updates)]
        if release.meta.featured:
            candidates.append(release.meta.featured_until)
        moments += [m for m in candidates if m is not None and m > at]
    return min(moments, default=None)
