"""Every gate decision, appended to ``<records>/decisions/AAAA-MM.jsonl``::

    {"v": 1, "at": "…Z", "item": "<id>", "update": null, "digest": "sha256:…",
     "provider": "github", "approved": false, "reason": "…", "approvers": null, "reference": "PR #12"}

A run repeats the previous decision for the same item, digest and provider without writing it
again, so a cron every 15 minutes does not bloat the records with identical lines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ..jsonlines import RecordError, append_records, read_records
from .base import Decision


class DecisionLog:
    def __init__(self, folder: Path):
        self.folder = folder
        self._last: dict[tuple[str, str | None, str, str], tuple[bool, str]] = {}
        for place, d in read_records(folder):
            try:
                self._last[(d["item"], d.get("update"), d["digest"], d["provider"])] = (d["approved"], d["reason"])
            except (KeyError, TypeError) as exc:
                raise RecordError(f"{place}: línea ilegible (falta o sobra el campo {exc})") from None

    def record(self, item: str, update: str | None, decision: Decision) -> None:
        """Append ``decision`` unless it repeats the last one for the same item and digest."""
        key = (item, update, decision.digest, decision.provider)
        if self._last.get(key) == (decision.approved, decision.reason):
            return
        at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        line = {
            "v": 1,
            "at": at,
            "item": item,
            "update": update,
            "digest": decision.digest,
            "provider": decision.provider,
            "approved": decision.approved,
            "reason": decision.reason,
            "approvers": decision.approvers,
            "reference": decision.reference,
        }
        append_records(self.folder, at[:7], [line])
        self._last[key] = (decision.approved, decision.reason)
