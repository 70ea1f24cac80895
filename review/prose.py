"""The prose of a release, split into pieces that carry their line in the source file.

Text checks (inclusive language, personal data, spelling, sentence length) read these pieces and
report ``file:line``. The body's block structure comes from a CommonMark parser (markdown-it-py,
with tables): each paragraph, heading and list item is a piece of its own, table rows are pieces of
kind ``table``, and code blocks and raw HTML blocks are not prose at all. Inside a block, Markdown
syntax that is not prose (inline code, link targets, URLs, HTML tags) is blanked with spaces of the
same length, so columns still match the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from pregon.plugins.source import SourceFile

# Python-Markdown admonitions (``!!! note``) indent their text by four spaces, which CommonMark
# would read as a code block: their title line is dropped and their text dedented before parsing.
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)\s")
_BLOCK_MARKER = re.compile(r"^(?:\s{0,3}>\s?)*\s*(?:[-*+]|\d{1,9}[.)])?\s+(?:\[[ xX]\]\s+)?")
_PARSER = MarkdownIt("commonmark").enable("table")
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
    kind: str = "prose"
    """``prose`` (a field, paragraph or heading), ``item`` (a list item) or ``table`` (a table row)."""

    @property
    def spelling(self) -> bool:
        """Whether the spelling check reads this piece (table cells are figures, codes and names)."""
        return self.kind != "table"

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


def _markdown_source(body: str) -> list[str]:
    """The body's lines with admonition titles blanked and their text dedented (same line count)."""
    lines = body.split("\n")
    out: list[str] = []
    inside = False
    for raw in lines:
        if _ADMONITION.match(raw):
            inside = True
            out.append("")
            continue
        if inside and (raw.startswith("    ") or not raw.strip()):
            out.append(raw[4:])
            continue
        inside = False
        out.append(raw)
    return out


def _paragraphs(body: str, first_line: int) -> Iterator[Piece]:
    """Paragraphs, headings, list items and table rows of the body, in order."""
    lines = _markdown_source(body)
    in_table = in_item = 0
    last_row = -1
    for token in _PARSER.parse("\n".join(lines)):
        if token.type == "table_open":
            in_table += 1
        elif token.type == "table_close":
            in_table -= 1
        elif token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        if token.type != "inline" or token.map is None:
            continue
        start, end = token.map
        if in_table:
            # A table's inline tokens are its cells; the row's line is the piece.
            if start == last_row:
                continue
            last_row = start
            row = lines[start]
            yield Piece("body", clean(row.replace("|", " ")), first_line + start, "table")
            continue
        block = [_BLOCK_MARKER.sub(lambda m: " " * len(m.group(0)), lines[start], count=1)]
        block += [
            _BLOCK_MARKER.sub(lambda m: " " * len(m.group(0)), ln, count=1) if in_item else ln
            for ln in lines[start + 1 : end]
        ]
        text = "\n".join(block).strip("\n")
        if text.strip():
            yield Piece(
                "body", clean(re.sub(r"^#{1,6}\s", "  ", text)), first_line + start, "item" if in_item else "prose"
            )
