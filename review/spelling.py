"""Spelling in Spanish: Hunspell's ``es_CO`` dictionary through pyenchant, plus word lists.

On top of the dictionary: the Colombian public-administration list shipped with Pregón
(``rules/palabras_administracion_publica.txt``, always loaded), the office's own list, and every word
the inclusive-language rules suggest. A list entry also accepts its plural, and a word regularly
built from a known one (an adverb in -mente, a verb with its pronouns, a prefix: ``word_forms``) is
known too. Only prose is read: code, URLs, link targets, tables and front-matter keys never reach
the checker (see ``prose``).

The dictionary is a system package (Debian ``hunspell-es``, with ``libenchant-2-2``). When it is not
installed the check says so once, as a warning, and the rest of ``pregon check`` goes on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import regex
from pregon.plugins.problems import clip

from . import word_forms
from .findings import ReleaseReport
from .inclusive import fold
from .prose import Piece

RULE = "ortografia"
_WORD = regex.compile(r"(?<![\w@#/.-])\p{L}+(?:['’]\p{L}+)?(?![\w@/-]|\.\w)")
_MAX_SUGGESTIONS = 3


class DictionaryMissing(RuntimeError):
    """The spelling dictionary is not installed (message in Spanish, says how to install it)."""


def load_words(path: Path) -> frozenset[str]:
    """The office word list: one word per line, ``#`` comments, compared without case; UTF-8, or
    Windows-1252 as older Notepads save it."""
    try:
        data = path.read_bytes()
    except OSError:
        return frozenset()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved as «ANSI» by an older Windows Notepad
        text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.lstrip().startswith("#"))


SHIPPED_WORDS = "rules/palabras_administracion_publica.txt"


@functools.cache
def shipped_words() -> frozenset[str]:
    """The public-administration word list that ships with Pregón (read once per process)."""
    return load_words(Path(str(resources.files("pregon.review").joinpath(SHIPPED_WORDS))))


def _plain(word: str) -> str:
    return fold(word.casefold())


def _singulars(word: str) -> tuple[str, ...]:
    """Singular candidates of a Spanish plural: veedurías → veeduría, avalúos → avalúo, lideresas."""
    out = []
    if word.endswith("ces"):
        out.append(word[:-3] + "z")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    return tuple(out)


class SpellChecker:
    """Spanish spell checking with an office word list on top of the dictionary."""

    def __init__(self, language: str, words: Iterable[str] = ()):
        try:
            import enchant
        except ImportError as exc:  # pyenchant raises ImportError when libenchant is missing
            raise DictionaryMissing(
                f"no se pudo cargar el corrector ortográfico ({exc}); instale `libenchant-2-2` y `hunspell-es`"
            ) from None
        try:
            self._dict = enchant.Dict(language)
        except enchant.errors.DictNotFoundError:
            raise DictionaryMissing(
                f"no está instalado el diccionario `{language}`; instale el paquete `hunspell-es` "
                "(apt-get install hunspell-es) para revisar la ortografía"
            ) from None
        # Compared without accents too: a plural moves the stress mark (frailejón → frailejones).
        self._words = frozenset(_plain(w) for w in (*words, *shipped_words()))

    def known(self, word: str) -> bool:
        if self._listed(word):
            return True
        # Sentence-initial or title-cased words: accept when the lower-case form is known.
        if word[:1].isupper() and self._dict.check(word.lower()):
            return True
        # A regular formation of a known word: «prioritariamente», «conmutarla», «microcuenca».
        return any(len(base) >= 2 and self._listed(base) for base in word_forms.bases(word.lower()))

    def _listed(self, word: str) -> bool:
        folded = _plain(word)
        return folded in self._words or any(s in self._words for s in _singulars(folded)) or self._dict.check(word)

    def suggest(self, word: str) -> list[str]:
        return self._dict.suggest(word)[:_MAX_SUGGESTIONS]


def _sentence_start(text: str, offset: int) -> bool:
    before = text[:offset].rstrip(' \t\n«"“¿¡(*_-—')
    return not before or before[-1] in ".!?:…"


def check(report: ReleaseReport, pieces: Iterable[Piece], checker: SpellChecker) -> None:
    """Warn about each unknown word, once per release, with suggestions.

    Skipped: acronyms (all capitals) and capitalised words inside a sentence, which in Spanish
    are proper names (places, people, film titles): those belong in the office word list, and
    flagging every one would drown the real typos.
    """
    seen: set[str] = set()
    for piece in pieces:
        if not piece.spelling:
            continue  # table cells: figures, codes and names, not running prose
        for match in _WORD.finditer(piece.text):
            word = match.group(0)
            if len(word) < 2 or word.isupper() or word in seen:
                continue
            if word[:1].isupper() and not _sentence_start(piece.text, match.start()):
                continue
            if checker.known(word):
                continue
            seen.add(word)
            options = checker.suggest(word)
            hint = f"; ¿quiso decir {', '.join(f'«{o}»' for o in options)}?" if options else ""
            report.warning(
                RULE,
                f"`{piece.field}`: «{clip(word)}» no está en el diccionario{hint} "
                "(si es un nombre propio, agréguelo a la lista de palabras de la oficina)",
                piece.line_at(match.start()),
            )
