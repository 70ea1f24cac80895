"""The build cache: content-addressed entries kept between builds under ``.cache/pregon/``.

Every entry is stored under a key that is the SHA-256 of everything its value depends on, so an
entry is either exactly right for this build or never looked up: there is nothing to invalidate.
Each file starts with the SHA-256 of its payload; a truncated, garbled or foreign file fails that
check and counts as a miss (and is removed), so a damaged cache only makes the build slower.
Entries not used by a successful build are pruned at its end, so the cache holds one build's
worth and does not grow with every edit.

The cache is as trusted as the checkout it sits in (release loads are pickled): in CI it is
restored only from caches that the same repository's workflows saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from .cache_pack import Pack

log = logging.getLogger("mkdocs.plugins.pregon")

# Bumped whenever the layout or the meaning of an entry changes: old caches are then ignored.
FORMAT = "4"
_DIGEST_SIZE = 32
# Kinds with one entry per release or page, looked up by every warm build: kept in a pack
# (cache_pack.py), one data file per kind instead of one file per entry. A cold build of a large
# archive would otherwise create (and CI would archive and restore) tens of thousands of files.
PACKED_KINDS = frozenset({"release", "crop-plan", "page", "page-html", "search-document", "manifest-item"})


def file_status(path: str) -> str:
    """What the file system says of a regular file: device, inode, size, modification and change
    times ("" if it is missing or not a regular file). The change time cannot be set back by any
    program, so a file with the same status has not been written since."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    if not stat.S_ISREG(st.st_mode):
        return ""
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _feed(h: hashlib._Hash, parts: tuple[bytes | str, ...]) -> None:
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)


def digest(*parts: bytes | str) -> str:
    """Hex SHA-256 of ``parts``, each length-prefixed so that ("ab", "c") ≠ ("a", "bc")."""
    h = hashlib.sha256()
    _feed(h, parts)
    return h.hexdigest()


def digest_after(*prefix: bytes | str) -> Callable[..., str]:
    """``digest(*prefix, *parts)`` as a function of ``parts``, with the prefix hashed once: for
    keys made by the ten thousand that share their first parts (every crop of a site)."""
    base = hashlib.sha256()
    _feed(base, prefix)

    def finish(*parts: bytes | str) -> str:
        h = base.copy()
        _feed(h, parts)
        return h.hexdigest()

    return finish


class BuildCache:
    """Entries grouped by kind (``release``, ``page``, ``search``…), one file per key or, for
    ``PACKED_KINDS``, one record per key in the kind's pack."""

    def __init__(self, folder: str | Path) -> None:
        self.root = Path(folder) / f"v{FORMAT}"
        self._root = str(self.root)
        self.used: dict[str, set[str]] = {}
        self.started = time.time()
        self.written: list[tuple[str, str]] = []
        self.hits = 0
        self.misses = 0
        self._packs: dict[str, Pack] = {}

    def _pack(self, kind: str) -> Pack:
        pack = self._packs.get(kind)
        if pack is None:
            pack = self._packs[kind] = Pack(f"{self._root}/{kind}")
        return pack

    def _path(self, kind: str, key: str) -> Path:
        return Path(self._file(kind, key))

    def _file(self, kind: str, key: str) -> str:
        # Plain strings: a warm build looks up tens of thousands of entries.
        return f"{self._root}/{kind}/{key[:2]}/{key}"

    def get(self, kind: str, key: str) -> bytes | None:
        """The payload stored under ``key``, or None when missing or damaged."""
        self.used.setdefault(kind, set()).add(key)
        if kind in PACKED_KINDS:
            packed = self._pack(kind).read(key)
            if packed is None:
                self.misses += 1
            else:
                self.hits += 1
            return packed
        path = self._file(kind, key)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.misses += 1
            return None
        payload = data[_DIGEST_SIZE:]
        if len(data) < _DIGEST_SIZE or hashlib.sha256(payload).digest() != data[:_DIGEST_SIZE]:
            log.info("pregon: entrada dañada del caché descartada: %s", path)
            self.discard(kind, key)
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):  # marks it in use for a build pruning meanwhile
            os.utime(path)
        return payload

    def keep(self, kind: str, key: str) -> None:
        """Keep an entry this build did not need to read (its output was already in place)."""
        self.used.setdefault(kind, set()).add(key)

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store ``payload`` atomically (write then rename: a killed build leaves no half entry)."""
        self.used.setdefault(kind, set()).add(key)
        if kind in PACKED_KINDS:
            try:
                self._pack(kind).write(key, payload)
                self.written.append((kind, key))
            except OSError as exc:
                log.warning("pregon: no se pudo guardar en el caché de construcción (%s): %s", kind, exc)
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(payload).digest())
                out.write(payload)
            os.replace(tmp, path)
            self.written.append((kind, key))
        except OSError as exc:  # a read-only or full disk costs speed, not the build
            log.warning("pregon: no se pudo guardar en el caché de construcción (%s): %s", path, exc)

    def discard(self, kind: str, key: str) -> None:
        self.used.get(kind, set()).discard(key)
        if kind in PACKED_KINDS:
            self._pack(kind).forget(key)
            return
        with contextlib.suppress(OSError):
            self._path(kind, key).unlink()

    def drop_written(self) -> None:
        """Forget what this build stored (it is failing: its pages must be rendered again)."""
        for kind, key in self.written:
            self.discard(kind, key)
        self.written.clear()
        self.close()

    def close(self) -> None:
        """Close the packs without saving their indexes (a failed build keeps the previous ones)."""
        for pack in self._packs.values():
            pack.close()
        self._packs.clear()

    def folder(self, kind: str, key: str) -> Path:
        """A folder entry (e.g. a search bundle); complete only if its ``.done`` marker exists."""
        self.used.setdefault(kind, set()).add(key)
        return self._path(kind, key)

    def prune(self) -> None:
        """Remove the entries of a used kind that this build did not use, and other versions.

        Entries touched since this build started are kept: another build may be using them."""
        _tag(self.root)
        parent = self.root.parent
        if parent.is_dir():
            for other in parent.iterdir():
                if other != self.root and _is_cache_version(other):
                    _remove(other)
        for kind, pack in self._packs.items():
            try:
                pack.save(self.used.get(kind, set()))
            except OSError as exc:
                log.warning("pregon: no se pudo guardar el índice del caché (%s): %s", kind, exc)
            pack.remove_others(self.started)
        for kind, keys in self.used.items():
            if kind in PACKED_KINDS:
                continue
            base = self.root / kind
            if not base.is_dir():
                continue
            for shard in base.iterdir():
                for entry in shard.iterdir() if shard.is_dir() else ():
                    if entry.name not in keys and _mtime(entry) < self.started:
                        _remove(entry)


CACHEDIR_TAG = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
"""The Cache Directory Tagging Specification's first line (backup tools skip such folders)."""
_VERSION = re.compile(r"v\d+")
_KINDS = frozenset(
    {"crop", "crop-plan", "feeds", "jinja", "manifest-item", "output", "page", "page-html", "page-output"}
    | {"release", "release-status", "search", "search-document", CACHEDIR_TAG}
)
"""Every entry a cache version has held (``page-output`` in the first formats)."""


def _tag(root: Path) -> None:
    """Mark ``root`` as a Pregón cache version: only such folders are ever removed as old versions."""
    with contextlib.suppress(OSError):
        if root.is_dir() and not (root / CACHEDIR_TAG).is_file():
            (root / CACHEDIR_TAG).write_text(
                f"{_SIGNATURE}\n# Caché de construcción de Pregón (se puede borrar; ver docs/rendimiento.md).\n",
                encoding="utf-8",
            )


def _is_cache_version(path: Path) -> bool:
    """A folder «v<n>» that a build cache wrote: tagged, or (formats before the tag) holding only
    the cache's own kinds. Anything else next to the cache is the office's, and stays."""
    if not _VERSION.fullmatch(path.name) or path.is_symlink() or not path.is_dir():
        return False
    with contextlib.suppress(OSError):
        if (path / CACHEDIR_TAG).read_text(encoding="utf-8").startswith(_SIGNATURE):
            return True
    try:
        names = {entry.name for entry in os.scandir(path)}
    except OSError:
        return False
    return bool(names) and names <= _KINDS


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates in the build cache: a warm build does not compile Material again.

    Jinja checks each entry against its template's source; the key adds the versions of
    everything that compiles (``salt``), and the build cache's digest catches damaged files."""

    KIND = "jinja"

    def __init__(self, cache: BuildCache, salt: str) -> None:
        self.cache = cache
        self.salt = salt

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.cache.get(self.KIND, digest(self.salt, bucket.key))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.cache.put(self.KIND, digest(self.salt, bucket.key), bucket.bytecode_to_string())
