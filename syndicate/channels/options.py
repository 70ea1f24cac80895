"""Typed options of one network: an account's ``channels.<cuenta>`` mapping validated with pydantic.

A network module declares its options as a :class:`ChannelOptions` subclass (the channel class's
``options_model``); :func:`parse_options` turns a validation failure into a Spanish
:class:`ValueError` naming the account and the key. ``pregon check`` validates every account with
the same models. Secret options are ``SecretStr`` (the redaction layer learns them when the
account is opened) and the input value is never echoed, so a misplaced token cannot leak into a
message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

_MESSAGES = {
    "missing": "falta esta opción",
    "extra_forbidden": "opción desconocida (revise la ortografía)",
    "literal_error": "valor no permitido",
    "int_parsing": "debe ser un número entero",
    "bool_parsing": "debe ser true o false",
    "string_type": "debe ser un texto",
    "float_parsing": "debe ser un número",
    "url_parsing": "debe ser una dirección https://…",
}

UNSET_PLACEHOLDER = "pregon-variable-sin-definir"
"""Stands for an option whose ``!ENV`` variable is unset while the rest of the account is validated."""


class ChannelOptions(BaseModel):
    """Base of every channel's options: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_base: str | None = None
    """Where the API lives; tests point it at a local server."""
    template: str | None = None
    """Text template of the item's post (fields in ``syndicate/text.py``)."""
    update_template: str | None = None
    """Text template of a live update's post (``{text}``, ``{url}``)."""
    timeout: float = 30.0
    """Seconds one API call may take before it counts as failed (the breaker opens on a timeout)."""
    # --- corrections and expiry (syndicate/corrections.py) ---------------------------------
    correccion: Literal["editar", "responder", "borrar_y_publicar", "nada"] = "nada"
    """What a re-approved edit of a published release does on this account. ``nada`` (the
    default: nothing public happens unless the office chooses it) only reports the change."""
    vencimiento: Literal["borrar", "nada"] = "nada"
    """What the release's expiry does to its posts here; ``nada`` (default) keeps them."""

    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(user option, secret option) sent together, e.g. as HTTP Basic ``user:pass``: the redaction
    layer learns their encoded forms too."""
    secret_env_options: ClassVar[tuple[str, ...]] = ()
    """Options that NAME an environment variable holding a secret (e-mail's ``password_env``)."""


Options = TypeVar("Options", bound=ChannelOptions)


class OptionsError(ValueError):
    """An account's options do not fit its network's model; one (option, Spanish message) per problem."""

    def __init__(self, account: str, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"channels.{account}.{where}: {message}" for where, message in problems))
        self.problems = tuple(problems)


def parse_options(model: type[Options], config: Mapping[str, Any], channel: str) -> Options:
    """Validate ``config`` as ``model``; raise a Spanish ValueError that names each bad key."""
    options = account_options(model, config, channel)
    assert options is not None  # nothing was unset
    return options


def account_options(
    model: type[Options], config: Mapping[str, Any], account: str, *, unset: set[str] | frozenset[str] = frozenset()
) -> Options | None:
    """Validate an account's ``config`` as ``model``; a Spanish ValueError names each bad key.

    ``unset`` names options whose ``!ENV`` variable is unset (reported apart, naming the variable):
    they stand in with a placeholder, problems with them are not reported, and the result is None
    when they alone made the model invalid.
    """
    try:
        return model.model_validate(with_placeholders(dict(config), unset))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "(raíz)"
            if where in unset:
                continue
            kind = str(error.get("type", ""))
            message = _MESSAGES.get(kind, str(error.get("msg", "valor inválido")))
            expected = (error.get("ctx") or {}).get("expected")
            if kind == "literal_error" and expected:
                message += f"; se esperaba {expected}"
            problems.append((where, message))
        if not problems:
            return None
        raise OptionsError(account, problems) from None


def with_placeholders(config: dict[str, Any], unset: set[str] | frozenset[str]) -> dict[str, Any]:
    """``config`` with :data:`UNSET_PLACEHOLDER` at each dotted path of ``unset``."""
    for path in unset:
        *parents, last = path.split(".")
        target = config
        for part in parents:
            inner = target.get(part)
            if not isinstance(inner, Mapping):
                break
            target[part] = target = dict(inner)
        else:
            target[last] = UNSET_PLACEHOLDER
    return config
