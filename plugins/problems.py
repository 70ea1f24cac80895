"""Problems found in a press release, worded in Spanish for the editors who must fix them."""

from __future__ import annotations

from dataclasses import dataclass

from pregon.safe_text import clip as clip  # re-exported: releases and checks quote values with it
from pregon.safe_text import neutralise


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one release: which file, which field, where, and how to fix it."""

    path: str
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        # Printed by MkDocs and `pregon check` where CI reads workflow commands: one defused line.
        return neutralise(f"{where}: {self.message}")


class ReleaseError(ValueError):
    """A release cannot be published as written; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


Loc = tuple[str | int, ...]
"""Where a value sits in the front matter: keys and list indexes from the top, e.g. ``("gallery", 2, "src")``."""


def field_name(loc: Loc) -> str:
    """``loc`` as editors read it: ``gallery[2].src``."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name
