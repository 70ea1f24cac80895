"""Make a Pagefind bundle reproducible: the same pages give the same bytes on every run.

Pagefind (1.5) writes each filter's values in hash-map order, which changes from run to run
(Pagefind/pagefind#638: "filter/metadata indexes" still change); the filter file's name is a
hash of its bytes, the metadata file names it, and ``pagefind-entry.json`` names the metadata
file, so one filter reorders three files. Everything else in a bundle is already stable.
:func:`canonicalize` sorts the values of every filter file, names it by its new bytes, and
follows the renames through the metadata and the entry file. Names keep their lengths, so the
CBOR around them does not change. A bundle in a shape this module does not know is left as it
is (:class:`UnknownFormat`): the search still works, only two builds may differ there.

Format (read from Pagefind's output): gzip of ``pagefind_dcd`` + CBOR
``[filter name, [[value, [page numbers]], …]]``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


class UnknownFormat(Exception):
    pass


def _item_end(data: bytes, at: int) -> int:
    """Offset just past the CBOR item starting at ``at`` (definite lengths only)."""
    if at >= len(data):
        raise UnknownFormat("CBOR cortado")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise UnknownFormat("CBOR de longitud indefinida")
    if major in (0, 1, 7):
        return at
    if major in (2, 3):
        return at + value
    if major == 6:
        return _item_end(data, at)
    count = value if major == 4 else 2 * value
    for _ in range(count):
        at = _item_end(data, at)
    return at


def _header_end(data: bytes, at: int, major: int) -> tuple[int, int]:
    """(count, offset past the header) of the array header expected at ``at``."""
    if data[at] >> 5 != major:
        raise UnknownFormat("se esperaba un arreglo CBOR")
    info = data[at] & 31
    if info < 24:
        return info, at + 1
    if info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        return int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size
    raise UnknownFormat("CBOR de longitud indefinida")


def sorted_filter(raw: bytes) -> bytes:
    """The decompressed filter file with its values in byte order."""
    if not raw.startswith(SIGNATURE):
        raise UnknownFormat("firma desconocida")
    body = raw[len(SIGNATURE) :]
    count, at = _header_end(body, 0, 4)
    if count != 2:
        raise UnknownFormat("se esperaban [nombre, valores]")
    at = _item_end(body, at)  # the filter's name
    values, start = _header_end(body, at, 4)
    items, at = [], start
    for _ in range(values):
        end = _item_end(body, at)
        items.append(body[at:end])
        at = end
    if at != len(body):
        raise UnknownFormat("datos de más al final")
    return SIGNATURE + body[:start] + b"".join(sorted(items))


def _compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _renamed(name: str, content: bytes) -> str:
    """``es_1a2b3c4`` → same prefix and length, hash of ``content``."""
    prefix, _, old = name.rpartition("_")
    return f"{prefix}_{hashlib.sha256(content).hexdigest()[: len(old)]}"


def canonicalize(bundle: Path) -> None:
    """Rewrite ``bundle``'s filter, metadata and entry files; raises UnknownFormat (and then
    changes nothing: every new file is computed before any is written)."""
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text(encoding="utf-8")
    writes: dict[Path, bytes] = {}
    removes: list[Path] = []
    renames: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        content = _compress(sorted_filter(gzip.decompress(path.read_bytes())))
        renames[path.stem] = new = _renamed(path.stem, content)
        removes.append(path)
        writes[bundle / "filter" / f"{new}.pf_filter"] = content
    for path in sorted(bundle.glob("pagefind.*.pf_meta")):
        meta = gzip.decompress(path.read_bytes())
        for old, new in renames.items():
            meta = meta.replace(old.encode(), new.encode())
        content = _compress(meta)
        old_hash = path.name[len("pagefind.") : -len(".pf_meta")]
        new_hash = _renamed(old_hash, content)
        if f'"hash":"{old_hash}"' not in entry_text:
            raise UnknownFormat("pagefind-entry.json no nombra los metadatos")
        entry_text = entry_text.replace(f'"hash":"{old_hash}"', f'"hash":"{new_hash}"')
        removes.append(path)
        writes[bundle / f"pagefind.{new_hash}.pf_meta"] = content
    json.loads(entry_text)  # still valid JSON
    for path in removes:
        path.unlink()
    for path, content in writes.items():
        path.write_bytes(content)
    entry_path.write_text(entry_text, encoding="utf-8")
