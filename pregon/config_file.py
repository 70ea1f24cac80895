"""mkdocs.yml read and parsed for every command that reads it: the file, its encoding, its YAML.

An office edits mkdocs.yml by hand, sometimes with an editor that saves Windows-1252, and every
``pregon`` command reads it first. :func:`load_config_document` reads it, parses it once with the
caller's loader and says in Spanish, with the line, what keeps it from being used: the file, a byte
that is not UTF-8, a YAML mistake. :class:`AnyTagLoader` is the loader for callers that only need
to know the file is readable or want plain names from it (``!ENV`` and ``!!python/name`` are
MkDocs' business).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .os_errors import reason
from .yaml_es import problem_line, yaml_reason


class ConfigFileError(ValueError):
    """mkdocs.yml cannot be read; the message names the file and, when known, the ``line``."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class AnyTagLoader(yaml.SafeLoader):
    """Reads a YAML document whatever its tags (``!ENV``, ``!!python/name``…): each loads as None.

    PyYAML's own parser, as MkDocs and ``syndicate.config`` read mkdocs.yml: libyaml accepts some
    tab placements that PyYAML refuses, so checking with it would let such a file through."""


AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


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
