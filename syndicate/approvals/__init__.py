"""The approval gate: a release goes out only after its content and graphic piece were approved.

Providers (chosen by ``approvals.provider`` in mkdocs.yml): ``records`` (approval records in
``records/approvals/`` bound to the item's digest, the embedded default) and ``github`` (the PR
review of the commit that last changed the release). Each answers :class:`base.Decision`; the run
appends every decision to ``records/decisions/`` (:mod:`decisions`).
"""

from __future__ import annotations

from pathlib import Path

from ..config import ApprovalsConfig
from .base import ApprovalProvider, ApprovalUnavailable, Decision

__all__ = ["ApprovalProvider", "ApprovalUnavailable", "Decision", "provider_for"]


def provider_for(config: ApprovalsConfig, records: Path) -> ApprovalProvider:
    """The configured provider."""
    if config.provider == "github":
        from .github import GitHubApprovals

        assert config.github is not None  # checked when the config was loaded
        return GitHubApprovals(config.github, config.control_points)
    from .records import RecordsApprovals

    return RecordsApprovals(records / "approvals", config.control_points)
