"""Plain language and link previews: long sentences, and titles or summaries that get cut.

* DNP's plain-language guidance ("lenguaje claro") recommends at most about 20 words a sentence:
  a longer sentence gets a notice, one over one and a half times that a warning.
* Link previews: ``twitter:title`` shows about 70 characters and search results about 60;
  ``twitter:description`` about 200 and search snippets about 155 (networks.md §14). Over the
  first number is a warning, over the second a notice.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from .findings import ReleaseReport
from .prose import Piece

RULE_SENTENCE = "lenguaje-claro"
RULE_PREVIEW = "vista-previa"

TITLE_PREVIEW, TITLE_SEARCH = 70, 60
SUMMARY_PREVIEW, SUMMARY_SEARCH = 200, 155

# A sentence ends at . ! ? … followed by space/end; abbreviations like "Dr." are rare in releases
# and only make a sentence look shorter, never longer.
_SENTENCE = regex.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*")


def check_sentences(report: ReleaseReport, pieces: Iterable[Piece], max_words: int) -> None:
    """Flag sentences of the body and summary longer than ``max_words`` words."""
    for piece in pieces:
        if piece.field not in ("body", "summary"):
            continue
        for sentence in _SENTENCE.finditer(piece.text):
            words = len(_WORD.findall(sentence.group(0)))
            if words <= max_words:
                continue
            start = sentence.start() + len(sentence.group(0)) - len(sentence.group(0).lstrip())
            opening = " ".join(sentence.group(0).split()[:6])
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
