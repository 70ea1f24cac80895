"""Approval records: ``<records>/approvals/AAAA-MM.jsonl``, one line per control point approved.

Format 2 (written by CI from the forge at merge, ``pregon aprobacion registrar``, or by
``pregon approve`` with the git identity of whoever ran it)::

    {"v": 2, "at": "2026-11-19T16:40:00Z", "provider": "github", "by": "jefa-prensa",
     "role": "contenido", "digest": "sha256:…", "source": "content/prensa/2026/11/x.md",
     "pr": 42, "updates": {"<update id>": "sha256:…"}, "repository": "alcaldia/portal",
     "review": {"id": 80, "user_id": 31, "commit": "<sha>", "submitted_at": "…Z"},
     "via": "alcaldia/prensa"}

``provider`` says where the approval comes from: ``github`` / ``gitlab`` (a review or
merge-request approval, ``review`` and ``repository`` identify it so it can be checked again with
the forge), or ``git`` (``pregon approve``; ``by`` and ``email`` are ``git config user.name`` and
``user.email``). ``via`` names the team through which the reviewer was allowed, if any.
Format 1 lines (``pregon approve --by``, before format 2) are still read, as ``provider: git``.

A record approves exactly the content it was made for: it counts only for the digest it names
(an approval of an older version does not count after an edit). A live update is approved when
records for every control point list its digest under ``updates``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..jsonlines import read_records
from ..manifest import Item, Update
from .base import ApprovalProvider, Decision

FORMAT = 2


@dataclass(frozen=True)
class ForgeReview:
    """The forge's review (or merge-request approval) an approval record stands for."""

    id: int
    user_id: int | None
    commit: str | None
    submitted_at: str | None


@dataclass(frozen=True)
class ApprovalRecord:
    by: str
    role: str
    digest: str
    provider: str
    updates: dict[str, str] = field(default_factory=dict)
    email: str | None = None
    pr: int | None = None
    repository: str | None = None
    review: ForgeReview | None = None
    via: str | None = None
    at: str | None = None
    source: str | None = None

    def covers(self, digest: str) -> bool:
        return digest == self.digest or digest in self.updates.values()

    def allowed_by(self, approvers: tuple[str, ...]) -> bool:
        """Whether the configured list names this approver (login, git name or e-mail, or the team
        the forge checked at merge)."""
        names = {a.lower() for a in approvers}
        return any(v is not None and v.lower() in names for v in (self.by, self.email, self.via))

    def to_line(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "v": FORMAT,
            "at": self.at,
            "provider": self.provider,
            "by": self.by,
            "role": self.role,
            "digest": self.digest,
            "source": self.source,
            "pr": self.pr,
            "updates": dict(self.updates),
        }
        if self.email is not None:
            line["email"] = self.email
        if self.repository is not None:
            line["repository"] = self.repository
        if self.review is not None:
            line["review"] = {
                "id": self.review.id,
                "user_id": self.review.user_id,
                "commit": self.review.commit,
                "submitted_at": self.review.submitted_at,
            }
        if self.via is not None:
            line["via"] = self.via
        return line


def parse_record(line: dict[str, Any]) -> ApprovalRecord | None:
    """A record from one line (format 1 or 2); None for a line that approves nothing."""
    digest, role, by = line.get("digest"), line.get("role"), line.get("by")
    if not (isinstance(digest, str) and isinstance(role, str) and isinstance(by, str)):
        return None
    review = line.get("review")
    forge_review = None
    if isinstance(review, dict) and isinstance(review.get("id"), int):
        forge_review = ForgeReview(
            id=review["id"],
            user_id=review.get("user_id"),
            commit=review.get("commit"),
            submitted_at=review.get("submitted_at"),
        )
    updates = line.get("updates") or {}
    return ApprovalRecord(
        by=by,
        role=role,
        digest=digest,
        provider=str(line.get("provider") or "git") if line.get("v") == FORMAT else "git",
        updates={str(k): str(v) for k, v in updates.items()} if isinstance(updates, dict) else {},
        email=line.get("email"),
        pr=line.get("pr") if isinstance(line.get("pr"), int) else None,
        repository=line.get("repository"),
        review=forge_review,
        via=line.get("via"),
        at=line.get("at"),
        source=line.get("source"),
    )


def read_approvals(folder: Path) -> list[ApprovalRecord]:
    """Every approval record under ``folder``, oldest first."""
    out = []
    for _, line in read_records(folder):
        record = parse_record(line)
        if record is not None:
            out.append(record)
    return out


def missing_reason(
    missing: list[str], control_points: dict[str, tuple[str, ...]], digest: str, update: Update | None
) -> str:
    what = f"la actualización {update.id}" if update is not None else "esta versión"
    return (
        f"falta la aprobación de {', '.join(missing)} para {what} (huella {digest[:19]}…); "
        "apruebe el pull request o registre la aprobación con `pregon approve` (aprobadores: "
        + "; ".join(f"{p}: {', '.join(control_points[p])}" for p in missing)
        + ")"
    )


class RecordsApprovals(ApprovalProvider):
    name = "records"

    def __init__(self, folder: Path, control_points: dict[str, tuple[str, ...]]):
        self.control_points = control_points
        self.records = read_approvals(folder)

    def decide(self, item: Item, update: Update | None = None) -> Decision:
        digest = update.digest if update is not None else item.digest
        approvers: dict[str, str] = {}
        missing: list[str] = []
        for point, allowed in self.control_points.items():
            who = next(
                (r.by for r in self.records if r.role == point and r.covers(digest) and r.allowed_by(allowed)),
                None,
            )
            if who is None:
                missing.append(point)
            else:
                approvers[point] = who
        if missing:
            reason = missing_reason(missing, self.control_points, digest, update)
            others = {r.digest for r in self.records if r.source and r.source == item.source.path} - {digest}
            if update is None and others:
                reason += (
                    "; hay aprobaciones de otra versión de este archivo: se editó después de aprobarlo, "
                    "o se aprobó antes de actualizar Pregón a la huella pregon-digest-2 (docs/comunicados.md): "
                    "vuelva a aprobarlo"
                )
            return Decision(False, reason, self.name, digest)
        who_text = ", ".join(f"{p}: {login}" for p, login in approvers.items())
        return Decision(True, f"aprobado en registros ({who_text})", self.name, digest, approvers)
