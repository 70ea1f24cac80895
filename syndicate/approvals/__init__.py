"""The approval gate: a release goes out only after its content and graphic piece were approved.

Providers (chosen by ``approvals.provider`` in mkdocs.yml): ``records`` (approval records in
``records/approvals/`` bound to the item's digest), ``github`` (the pull-request reviews CI
recorded at merge, each checked again with GitHub) and ``auto``, the default: ``github`` when the
run happens on GitHub Actions with a repository and a token at hand (``GITHUB_REPOSITORY`` and
``approvals.github.token`` or ``GITHUB_TOKEN``), ``records`` elsewhere (the demo, a laptop,
GitLab). Each answers :class:`base.Decision`; the run appends every decision to
``records/decisions/`` (:mod:`decisions`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import SecretStr

from ..config import ApprovalsConfig, GitHubConfig
from ..manifest import Item, Update
from .base import ApprovalProvider, ApprovalUnavailable, Decision

__all__ = ["ApprovalProvider", "ApprovalUnavailable", "Decision", "github_settings", "provider_for"]


def github_settings(config: ApprovalsConfig, env: Mapping[str, str] | None = None) -> GitHubConfig | None:
    """The GitHub repository and token to use, or None when this is not a GitHub run.

    ``approvals.github`` wins; otherwise, on GitHub Actions, the run's own repository
    (``GITHUB_REPOSITORY``, ``GITHUB_API_URL``) with ``PREGON_GITHUB_TOKEN`` (an App token able to
    read teams) or ``GITHUB_TOKEN``.
    """
    env = os.environ if env is None else env
    configured = config.github
    token = configured.token.get_secret_value() if configured and configured.token else None
    token = token or env.get("PREGON_GITHUB_TOKEN") or env.get("GITHUB_TOKEN")
    repository = configured.repository if configured else env.get("GITHUB_REPOSITORY")
    if not repository or not token:
        return None
    api_base = configured.api_base if configured else env.get("GITHUB_API_URL", "https://api.github.com")
    return GitHubConfig(repository=repository, token=SecretStr(token), api_base=api_base)


def provider_for(config: ApprovalsConfig, records: Path, env: Mapping[str, str] | None = None) -> ApprovalProvider:
    """The configured provider (``auto`` resolved for this run)."""
    github = github_settings(config, env)
    if config.provider == "github" or (config.provider == "auto" and github is not None):
        from .github import GitHubApprovals

        if github is None:
            return _Unconfigured(
                "approvals.provider es github pero falta el repositorio o el token: configure approvals.github "
                "o pase GITHUB_TOKEN (o PREGON_GITHUB_TOKEN) al paso de difusión en GitHub Actions"
            )
        return GitHubApprovals(github, config.control_points, records / "approvals")
    from .records import RecordsApprovals

    return RecordsApprovals(records / "approvals", config.control_points)


class _Unconfigured(ApprovalProvider):
    """``provider: github`` without a repository or token: nothing can be verified, every item says why."""

    name = "github"

    def __init__(self, problem: str):
        self.problem = problem

    def decide(self, item: Item, update: Update | None = None) -> Decision:
        raise ApprovalUnavailable(self.problem)
