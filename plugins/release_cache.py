"""``load_release`` with the build cache around it: each release is parsed, validated, measured
and digested once per content, not once per build.

The key is the release file's bytes plus the loading rules and the plugin's code; a hit is used
only after every media file the release points to still has the bytes it had when it was loaded
(a replaced photo changes its size, its digest and the page). The loader itself is untouched:
whatever it returns is what a hit returns.

A release file whose status (device, inode, size, modification and change times) is the one it
had when its key was computed is not read again: the key is taken from the statuses kept by the
previous build (kind ``release-status``), as the bytes of media files are. The change time cannot
be set back by any program; in a fresh checkout every status is new and every file is read.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import pickle
from pathlib import Path

from .cache import BuildCache, digest, file_status
from .release import Release, ReleaseRules, load_release
from .source import body_images

log = logging.getLogger("mkdocs.plugins.pregon")

KIND = "release"
STATUS_KIND = "release-status"  # absolute path → (file status, key) of every release loaded


def rules_digest(rules: ReleaseRules) -> str:
    return digest(
        repr(sorted(rules.dependencias.items())),
        str(rules.timezone),
        os.path.abspath(rules.docs_dir),
        os.path.abspath(rules.root),
        rules.releases_dir,
    )


def media_paths(release: Release, docs_dir: Path) -> list[str]:
    """Absolute paths of every local file the release's digest and measures were read from."""
    paths = [os.path.join(docs_dir, m.src) for m in release.media if m.src]
    paths += [os.path.join(docs_dir, m.src) for u in release.updates for m in u.media if m.src]
    folder = os.path.dirname(release.path)
    paths += [os.path.normpath(os.path.join(folder, ref)) for ref in body_images(release.body)]
    return paths


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _unchanged(path: str, sha: str, stat: str) -> bool:
    """The file still has the bytes ``sha``; a file whose status is as recorded is not read again.

    The change time cannot be set back by any program (``touch`` sets only the others), so a
    file with the same status has not been written since; a fresh checkout has new change times,
    and its files are read and digested (slower, never wrong)."""
    return (bool(stat) and file_status(path) == stat) or _file_digest(path) == sha


def _statuses(payload: bytes) -> dict[str, tuple[str, str]]:
    """A saved ``release-status`` record; empty when damaged or not of that shape."""
    try:
        known = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {
        path: value
        for path, value in known.items()
        if isinstance(path, str)
        and isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, str) and v for v in value)
    }


class CachedLoader:
    """Callable like ``load_release``; remembers each release's content key for page keys.

    Call :meth:`save` once every release is loaded, so the next build can skip reading the
    files that did not change."""

    def __init__(self, cache: BuildCache | None, code: str) -> None:
        self.cache = cache
        self.code = code
        self.content_keys: dict[str, str] = {}  # absolute path → digest of file + media bytes
        self._rules: tuple[ReleaseRules, str] | None = None
        self._known: dict[str, tuple[str, str]] | None = None  # the previous build's statuses
        self._status: dict[str, tuple[str, str]] = {}  # this build's

    def _rules_key(self, rules: ReleaseRules) -> str:
        if self._rules is None or self._rules[0] is not rules:
            # Keys and statuses belong to one set of rules: other rules start both afresh.
            self._rules = (rules, rules_digest(rules))
            self._known = None
            self._status = {}
        return self._rules[1]

    def _status_key(self) -> str:
        assert self._rules is not None
        return digest(STATUS_KIND, self.code, self._rules[1])

    def _known_statuses(self) -> dict[str, tuple[str, str]]:
        if self._known is None:
            payload = self.cache.get(STATUS_KIND, self._status_key()) if self.cache is not None else None
            self._known = _statuses(payload) if payload is not None else {}
        return self._known

    def __call__(self, path: str | Path, rules: ReleaseRules) -> Release:
        path = os.path.abspath(path)
        rules_key = self._rules_key(rules)
        status = file_status(path)  # read before the bytes: a write in between is caught next time
        known = self._known_statuses().get(path) if status else None
        if known is not None and known[0] == status:
            hit = self._lookup(known[1])
            if hit is not None:
                return self._remember(path, status, known[1], hit[1], hit[0])
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError:
            return load_release(path, rules)  # the loader reports unreadable files in Spanish
        key = digest(KIND, self.code, rules_key, source)
        hit = self._lookup(key)
        if hit is not None:
            return self._remember(path, status, key, hit[1], hit[0])
        release = load_release(path, rules)  # raises ReleaseError: failures are not cached
        docs_dir = Path(os.path.abspath(rules.docs_dir))
        media = [(p, file_status(p), _file_digest(p) or "") for p in media_paths(release, docs_dir)]
        media = [(p, d, st) for p, st, d in media]  # status read before the bytes: a write between is caught
        if self.cache is not None:
            payload = pickle.dumps((release, media), protocol=pickle.HIGHEST_PROTOCOL)
            self.cache.put(KIND, key, payload)
            # Pickling leaves a UTF-8 copy inside every non-ASCII string it wrote (CPython keeps
            # it as long as the string lives): the release read back is the same values without.
            release, media = pickle.loads(payload)
        return self._remember(path, status, key, media, release)

    def _remember(
        self, path: str, status: str, key: str, media: list[tuple[str, str, str]], release: Release
    ) -> Release:
        self.content_keys[path] = digest(key, *(f"{p}\0{d}" for p, d, _ in media))
        if status:
            self._status[path] = (status, key)
        return release

    def save(self) -> None:
        """Keep this build's file statuses for the next one (rewritten only when they changed)."""
        if self.cache is None or self._rules is None:
            return
        key = self._status_key()
        if self._status == self._known_statuses():
            self.cache.keep(STATUS_KIND, key)
        else:
            self.cache.put(STATUS_KIND, key, marshal.dumps(self._status))

    def _lookup(self, key: str) -> tuple[Release, list[tuple[str, str, str]]] | None:
        if self.cache is None:
            return None
        payload = self.cache.get(KIND, key)
        if payload is None:
            return None
        try:
            release, media = pickle.loads(payload)
        except Exception:
            self.cache.discard(KIND, key)
            return None
        if not isinstance(release, Release) or not all(_unchanged(p, d, st) for p, d, st in media):
            return None
        return release, media
