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


def size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{n:,} B".replace(",", ".")


def within(target: Path, root: Path) -> str:
    """``target`` relative to ``root`` (posix), checked on the real file system.

    Raises :class:`LocalFileError` when the path leaves ``root`` or passes through a symlink.
    """
    logical = os.path.relpath(os.path.normpath(os.path.abspath(target)), os.path.abspath(root))
    if logical == ".." or logical.startswith(".." + os.sep) or os.path.isabs(logical):
        raise LocalFileError("está fuera de la carpeta del sitio: guarde el archivo junto al comunicado")
    real = os.path.relpath(os.path.realpath(target), os.path.realpath(root))
    if real != logical:
        raise LocalFileError(
            "pasa por un enlace simbólico: Pregón no publica enlaces; copie el archivo real en la carpeta"
        )
    return Path(logical).as_posix()


def read_local(path: Path, limit: int, *, keep: bool) -> LocalFile:
    """Size, SHA-256 (and bytes when ``keep``) of the regular file ``path``, read once, in chunks."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LocalFileError("es un enlace simbólico: copie el archivo real en su lugar") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise LocalFileError("no existe: revise el nombre y la carpeta", missing=True) from None
        raise LocalFileError(f"no se puede leer ({exc.strerror})") from None
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
        raise LocalFileError(f"no se puede leer ({exc.strerror})") from None
    finally:
        os.close(fd)
    return LocalFile(size, h.hexdigest(), b"".join(kept) if keep else None)
