"""JSON that comes from outside the process: records, the live site, caches, saved sessions.

``json.loads`` has three surprises for such input: it raises ``RecursionError`` (not ``ValueError``)
on a document nested a few thousand levels deep, which no caller expects; it reads ``NaN`` and
``Infinity``, which JSON does not have and xlsxwriter refuses to write; and its reasons are in
English («Expecting ',' delimiter»), which every Spanish message would then quote. :func:`loads`
raises :class:`JSONInputError` for each, a ``ValueError`` whose ``msg`` is in Spanish, so existing
``except ValueError`` handlers keep working.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .safe_text import clip

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


MAX_INT_DIGITS = 40
"""More than any count, id or timestamp that Pregón reads (a post id has 19 digits)."""


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotANumber(text)
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:  # Python refuses 4,300 digits, in English
        raise _NotANumber(text)
    return int(text)


def loads(data: str | bytes | bytearray) -> Any:
    """The value of the JSON document ``data``; :class:`JSONInputError` if it is not one.

    ``NaN``, ``Infinity``, numbers too large for a float (``1e999``) and integers of more than
    :data:`MAX_INT_DIGITS` digits are refused: JSON has no such numbers, Python's reader accepts
    the first three, and a spreadsheet or a chart cannot show them."""
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite, parse_int=_bounded_int)
    except _NotANumber as exc:
        raise JSONInputError(f"«{clip(exc, 40)}» no es un número que Pregón pueda leer") from None
    except json.JSONDecodeError as exc:
        raise JSONInputError(_REASONS.get(exc.msg, "JSON inválido"), exc.lineno, exc.colno) from None
    except UnicodeDecodeError:
        raise JSONInputError("el texto no está en UTF-8") from None
    except RecursionError:
        raise JSONInputError("tiene demasiados niveles anidados") from None
