"""The Material options that Material's templates use without checking their shape.

MkDocs hands ``theme:`` and ``extra:`` options to the theme as written, and Material's templates
use some of them directly: ``"navigation.tabs" in features``, ``for palette in
config.theme.palette``, the translations of ``partials/languages/<language>.html``, the analytics
partial its ``provider`` names, ``extra.version`` written into the page as JSON. A date, a number or
an unknown name there ends ``mkdocs build`` in a Python traceback from inside a template.
:func:`material_problem` finds such a value first, so the plugin can refuse it in Spanish with its
line in mkdocs.yml.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pregon.mkdocs_es import type_name

Problem = tuple[list[str], str]
"""The option, as its keys from the top of mkdocs.yml, and what is wrong with it."""


def _is_list_of(value: object, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


def _has_partial(dirs: list[str], *parts: str) -> bool:
    """Whether a theme folder holds ``partials/<parts>.html``, for a plain name only."""
    name = parts[-1]
    if not name.replace("-", "").replace("_", "").isalnum():
        return False
    return any(Path(folder, "partials", *parts[:-1], f"{name}.html").is_file() for folder in dirs)


def _theme_problem(theme: Mapping[str, Any], dirs: list[str]) -> Problem | None:
    features = theme.get("features")
    if features is not None and not _is_list_of(features, str):
        return ["theme", "features"], (
            f"se esperaba una lista de textos (p. ej. «- navigation.top») y se encontró {type_name(features)}"
        )
    palette = theme.get("palette")
    if palette is not None and not (isinstance(palette, Mapping) or _is_list_of(palette, Mapping)):
        return ["theme", "palette"], (
            f"se esperaba un mapa (primary: …, accent: …) o una lista de ellos y se encontró {type_name(palette)}"
        )
    language = theme.get("language")
    if not isinstance(language, str):
        return ["theme", "language"], f"se esperaba el código de un idioma (es) y se encontró {type_name(language)}"
    if not _has_partial(dirs, "languages", language):
        return ["theme", "language"], f"Material no tiene el idioma «{language[:20]}»; use es (español)"
    return None


def _extra_problem(extra: Mapping[str, Any], dirs: list[str]) -> Problem | None:
    for key in ("annotate", "tags", "version"):  # written into every page as JSON
        try:
            json.dumps(extra.get(key))
        except (TypeError, ValueError):
            return ["extra", key], "tiene un valor que no se puede escribir en la página (¿una fecha sin comillas?)"
    analytics = extra.get("analytics")
    if isinstance(analytics, Mapping):
        provider = analytics.get("provider")
        if provider is not None and not (
            isinstance(provider, str) and _has_partial(dirs, "integrations", "analytics", provider)
        ):
            return ["extra", "analytics", "provider"], "Material no conoce ese servicio de analítica (p. ej. google)"
        feedback = analytics.get("feedback")
        if isinstance(feedback, Mapping) and not isinstance(feedback.get("ratings", []), list):
            return ["extra", "analytics", "feedback", "ratings"], "se esperaba una lista de calificaciones"
    consent = extra.get("consent")
    if isinstance(consent, Mapping):
        for key, kind in (("cookies", Mapping), ("actions", list)):
            value = consent.get(key)
            if value is not None and not isinstance(value, kind):
                expected = "un mapa (clave: nombre)" if kind is Mapping else "una lista (accept, reject, manage)"
                return ["extra", "consent", key], f"se esperaba {expected} y se encontró {type_name(value)}"
    return None


def material_problem(theme: Mapping[str, Any], extra: Mapping[str, Any], dirs: list[str]) -> Problem | None:
    """The first option of ``theme`` or ``extra`` Material cannot use, else None. ``dirs`` are the
    theme's template folders, where each language and each analytics service has its partial."""
    return _theme_problem(theme, dirs) or _extra_problem(extra, dirs)
