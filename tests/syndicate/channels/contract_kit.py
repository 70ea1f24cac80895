"""The core's fault scenarios, run as a real ``pregon syndicate`` process against one fake network.

Shared by test_x_contract.py, test_linkedin_contract.py, test_telegram_contract.py and
test_youtube_contract.py. Each scenario writes a live portal (:class:`HandSite`: manifest, page
with digest meta tags, feed, image), a project whose mkdocs.yml configures one channel with its
secrets as ``!ENV`` (so they only ever travel through the environment), approval records, and
runs the CLI with :mod:`tests.syndicate.harness`:

* crash: the fake SIGKILLs the run right after the network made the post, before it answers;
  the next run must reconcile (one post in all) — or, where the API cannot list posts, do what
  the channel documents;
* throttled: the first publish is rate-limited; in the end there is exactly one post;
* permanent: a refused post is reported (exit non-zero, Spanish reason) and not retried.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.api_server import FakeAPI, Reply
from tests.syndicate.harness import Result, SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project

SPEC = Spec(
    id="2026-11-jornada-vacunacion",
    title="Jornada de vacunación en las veredas",
    summary="La Secretaría de Salud lleva vacunas a 12 veredas este sábado.",
)


@dataclass
class Network:
    """How one channel is configured against its fake, and how to count its posts."""

    name: str
    config: Callable[[FakeAPI], dict[str, Any]]
    """The channel's mkdocs.yml mapping; secret values are placeholders listed in ``env``."""
    env: dict[str, str]
    """Placeholder (also the env var's value) → environment variable name."""
    publish_route: str
    posts: Callable[[FakeAPI], int]
    throttle: Callable[[], Reply]
    refuse: Callable[[], Reply]
    refusal_text: str
    retry: dict[str, Any] = field(default_factory=lambda: {"max_attempts": 3, "max_wait": 5, "backoff": 0})


class Scenario:
    """One portal + project for ``network`` against ``fake``."""

    def __init__(
        self,
        network: Network,
        fake: FakeAPI,
        site: HandSite,
        tmp_path: Path,
        patch_manifest: Callable[[dict[str, Any], Path], None] | None = None,
    ):
        self.network, self.fake, self.site = network, fake, site
        manifest = site.write([SPEC])
        if patch_manifest is not None:
            patch_manifest(manifest, site.root)
            (site.root / "pregon" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        syndicate = {
            "records": "records",
            "retry": network.retry,
            "channels": {network.name: network.config(fake)},
        }
        self.project = make_project(tmp_path / "project", syndicate, env_tags=network.env)
        approve(self.project, SPEC.digest)
        self.env = {var: placeholder for placeholder, var in network.env.items()}

    def run(self) -> Result:
        return run_syndicate(self.project, self.site.url, env=self.env)

    def run_killed_after_publish(self) -> Result:
        process = SyndicateProcess(self.project, self.site.url, env=self.env)
        self.fake.after_next(self.network.publish_route, process.kill_now)
        return process.start().wait()

    def ledger(self) -> list[dict[str, Any]]:
        return [line for line in ledger_lines(self.project) if line.get("channel") == self.network.name]

    def states(self) -> list[str]:
        """The sending states (without the read-back lines)."""
        return [line["state"] for line in self.ledger() if not line["state"].startswith("read_back")]

    def check_throttled_then_posted_once(self) -> None:
        """throttled: a rate limit within ``max_wait`` is waited out in the same run; one post."""
        self.fake.fail_next(self.network.publish_route, self.network.throttle())
        result = self.run()
        assert result.returncode == 0, result.output
        assert self.network.posts(self.fake) == 1
        assert self.states() == ["intent", "failed", "intent", "confirmed"]

    def check_refused_and_not_retried(self, route: str | None = None) -> None:
        """permanent: the refusal at ``route`` (default: the publish route) is reported, never retried."""
        route = route or self.network.publish_route
        self.fake.fail_next(route, self.network.refuse())
        result = self.run()
        assert result.returncode != 0 and self.network.refusal_text in result.output
        assert self.network.posts(self.fake) == 0 and len(self.fake.calls(route)) == 1
        assert self.states() == ["intent", "failed"]
        assert not self.secrets_leaked(result.output)

    def secrets_leaked(self, *outputs: str) -> list[str]:
        """Secret values found in run output or in records/ (must be none)."""
        records = "".join(p.read_text(encoding="utf-8") for p in (self.project / "records").rglob("*.jsonl"))
        return [s for s in self.network.env if any(s in text for text in (*outputs, records))]
