"""Broken internal links: relative links and images in the Markdown body to files that do not exist."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pregon.plugins.source import SourceFile, is_url

from .findings import ReleaseReport
from .prose import body_first_line

RULE = "enlaces"

# [text](target "title") and ![alt](target); a target may hold balanced parentheses, as in
# CommonMark. The text stops at a nested "[" so that a line of "![" is read in linear time.
# Reference definitions: [id]: target
_INLINE = re.compile(r"(!?)\[[^\]\[]*\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))+)>?(?:\s+[\"'(][^)]*)?\)")
# Any scheme (https:, mailto:, javascript:…) names no file of the site; what a body may link to
# is the sanitiser's business (pregon.plugins.sanitize, reported by `pregon check` as "html").
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_FENCE = re.compile(r"^\s*(```|~~~)")


def _targets(body: str) -> list[tuple[int, bool, str]]:
    """(line index in body, is image, target) of every link outside code blocks."""
    out: list[tuple[int, bool, str]] = []
    in_fence = False
    for index, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        out.extend((index, bool(m.group(1)), m.group(2)) for m in _INLINE.finditer(line))
        out.extend((index, False, m.group(1)) for m in _REFERENCE.finditer(line))
    return out


def check(report: ReleaseReport, source: SourceFile, docs_dir: Path) -> None:
    """Report every relative link or image whose file is missing (errors)."""
    first = body_first_line(source)
    docs_dir = docs_dir.resolve()
    for index, is_image, target in _targets(source.body):
        # Entities are decoded as the browser will (`jav&#x61;script:` is `javascript:`).
        decoded = "".join(unescape(target).split())
        if is_url(target) or _SCHEME.match(decoded) or decoded.startswith(("#", "/")):
            continue
        path = unquote(urlsplit(target).path)
        if not path:
            continue
        resolved = (source.path.parent / path).resolve()
        kind = "la imagen" if is_image else "el enlace"
        if docs_dir not in resolved.parents:
            report.error(
                RULE,
                f"{kind} `{target}` apunta fuera de la carpeta del sitio: use un archivo del portal",
                first + index,
            )
        elif not resolved.exists():
            report.error(
                RULE,
                f"{kind} `{target}` apunta a un archivo que no existe: revise el nombre y la carpeta",
                first + index,
            )
