"""mkdocs.yml read and parsed for every command that reads it: the file, its encoding, its YAML.

An office edits mkdocs.yml by hand, sometimes with an editor that saves Windows-1252, and every
``pregon`` command reads it first. :func:`load_config_document` reads it, parses it once with the
caller's loader and says in Spanish, with the line, what keeps it from being used: the file, a byte
that is not UTF-8, a YAML mistake. :class:`AnyTagLoader` is the loader for callers that only need
to know the file is readable or want plain names from it (``!ENV`` and ``!!python/name`` are
MkDocs' business). :class:`LocatedLoader` also keeps the line of every key (:class:`Located`),
so that :func:`line_of` can point an error at the option it is about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .os_errors import reason
from .yaml_es import problem_line, yaml_reason
from .yaml_limits import BoundedAliases


class ConfigFileError(ValueError):
    """mkdocs.yml cannot be read; the message names the file and, when known, the ``line``."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class AnyTagLoader(BoundedAliases, yaml.SafeLoader):
    """Reads a YAML document whatever its tags (``!ENV``, ``!!python/name``…): each loads as None.

    PyYAML's own parser, as MkDocs and ``syndicate.config`` read mkdocs.yml: libyaml accepts some
    tab placements that PyYAML refuses, so checking with it would let such a file through."""


AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


class Located(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line (1-based) of each of its keys."""

    line: int
    lines: dict[str, int]
    key_line: int
    """Line of the key this mapping is the value of (set for ``channels`` entries)."""


def construct_located(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[Located]:
    """PyYAML constructor of mappings as :class:`Located`."""
    located = Located()
    located.line = node.start_mark.line + 1
    located.lines = {}
    yield located
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        located[key] = loader.construct_object(value_node, deep=True)
        located.lines[str(key)] = key_node.start_mark.line + 1


class LocatedLoader(AnyTagLoader):
    """:class:`AnyTagLoader` whose mappings are :class:`Located`."""


LocatedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_located)


def line_of(raw: Any, loc: Sequence[Any]) -> int | None:
    """The line of the deepest key of ``loc`` found in a document of :class:`Located` mappings.

    A list is entered at an integer index, or, as MkDocs' ``plugins`` and ``markdown_extensions``
    are written, at the entry named by the key («- pregon: {…}» or «- pregon»)."""
    line = getattr(raw, "line", None)
    node = raw
    for part in loc:
        if isinstance(node, Sequence) and not isinstance(node, str):
            node = _entry(node, part)
            if node is None:
                break
            if isinstance(node, Located) and str(part) in node.lines:
                line, node = node.lines[str(part)], node[part]
            continue
        lines = getattr(node, "lines", None)
        if not isinstance(node, Mapping) or lines is None or str(part) not in lines:
            break
        line, node = lines[str(part)], node[part]
    return line


def _entry(items: Sequence[Any], part: Any) -> Any:
    if isinstance(part, int) and not isinstance(part, bool):
        return items[part] if -len(items) <= part < len(items) else None
    for item in items:
        if item == part or (isinstance(item, Mapping) and str(part) in map(str, item)):
            return item
    return None


def load_config_document(path: str | Path, loader: type[yaml.SafeLoader] = AnyTagLoader) -> Any:
    """The document of mkdocs.yml at ``path`` as ``loader`` builds it (a subclass of PyYAML's
    SafeLoader); :class:`ConfigFileError` if it cannot be read, decoded or parsed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(f"{path}: no se puede leer ({reason(exc)})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigFileError(
            f"{path}:{line}: el archivo no está en UTF-8 (¿lo guardó un editor en Windows-1252?); "
            "guárdelo con codificación UTF-8",
            line,
        ) from None
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        stopped = problem_line(exc)
        where = f":{stopped}" if stopped is not None else ""
        raise ConfigFileError(f"{path}{where}: YAML inválido ({yaml_reason(exc)})", stopped) from None
    except RecursionError:
        raise ConfigFileError(f"{path}: YAML inválido (tiene demasiados niveles anidados)") from None
