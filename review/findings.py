"""What ``pregon check`` reports: findings (error, warning, notice) and per-network previews."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):  # noqa: UP042 - StrEnum would change str() of members
    """How much a finding matters. Only errors fail the check (exit status 1)."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def spanish(self) -> str:
        return {"error": "error", "warning": "advertencia", "notice": "nota"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer should see, at a place in a file, in Spanish."""

    severity: Severity
    rule: str
    """Short rule id (``esquema``, ``lenguaje-incluyente``…): the annotation title and JSON key."""
    path: str
    message: str
    line: int | None = None
    col: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
        }


@dataclass(frozen=True)
class Preview:
    """A post as it will go out on one network, for the reviewer to see before merging."""

    channel: str
    text: str
    length: int | None
    limit: int | None
    unit: str
    media: tuple[tuple[str, str], ...] = ()
    """(url, alt) of each attached image or video."""
    card: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    note: str | None = None
    """Set when the channel's own ``render()`` could not be used (counting rules only)."""
    update: str | None = None
    """For a live update's post: which update ("actualización AAAA-MM-DD HH:MM")."""
    skipped: str | None = None
    """Why nothing is sent on this channel (the channel's ``Post.skip``)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "text": self.text,
            "length": self.length,
            "limit": self.limit,
            "unit": self.unit,
            "media": [{"url": u, "alt": a} for u, a in self.media],
            "card": dict(self.card),
            "problems": list(self.problems),
            "note": self.note,
            "update": self.update,
            "skipped": self.skipped,
        }


@dataclass
class ReleaseReport:
    """Everything found about one release file."""

    path: str
    title: str | None = None
    url: str | None = None
    findings: list[Finding] = field(default_factory=list)
    previews: list[Preview] = field(default_factory=list)

    def add(self, severity: Severity, rule: str, message: str, line: int | None = None, col: int | None = None) -> None:
        self.findings.append(Finding(severity, rule, self.path, message, line, col))

    def error(self, rule: str, message: str, line: int | None = None) -> None:
        self.add(Severity.ERROR, rule, message, line)

    def warning(self, rule: str, message: str, line: int | None = None, col: int | None = None) -> None:
        self.add(Severity.WARNING, rule, message, line, col)

    def notice(self, rule: str, message: str, line: int | None = None) -> None:
        self.add(Severity.NOTICE, rule, message, line)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass
class CheckResult:
    """The outcome of one ``pregon check`` run."""

    reports: list[ReleaseReport] = field(default_factory=list)
    general: list[Finding] = field(default_factory=list)
    """Findings about the run itself (missing dictionary, unreadable config…)."""

    @property
    def findings(self) -> list[Finding]:
        return [*self.general, *(f for r in self.reports for f in r.findings)]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def failed(self) -> bool:
        return self.count(Severity.ERROR) > 0
