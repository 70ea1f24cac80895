"""Markdown nested deeper than any page needs is refused before Python-Markdown recurses into it.

Python-Markdown parses nested lists, quotes, admonitions and ``markdown`` HTML blocks by recursion,
and the table of contents and the serialiser walk the element tree the same way. A body with a
few hundred nested list items, or a thousand nested emphases (a broken paste, or a malicious pull
request), ended ``mkdocs build`` and ``pregon check`` with a RecursionError traceback, and some
such bodies took minutes. :class:`NestingGuard` is a Markdown extension that stops both with a
Spanish message naming the file and line, at depths no press release comes near:

* before the block parser, from the source lines (after tabs are expanded), outside fenced code:
  nesting by indentation, ``>`` and list markers and open ``markdown`` HTML blocks, and square
  brackets or link targets left open in a paragraph (each is scanned to the paragraph's end);
* right after the inline patterns, from the element tree (an iterative walk): nested elements of
  any kind, emphasis and links included.

The plugin adds one guard to every page conversion of the build and says, before each page,
which file it is and where its body starts; ``pregon check`` adds its own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import PluginError

from pregon.safe_text import neutralise

MAX_BLOCK_DEPTH = 40
"""Nested blocks in the source (lists, quotes, admonitions, HTML blocks); 300 made Python-Markdown recurse too deep."""
MAX_TREE_DEPTH = 120
"""Nested elements in a body's HTML; about 1,000 made the table of contents recurse too deep."""

_FENCE = re.compile(r"\s*(`{3,}|~{3,})")
_PREFIX = re.compile(r"(?: +|>|(?:[-*+]|\d{1,9}[.)])(?= |$))+")
_PREFIX_TOKEN = re.compile(r" +|>|[-*+]|\d{1,9}[.)]")
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)([^<>]*)")
_MARKDOWN_ATTRIBUTE = re.compile(r"\smarkdown(?=[\s=>/]|$)", re.IGNORECASE)
_BRACKET = re.compile(r"\\.|\]\(?|[\[)]")
_INLINE_MARKS = re.compile(r"[*_~=^\[<]")


Where = tuple[str, int | None]


class TooDeep(PluginError):
    """A body nested deeper than the guard allows: ``reason`` in Spanish, the file as editors know
    it and the file's line (None when unknown); the message joins the three."""

    def __init__(self, shown: str, line: int | None, reason: str) -> None:
        self.shown, self.line = shown, line
        self.reason = f"{reason}: simplifique el formato de ese párrafo"
        where = f"{shown}:{line}" if line else (shown or "el cuerpo")
        super().__init__(neutralise(f"{where}: {self.reason}"))


class NestingGuard(Extension):
    """One per build (or per ``pregon check``): :meth:`page` says which body comes next."""

    def __init__(self) -> None:
        super().__init__()
        self.where: Callable[[], Where] = lambda: ("", None)
        self.lines: list[str] = []

    def page(self, where: Callable[[], Where]) -> None:
        """The next body converted is that of ``where()``: the file as editors know it and the
        file line where the body starts (None: unknown). Asked only when a body is refused."""
        self.where = where

    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace normalisation (30: tabs expanded), before HTML blocks are set aside (20).
        md.preprocessors.register(_SourceDepth(md, self), "pregon_nesting", 25)
        # Right after the inline patterns (20), before anything that walks the tree (prettify, toc).
        md.treeprocessors.register(_TreeDepth(md, self), "pregon_nesting", 19)

    def refuse(self, index: int | None, reason: str) -> TooDeep:
        """The error for the body's line ``index`` (0-based, None: unknown)."""
        shown, first_line = self.where()
        line = first_line + index if first_line is not None and index is not None else None
        return TooDeep(shown, line, reason)


class _SourceDepth(Preprocessor):
    def __init__(self, md: Markdown, guard: NestingGuard) -> None:
        super().__init__(md)
        self.guard = guard

    def run(self, lines: list[str]) -> list[str]:
        self.guard.lines = lines
        index = deep_block_line(lines, self.md.tab_length)
        if index is not None:
            raise self.guard.refuse(
                index,
                f"el cuerpo anida más de {MAX_BLOCK_DEPTH} niveles de listas, citas, avisos, bloques HTML "
                "o corchetes uno dentro de otro",
            )
        return lines


def deep_block_line(lines: list[str], tab_length: int = 4) -> int | None:
    """Index of the first line nested more than :data:`MAX_BLOCK_DEPTH` deep, or None: blocks
    (indentation, ``>`` markers, open ``markdown`` HTML blocks, outside fenced code) or square
    brackets and link targets open in the paragraph (Python-Markdown scans each to the end of the
    paragraph: a few thousand took minutes)."""
    fence: str | None = None
    blocks: list[str] = []  # open HTML elements with a markdown attribute, by name
    brackets = targets = 0  # open «[», and link targets «](» not closed by «)», in the paragraph
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if not line.strip():
            brackets = targets = 0  # a blank line ends the paragraph, and any link in it
            continue
        depth = _prefix_depth(line, tab_length)
        deepest_html = len(blocks)
        if "<" in line:
            for tag in _TAG.finditer(line):
                name = tag.group(2).lower()
                if not tag.group(1) and _MARKDOWN_ATTRIBUTE.search(tag.group(3)):
                    blocks.append(name)
                    deepest_html = max(deepest_html, len(blocks))
                elif tag.group(1) and name in blocks:
                    del blocks[len(blocks) - 1 - blocks[::-1].index(name) :]
        deepest_brackets = brackets
        if "[" in line or "]" in line or (targets and ")" in line):
            for mark in _BRACKET.finditer(line):
                token = mark.group()
                if token == "[":
                    brackets += 1
                elif token[0] == "]":
                    brackets = max(0, brackets - 1)
                    targets += token == "]("
                elif token == ")":
                    targets = max(0, targets - 1)
                deepest_brackets = max(deepest_brackets, brackets, targets)
        if depth + deepest_html > MAX_BLOCK_DEPTH or deepest_brackets > MAX_BLOCK_DEPTH:
            return index
    return None


def _prefix_depth(line: str, tab_length: int) -> int:
    """Blocks a line opens before its text: each ``>`` or list marker («- - 1. x» is three lists),
    and each ``tab_length`` spaces of indentation (the space after a marker does not count)."""
    prefix = _PREFIX.match(line)
    if prefix is None:
        return 0
    depth, after_marker = 0, False
    for token in _PREFIX_TOKEN.findall(prefix.group()):
        if token[0] == " ":
            depth += (len(token) - after_marker) // tab_length
            after_marker = False
        else:
            depth += 1
            after_marker = True
    return depth


class _TreeDepth(Treeprocessor):
    def __init__(self, md: Markdown, guard: NestingGuard) -> None:
        super().__init__(md)
        self.guard = guard

    def run(self, root: etree.Element) -> None:
        if tree_depth(root) > MAX_TREE_DEPTH:
            raise self.guard.refuse(
                _busiest_line(self.guard.lines),
                f"el cuerpo anida más de {MAX_TREE_DEPTH} elementos (énfasis, enlaces, listas…) uno dentro de otro",
            )


def tree_depth(root: etree.Element) -> int:
    """How many elements deep the tree goes, walked without recursion."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _busiest_line(lines: list[str]) -> int | None:
    """The line with the most inline markers: deep inline nesting needs one per level."""
    if not lines:
        return None
    counts = [len(_INLINE_MARKS.findall(line)) for line in lines]
    return max(range(len(counts)), key=counts.__getitem__)
