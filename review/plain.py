"""Plain language and link previews: long sentences, and titles or summaries that get cut.

Sentences are split where Spanish ends them, not at every period: not after abbreviations
(a. m., n.º, Dr., C.C.), not inside numbers (3.150), not before a lower-case word; each list item
and table row is a piece of its own (see ``prose``), so a list is never one long sentence.

* DNP's plain-language guidance ("lenguaje claro") recommends at most about 20 words a sentence:
  a longer sentence gets a notice, one over one and a half times that a warning.
* Link previews: ``twitter:title`` shows about 70 characters and search results about 60;
  ``twitter:description`` about 200 and search snippets about 155 (networks.md §14). Over the
  first number is a warning, over the second a notice.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex
from pregon.plugins.problems import clip

from .findings import ReleaseReport
from .prose import Piece

RULE_SENTENCE = "lenguaje-claro"
RULE_PREVIEW = "vista-previa"

TITLE_PREVIEW, TITLE_SEARCH = 70, 60
SUMMARY_PREVIEW, SUMMARY_SEARCH = 200, 155

# Where a sentence may end: . ! ? … (and closing quotes or brackets) followed by white space. A
# period inside a number (3.150, 1.020.304.050) or an ordinal (n.º) is never followed by a space,
# so it never ends one.
_END = regex.compile(r"[.!?…]+[»”\"')\]]*(?=\s|$)")
_NEXT = regex.compile(r"\s*(\S?)")
_TOKEN_BEFORE = regex.compile(r"([\p{L}\p{N}.º°ª]+)$")
_LONGEST_TOKEN = 64  # longer than any abbreviation: a longer token before a period is a word or a number
# Abbreviations of Colombian public writing: after them a period does not end the sentence.
ABBREVIATIONS = frozenset(
    [
        "a",
        "p",
        "m",
        "n",
        "no",
        "nº",
        "n.º",
        "núm",
        "num",
        "art",
        "arts",
        "inc",
        "lit",
        "num",
        "par",
        "parág",
        "dr",
        "dra",
        "drs",
        "dras",
        "sr",
        "sra",
        "sres",
        "sras",
        "srta",
        "mtro",
        "mtra",
        "abg",
        "enf",
        "coord",
        "hno",
        "hna",
        "ud",
        "uds",
        "etc",
        "cra",
        "cr",
        "kr",
        "cl",
        "cll",
        "av",
        "avda",
        "dg",
        "tv",
        "trans",
        "km",
        "mts",
        "aprox",
        "tel",
        "cel",
        "pág",
        "págs",
        "vol",
        "cap",
        "ej",
        "p.ej",
        "cc",
        "c.c",
        "t.i",
        "ti",
        "c.e",
        "ce",
        "r.c",
        "nuip",
        "ppt",
        "pep",
        "nit",
        "s.a",
        "sas",
        "s.a.s",
        "ltda",
        "e.s.p",
        "esp",
        "ips",
        "eps",
        "ese",
        "mín",
        "máx",
        "hab",
        "depto",
        "dpto",
        "mpio",
        "mun",
        "gral",
        "cnel",
        "tte",
        "sgto",
        "cap",
        "mons",
        "pbro",
        "ing",
        "lic",
        "arq",
        "adm",
        "prof",
        "esq",
        "int",
        "apto",
        "of",
        "mz",
        "lt",
        "vda",
        "corr",
        "sto",
        "sta",
        "ss",
        "vs",
        "fig",
        "cfr",
        "op",
        "cit",
        "ibíd",
    ]
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, knowing abbreviations and numbers."""
    out: list[tuple[int, int]] = []
    start = 0
    for end in _END.finditer(text):
        if end.group(0)[0] == "." and len(end.group(0).rstrip("»”\"')]")) == 1 and _is_abbreviation(text, end):
            continue
        following = _NEXT.match(text, end.end()).group(1)
        if following and (following.islower() or following in ",;:"):
            continue  # "a. m. en la plaza", "… y luego": the sentence goes on
        out.append((start, end.end()))
        start = end.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out if text[a:b].strip()]


def _is_abbreviation(text: str, end: regex.Match[str]) -> bool:
    # Only the end of the text before: an anchored search from 0 read the whole text again at
    # every period (minutes for a long body full of abbreviations).
    token = _TOKEN_BEFORE.search(text, max(0, end.start() - _LONGEST_TOKEN), end.start())
    if token is None:
        return False
    word = token.group(1).lower().rstrip(".")
    following = _NEXT.match(text, end.end()).group(1)
    if word in ("m", "etc") and following.isupper():
        return False  # "a las 8 a. m. El evento…", "vías, puentes, etc. Después…": the sentence closes
    if len(word) == 1 and word.isalpha():
        return True  # initials and one-letter abbreviations: "J. Pérez", "C. C."
    if "." in word:
        # "S.A.S", "C.C", "p.ej" are abbreviations; "www.alcaldia.gov.co. Allí…" is an address that
        # ends the sentence.
        return all(len(part) <= 2 for part in word.split(".")) or not following.isupper()
    return word in ABBREVIATIONS or following.isdigit()


# A word; a number with its separators (3.150, 9:00, 2,5) and "a. m." / "p. m." count as one.
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+|[.:,]\p{N}+)*")
_MERIDIEM = regex.compile(r"(?i)(?<!\p{L})([ap])\.\s?m\.")


def check_sentences(report: ReleaseReport, pieces: Iterable[Piece], max_words: int) -> None:
    """Flag sentences of the body and summary longer than ``max_words`` words."""
    for piece in pieces:
        if piece.field not in ("body", "summary") or piece.kind == "table":
            continue
        for start, end in sentences(piece.text):
            sentence = piece.text[start:end]
            words = len(_WORD.findall(_MERIDIEM.sub(r"\1m", sentence)))
            if words <= max_words:
                continue
            opening = clip(" ".join(sentence.split()[:6]), 80)
            message = (
                f"`{piece.field}`: la frase que empieza «{opening}…» tiene {words} palabras; "
                f"el lenguaje claro recomienda no más de {max_words}: divídala"
            )
            if words > max_words * 3 // 2:
                report.warning(RULE_SENTENCE, message, piece.line_at(start))
            else:
                report.notice(RULE_SENTENCE, message, piece.line_at(start))


def check_preview_lengths(
    report: ReleaseReport, title: str, summary: str, title_line: int | None, summary_line: int | None
) -> None:
    """Warn when the title or summary will be cut in link previews or search results."""
    for field_name, text, line, preview, search in (
        ("title", title, title_line, TITLE_PREVIEW, TITLE_SEARCH),
        ("summary", summary, summary_line, SUMMARY_PREVIEW, SUMMARY_SEARCH),
    ):
        length = len(text)
        if length > preview:
            report.warning(
                RULE_PREVIEW,
                f"`{field_name}` tiene {length} caracteres: las tarjetas de enlace muestran unos {preview} "
                f"y los buscadores unos {search}; acórtelo",
                line,
            )
        elif length > search:
            report.notice(
                RULE_PREVIEW,
                f"`{field_name}` tiene {length} caracteres: los buscadores muestran unos {search}",
                line,
            )
