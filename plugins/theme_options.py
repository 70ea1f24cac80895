"""The Material options that Material's templates use without checking their shape.

MkDocs hands ``theme:`` options to the theme as written, and Material's templates use some of
them directly: ``"navigation.tabs" in features``, ``for palette in config.theme.palette``, the
translations of ``partials/languages/<language>.html``. A date, a number or an unknown language
there ends ``mkdocs build`` in a Python traceback from inside a template. :func:`theme_problem`
finds such a value first, so the plugin can refuse it in Spanish with its line in mkdocs.yml.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pregon.mkdocs_es import type_name


def theme_problem(theme: Mapping[str, Any], dirs: list[str]) -> tuple[str, str] | None:
    """``(option, reason)`` for the first option of ``theme`` Material cannot use, else None.
    ``dirs`` are the theme's template folders, where each language has its translations."""
    features = theme.get("features")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        return (
            "features",
            f"se esperaba una lista de textos (p. ej. «- navigation.top») y se encontró {type_name(features)}",
        )
    palette = theme.get("palette")
    if palette is not None and not (
        isinstance(palette, Mapping) or (isinstance(palette, list) and all(isinstance(p, Mapping) for p in palette))
    ):
        return (
            "palette",
            f"se esperaba un mapa (primary: …, accent: …) o una lista de ellos y se encontró {type_name(palette)}",
        )
    language = theme.get("language")
    if not isinstance(language, str):
        return "language", f"se esperaba el código de un idioma (es) y se encontró {type_name(language)}"
    translations = Path("partials", "languages", f"{language}.html")
    plain = language.replace("-", "").replace("_", "").isalnum()
    if not plain or not any((Path(folder) / translations).is_file() for folder in dirs):
        return "language", f"Material no tiene el idioma «{language[:20]}»; use es (español)"
    return None
