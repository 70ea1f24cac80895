"""Reading a press-release file: front matter text, parsed front matter, body, media references.

Shared by validation (``release.py``) and the digest (``digest.py``), so both see the same file
the same way. Only YAML is parsed here; meaning is checked in ``release.py``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from frontmatter.default_handlers import YAMLHandler

from .problems import Problem, ReleaseError

_HANDLER = YAMLHandler()  # detects and splits the front matter; parsing is ours, with libyaml
# The C parser reads front matter about 6× faster than the pure-Python one, with the same types.
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
# A top-level YAML key starts at column 0 with a name and a colon.
_TOP_LEVEL_KEY = re.compile(r"^[^\s#\-][^:]*:")
# Markdown images in the body: ![alt](src "title")
_BODY_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


@dataclass(frozen=True)
class SourceFile:
    """A release file split into its parts. ``text`` has LF line ends."""

    path: Path
    shown: str  # the path as editors know it (see ``display_path``)
    text: str
    front_matter: str
    meta: dict[str, Any]
    body: str


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as editors know it: relative to the project root when possible."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root or Path.cwd()))
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def read_source(path: Path, root: Path | None = None) -> SourceFile:
    """Read and split ``path``; raise :class:`ReleaseError` if it has no valid YAML front matter."""
    shown = display_path(path, root)
    try:
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ReleaseError(
            [
                Problem(
                    shown,
                    None,
                    "el archivo no está en UTF-8: guárdelo con codificación UTF-8",
                )
            ]
        ) from None
    if not _HANDLER.detect(text):
        raise ReleaseError(
            [
                Problem(
                    shown,
                    None,
                    "falta el encabezado: el archivo debe empezar con una línea `---`, "
                    "los campos (title, date, …) y otra línea `---`",
                )
            ]
        )
    front_matter, body = _HANDLER.split(text)
    try:
        meta = yaml.load(front_matter, Loader=_LOADER)  # a safe loader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None  # the split keeps the newline after `---`
        problem = getattr(exc, "problem", None) or "sintaxis inválida"
        raise ReleaseError(
            [
                Problem(
                    shown,
                    None,
                    f"el encabezado YAML no se puede leer ({problem}): revise los dos puntos, "
                    "las comillas y la sangría de esa línea",
                    line,
                )
            ]
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ReleaseError(
            [
                Problem(
                    shown,
                    None,
                    "el encabezado debe ser una lista de campos `nombre: valor`",
                    2,
                )
            ]
        )
    return SourceFile(path=path, shown=shown, text=text, front_matter=front_matter, meta=meta, body=body)


def without_top_level_key(front_matter: str, key: str) -> str:
    """``front_matter`` with the block of top-level ``key`` removed (text kept byte for byte)."""
    out: list[str] = []
    skipping = False
    for line in front_matter.split("\n"):
        if _TOP_LEVEL_KEY.match(line):
            skipping = line.split(":", 1)[0].strip().strip("'\"") == key
        if not skipping:
            out.append(line)
    return "\n".join(out)


def is_url(ref: str) -> bool:
    return "://" in ref or ref.startswith(("//", "data:", "mailto:"))


def media_references(meta: dict[str, Any]) -> list[str]:
    """Local media the front matter points to (main image, gallery, local video), in that order."""
    refs: list[str] = []
    image = meta.get("image")
    if isinstance(image, str) and not is_url(image):
        refs.append(image)
    for entry in meta.get("gallery") or []:
        if isinstance(entry, dict) and isinstance(entry.get("src"), str) and not is_url(entry["src"]):
            refs.append(entry["src"])
    video = meta.get("video")
    if isinstance(video, str) and is_local_video(video):
        refs.append(video)
    return refs


def body_images(body: str) -> list[str]:
    """Local images embedded in the Markdown body."""
    return [m for m in _BODY_IMAGE.findall(body) if not is_url(m)]


VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov")


def is_local_video(ref: str) -> bool:
    return not is_url(ref) and ref.lower().endswith(VIDEO_SUFFIXES)


def line_of(front_matter: str, loc: tuple[str | int, ...]) -> int | None:
    """1-based line in the file of the front-matter node at ``loc`` (best effort, errors only)."""
    try:
        node = yaml.compose(
            front_matter,
            Loader=_LOADER,
        )
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return None if line is None else line + 1
