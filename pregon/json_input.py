"""JSON that comes from outside the process: records, the live site, caches, saved sessions.

``json.loads`` has two surprises for such input: it raises ``RecursionError`` (not ``ValueError``)
on a document nested a few thousand levels deep, which no caller expects, and its reasons are in
English («Expecting ',' delimiter»), which every Spanish message would then quote. :func:`loads`
raises :class:`JSONInputError` for both, a ``ValueError`` whose ``msg`` is in Spanish, so existing
``except ValueError`` handlers keep working.
"""

from __future__ import annotations

import json
from typing import Any

_REASONS = {
    "Expecting value": "falta un valor",
    "Expecting property name enclosed in double quotes": "un nombre de campo va entre comillas dobles",
    "Expecting ',' delimiter": "falta una coma",
    "Expecting ':' delimiter": "faltan los dos puntos",
    "Unterminated string starting at": "un texto sin cerrar las comillas",
    "Invalid control character at": "un carácter de control dentro de un texto",
    "Invalid \\escape": "una secuencia «\\» que no existe",
    "Invalid \\uXXXX escape": "una secuencia «\\u» incompleta",
    "Extra data": "sobra texto después del documento",
}


class JSONInputError(ValueError):
    """Input that is not a JSON document; ``msg`` says why in Spanish, ``lineno`` where (or None)."""

    def __init__(self, msg: str, lineno: int | None = None, colno: int | None = None):
        self.msg = msg
        self.lineno = lineno
        self.colno = colno
        where = f" (línea {lineno}, columna {colno})" if lineno is not None else ""
        super().__init__(msg + where)


def loads(data: str | bytes | bytearray) -> Any:
    """The value of the JSON document ``data``; :class:`JSONInputError` if it is not one."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise JSONInputError(_REASONS.get(exc.msg, "JSON inválido"), exc.lineno, exc.colno) from None
    except UnicodeDecodeError:
        raise JSONInputError("el texto no está en UTF-8") from None
    except RecursionError:
        raise JSONInputError("tiene demasiados niveles anidados") from None
