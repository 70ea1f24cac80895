"""Typed options of one channel: its ``channels.<name>`` mapping validated with pydantic.

A channel declares its options as a :class:`ChannelOptions` subclass; :func:`parse_options` turns a
validation failure into a Spanish :class:`ValueError` naming the channel and the key (the core
shows it as "el canal no se pudo configurar"). Secret options are ``SecretStr`` and the input
value is never echoed, so a misplaced token cannot leak into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

_MESSAGES = {
    "missing": "falta esta opción",
    "extra_forbidden": "opción desconocida (revise la ortografía)",
    "literal_error": "valor no permitido",
    "int_parsing": "debe ser un número entero",
    "bool_parsing": "debe ser true o false",
    "string_type": "debe ser un texto",
}


class ChannelOptions(BaseModel):
    """Base of every channel's options: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_base: str | None = None
    """Where the API lives; tests point it at a local server."""
    template: str | None = None
    """Text template of the item's post (fields in ``syndicate/text.py``)."""
    update_template: str | None = None
    """Text template of a live update's post (``{text}``, ``{url}``)."""


Options = TypeVar("Options", bound=ChannelOptions)


def parse_options(model: type[Options], config: Mapping[str, Any], channel: str) -> Options:
    """Validate ``config`` as ``model``; raise a Spanish ValueError that names each bad key."""
    try:
        return model.model_validate(dict(config))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "(raíz)"
            kind = str(error.get("type", ""))
            message = _MESSAGES.get(kind, str(error.get("msg", "valor inválido")))
            expected = (error.get("ctx") or {}).get("expected")
            if kind == "literal_error" and expected:
                message += f"; se esperaba {expected}"
            problems.append(f"channels.{channel}.{where}: {message}")
        raise ValueError("; ".join(problems)) from None
