"""All releases of the site, loaded once per build and placed in their lifecycle state."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from mkdocs.structure.files import File, Files

from . import lifecycle
from .gitinfo import Commit, last_commits
from .lifecycle import State
from .problems import Problem, ReleaseError
from .records import Record
from .release import Release, ReleaseRules, Update, load_release


@dataclass(frozen=True, slots=True)
class Entry(Record):
    """A release as this build shows it."""

    release: Release
    url: str  # site-relative page URL, e.g. prensa/2026/03/vacunacion/
    state: State
    featured: bool
    dependencia_name: str
    updates: tuple[Update, ...]  # published ones, newest first
    commit: str | None = None
    updated: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.state is State.EXPIRED


@dataclass
class Catalog:
    """Every valid release of the build, keyed by source path, plus what went wrong."""

    now: datetime
    rules: ReleaseRules
    entries: dict[str, Entry] = field(default_factory=dict)  # src_uri → entry (built pages only)
    hidden: list[Release] = field(default_factory=list)  # drafts and embargoed: no page
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def listed(self) -> list[Entry]:
        """Entries in listings, feeds and the manifest (live, not expired), newest first."""
        return [e for e in self.entries.values() if e.state is State.LIVE]

    def by_dependencia(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in self.listed:
            groups[e.release.meta.dependencia].append(e)
        return groups


def is_release(file: File, releases_dir: str) -> bool:
    return bool(
        re.fullmatch(rf"{re.escape(releases_dir)}/\d{{4}}/\d{{2}}/[^/]+\.md", file.src_uri)
    ) and not file.src_uri.endswith("/index.md")


def load_catalog(
    files: Files,
    rules: ReleaseRules,
    now: datetime,
    load: Callable[[str, ReleaseRules], Release] = load_release,
) -> Catalog:
    """Load every release among ``files`` once (with ``load``, e.g. through the build cache);
    problems are collected, not raised."""
    catalog = Catalog(now=now, rules=rules)
    loaded: list[tuple[File, Release]] = []
    for file in files.documentation_pages():
        if not is_release(file, rules.releases_dir) or file.abs_src_path is None:
            continue
        try:
            release = load(file.abs_src_path, rules)
        except ReleaseError as exc:
            catalog.problems.extend(exc.problems)
            continue
        catalog.warnings.extend(release.warnings)
        loaded.append((file, release))
    _check_unique_ids([r for _, r in loaded], catalog.problems)
    commits = last_commits(rules.docs_dir, [f.src_uri for f, _ in loaded])
    loaded.sort(key=lambda fr: (fr[1].date, fr[1].id), reverse=True)
    for file, release in loaded:
        state = lifecycle.state(release, now)
        if state in (State.DRAFT, State.EMBARGOED):
            catalog.hidden.append(release)
            continue
        commit = commits.get(file.src_uri)
        updates = lifecycle.published_updates(release, now)
        catalog.entries[file.src_uri] = Entry(
            release=release,
            url=file.url,
            state=state,
            featured=lifecycle.is_featured(release, now),
            dependencia_name=rules.dependencias.get(release.meta.dependencia, release.meta.dependencia),
            updates=updates,
            commit=commit.sha if commit else None,
            updated=last_update(release, updates, commit, now, rules.timezone),
        )
    return catalog


def last_update(
    release: Release, updates: tuple[Update, ...], commit: Commit | None, now: datetime, tz: tzinfo
) -> datetime | None:
    """When the release last changed after its publication, in the site's zone; None if never.

    Its newest published live update, or the commit that last edited its file (not the one that
    added it: a commit adding several releases is no update of any), whichever is later.
    """
    moments = [u.time for u in updates if release.date < u.time <= now]
    if commit is not None and not commit.added and release.date < commit.time <= now:
        moments.append(commit.time)
    return max(moments).astimezone(tz) if moments else None


def _check_unique_ids(releases: list[Release], problems: list[Problem]) -> None:
    seen: dict[str, Release] = {}
    for r in releases:
        if r.id in seen:
            problems.append(
                Problem(
                    r.display_path,
                    "id",
                    f"el id `{r.id}` ya lo usa {seen[r.id].display_path}: cambie `id`",
                )
            )
        seen[r.id] = r
