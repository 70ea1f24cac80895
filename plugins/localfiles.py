"""Reading a local file a release points to, safely: inside the docs folder, never through a
symbolic link, only regular files, and never more than a size limit (no ``/dev/zero``, no FIFO that
blocks the build, no ``/proc/self/environ`` copied into the site)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pregon.numbers_es import size_text
from pregon.os_errors import reason

_CHUNK = 1 << 20
# O_NOFOLLOW refuses a symlink as the last component; O_NONBLOCK keeps a FIFO from blocking open().
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class LocalFileError(Exception):
    """The file cannot be used; ``str()`` is a Spanish reason that ends a sentence about the file."""

    def __init__(self, reason: str, *, missing: bool = False):
        super().__init__(reason)
        self.missing = missing


@dataclass(frozen=True)
class LocalFile:
    """What was read: size and SHA-256 always, the bytes only when the caller asked to keep them."""

    size: int
    sha256: str
    data: bytes | None = None


class SiteFolder:
    """The docs folder, checked lazily: each subfolder a file lies in is looked at once (``lstat``)
    for symlinks, so a release with a thousand images costs a thousand ``open`` calls, not more."""

    def __init__(self, root: Path):
        self.root = os.path.normpath(os.path.abspath(root))
        self._checked: set[str] = set()

    def relative(self, target: Path) -> str:
        """``target`` relative to the folder (posix). Raises :class:`LocalFileError` when the path
        leaves the folder or passes through a symlink (the file itself is checked when opened)."""
        logical = os.path.normpath(os.path.join(self.root, target))
        if not logical.startswith(self.root + os.sep):
            raise LocalFileError("está fuera de la carpeta del sitio: guarde el archivo junto al comunicado")
        relative = logical[len(self.root) + 1 :]
        current = self.root
        for part in relative.split(os.sep)[:-1]:
            current = os.path.join(current, part)
            if current in self._checked:
                continue
            try:
                info = os.lstat(current)
            except OSError:
                break  # a missing folder: opening the file reports it
            if stat.S_ISLNK(info.st_mode):
                raise LocalFileError(
                    "pasa por una carpeta que es un enlace simbólico: Pregón no publica enlaces; use una carpeta real"
                )
            self._checked.add(current)
        return Path(relative).as_posix()


def read_local(path: Path, limit: int, *, keep: bool) -> LocalFile:
    """Size, SHA-256 (and bytes when ``keep``) of the regular file ``path``, read once, in chunks."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LocalFileError("es un enlace simbólico: copie el archivo real en su lugar") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise LocalFileError("no existe: revise el nombre y la carpeta", missing=True) from None
        raise LocalFileError(f"no se puede leer ({reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LocalFileError("no es un archivo normal (es una carpeta, un dispositivo o un enlace)")
        if info.st_size > limit:
            raise LocalFileError(f"pesa {size_text(info.st_size)}: el máximo es {size_text(limit)}")
        h = hashlib.sha256()
        kept: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > limit:  # the file grew while being read
                raise LocalFileError(f"pesa más de {size_text(limit)}, el máximo")
            h.update(chunk)
            if keep:
                kept.append(chunk)
    except OSError as exc:
        raise LocalFileError(f"no se puede leer ({reason(exc)})") from None
    finally:
        os.close(fd)
    return LocalFile(size, h.hexdigest(), b"".join(kept) if keep else None)
