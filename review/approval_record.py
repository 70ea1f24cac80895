"""At merge: the decisive reviews become the office's approval records (made by CI, from the forge).

For the merged pull request (``GET /repos/{o}/{r}/commits/{sha}/pulls``), every control point
satisfied for a release (``forge_github.evaluate`` with the merged commit as target, so the
review must be of the content actually published) is appended to
``<records>/approvals/AAAA-MM.jsonl`` as a format-2 line with ``provider: github`` (or
``gitlab``, from merge-request approvals, ``forge_gitlab``): reviewer,
role, PR, review id, commit, digest, submission time (``pregon.syndicate.approvals.records``).
Running it twice writes nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pregon.syndicate.approvals.records import ApprovalRecord, ForgeReview, read_approvals
from pregon.syndicate.jsonlines import append_records

from .forge_github import PullApproval


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def forge_records(result: PullApproval, repository: str, provider: str = "github") -> list[ApprovalRecord]:
    at = now_text()
    out = []
    for release in result.releases:
        if release.digest is None:
            continue
        for approval in release.approvals:
            review = approval.review
            out.append(
                ApprovalRecord(
                    by=review.login,
                    role=approval.role,
                    digest=release.digest,
                    provider=provider,
                    updates={k: v for k, v in approval.updates.items() if release.updates.get(k) == v},
                    pr=result.number,
                    repository=repository,
                    review=ForgeReview(review.id, review.user_id, review.commit, review.submitted_at),
                    via=approval.via,
                    at=at,
                    source=release.path,
                )
            )
    return out


def _key(record: ApprovalRecord) -> tuple[object, ...]:
    review = record.review.id if record.review else None
    return (record.provider, record.repository, record.digest, record.role, record.by.lower(), review, record.pr)


def new_records(folder: Path, records: list[ApprovalRecord]) -> list[ApprovalRecord]:
    """The records not already in ``folder`` (each once); reads only."""
    seen = {_key(r) for r in read_approvals(folder)}
    new = []
    for record in records:
        if _key(record) not in seen:
            seen.add(_key(record))
            new.append(record)
    return new


def append_new(folder: Path, records: list[ApprovalRecord]) -> list[ApprovalRecord]:
    """Append the records not already in ``folder``; returns the ones written."""
    new = new_records(folder, records)
    if new:
        append_records(folder, now_text()[:7], [r.to_line() for r in new])
    return new
