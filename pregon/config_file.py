"""mkdocs.yml as text, for every command that reads it: the file, its encoding and its YAML syntax.

An office edits mkdocs.yml by hand, sometimes with an editor that saves Windows-1252, and every
``pregon`` command reads it first. :func:`config_text` reads it once and says in Spanish, with the
line, what keeps it from being read: the file, a byte that is not UTF-8, a YAML mistake (checked
with a loader that accepts every tag, since ``!ENV`` and ``!!python/name`` are MkDocs' business).
Each caller then loads the text with its own loader.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .os_errors import reason
from .yaml_es import yaml_reason


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


def config_text(path: str | Path) -> str:
    """The text of mkdocs.yml at ``path``; :class:`ConfigFileError` if it cannot be used."""
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
        yaml.load(text, Loader=AnyTagLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        stopped: int | None = mark.line + 1 if mark is not None else None
        where = f":{stopped}" if stopped is not None else ""
        raise ConfigFileError(f"{path}{where}: YAML inválido ({yaml_reason(exc)})", stopped) from None
    except RecursionError:
        raise ConfigFileError(f"{path}: YAML inválido (tiene demasiados niveles anidados)") from None
    return text
