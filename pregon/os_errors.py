"""Why the operating system refused to read or write a file, in Spanish.

``OSError.strerror`` is English («No such file or directory»); every message that names a file
the office must fix quotes :func:`reason` instead. Standard library only.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "no existe",
    errno.EACCES: "no hay permiso",
    errno.EPERM: "no hay permiso",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ENOTDIR: "una parte de la ruta es un archivo, no una carpeta",
    errno.EEXIST: "ya existe algo con ese nombre",
    errno.ENOSPC: "no queda espacio: disco lleno",
    errno.EDQUOT: "se alcanzó la cuota de disco",
    errno.EFBIG: "el archivo superó el tamaño máximo",
    errno.EROFS: "el disco es de solo lectura",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.ELOOP: "hay un ciclo de enlaces simbólicos",
    errno.EMFILE: "hay demasiados archivos abiertos",
    errno.EIO: "error de lectura o escritura del disco",
    errno.EBUSY: "el archivo está en uso",
    errno.ETXTBSY: "el archivo está en uso",
}


def reason(exc: BaseException) -> str:
    """The Spanish reason of ``exc`` (an ``OSError``, or a library error that wraps one)."""
    code = getattr(exc, "errno", None)
    if code is None and isinstance(exc.__context__, OSError):
        code = exc.__context__.errno
    return _REASONS.get(code, "error del sistema de archivos") if code is not None else "error del sistema de archivos"
