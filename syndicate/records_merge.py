"""The git merge driver of the records branch's JSON Lines files: union of lines, in order.

Git runs it as ``python -m pregon.syndicate.records_merge %O %A %B`` (base, ours, theirs; the
result goes into ``%A``) when both sides appended to the same file, e.g. a publish job and a
collect job. Records are append-only, so the result is every line of ours, then every line of
theirs that ours lacks, each once and in its side's order. A line that is not complete JSON
(a torn line someone committed) makes the merge fail instead of being glued to another line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pregon.json_input import loads as json_loads


def union(ours: bytes, theirs: bytes) -> bytes:
    """``ours`` followed by the lines of ``theirs`` it does not have; ValueError on a bad line."""
    for side in (ours, theirs):
        if side and not side.endswith(b"\n"):
            raise ValueError("última línea incompleta")
        for line in side.splitlines():
            if line.strip():
                json_loads(line)
    seen = set(ours.splitlines())
    added: list[bytes] = []
    for line in theirs.splitlines():
        if line.strip() and line not in seen:
            seen.add(line)
            added.append(line)
    return ours + b"".join(line + b"\n" for line in added)


def main(argv: list[str]) -> int:
    _base, ours_path, theirs_path = (Path(a) for a in argv[1:4])
    try:
        merged = union(ours_path.read_bytes(), theirs_path.read_bytes())
    except ValueError as exc:
        print(f"pregon: no se unen los registros: {exc}", file=sys.stderr)
        return 1
    ours_path.write_bytes(merged)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
