"""The next scheduled change: written by the build (/pregon/next.json), read by `pregon pendiente`
from the portal served over real HTTP, so a scheduled run with nothing due builds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from pregon.pendiente import decide
from tests.conftest import ROOT, free_port

BOGOTA = "-05:00"


def next_doc(site: Path) -> dict:
    return json.loads((site / "pregon/next.json").read_bytes())


def test_the_build_writes_the_first_moment_anything_changes(built_site: Path) -> None:
    doc = next_doc(built_site)
    assert doc["format"] == "pregon-next" and doc["version"] == 1
    # At the tests' clock (2026-11-20 10:00) the next change is the hospital's embargo lifting;
    # the later ones (featured_until 12-05, the announcement on 12-15) come after it.
    assert datetime.fromisoformat(doc["next_change"]) == datetime.fromisoformat("2026-11-25T09:00:00" + BOGOTA)
    # The commit the build was made from (HEAD then, or an ancestor if a commit landed since).
    ancestor = ["git", "-C", str(ROOT), "merge-base", "--is-ancestor", doc["commit"], "HEAD"]
    assert len(doc["commit"]) == 40 and subprocess.run(ancestor, check=False).returncode == 0


def pendiente(site_url: str, now: str, commit: str) -> tuple[str, str]:
    env = {**os.environ, "PREGON_NOW": now}
    env.pop("GITHUB_OUTPUT", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pregon.pendiente", "--site", site_url, "--commit", commit, "--exit-code"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return f"{proc.returncode}:{proc.stdout.strip()}", proc.stderr


def test_a_scheduled_run_builds_only_when_something_is_due(built_site: Path, served_site: str) -> None:
    commit = next_doc(built_site)["commit"]
    before, reason = pendiente(served_site, "2026-11-20T10:15:00" + BOGOTA, commit)
    assert before == "3:pendiente=false" and "nada pendiente" in reason
    after, reason = pendiente(served_site, "2026-11-25T09:00:00" + BOGOTA, commit)
    assert after == "0:pendiente=true" and "cambio programado" in reason
    moved, reason = pendiente(served_site, "2026-11-20T10:15:00" + BOGOTA, "0" * 40)
    assert moved == "0:pendiente=true" and "otro commit" in reason
    down, reason = pendiente(f"http://127.0.0.1:{free_port()}/", "2026-11-20T10:15:00" + BOGOTA, commit)
    assert down == "0:pendiente=true" and "no se pudo leer" in reason  # unknown: building is safe


def test_unreadable_documents_mean_build() -> None:
    now = datetime.fromisoformat("2026-11-20T10:00:00" + BOGOTA)
    assert decide(b"not json", now, None).due
    assert decide(b'{"format": "otro", "version": 1}', now, None).due
    assert decide(b'{"format": "pregon-next", "version": 1, "next_change": "2026-11-21T10:00:00"}', now, None).due
    quiet = b'{"format": "pregon-next", "version": 1, "next_change": null, "commit": "abc"}'
    assert not decide(quiet, now, "abc").due  # nothing scheduled and the same commit
    assert decide(quiet, now, "abd").due


def test_next_change_follows_every_clock_driven_field() -> None:
    from pregon.plugins.lifecycle import next_change
    from pregon.plugins.release import load_release, load_rules

    rules = load_rules(ROOT / "mkdocs.yml")
    content = ROOT / "content" / "prensa" / "2026"
    live = load_release(content / "11/vias-rurales-temporada-de-lluvias.md", rules)
    featured = load_release(content / "10/rendicion-de-cuentas-2026.md", rules)  # featured_until 12-05
    draft = load_release(content / "11/borrador-calendario-tributario.md", rules)
    at = datetime.fromisoformat("2026-11-18T07:00:00" + BOGOTA)
    # The first live update written ahead comes due first.
    assert next_change([live, featured, draft], at) == datetime.fromisoformat("2026-11-18T07:30:00" + BOGOTA)
    after_updates = datetime.fromisoformat("2026-11-21T00:00:00" + BOGOTA)
    assert next_change([live, featured], after_updates) == datetime.fromisoformat("2026-12-05T00:00:00" + BOGOTA)
    announcement = datetime.fromisoformat("2026-11-30T00:00:00" + BOGOTA)
    assert next_change([live, featured], after_updates, [announcement, None]) == announcement
    assert next_change([draft], at) is None  # a draft waits for an edit, not for the clock
