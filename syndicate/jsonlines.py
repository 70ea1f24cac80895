"""The one way ``records/`` files are read and written: monthly, append-only JSON Lines.

Ledger, approvals, decisions and the e-mail sent log all live in ``<folder>/AAAA-MM.jsonl``
files of one JSON object per line. Reading goes through every month in order; a line that cannot
be read (bytes that are not UTF-8, broken JSON, a bad hand edit) stops the reader with the file
and line named, because acting on half-read records could post twice or post something
unapproved.

Writing is all-or-nothing: the new lines go out in one ``write`` and are fsynced; if the disk
refuses part of them (full, quota), the file is cut back to its previous size, so no half line
is ever left behind. A torn last line can still appear after a power cut or a kill in the middle
of a write: readers refuse it (:class:`TornLine`) and :func:`quarantine_torn_tail` moves it,
byte for byte, to ``<file>.ilegible`` next to it — never deleted, never rewritten.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pregon.json_input import loads as json_loads
from pregon.os_errors import reason

QUARANTINE_SUFFIX = ".ilegible"
REPAIR_COMMAND = "pregon registros reparar"


class RecordError(ValueError):
    """A records file cannot be read or written; the message (Spanish) names the file and the line."""


class TornLine(RecordError):
    """The last line of a file has no end: a write was interrupted (see :func:`quarantine_torn_tail`)."""


def read_records(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object of every ``*.jsonl`` file in ``folder``, oldest month first, with its place
    (``path:line``) for the caller's own error messages."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        for place, data in read_file(path):
            if not isinstance(data, dict):
                raise RecordError(f"{place}: línea ilegible (se esperaba un objeto JSON)")
            yield place, data


def read_file(path: Path) -> Iterator[tuple[str, Any]]:
    """The JSON value of each non-blank line of ``path`` with its place (``path:line``).

    Lines end at ``\\n`` only: a U+2028 inside a string (JSON written with ``ensure_ascii=False``)
    is text, not a line break. Bytes are decoded line by line, so a bad byte is reported on its
    own line; a last line without its ``\\n`` raises :class:`TornLine`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordError(f"{path}: no se puede leer ({reason(exc)})") from None
    lines = data.split(b"\n")
    tail = lines.pop()  # what follows the last "\n": empty in a whole file
    for number, raw in enumerate(lines, start=1):
        value = _parse(path, number, raw)
        if value is not _BLANK:
            yield f"{path}:{number}", value
    if tail.strip():
        raise TornLine(
            f"{path}:{len(lines) + 1}: la última línea está incompleta (una escritura se interrumpió); "
            f"ejecute `{REPAIR_COMMAND}` para apartarla en {path.name}{QUARANTINE_SUFFIX} (no se borra nada)"
        )


_BLANK = object()


def _parse(path: Path, number: int, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(
            f"{path}:{number}: línea ilegible (bytes que no son UTF-8 válido en la posición {exc.start + 1})"
        ) from None
    if not text.strip():
        return _BLANK
    try:
        return json_loads(text)
    except ValueError as exc:
        reason = getattr(exc, "msg", "JSON inválido")
        raise RecordError(f"{path}:{number}: línea ilegible ({reason})") from None


def quarantine_torn_tail(path: Path) -> str | None:
    """Move a torn last line of ``path`` to ``<path>.ilegible`` and cut it off; return what was done
    (Spanish) or None when the file ends cleanly. The quarantined bytes are appended, fsynced,
    before the file is cut, so a crash in between loses nothing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    end = data.rfind(b"\n") + 1
    tail = data[end:]
    if not tail:
        return None
    side = path.with_name(path.name + QUARANTINE_SUFFIX)
    with side.open("ab") as handle:
        handle.write(tail if tail.endswith(b"\n") else tail + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    with path.open("r+b") as handle:
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
    return (
        f"{path}: la última línea estaba incompleta (escritura interrumpida) y se apartó en {side.name}; "
        "revísela: lo que ya estaba completo sigue intacto"
    )


def append_records(folder: Path, month: str, records: list[dict[str, Any]], *, durable: bool = False) -> None:
    """Append ``records`` to ``<folder>/<month>.jsonl`` (``AAAA-MM``), all of them or none
    (see :func:`append_lines`)."""
    append_lines(folder / f"{month}.jsonl", records, durable=durable)


def append_lines(path: Path, records: list[dict[str, Any]], *, durable: bool = False, mode: int = 0o644) -> None:
    """Append ``records`` to ``path`` as JSON Lines, all of them or none.

    ``durable`` fsyncs before returning; ``mode`` applies when the file is created. Raises
    :class:`RecordError` (Spanish, no traceback) when the disk refuses the write; the file is
    then as it was before. A torn last line left by an earlier crash is refused
    (:class:`TornLine`): appending after it would glue the new line to it."""
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_torn_tail(path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, mode)
    except OSError as exc:
        raise RecordError(
            f"{path}: no se pudo escribir en los registros ({reason(exc)}); no se escribió nada"
        ) from None
    try:
        size = os.fstat(descriptor).st_size
        try:
            written = os.write(descriptor, payload)
            if written != len(payload):
                raise OSError(errno.ENOSPC, "escritura parcial")
            if durable:
                os.fsync(descriptor)
        except OSError as exc:
            os.ftruncate(descriptor, size)
            os.fsync(descriptor)
            raise RecordError(
                f"{path}: no se pudo escribir en los registros ({reason(exc)}); no se escribió nada "
                "y el archivo quedó como estaba"
            ) from None
    finally:
        os.close(descriptor)


def _refuse_torn_tail(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            last = handle.read(1)
    except OSError:
        return  # missing or empty
    if last != b"\n":
        raise TornLine(
            f"{path}: la última línea está incompleta (una escritura se interrumpió); ejecute "
            f"`{REPAIR_COMMAND}` para apartarla en {path.name}{QUARANTINE_SUFFIX} antes de escribir más"
        )


def repair_folder(records: Path) -> list[str]:
    """Quarantine the torn last line of every ``*.jsonl`` under ``records``; one message per file."""
    if not records.is_dir():
        return []
    return [message for path in sorted(records.rglob("*.jsonl")) if (message := quarantine_torn_tail(path))]
