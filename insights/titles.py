"""Release titles by item id, so reports name «Abre la nueva sede del hospital», not its path.

Titles come from the releases in the repository (``content/``), read with the build's own loader;
the ledger only knows ids. When the content cannot be read (a checkout without it, a broken
configuration), reports fall back to ids: a title is a courtesy, never a reason to fail a report.
"""

from __future__ import annotations

import logging
from pathlib import Path


def release_titles(config_file: Path) -> dict[str, str]:
    """Title of every readable release by id; empty when the content cannot be read."""
    from ..plugins.release import load_release, load_rules

    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.CRITICAL)  # its config warnings are the build's to report, not ours
    try:
        rules = load_rules(config_file)
    except Exception:
        return {}
    finally:
        mkdocs_log.setLevel(level)
    titles: dict[str, str] = {}
    for path in sorted((rules.docs_dir / rules.releases_dir).rglob("*.md")):
        try:
            release = load_release(path, rules)
        except Exception:
            continue
        titles[release.id] = release.title
    return titles
