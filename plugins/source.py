"""Reading a press-release file once: its values, the line of every value, its body, its media.

Shared by validation (``release.py``), the digest (``digest.py``) and ``pregon check``, so all
see the same file the same way. The front matter is parsed once, from libyaml's event stream, into
plain values and a map from each value's location to its line in the file. Whatever editors never
need and what lets the text and its meaning diverge is refused here, before any value is built:
duplicate or complex keys, anchors, aliases and merge keys, tags other than ``!!str``, impossible
dates, invisible control characters. Meaning (required fields, types) is checked in ``release.py``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml  # type: ignore[import-untyped]

from pregon.safe_text import INVISIBLE
from pregon.yaml_es import yaml_reason

from .localfiles import LocalFileError, read_local
from .moments import MomentError, as_moment, read_moment
from .problems import Loc, Problem, ReleaseError, clip, field_name

# libyaml's event parser is about 6× faster than the pure-Python one and reports the same marks.
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_YAML = "tag:yaml.org,2002:"
_BOUNDARY = re.compile(r"---[ \t]*")

MAX_SOURCE_BYTES = 2 * 1024 * 1024
"""A release is text: 2 MB is a book; anything bigger is a mistake and would slow every build."""
MAX_DEPTH = 12
"""Nesting levels of the front matter (the schema needs 3; `search` options a few more)."""
# Images in the body: ![alt](src "title"), ![alt][label] or ![label] with a definition `[label]: src`,
# and HTML <img>/<video>/<source> src attributes. Every repetition stops at a bracket or `<`, so a
# body of 50,000 `![` or `<img` is scanned once, not once per opener.
_BODY_IMAGE = re.compile(
    r"!\[([^\[\]]*)\](?:\(\s*<?([^)\s>]+)|\[([^\[\]]*)\])?"
    r"|<(?:img|video|source)\b[^<>]*?\bsrc\s*=\s*[\"']?([^\"'\s<>]+)",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]+)\]:[ \t]*<?([^\s>]+)", re.MULTILINE)


@dataclass(frozen=True)
class SourceFile:
    """A release file, parsed. ``text`` has LF line ends; ``lines`` maps a value's location to its
    1-based line in the file (the key's line for a mapping entry, the item's line in a list)."""

    path: Path
    shown: str  # the path as editors know it (see ``display_path``)
    text: str
    meta: dict[str, Any]
    body: str
    body_line: int
    lines: Mapping[Loc, int]

    def line(self, loc: Loc) -> int | None:
        """Line of ``loc``, or of its nearest enclosing value that has one. ``("body", n)`` is the
        body's line ``n`` (0-based)."""
        if len(loc) == 2 and loc[0] == "body" and isinstance(loc[1], int):
            return self.body_line + loc[1]
        for end in range(len(loc), 0, -1):
            found = self.lines.get(loc[:end])
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class Reference:
    """A local file named in the release: where (``loc``, ``field``) and as what (``role``)."""

    role: str  # image | gallery | video | body | update
    ref: str
    loc: Loc
    field: str


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as editors know it: relative to the project root when possible."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root or Path.cwd()))
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _refuse(shown: str, message: str, line: int | None = None, field: str | None = None) -> ReleaseError:
    return ReleaseError([Problem(shown, field, message, line)])


def read_source(path: Path, root: Path | None = None) -> SourceFile:
    """Read and parse ``path``; raise :class:`ReleaseError` naming file, line and key otherwise."""
    shown = display_path(path, root)
    try:
        raw = read_local(path, MAX_SOURCE_BYTES, keep=True).data or b""
    except LocalFileError as exc:
        raise _refuse(shown, f"el comunicado {exc}") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _refuse(shown, "el archivo no está en UTF-8: guárdelo con codificación UTF-8", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    invisible = [
        Problem(
            shown,
            None,
            f"hay un carácter invisible (U+{ord(m.group()):04X}) en esta línea: bórrelo (suele llegar al copiar y pegar)",
            text.count("\n", 0, m.start()) + 1,
        )
        for _, m in zip(range(20), INVISIBLE.finditer(text), strict=False)
    ]
    if invisible:
        raise ReleaseError(invisible)
    front_matter, body, body_line = _split(text, shown)
    meta, lines = _FrontMatter(front_matter, shown).parse()
    return SourceFile(path=path, shown=shown, text=text, meta=meta, body=body, body_line=body_line, lines=lines)


def _split(text: str, shown: str) -> tuple[str, str, int]:
    """(front matter, body, 1-based line where the body starts); the front matter starts at line 2."""
    first, _, rest = text.partition("\n")
    if not _BOUNDARY.fullmatch(first):
        raise _refuse(
            shown,
            "falta el encabezado: el archivo debe empezar con una línea `---`, "
            "los campos (title, date, …) y otra línea `---`",
            1,
        )
    offset = 0
    for number, line in enumerate(rest.split("\n"), start=2):
        if _BOUNDARY.fullmatch(line):
            return rest[:offset], rest[offset + len(line) + 1 :], number + 1
        offset += len(line) + 1
    raise _refuse(
        shown,
        "el encabezado nunca se cierra: falta la línea `---` entre los campos y el texto del comunicado",
        1,
    )


class _Refused(Exception):
    """Raised inside the parse with the problem that stops it."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _FrontMatter:
    """Builds values and the line map from the YAML events of one front matter, in one pass."""

    FIRST_LINE = 2  # the front matter starts after the opening `---`

    def __init__(self, text: str, shown: str):
        self.text = text
        self.shown = shown
        self.source_lines: list[str] | None = None
        self.lines: dict[Loc, int] = {}

    def parse(self) -> tuple[dict[str, Any], dict[Loc, int]]:
        try:
            value = self._build(yaml.parse(self.text, Loader=_LOADER))
        except _Refused as refused:
            raise ReleaseError([refused.problem]) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + self.FIRST_LINE if mark is not None else None
            problem = yaml_reason(exc)
            raise _refuse(
                self.shown,
                f"el encabezado YAML no se puede leer ({problem}): revise los dos puntos, "
                "las comillas y la sangría de esa línea",
                line,
            ) from None
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise _refuse(self.shown, "el encabezado debe ser una lista de campos `nombre: valor`", 2)
        return value, self.lines

    def _fail(self, event: Any, loc: Loc, message: str) -> _Refused:
        line = event.start_mark.line + self.FIRST_LINE
        name = field_name(loc)
        if name and not message.startswith("`"):  # say which field, as every other message does
            message = f"`{clip(name)}`: {message}"
        return _Refused(Problem(self.shown, name or None, message, line))

    def _build(self, events: Iterator[Any]) -> Any:
        # Iterative, so nesting depth costs no Python recursion; each frame is
        # [container, its loc, pending mapping key or None, keys seen].
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self._fail(event, (), "el encabezado tiene más de un documento YAML: deje uno solo")
                continue
            if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            frame = stack[-1] if stack else None
            loc: Loc = ()
            if frame is not None:
                container, parent = frame[0], frame[1]
                if isinstance(container, dict) and frame[2] is None:
                    self._key(event, frame, parent)
                    continue
                loc = parent + ((frame[2],) if isinstance(container, dict) else (len(container),))
                if isinstance(container, list):
                    self.lines[loc] = event.start_mark.line + self.FIRST_LINE
            value = self._node(event, loc)
            if frame is None:
                root = value
            elif isinstance(frame[0], dict):
                frame[0][frame[2]] = value
                frame[2] = None
            else:
                frame[0].append(value)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise self._fail(event, loc, f"el encabezado tiene más de {MAX_DEPTH} niveles de sangría")
                stack.append([value, loc, None, set()])
        return root

    def _key(self, event: Any, frame: list[Any], parent: Loc) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            raise self._fail(event, parent, "una clave no puede ser una lista ni un grupo: use `nombre: valor`")
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise self._fail(event, parent, _ANCHOR)
        if self._explicit_key(event):
            raise self._fail(
                event, parent, "clave compleja (`? `): escriba el campo como `nombre: valor`, sin el signo `?`"
            )
        key = event.value
        tag = self._tag(event, parent)
        if tag == _YAML + "merge":
            raise self._fail(event, parent, "las claves de fusión `<<` no se permiten: escriba cada campo completo")
        if tag != _YAML + "str" or not key.strip() or INVISIBLE.search(key):
            raise self._fail(
                event, parent, f"la clave «{clip(key)}» no es un nombre de campo: use letras, como `title:`"
            )
        loc = (*parent, key)
        if key in frame[3]:
            raise self._fail(
                event, loc, f"el campo `{field_name(loc)}` está dos veces: deje uno solo (la primera vez no contaría)"
            )
        frame[3].add(key)
        frame[2] = key
        self.lines[loc] = event.start_mark.line + self.FIRST_LINE

    def _explicit_key(self, event: Any) -> bool:
        """True when the key was written after a `?` indicator (``? title``)."""
        if self.source_lines is None:
            self.source_lines = self.text.split("\n")
        mark = event.start_mark
        before = self.source_lines[mark.line][: mark.column] if mark.line < len(self.source_lines) else ""
        return before.rstrip().endswith("?")

    def _tag(self, event: Any, loc: Loc) -> str:
        if event.tag in (None, "!"):
            implicit = event.implicit if isinstance(event, yaml.ScalarEvent) else (False, False)
            kind = yaml.ScalarNode if isinstance(event, yaml.ScalarEvent) else None
            if kind is None:
                return ""
            return str(_RESOLVER.resolve(kind, event.value, implicit if event.tag is None else (False, False)))
        if event.tag == _YAML + "str" and isinstance(event, yaml.ScalarEvent):
            return str(event.tag)
        raise self._fail(
            event,
            loc,
            f"la etiqueta `{event.tag.replace(_YAML, '!!')}` no se permite: quítela "
            "(para que un valor sea texto, póngalo entre comillas)",
        )

    def _node(self, event: Any, loc: Loc) -> Any:
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise self._fail(event, loc, _ANCHOR)
        tag = self._tag(event, loc)
        if isinstance(event, yaml.MappingStartEvent):
            return {}
        if isinstance(event, yaml.SequenceStartEvent):
            return []
        value = event.value
        if tag == _YAML + "str":
            invisible = INVISIBLE.search(value)
            if invisible:  # written as an escape ("\x07", "\r") inside double quotes
                raise self._fail(
                    event,
                    loc,
                    f"`{field_name(loc)}` contiene un carácter invisible (U+{ord(invisible.group()):04X}): bórrelo",
                )
            return value
        if tag == _YAML + "null":
            return None
        if tag == _YAML + "bool":
            return _CONSTRUCTOR.bool_values[value.lower()]
        if tag == _YAML + "timestamp":
            try:
                return read_moment(value)
            except MomentError as exc:
                raise self._fail(
                    event, loc, f"`{field_name(loc)}`: «{clip(value)}» no es una fecha válida: {exc}"
                ) from None
        if tag in (_YAML + "int", _YAML + "float"):
            try:
                number = getattr(_CONSTRUCTOR, f"construct_yaml_{tag[len(_YAML) :]}")(yaml.ScalarNode(tag, value))
            except ValueError:
                number = math.nan
            if isinstance(number, float) and not math.isfinite(number):
                raise self._fail(event, loc, f"`{field_name(loc)}`: «{clip(value)}» no es un número que Pregón acepte")
            return number
        raise self._fail(
            event,
            loc,
            f"`{field_name(loc)}`: el valor «{clip(value)}» no se entiende; si es texto, póngalo entre comillas",
        )


_ANCHOR = (
    "anclas y alias de YAML (`&nombre`, `*nombre`) no se permiten: escriba cada valor completo donde va "
    "(así lo que se aprueba es lo que se lee)"
)


def is_url(ref: str) -> bool:
    return "://" in ref or ref.startswith(("//", "data:", "mailto:"))


VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov")


def is_local_video(ref: str) -> bool:
    return not is_url(ref) and ref.lower().endswith(VIDEO_SUFFIXES)


def body_images(body: str) -> list[str]:
    """Local images (and HTML videos) the body shows, in order of appearance."""
    return [path for path, _ in body_image_places(body)]


def body_image_places(body: str) -> list[tuple[str, int]]:
    """Each local image (or HTML video) of the body, in order, with the body line (0-based) that
    shows it."""
    definitions: dict[str, str] | None = None
    out: list[tuple[str, int]] = []
    lines_before, counted = 0, 0
    for found in _BODY_IMAGE.finditer(body):
        alt, inline, label, html = found.groups()
        ref = inline or html
        if not ref:  # reference style: ![alt][label], ![alt][] or ![alt]
            if definitions is None:
                definitions = {k.strip().lower(): v for k, v in reversed(_DEFINITION.findall(body))}
            ref = definitions.get((label or alt or "").strip().lower(), "")
        if ref and not is_url(ref):
            path = _local_path(ref)
            if path:
                lines_before += body.count("\n", counted, found.start())
                counted = found.start()
                out.append((path, lines_before))
    return out


def _local_path(ref: str) -> str:
    """The file a body reference names, as MkDocs resolves it: no query or fragment, %20 a space."""
    try:
        return unquote(urlsplit(ref).path)
    except ValueError:  # not a URL at all: the text is the file name
        return ref


def item_references(source: SourceFile) -> list[Reference]:
    """Local files of the release itself, in digest order: main image, gallery, local video, body."""
    meta = source.meta
    refs: list[Reference] = []
    image = meta.get("image")
    if isinstance(image, str) and image and not is_url(image):
        refs.append(Reference("image", image, ("image",), "image"))
    gallery = meta.get("gallery")
    for i, entry in enumerate(gallery if isinstance(gallery, list) else []):
        src = entry.get("src") if isinstance(entry, dict) else None
        if isinstance(src, str) and src and not is_url(src):
            refs.append(Reference("gallery", src, ("gallery", i, "src"), f"gallery[{i}].src"))
    video = meta.get("video")
    if isinstance(video, str) and is_local_video(video):
        refs.append(Reference("video", video, ("video",), "video"))
    refs.extend(Reference("body", ref, ("body", line), "body") for ref, line in body_image_places(source.body))
    return refs


def update_references(update: Any, index: int) -> list[Reference]:
    """The local image of the update at ``updates[index]``, if it has one."""
    image = update.get("image") if isinstance(update, dict) else None
    if isinstance(image, str) and image and not is_url(image):
        return [Reference("update", image, ("updates", index, "image"), f"updates[{index}].image")]
    return []


def update_id(entry: Mapping[str, Any]) -> str:
    """Stable id of a live update: its ``id`` if set, else ``u-`` + its time as written (AAAAMMDDTHHMM)."""
    if entry.get("id"):
        return str(entry["id"])
    value = entry.get("time")
    try:
        moment = as_moment(value, UTC)
    except (ValueError, TypeError):
        return "u-" + re.sub(r"[^0-9A-Za-z]", "", str(value))[:40]
    return "u-" + moment.strftime("%Y%m%dT%H%M")
