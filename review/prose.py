"""The prose of a release, split into pieces that carry their line in the source file.

Text checks (inclusive language, personal data, spelling, sentence length) read these pieces and
report ``file:line``. Markdown syntax that is not prose (code, link targets, URLs, HTML tags) is
blanked with spaces of the same length, so columns still match the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pregon.plugins.source import SourceFile

_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_PROSE = re.compile(
    r"`[^`]*`"  # inline code
    r"|\]\([^)]*\)"  # link or image target: ](…)
    r"|!?\["  # link or image opening bracket
    r"|<[^>]+>"  # HTML tags and autolinks
    r"|https?://\S+"  # bare URLs
    r"|\{[:#.][^}]*\}"  # attribute lists { .class #id }
)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def clean(text: str) -> str:
    """``text`` with non-prose Markdown blanked (same length, same line breaks)."""
    return _NOT_PROSE.sub(_blank, text)


@dataclass(frozen=True)
class Piece:
    """A run of prose: a front-matter field or a paragraph of the body."""

    field: str
    text: str
    """Cleaned text (non-prose blanked)."""
    line: int | None
    """1-based line in the file where ``text`` starts."""

    def line_at(self, offset: int) -> int | None:
        """The file line of the character at ``offset`` in :attr:`text`."""
        return None if self.line is None else self.line + self.text.count("\n", 0, offset)


def body_first_line(source: SourceFile) -> int:
    """1-based file line where the Markdown body starts."""
    return source.body_line


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def pieces(source: SourceFile) -> Iterator[Piece]:
    """Title, summary, alt texts, per-network texts, live updates, then each body paragraph."""
    meta = source.meta
    for name in ("title", "summary", "image_alt", "video_alt"):
        if isinstance(meta.get(name), str):
            yield Piece(name, clean(meta[name]), source.line((name,)))
    for i, entry in enumerate(_list(meta.get("gallery"))):
        if isinstance(entry, dict) and isinstance(entry.get("alt"), str):
            yield Piece(f"gallery[{i}].alt", clean(entry["alt"]), source.line(("gallery", i, "alt")))
    social = meta.get("social")
    if isinstance(social, dict):
        for network, text in social.items():
            if isinstance(text, str):
                yield Piece(f"social.{network}", clean(text), source.line(("social", str(network))))
    for i, entry in enumerate(_list(meta.get("updates"))):
        if isinstance(entry, dict) and isinstance(entry.get("text"), str):
            yield Piece(f"updates[{i}].text", clean(entry["text"]), source.line(("updates", i, "text")))
    yield from _paragraphs(source.body, body_first_line(source))


def _paragraphs(body: str, first_line: int) -> Iterator[Piece]:
    lines = body.split("\n")
    in_fence = False
    start: int | None = None
    chunk: list[str] = []
    for number, raw in enumerate(lines, start=first_line):
        if _FENCE.match(raw):
            in_fence = not in_fence
            raw = ""
        if in_fence or not raw.strip():
            if chunk:
                yield Piece("body", clean("\n".join(chunk)), start)
            chunk, start = [], None
            continue
        if start is None:
            start = number
        chunk.append(raw)
    if chunk:
        yield Piece("body", clean("\n".join(chunk)), start)
