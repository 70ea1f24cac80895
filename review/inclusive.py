"""Inclusive and respectful language: context-aware rules from the office's rule files.

A rule file (``rules/lenguaje_incluyente.yml`` by default) lists rules, each with an ``id``, a
``family``, the ``source`` guide it comes from, what it matches and what to ``suggest``. A rule
matches either literal ``terms`` (whole words, any case, any spacing) or regular-expression
``patterns`` (the ``regex`` module's syntax, matched as whole words). Matching ignores accents, so
"minusvalido" is found as well as "minusválido", and the message quotes the text as written.

Context keeps the rules precise:

* ``unless_before`` / ``unless_after``: a pattern that, found right before (ending at the match) or
  right after (starting at it), cancels the hit: "voto inválido" is about a ballot, not a person.
* ``doublet: true`` (generic masculine): the hit is cancelled when the feminine form of the same
  word stands near it, so the doublets the rules themselves recommend ("las ciudadanas y los
  ciudadanos", the Ley 1098 formula "niños, niñas y adolescentes") are never flagged.

Findings are warnings: the reviewer decides, nothing is rewritten. An office adds its own files
(``review.inclusive_language_extra``) and switches rules off by id (``review.inclusive_rules_off``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
import yaml

from pregon.os_errors import reason
from pregon.yaml_es import yaml_line, yaml_reason
from pregon.yaml_limits import BoundedFastLoader

from .findings import ReleaseReport
from .prose import Piece

RULE = "lenguaje-incluyente"

# How far (characters) a doublet's other half may stand from the hit: "las ciudadanas y los
# ciudadanos" and "niños, niñas y adolescentes" both fit; a feminine form two sentences away does not.
_DOUBLET_WINDOW = 45
_CONTEXT_WINDOW = 80
SHOWN_PER_EXPRESSION = 5
"""Warnings for one expression in one field; the rest are counted in one more warning."""
MATCH_SECONDS = 2.0
"""Longest a rule may take on one piece of text: an office's own pattern can backtrack for minutes."""
_WORD_EDGE_BEFORE = r"(?<![\p{L}\p{N}@])"
_WORD_EDGE_AFTER = r"(?![\p{L}\p{N}@])"
_FLAGS = regex.IGNORECASE | regex.V1


def fold(text: str) -> str:
    """``text`` without accents (á→a, ü→u; ñ stays), one character for one, so offsets still match."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char in "ñÑ" or ord(char) < 128:
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if len(base) == 1 and ord(base) < 128 else char


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    source: str
    pattern: regex.Pattern[str]
    suggest: tuple[str, ...]
    note: str | None = None
    unless_before: regex.Pattern[str] | None = None
    unless_after: regex.Pattern[str] | None = None
    doublet: bool = False

    def hits(self, folded: str) -> Iterator[regex.Match[str]]:
        """Raises TimeoutError when the rule's patterns take over :data:`MATCH_SECONDS` on ``folded``."""
        for match in self.pattern.finditer(folded, timeout=MATCH_SECONDS):
            if self.unless_before is not None and self.unless_before.search(
                folded, max(0, match.start() - _CONTEXT_WINDOW), match.start()
            ):
                continue
            if self.unless_after is not None and self.unless_after.match(
                folded, match.end(), match.end() + _CONTEXT_WINDOW
            ):
                continue
            if self.doublet and (_has_doublet(folded, match) or _names_something(folded, match)):
                continue
            yield match


# Backwards-compatible name: rule files of earlier versions called rules "terms".
Term = Rule


class RuleFileError(ValueError):
    """A rule file cannot be read; the message names the file and the entry (Spanish)."""


def _compile(path: Path, number: int, key: str, source: str, *, anchor: str = "") -> regex.Pattern[str]:
    try:
        return regex.compile(anchor + fold(source), _FLAGS)
    except regex.error as exc:
        raise RuleFileError(f"{path}: regla {number}, `{key}`: expresión inválida ({exc})") from None


def _literal(word: str) -> str:
    return regex.escape(word.strip()).replace(r"\ ", r"\s+")


def _rule(path: Path, number: int, entry: Any) -> Rule:
    if not isinstance(entry, dict):
        raise RuleFileError(f"{path}: la regla {number} debe ser un grupo de campos (id, family, terms…)")
    terms = entry.get("terms") or []
    patterns = entry.get("patterns") or []
    if not isinstance(terms, list) or not isinstance(patterns, list) or not (terms or patterns):
        raise RuleFileError(
            f"{path}: la regla {number} no tiene `terms` (una lista de expresiones) ni `patterns` (expresiones regulares)"
        )
    # Longest first, so "todos los ciudadanos" wins over "los ciudadanos" at the same place.
    alternatives = [_literal(str(t)) for t in sorted(terms, key=lambda t: len(str(t)), reverse=True)]
    alternatives += [f"(?:{p})" for p in patterns]
    pattern = _compile(
        path, number, "patterns", _WORD_EDGE_BEFORE + "(?:" + "|".join(alternatives) + ")" + _WORD_EDGE_AFTER
    )
    before = entry.get("unless_before")
    after = entry.get("unless_after")
    return Rule(
        id=str(entry.get("id") or f"{path.stem}-{number}"),
        family=str(entry.get("family") or "lenguaje"),
        source=str(entry.get("source") or ""),
        pattern=pattern,
        suggest=tuple(str(s) for s in entry.get("suggest") or ()),
        note=entry.get("note"),
        unless_before=_compile(path, number, "unless_before", f"(?<![\\p{{L}}\\p{{N}}])(?:{before})\\s*$")
        if before
        else None,
        unless_after=_compile(path, number, "unless_after", f"\\s*(?:{after})") if after else None,
        doublet=bool(entry.get("doublet")),
    )


_LOADER = BoundedFastLoader  # libyaml also caps the nesting depth


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """The mapping in the YAML file ``path`` (an office's rule file, ``what`` it is, for the
    message), ``{}`` when it is empty; :class:`RuleFileError` in Spanish otherwise."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except OSError as exc:
        raise RuleFileError(f"{path}: no se puede leer {what} ({reason(exc)})") from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{path}: {what} no está en UTF-8") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path}{yaml_line(exc)}: {what} no es YAML válido ({yaml_reason(exc)})") from None
    except RecursionError:
        raise RuleFileError(f"{path}: {what} tiene demasiados niveles anidados") from None
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}: {what} debe ser un mapa de campos `nombre: valor`")
    return data


def load_rules(path: Path) -> list[Rule]:
    """Read the rule file at ``path``."""
    data = read_yaml_mapping(path, "el archivo de lenguaje incluyente")
    if not isinstance(data.get("rules") or [], list):
        raise RuleFileError(f"{path}: se esperaba `rules:` con una lista de reglas")
    rules = [_rule(path, i, entry) for i, entry in enumerate(data.get("rules") or [], start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleFileError(f"{path}: el id de regla `{rule.id}` está repetido")
        seen.add(rule.id)
    return rules


def load_terms(path: Path) -> list[Rule]:
    """Former name of :func:`load_rules`."""
    return load_rules(path)


def load_rule_set(paths: Sequence[Path], off: Iterable[str] = ()) -> list[Rule]:
    """The rules of every file in ``paths`` (later files add to earlier ones), minus the ids in ``off``."""
    disabled = set(off)
    rules: list[Rule] = []
    for path in paths:
        rules.extend(r for r in load_rules(path) if r.id not in disabled)
    return rules


def suggested_words(rules: Iterable[Rule]) -> frozenset[str]:
    """Every word the rules suggest: the spelling check must accept them."""
    words: set[str] = set()
    for rule in rules:
        for suggestion in rule.suggest:
            words.update(w.casefold() for w in regex.findall(r"\p{L}+", suggestion))
    return frozenset(words)


# --- Doublets -----------------------------------------------------------------------------------

_LAST_WORD = regex.compile(r"(\p{L}+)\s*$")


def _feminine_forms(word: str) -> set[str]:
    """Feminine forms of a masculine person noun or adjective (plural or singular)."""
    w = word.lower()
    forms: set[str] = set()
    for masc, fem in (("ores", "oras"), ("or", "ora"), ("os", "as"), ("o", "a"), ("es", "as"), ("ones", "onas")):
        if w.endswith(masc):
            forms.add(w[: -len(masc)] + fem)
    if w.endswith("es"):
        forms.add(w[:-2] + "esas")  # líderes → lideresas
    if w.endswith(("es", "e", "istas", "ista")) or not forms:
        forms.add(w)  # common gender (docentes, estudiantes, jóvenes): the doublet is "las docentes"
    return forms


_PAIRED_ARTICLE = regex.compile(r"(?<!\p{L})(?:las|ellas|unas|todas|nosotras)\s+(?:y|e|o)\s*$", regex.IGNORECASE)


def _has_doublet(folded: str, match: regex.Match[str]) -> bool:
    if _PAIRED_ARTICLE.search(folded, max(0, match.start() - 20), match.start()):
        return True  # "las y los jóvenes"
    found = _LAST_WORD.search(match.group(0))
    if found is None:
        return False
    noun = found.group(1).lower()
    start = max(0, match.start() - _DOUBLET_WINDOW)
    window = folded[start : match.end() + _DOUBLET_WINDOW].lower()
    own = (match.start() - start, match.end() - start)
    for form in _feminine_forms(noun):
        for other in regex.finditer(
            rf"(?<!\p{{L}})(?:(las|la|unas|una|todas|ellas)\s+)?{regex.escape(form)}(?!\p{{L}})", window
        ):
            if own[0] <= other.start() < own[1]:
                continue  # the hit itself
            if form != noun or other.group(1):
                return True  # "las ciudadanas", or "las docentes" next to "los docentes"
    return False


_SENTENCE_START = regex.compile(r"(?:^|[.!?:;¡¿«\"“(\n]\s*)$")


def _names_something(folded: str, match: regex.Match[str]) -> bool:
    """True when the hit's noun is capitalised inside a sentence: a proper name ("Asociación de
    Usuarios"), which the office writes as it is."""
    found = _LAST_WORD.search(match.group(0))
    if found is None or not found.group(1)[:1].isupper():
        return False
    start = match.start() + found.start(1)
    return not _SENTENCE_START.search(folded, max(0, start - 4), start)


# --- Checking -----------------------------------------------------------------------------------


def matches(
    rules: Iterable[Rule], text: str, too_slow: list[Rule] | None = None
) -> Iterator[tuple[Rule, regex.Match[str]]]:
    """Every rule hit in ``text`` (offsets into ``text``), in text order, without overlapping hits.
    A rule that takes too long on ``text`` is left out and added to ``too_slow``."""
    folded = fold(text)
    found: list[tuple[Rule, regex.Match[str]]] = []
    for rule in rules:
        try:
            found += [(rule, m) for m in rule.hits(folded)]
        except TimeoutError:
            if too_slow is not None:
                too_slow.append(rule)
    hits = sorted(found, key=lambda h: (h[1].start(), -h[1].end()))
    end = -1
    for rule, match in hits:
        if match.start() >= end:
            yield rule, match
            end = match.end()


def check(report: ReleaseReport, pieces: Iterable[Piece], rules: list[Rule]) -> None:
    """Warn about every rule hit in the release's prose."""
    for piece in pieces:
        too_slow: list[Rule] = []
        times: Counter[str] = Counter()
        for rule, match in matches(rules, piece.text, too_slow):
            found = " ".join(piece.text[match.start() : match.end()].split())
            times[found.lower()] += 1
            if times[found.lower()] > SHOWN_PER_EXPRESSION:
                continue  # summed up below: a pasted text can repeat one expression thousands of times
            suggestion = " / ".join(f"«{s}»" for s in rule.suggest)
            note = f" ({rule.note})" if rule.note else ""
            source = f" [{rule.source}]" if rule.source else ""
            report.warning(
                RULE,
                f"`{piece.field}`: «{found}» ({rule.family}){note}; considere {suggestion}{source}",
                piece.line_at(match.start()),
            )
        for found, count in times.items():
            if count > SHOWN_PER_EXPRESSION:
                report.warning(
                    RULE,
                    f"`{piece.field}`: «{found}» aparece {count - SHOWN_PER_EXPRESSION} veces más después de "
                    "las señaladas; revíselas todas",
                    piece.line_at(0),
                )
        for rule in too_slow:
            report.warning(
                RULE,
                f"`{piece.field}`: la regla «{rule.id}» tardó más de {MATCH_SECONDS:g} s en este texto y no se "
                "aplicó: revise su expresión (un patrón que se repite dentro de otro puede tardar minutos)",
                piece.line_at(0),
            )
