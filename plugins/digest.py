"""Content digests: what an approval is bound to and what the live page must carry.

Format ``pregon-digest-2``. The item digest (``sha256:<hex>``) of a release is SHA-256 over the
canonical JSON (below) of::

    {"format": "pregon-digest-2",
     "front_matter": <every front-matter value except `updates`, as parsed>,
     "body": <the Markdown body, LF line ends>,
     "files": [{"role": "image|gallery|video|body", "ref": <as written>, "size": <bytes>,
                "sha256": <hex of the file>}, …]}

``files`` lists every local file the release shows: main image, gallery, local video, then the
images embedded in the body, in that order. Each live update has its own digest, over::

    {"format": "pregon-update-2", "update": <the update's values>, "files": [<its image>]}

so adding or editing an update changes only that update's digest.

Canonical JSON: keys sorted, UTF-8 (no ``\\u`` escapes), no spaces (separators ``,`` and ``:``),
no NaN or infinity (the loader refuses them). Values are those of the one parse of the file
(``source.py``): YAML dates and datetimes become ISO 8601 text; ``date``, ``expires``,
``featured_until`` and an update's ``time`` are written as ``AAAA-MM-DDTHH:MM:SS[.ffffff]`` with the
offset (``-05:00``) only when the file gives one, whatever their spelling (``2026-03-10 09:30``,
``2026-03-10T09:30:00``), since they mean the same moment in the site's time zone. The digest is a
pure function of the file's bytes and of its media's bytes: no configuration takes part.

Format 1 (``pregon-digest-1``) hashed the file's text with the ``updates:`` block cut out line by
line, which YAML tricks could fool. Approvals recorded under format 1 name digests no release has
any more, so they never count: an office re-approves its releases after upgrading
(``docs/comunicados.md``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .localfiles import LocalFile
from .media import MediaReader
from .moments import canonical_moment
from .problems import Problem, ReleaseError
from .source import Reference, SourceFile, item_references, read_source, update_id, update_references

FORMAT = "pregon-digest-2"
UPDATE_FORMAT = "pregon-update-2"
MOMENT_FIELDS = ("date", "expires", "featured_until")

HashedFiles = Sequence[tuple[Reference, LocalFile]]


def _json_default(value: Any) -> str:
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a front-matter value")


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes described in the module docstring."""
    text = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default
    )
    return text.encode("utf-8")


def _files(files: HashedFiles) -> list[dict[str, Any]]:
    return [{"role": r.role, "ref": r.ref, "size": f.size, "sha256": f.sha256} for r, f in files]


def _hash(document: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(document)).hexdigest()


def item_digest(meta: Mapping[str, Any], body: str, files: HashedFiles) -> str:
    """Digest of a release from its parsed front matter, its body and its item files."""
    values = {k: v for k, v in meta.items() if k != "updates"}
    for key in MOMENT_FIELDS:
        if key in values:
            values[key] = canonical_moment(values[key])
    return _hash({"format": FORMAT, "front_matter": values, "body": body, "files": _files(files)})


def update_digest(update: Mapping[str, Any], files: HashedFiles) -> str:
    """Digest of one live update (its parsed mapping) and its image."""
    values = dict(update)
    if "time" in values:
        values["time"] = canonical_moment(values["time"])
    return _hash({"format": UPDATE_FORMAT, "update": values, "files": _files(files)})


class _Files:
    """Reads referenced files for a digest computed without a site; collects problems."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.problems: list[Problem] = []
        self.reader = MediaReader(source.path, None, self._fail)

    def _fail(self, field: str, message: str, loc: tuple[str | int, ...]) -> None:
        self.problems.append(Problem(self.source.shown, field, message, self.source.line(loc)))

    def read(self, refs: list[Reference]) -> HashedFiles:
        self.reader.hashed = []
        for ref in refs:
            self.reader.file(ref)
        if self.problems:
            raise ReleaseError(self.problems)
        return self.reader.hashed


def release_digest(path: str | Path) -> str:
    """``"sha256:<hex>"`` of the release at ``path`` (see the module docstring for the exact input).

    Needs no MkDocs configuration; raises :class:`pregon.plugins.problems.ReleaseError` when the
    file or a referenced media file cannot be read.
    """
    source = read_source(Path(path))
    return item_digest(source.meta, source.body, _Files(source).read(item_references(source)))


def update_digests(path: str | Path) -> dict[str, str]:
    """Digest of every live update of the release at ``path``, keyed by update id."""
    source = read_source(Path(path))
    files = _Files(source)
    out: dict[str, str] = {}
    for i, entry in enumerate(live_updates(source)):
        out[update_id(entry)] = update_digest(entry, files.read(update_references(entry, i)))
    return out


def live_updates(source: SourceFile) -> list[dict[str, Any]]:
    """The ``updates`` list as parsed; ReleaseError if it is not a list of mappings with unique ids."""
    updates = source.meta.get("updates") or []
    problems: list[Problem] = []
    if not isinstance(updates, list):
        problems.append(Problem(source.shown, "updates", "`updates` debe ser una lista", source.line(("updates",))))
        updates = []
    seen: set[str] = set()
    for i, entry in enumerate(updates):
        loc = ("updates", i)
        if not isinstance(entry, dict):
            problems.append(
                Problem(source.shown, f"updates[{i}]", f"`updates[{i}]` debe tener `time:` y `text:`", source.line(loc))
            )
            continue
        uid = update_id(entry)
        if uid in seen:
            problems.append(
                Problem(
                    source.shown,
                    f"updates[{i}].id",
                    f"dos actualizaciones tienen el id `{uid}`: la segunda nunca podría aprobarse; "
                    "dele a cada una un `id:` distinto o una hora distinta",
                    source.line(loc),
                )
            )
        seen.add(uid)
    if problems:
        raise ReleaseError(problems)
    return updates
