"""Approvals from records: ``<records>/approvals/AAAA-MM.jsonl``, written by ``pregon approve``.

One line per approval (append-only, committed in the merge that publishes the release)::

    {"v": 1, "at": "2026-11-19T16:40:00Z", "by": "jefa-prensa", "role": "contenido",
     "digest": "sha256:…", "source": "content/prensa/2026/11/x.md", "pr": 42,
     "updates": {"<update id>": "sha256:…"}}

A record approves exactly the content it was made for: it counts only for the digest it names
(an approval of an older version does not count after an edit). A live update is approved when
records for every control point list its digest under ``updates``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..jsonlines import read_records
from ..manifest import Item, Update
from .base import ApprovalProvider, Decision


class RecordsApprovals(ApprovalProvider):
    name = "records"

    def __init__(self, folder: Path, control_points: dict[str, tuple[str, ...]]):
        self.folder = folder
        self.control_points = control_points
        # digest -> role -> logins that approved it
        self._by_digest: dict[str, dict[str, list[str]]] = {}
        # source path -> digests approved for it, to tell "approved, but another version" apart
        self._by_source: dict[str, set[str]] = {}
        for _, record in read_records(folder):
            self._add(record)

    def _add(self, record: dict[str, Any]) -> None:
        digests = [record.get("digest"), *(record.get("updates") or {}).values()]
        if record.get("source") and record.get("digest"):
            self._by_source.setdefault(str(record["source"]), set()).add(str(record["digest"]))
        for digest in digests:
            if digest:
                roles = self._by_digest.setdefault(str(digest), {})
                roles.setdefault(str(record.get("role")), []).append(str(record.get("by")))

    def decide(self, item: Item, update: Update | None = None) -> Decision:
        digest = update.digest if update is not None else item.digest
        roles = self._by_digest.get(digest, {})
        approvers: dict[str, str] = {}
        missing: list[str] = []
        for point, allowed in self.control_points.items():
            who = next((login for login in roles.get(point, []) if login in allowed), None)
            if who is None:
                missing.append(point)
            else:
                approvers[point] = who
        if missing:
            what = f"la actualización {update.id}" if update is not None else "esta versión"
            reason = (
                f"falta la aprobación de {', '.join(missing)} para {what} (huella {digest[:19]}…); "
                f"registre la aprobación con `pregon approve` (aprobadores: "
                + "; ".join(f"{p}: {', '.join(self.control_points[p])}" for p in missing)
                + ")"
            )
            if update is None and self._by_source.get(item.source.path, set()) - {digest}:
                reason += (
                    "; hay aprobaciones de otra versión de este archivo: se editó después de aprobarlo, "
                    "o se aprobó antes de actualizar Pregón a la huella pregon-digest-2 (docs/comunicados.md): "
                    "vuelva a aprobarlo"
                )
            return Decision(False, reason, self.name, digest)
        who = ", ".join(f"{p}: {login}" for p, login in approvers.items())
        return Decision(True, f"aprobado en registros ({who})", self.name, digest, approvers)
