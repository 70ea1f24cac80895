"""The previous build's site folder, reused where it provably holds this build's bytes.

MkDocs empties the site folder before every build, so a warm build used to write again every
page, image, crop and search file it had just taken from the cache. Instead:

1. Just before MkDocs empties the folder (``on_pre_build``), its entries are moved aside into
   the build cache: a rename per top-level entry. Hidden ones (a deploy's ``.git``) stay where
   they are, as MkDocs leaves them.
2. Right after (``on_files``) they are moved back.
3. A file the build would write is left as it is, instead of being written, when the manifest of
   the last successful build into this very folder says it was written from the same *origin*
   (the same page key, crop key or search bundle key, or a source file with the same path,
   size, modification and change times and inode), and it is still the file that build wrote:
   a regular file with the size, modification time and inode recorded right after writing it
   (renames keep all three). Every other file the build produces is removed before it is
   written again (:meth:`KeptOutput.clear`), so none of the previous bytes can stay in it.
4. At the end, every file that is neither reused nor one this build produces is deleted: a
   release taken down, an old search file, a page that left the site.

So the site folder holds exactly a clean build's files with a clean build's bytes. A missing or
damaged manifest, a site folder on another disk than the cache, ``mkdocs serve``, ``--dirty``
or another plugin that works on the written site (``on_post_build``) only mean that nothing is
reused. The manifest is as trusted as the cache it lives in: the site folder is assumed to be
changed only by builds (an edit that keeps a file's size and modification time is not seen).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import shutil
import stat
import struct
import threading
from collections.abc import Iterable

from .cache import BuildCache, digest, file_status

log = logging.getLogger("mkdocs.plugins.pregon")

KIND = "output"
ASIDE = "salida-anterior"  # under the cache's versioned root, between on_pre_build and on_files

FORMAT = 2
_STAT = struct.Struct("<QqQ")  # size, mtime_ns, inode
_ORIGIN_BYTES = 16
RECORD_BYTES = _ORIGIN_BYTES + _STAT.size
Record = bytes
"""A written file: a digest of its origin, then its size, modification time and inode. One bytes
object, not a tuple of a text and three numbers: a 20,000-release site has 140,000 of them, and a
warm build holds the previous build's and its own (about 30 MB less)."""


def _origin(origin: str) -> bytes:
    return hashlib.blake2b(origin.encode("utf-8"), digest_size=_ORIGIN_BYTES).digest()


def source_origin(path: str) -> str | None:
    """The origin of a file copied from ``path``: its path and what the file system says of it."""
    status = file_status(path)
    return "file:" + digest(os.path.abspath(path), status) if status else None


def _written(path: str) -> bytes | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return _STAT.pack(st.st_size, st.st_mtime_ns, st.st_ino) if stat.S_ISREG(st.st_mode) else None


class KeptOutput:
    """One build's view of the previous output: :meth:`place` what is unchanged, record the rest."""

    def __init__(self, cache: BuildCache, site_dir: str) -> None:
        self.cache = cache
        self.site = os.path.abspath(site_dir)
        self.aside = str(cache.root / ASIDE)
        self.key = digest("kept-output", self.site)
        self.previous: dict[str, Record] = {}
        self.current: dict[str, Record] = {}  # dest → record, for files reused or written from an origin
        self.previous_groups: dict[bytes, int] = {}  # origin digest → number of files written together
        self.groups: dict[bytes, int] = {}
        self.pending: dict[str, str] = {}  # dest → origin of files MkDocs writes later
        self.placed = 0
        self._moved: list[str] = []
        self._returned = False  # entries of the previous build are in the site folder again
        self._by_origin: dict[bytes, list[str]] | None = None
        self._lock = threading.Lock()

    # --- Around MkDocs' emptying of the site folder ---------------------------------------------

    def set_aside(self) -> None:
        """Move the site folder's entries aside, if the last build into it left a manifest."""
        self._remove_aside()  # left by a build that died
        self.previous = self._read_manifest()
        if not self.previous or not os.path.isdir(self.site) or _inside(str(self.cache.root), self.site):
            self.previous = {}
            return
        try:
            os.makedirs(self.aside)
            for name in os.listdir(self.site):
                if not name.startswith("."):  # MkDocs keeps hidden entries (e.g. a deploy's .git)
                    os.rename(os.path.join(self.site, name), os.path.join(self.aside, name))
                    self._moved.append(name)
        except OSError as exc:  # another disk, permissions: MkDocs empties what is left
            log.info("pregon: no se reutiliza la salida anterior (%s)", exc)
            self.previous = {}

    def bring_back(self) -> None:
        """MkDocs has emptied the site folder: put the previous entries back where they were."""
        try:
            for name in self._moved:
                os.rename(os.path.join(self.aside, name), os.path.join(self.site, name))
                self._returned = True
        except OSError as exc:
            log.info("pregon: no se reutiliza la salida anterior (%s)", exc)
            self.previous = {}
        self._moved = []
        self._remove_aside()

    def _remove_aside(self) -> None:
        shutil.rmtree(self.aside, ignore_errors=True)

    def _read_manifest(self) -> dict[str, Record]:
        payload = self.cache.get(KIND, self.key)
        if payload is None:
            return {}
        try:
            form, files, groups = marshal.loads(payload)  # marshal: the fastest for 100,000 records
            if form != FORMAT or not isinstance(files, dict) or not isinstance(groups, dict):
                raise ValueError(form)
            for dest, record in files.items():
                if not isinstance(dest, str) or not isinstance(record, bytes) or len(record) != RECORD_BYTES:
                    raise ValueError(dest)
            for origin, count in groups.items():
                if not isinstance(origin, bytes) or not isinstance(count, int):
                    raise ValueError(origin)
        except (ValueError, TypeError, EOFError):
            self.cache.discard(KIND, self.key)
            return {}
        self.previous_groups = groups
        return files

    # --- During the build ---------------------------------------------------------------------

    def place(self, dest: str, origin: str) -> bool:
        """Keep the previous build's ``dest`` if it was written from ``origin`` and is untouched."""
        record = self.previous.get(dest)
        if record is None or record[:_ORIGIN_BYTES] != _origin(origin):
            return False
        if _written(os.path.join(self.site, dest)) != record[_ORIGIN_BYTES:]:
            return False
        with self._lock:
            self.current[dest] = record
            self.placed += 1
        return True

    def place_group(self, origin: str) -> bool:
        """Keep a group of files written together from ``origin`` (a search bundle): all of them
        if all are there and untouched, else none."""
        digest_ = _origin(origin)
        count = self.previous_groups.get(digest_)
        if not count:
            return False
        with self._lock:
            if self._by_origin is None:
                by_origin: dict[bytes, list[str]] = {o: [] for o in self.previous_groups}
                for dest, record in self.previous.items():
                    group = by_origin.get(record[:_ORIGIN_BYTES])
                    if group is not None:
                        group.append(dest)
                self._by_origin = by_origin
        dests = self._by_origin[digest_]
        if len(dests) != count:
            return False
        if not all(_written(os.path.join(self.site, d)) == self.previous[d][_ORIGIN_BYTES:] for d in dests):
            return False
        with self._lock:
            for dest in dests:
                self.current[dest] = self.previous[dest]
            self.groups[digest_] = count
            self.placed += len(dests)
        return True

    def clear(self, dest: str) -> None:
        """``dest`` will be written again by this build: the previous bytes must not stay."""
        if dest not in self.current:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.site, dest))

    def wrote(self, dest: str, origin: str) -> None:
        """``dest`` was just written from ``origin``."""
        found = _written(os.path.join(self.site, dest))
        if found is not None:
            with self._lock:
                self.current[dest] = _origin(origin) + found

    def wrote_group(self, dests: Iterable[str], origin: str) -> None:
        """The files ``dests`` were just written together from ``origin``: only all of them can
        be kept next time (:meth:`place_group`)."""
        dests = list(dests)
        for dest in dests:
            self.wrote(dest, origin)
        with self._lock:
            self.groups[_origin(origin)] = len(dests)

    def expect(self, dest: str, origin: str) -> None:
        """MkDocs writes ``dest`` from ``origin`` later in this build: record it at the end."""
        self.pending[dest] = origin

    # --- After the build ----------------------------------------------------------------------

    def close(self, produced: Iterable[str]) -> None:
        """The build succeeded: delete what it did not produce (``produced``: every path it
        writes, besides those recorded here), save what the site folder holds now."""
        for dest, origin in self.pending.items():
            if dest not in self.current:
                self.wrote(dest, origin)
        if self._returned:
            keep = set(produced) | set(self.current)
            removed = _remove_stale(self.site, keep)
            log.info(
                "pregon: %d archivos de la construcción anterior reutilizados sin escribirlos; %d que ya no "
                "forman parte del sitio, borrados",
                self.placed,
                removed,
            )
        self.cache.put(KIND, self.key, marshal.dumps((FORMAT, self.current, self.groups)))

    def abandon(self) -> None:
        """The build failed: the site folder is partial, so the next build reuses nothing."""
        self.cache.discard(KIND, self.key)
        self._remove_aside()


def _remove_stale(site: str, keep: set[str]) -> int:
    """Delete every file under ``site`` whose path is not in ``keep`` (hidden top-level entries
    excepted, as MkDocs leaves them), then the folders that became empty. How many files went."""
    removed = 0

    def walk(folder: str, prefix: str) -> bool:
        """Clean ``folder``; whether it is empty now."""
        nonlocal removed
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name.startswith("."):
                    empty = False
                    continue
                path = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, path + "/"):
                        with contextlib.suppress(OSError):
                            os.rmdir(entry.path)
                            continue
                    empty = False
                elif path in keep:
                    empty = False
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
        return empty

    if os.path.isdir(site):
        walk(site, "")
    return removed


def _inside(path: str, folder: str) -> bool:
    with contextlib.suppress(ValueError):
        return os.path.commonpath([os.path.abspath(path), folder]) == folder
    return False


def unique_dests(dests: Iterable[str]) -> set[str]:
    """Destinations written once only: a file two sources write is left to MkDocs' order."""
    seen: set[str] = set()
    twice: set[str] = set()
    for dest in dests:
        (twice if dest in seen else seen).add(dest)
    return seen - twice
