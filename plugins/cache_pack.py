"""Many small cache entries of one kind in one data file with an index beside it.

A warm build of a large archive looks up one release, one crop plan and one page body per
release: tens of thousands of entries of a few kilobytes. One file each costs an open, a read,
a close and a time stamp per entry, and a cold build creates as many files. A pack keeps them in
one append-only data file, read with ``pread`` at the offsets its index records.

Every record starts with the SHA-256 of its key and payload, so a record that is damaged, cut or
not the one the index meant (two builds appending at once, a half-written file) is a miss, never
a wrong hit. The index is replaced atomically at the end of a successful build and names the
data file it belongs to; a missing or damaged index is an empty pack. When dead records outweigh
the live ones, the live ones are copied into a new data file.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import secrets

_DIGEST_SIZE = 32
INDEX = "index"
_COMPACT_SLACK = 1 << 20  # dead bytes tolerated whatever the live size

Location = tuple[int, int]  # offset and length of a record in the data file


def _record_digest(key: str, payload: bytes | memoryview) -> bytes:
    h = hashlib.sha256(key.encode("ascii"))
    h.update(payload)
    return h.digest()


class Pack:
    """One kind's entries; ``read`` and ``write`` during a build, ``save`` at its end."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.data_name, self.entries = self._load_index()
        self._fd: int | None = None
        self._size = 0
        self.changed = False

    def _load_index(self) -> tuple[str, dict[str, Location]]:
        try:
            with open(os.path.join(self.folder, INDEX), "rb") as f:
                data = f.read()
            if hashlib.sha256(data[_DIGEST_SIZE:]).digest() != data[:_DIGEST_SIZE]:
                return "", {}
            name, entries = marshal.loads(data[_DIGEST_SIZE:])
            if isinstance(name, str) and isinstance(entries, dict) and os.path.basename(name) == name:
                return name, entries
        except (OSError, ValueError, EOFError, TypeError):
            pass
        return "", {}

    def _open(self) -> int | None:
        """The data file, opened once for reading and appending (created on the first write)."""
        if self._fd is None:
            if not self.data_name:
                self.data_name = f"{secrets.token_hex(8)}.data"
                self.entries = {}
            os.makedirs(self.folder, exist_ok=True)
            self._fd = os.open(os.path.join(self.folder, self.data_name), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            self._size = os.fstat(self._fd).st_size
        return self._fd

    def read(self, key: str) -> bytes | None:
        """The payload stored under ``key``; None when missing, damaged or another key's."""
        location = self.entries.get(key)
        if location is None:
            return None
        offset, length = location
        try:
            fd = self._open()
            assert fd is not None
            record = os.pread(fd, length, offset)
        except OSError:
            return None
        payload = record[_DIGEST_SIZE:]
        if len(record) != length or _record_digest(key, payload) != record[:_DIGEST_SIZE]:
            self.forget(key)
            return None
        return payload

    def write(self, key: str, payload: bytes) -> None:
        fd = self._open()
        assert fd is not None
        record = _record_digest(key, payload) + payload
        written = os.write(fd, record)  # O_APPEND: lands at the end even with another writer
        if written != len(record):
            raise OSError(f"escritura incompleta en {self.data_name}")
        end = os.lseek(fd, 0, os.SEEK_CUR)
        self.entries[key] = (end - len(record), len(record))
        self._size = max(self._size, end)
        self.changed = True

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self.changed = True

    def save(self, used: set[str]) -> None:
        """Keep the entries in ``used`` only; copy them to a new data file if most are dead."""
        kept = {k: loc for k, loc in self.entries.items() if k in used}
        if not self.changed and len(kept) == len(self.entries):
            self.close()
            return
        live = sum(length for _, length in kept.values())
        if self.data_name:
            self._open()  # its size tells the dead space
        if self._fd is not None and self._size - live > live + _COMPACT_SLACK:
            kept = self._compact(kept)
        self.entries = kept
        index = marshal.dumps((self.data_name, kept))
        tmp = os.path.join(self.folder, f".{INDEX}-{secrets.token_hex(4)}")
        with open(tmp, "wb") as out:
            out.write(hashlib.sha256(index).digest())
            out.write(index)
        os.replace(tmp, os.path.join(self.folder, INDEX))
        self.close()

    def _compact(self, kept: dict[str, Location]) -> dict[str, Location]:
        assert self._fd is not None
        name = f"{secrets.token_hex(8)}.data"
        fresh: dict[str, Location] = {}
        position = 0
        with open(os.path.join(self.folder, name), "wb") as out:
            for key, (offset, length) in sorted(kept.items(), key=lambda item: item[1][0]):
                out.write(os.pread(self._fd, length, offset))
                fresh[key] = (position, length)
                position += length
        self.close()
        self.data_name = name
        return fresh

    def remove_others(self, older_than: float) -> None:
        """Data files the index does not name, untouched since ``older_than`` (not another build's)."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name in (INDEX, self.data_name) or entry.is_dir(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < older_than:
                        os.unlink(entry.path)

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
