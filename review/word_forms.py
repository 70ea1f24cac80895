"""The regular Spanish word formations a dictionary does not list one by one.

Hunspell's ``es_CO`` knows ``prioritaria``, ``conmutar`` and ``cuenca`` but not every word Spanish
builds from them by rule: the adverb in ``-mente`` (``prioritariamente``), a verb with its pronouns
attached (``conmutarla``, ``inscríbase``, ``entregándoles``), a prefix written joined to its word as
the Ortografía de la RAE (2010) asks (``microcuenca``, ``sobretasa``), and the feminine of a word
listed in the masculine (``panelera``). Each function yields the words a form is built from; the
spell checker accepts the form when one of them is a word it knows. Nothing here is a list of
words: only the rules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import regex

# Pronouns written after a verb: up to two of them («díganselo» is diga + n + se + lo).
_CLITICS = regex.compile(r"(?:(?:me|te|se|nos|os)(?:lo|la|los|las|le|les)?|lo|la|los|las|le|les)$")

PREFIXES = (
    "micro", "macro", "mini", "multi", "pluri", "inter", "intra", "extra", "super", "sobre", "sub",
    "semi", "pre", "pos", "post", "anti", "contra", "auto", "co", "des", "bi", "tri", "neo", "seudo",
    "socio", "agro", "eco", "geo", "bio", "ciber", "tele", "vice", "infra", "ultra", "hiper", "trans",
    "retro", "mono", "uni", "cuasi", "etno", "afro", "moto", "foto", "electro", "hidro", "psico",
)  # fmt: skip
"""Prefixes the RAE writes joined to the word (Ortografía 2010, § 4.1.1.1)."""

_MIN_REST = 4
"""Shortest word a prefix may stand before (``sobretasa``: tasa), so that ``prever`` or ``cobra``
are never read as prefix + a two-letter word."""


def _strip_stress(text: str) -> str:
    """``text`` without acute accents (keeps ñ and ü): «inscríba» → «inscriba»."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c != "\u0301"))


def adverb_base(word: str) -> Iterator[str]:
    """«prioritariamente» → «prioritaria»; «rápidamente» → «rápida»."""
    if word.endswith("mente") and len(word) > 8:
        yield word[: -len("mente")]


def verb_bases(word: str) -> Iterator[str]:
    """The verb form a word with attached pronouns is made of:

    - an infinitive: «conmutarla» → «conmutar», «inscribirse» → «inscribir»;
    - a gerund, which then takes a written accent: «entregándoles» → «entregando»;
    - an imperative or subjunctive of three syllables or more, accented too: «inscríbase» →
      «inscriba», «comuníquese» → «comunique».

    A bare vowel ending with no accent («casala») is not a verb with pronouns, so it yields nothing.
    """
    match = _CLITICS.search(word)
    if match is None or match.start() < 3:
        return
    stem = word[: match.start()]
    plain = _strip_stress(stem)
    # An infinitive, or a form that took a written accent when the pronouns joined it (gerund,
    # imperative, subjunctive: «díganselo» is digan + se + lo).
    if stem.endswith(("ar", "er", "ir", "ír")) or (plain != stem and plain[-1:] in "aeiouns"):
        yield plain


def prefix_bases(word: str) -> Iterator[str]:
    """«microcuenca» → «cuenca», «comorbilidades» → «morbilidades», «sobretasa» → «tasa»."""
    lowered = word.casefold()
    for prefix in PREFIXES:
        shortest = _MIN_REST + 1 if len(prefix) <= 2 else _MIN_REST  # «co», «bi»: one letter more
        if lowered.startswith(prefix) and len(lowered) - len(prefix) >= shortest:
            rest = lowered[len(prefix) :]
            yield rest
            if rest.startswith("rr"):  # «contrarreforma», «autorregulación»: the r doubles after a vowel
                yield rest[1:]


def masculine_bases(word: str) -> Iterator[str]:
    """The masculine a feminine is made from: «panelera» → «panelero», «doctrineras» →
    «doctrineros», «despulpadora» → «despulpador» (lists and dictionaries often hold only one)."""
    for feminine, masculine in (("oras", "ores"), ("ora", "or"), ("as", "os"), ("a", "o")):
        if word.endswith(feminine) and len(word) > len(feminine) + 3:
            yield word[: -len(feminine)] + masculine
            return


def bases(word: str) -> Iterator[str]:
    """Every word ``word`` may be regularly built from (see the module notes)."""
    yield from masculine_bases(word)
    yield from adverb_base(word)
    yield from verb_bases(word)
    yield from prefix_bases(word)
