"""Accounts: each ``channels`` entry of the configuration is one account on one network.

The key names the account; ``network:`` names the network module (default: the key)::

    channels:
      x: {consumer_key: !ENV X_CONSUMER_KEY, …}                    # the entity's account
      x-alcalde: {network: x, …,                                   # the mayor's (own !ENV secrets)
                  featured: true}

Ledger keys, locks, schedules, best hours and metrics use the account key, so two accounts of one
network never share any of them. Besides its network's options an account may say which releases
it takes (:mod:`.selection`). An unset ``!ENV`` variable does not stop the run: the account reports
it, naming the variable, and the others go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .config import EnvStr, MissingEnv, SyndicateConfig
from .selection import Selection

NETWORK_KEY = "network"
SELECTION_KEYS = ("dependencias", "tags", "featured")
ACCOUNT_KEYS = (NETWORK_KEY, *SELECTION_KEYS)
"""Keys of an account's mapping that are not options of its network module."""


class AccountError(ValueError):
    """An account cannot be used as configured; the Spanish message says what to fix."""

    def __init__(self, message: str, *, key: str | None = None, problems: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.message = message
        self.key = key
        """The option (``page_access_token``) the message is about, for the line of an annotation."""
        self.problems = problems
        """(option, message) of each invalid option, when the network's options model said so."""


@dataclass(frozen=True)
class UnsetVariable:
    option: str
    """Dotted path of the option inside the account (``smtp.password``)."""
    names: tuple[str, ...]
    line: int

    def message(self, account: str) -> str:
        names = " ni ".join(self.names)
        first = self.names[0]
        return (
            f"la variable de entorno {names} no está definida o está vacía (channels.{account}.{self.option} usa "
            f"!ENV {first}); créela como secreto del repositorio y pásela al paso de difusión "
            f"(env: {first}: ${{{{ secrets.{first} }}}}), o quite la cuenta {account} de mkdocs.yml"
        )


@dataclass(frozen=True)
class Account:
    key: str
    network: str
    options: Mapping[str, Any]
    """The network module's options: the mapping without account keys and without unset ``!ENV``s."""
    selection: Selection = field(default_factory=Selection)
    unset: tuple[UnsetVariable, ...] = ()
    env_values: tuple[str, ...] = ()
    """Every value that came from an environment variable: all treated as secrets."""
    line: int | None = None
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each key of the account's mapping in mkdocs.yml (when loaded from the file)."""

    def line_of(self, key: str | None) -> int | None:
        return self.lines.get(key.split(".")[0], self.line) if key else self.line


def parse_account(key: str, raw: Mapping[str, Any]) -> Account:
    """The :class:`Account` of one ``channels`` entry; AccountError for a bad network or selection."""
    lines = dict(getattr(raw, "lines", {}) or {})
    network = raw.get(NETWORK_KEY, key)
    if not isinstance(network, str) or not network:
        raise AccountError(
            f"channels.{key}.network: debe ser el nombre de una red (p. ej. network: x)", key=NETWORK_KEY
        )
    try:
        selection = Selection.model_validate({k: raw[k] for k in SELECTION_KEYS if k in raw})
    except ValidationError as exc:
        where = ", ".join(f"channels.{key}.{'.'.join(str(p) for p in e['loc'])}" for e in exc.errors())
        bad = str(exc.errors()[0]["loc"][0]) if exc.errors() else None
        raise AccountError(
            f"{where}: valor inválido (dependencias y tags son listas de textos; featured es true o false)", key=bad
        ) from None
    options = {k: v for k, v in raw.items() if k not in ACCOUNT_KEYS}
    unset = tuple(
        UnsetVariable(path, marker.names, marker.line)
        for path, marker in _walk(options)
        if isinstance(marker, MissingEnv)
    )
    env_values = tuple(str(v) for _, v in _walk(options) if isinstance(v, EnvStr))
    return Account(
        key=key,
        network=network,
        options=_without_unset(options),
        selection=selection,
        unset=unset,
        env_values=env_values,
        line=getattr(raw, "key_line", getattr(raw, "line", None)),
        lines=lines,
    )


def accounts(config: SyndicateConfig) -> Iterator[tuple[str, Account | AccountError]]:
    """Every configured account key, in order, with its :class:`Account` or why it cannot be parsed."""
    for key, raw in config.channels.items():
        try:
            yield key, parse_account(key, raw)
        except AccountError as exc:
            yield key, exc


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from _walk(inner, f"{path}[{number}]")
    else:
        yield path, value


def _without_unset(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_unset(v) for k, v in value.items() if not isinstance(v, MissingEnv)}
    if isinstance(value, list):
        return [_without_unset(v) for v in value if not isinstance(v, MissingEnv)]
    return value
