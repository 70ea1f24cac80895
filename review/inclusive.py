"""Inclusive and respectful language: terms from the office's rule file, with suggestions.

The rule file (``rules/lenguaje_incluyente.yml`` by default; its header cites the sources) lists
``terms`` and ``suggest``ed alternatives. Findings are warnings: the reviewer decides, nothing is
rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from .findings import ReleaseReport
from .prose import Piece

RULE = "lenguaje-incluyente"


@dataclass(frozen=True)
class Term:
    pattern: regex.Pattern[str]
    family: str
    suggest: tuple[str, ...]
    note: str | None = None


class RuleFileError(ValueError):
    """A rule file cannot be read; the message names the file and the entry (Spanish)."""


def load_terms(path: Path) -> list[Term]:
    """Read the rule file at ``path``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{path}: no se puede leer el archivo de lenguaje incluyente ({exc})") from None
    terms = []
    for i, entry in enumerate(data.get("rules") or []):
        words = entry.get("terms") if isinstance(entry, dict) else None
        if not words or not isinstance(words, list):
            raise RuleFileError(f"{path}: la regla {i + 1} no tiene `terms` (una lista de expresiones)")
        # Longest first, so "todos los ciudadanos" wins over "los ciudadanos" at the same place.
        alternatives = "|".join(
            regex.escape(str(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
        )
        terms.append(
            Term(
                pattern=regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", regex.IGNORECASE),
                family=str(entry.get("family") or "lenguaje"),
                suggest=tuple(str(s) for s in entry.get("suggest") or ()),
                note=entry.get("note"),
            )
        )
    return terms


def matches(terms: Iterable[Term], text: str) -> Iterator[tuple[Term, regex.Match[str]]]:
    """Every rule hit in ``text``, in text order, without overlapping hits."""
    hits = sorted(((t, m) for t in terms for m in t.pattern.finditer(text)), key=lambda h: (h[1].start(), -h[1].end()))
    end = -1
    for term, match in hits:
        if match.start() >= end:
            yield term, match
            end = match.end()


def check(report: ReleaseReport, pieces: Iterable[Piece], terms: list[Term]) -> None:
    """Warn about every term of the rule file found in the release's prose."""
    for piece in pieces:
        for term, match in matches(terms, piece.text):
            found = " ".join(match.group(0).split())
            suggestion = " / ".join(f"«{s}»" for s in term.suggest)
            note = f" ({term.note})" if term.note else ""
            report.warning(
                RULE,
                f"`{piece.field}`: «{found}» ({term.family}){note}; considere {suggestion}",
                piece.line_at(match.start()),
            )
