"""The after-deploy configuration: the ``syndicate:`` mapping of the ``pregon`` plugin in mkdocs.yml.

``pregon syndicate`` does not load MkDocs; it reads mkdocs.yml itself with a YAML loader that
understands ``!ENV`` (secrets come only from the environment) and ignores the tags other plugins
use (``!!python/name:…``, ``!relative``), then validates the ``syndicate:`` mapping with pydantic.
An error names the file and the key, in Spanish. Secrets are kept as :class:`pydantic.SecretStr`
so they never show up in a repr, a log line or an error message.

Shape (every key optional; the defaults are the embedded default: records approvals, outbox)::

    syndicate:
      records: records                 # folder of ledger, approvals, decisions, metrics
      records_branch: pregon-registros # git branch CI keeps records on (pregon registros preparar)
      backlog_limit: 5                 # first run of a channel: refuse to post more than this
      retry: {max_attempts: 4, max_wait: 60}
      approvals:
        provider: auto                 # github on GitHub Actions (PR reviews), records elsewhere
        control_points: {contenido: [jefa-prensa], diseño: [disenador, org/equipo-diseno]}
        github: {repository: org/repo, token: !ENV GITHUB_TOKEN, api_base: https://api.github.com}
        notify: {jefa-prensa: prensa@entidad.gov.co}   # who receives the previews to approve
      alerts: {email: prensa@entidad.gov.co}   # see alerts.py (SMTP: the e-mail channel's by default)
      schedule:                        # see schedule.py
        default: immediate
        channels: {facebook: {windows: [{days: [lun, mar, mie, jue, vie], start: "07:00", end: "19:00"}], best_hours: true}}
      breaker: {failures: 3}           # consecutive failures that stop an account for the run
      channels:                        # present = enabled; the key names the ACCOUNT
        outbox: {folder: outbox}
        x: {consumer_key: !ENV X_CONSUMER_KEY, …}
        x-alcalde: {network: x, featured: true, …}   # its own !ENV secrets, added to the workflow

``!ENV`` values keep the name of their variable (:class:`EnvStr`), and an unset variable loads as
:class:`MissingEnv` inside ``channels`` (None elsewhere, as MkDocs does), so a message can say
"la variable de entorno FACEBOOK_PAGE_TOKEN no está definida" instead of "falta page_access_token".
Every mapping remembers the line of each key (:class:`Located`) for ``pregon check``'s annotations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml  # type: ignore[import-untyped]
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from pregon.config_file import ConfigFileError, Located, construct_located, line_of, load_config_document
from pregon.yaml_limits import BoundedAliases

from .alerts import AlertsConfig
from .schedule import ScheduleConfig
from .validation_es import EXPECTED


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key (Spanish)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line
        """Line in the file of the first problem, when known (for ``pregon check``'s annotation)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GitHubConfig(_Strict):
    repository: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="owner/name of the content repository")
    token: SecretStr | None = None
    api_base: str = "https://api.github.com"


_DEFAULT_CONTROL_POINTS: dict[str, tuple[str, ...]] = {
    "contenido": ("jefa-prensa",),
    "diseño": ("disenador",),
}


class ApprovalsConfig(_Strict):
    provider: Literal["auto", "records", "github"] = "auto"
    control_points: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(_DEFAULT_CONTROL_POINTS),
        description="Control point -> logins (or org/team for github) allowed to approve it.",
    )
    github: GitHubConfig | None = None
    notify: dict[str, str] = Field(
        default_factory=dict,
        description="Approver login or org/team -> e-mail address that receives the previews to approve.",
    )

    @field_validator("control_points")
    @classmethod
    def _not_empty(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not value:
            raise ValueError("debe haber al menos un punto de control (p. ej. contenido, diseño)")
        for point, approvers in value.items():
            if not approvers:
                raise ValueError(f"el punto de control {point!r} no tiene aprobadores")
        return value


class RetryConfig(_Strict):
    max_attempts: int = Field(4, ge=1, le=20, description="Attempts of one post within a run.")
    max_wait: float = Field(
        60.0,
        ge=0,
        description="Longest wait (s) between attempts; beyond it, next run.",
    )
    backoff: float = Field(2.0, ge=0, description="First wait (s) when the network gives no hint; doubles.")


class BreakerConfig(_Strict):
    failures: int = Field(
        3,
        ge=1,
        le=20,
        description="Consecutive transport/5xx failures after which an account is skipped for the rest of the run.",
    )


class SyndicateConfig(_Strict):
    records: Path = Path("records")
    records_branch: str = Field(
        "pregon-registros",
        pattern=r"^\w[\w./-]*\w$",
        description="Branch the records folder is a worktree of in CI (never main); see records_git.",
    )
    backlog_limit: int = Field(5, ge=0)
    retry: RetryConfig = Field(default_factory=lambda: RetryConfig.model_validate({}))
    breaker: BreakerConfig = Field(default_factory=lambda: BreakerConfig.model_validate({}))
    approvals: ApprovalsConfig = Field(default_factory=lambda: ApprovalsConfig.model_validate({}))
    schedule: ScheduleConfig = Field(default_factory=lambda: ScheduleConfig.model_validate({}))
    alerts: AlertsConfig = Field(default_factory=lambda: AlertsConfig.model_validate({}))
    channels: dict[str, Any] = Field(
        default_factory=lambda: {"outbox": {"folder": "outbox"}},
        description="Account key -> its mapping (kept as loaded: env-var names and lines survive).",
    )
    insights: dict[str, Any] = Field(
        default_factory=dict,
        description="Options of pregon collect/report/audit, validated by pregon.insights.config.",
    )

    @field_validator("records_branch")
    @classmethod
    def _not_main(cls, value: str) -> str:
        if ".." in value or "//" in value:
            raise ValueError("nombre de rama inválido")
        if value in ("main", "master"):
            raise ValueError("los registros van en una rama propia, nunca en main (p. ej. pregon-registros)")
        return value

    @field_validator("channels", mode="before")
    @classmethod
    def _channel_maps(cls, value: Any) -> Any:
        # `outbox:` with nothing after it means "enabled with defaults".
        if isinstance(value, Mapping):
            out = {}
            lines = getattr(value, "lines", {})
            for key, entry in value.items():
                entry = entry if entry is not None else {}
                if not isinstance(entry, Mapping):
                    raise ValueError(f"la cuenta {key!r} debe ser un mapa de opciones (clave: valor)")
                if isinstance(entry, Located) and str(key) in lines:
                    entry.key_line = lines[str(key)]  # where the account is named, for annotations
                out[str(key)] = entry
            return out
        return value


class EnvStr(str):
    """A value read from an environment variable by ``!ENV``; ``env_name`` says which."""

    env_name: str

    def __new__(cls, value: str, env_name: str) -> EnvStr:
        made = super().__new__(cls, value)
        made.env_name = env_name
        return made


@dataclass(frozen=True)
class MissingEnv:
    """An ``!ENV`` whose variables are all unset (or empty) and that has no default."""

    names: tuple[str, ...]
    line: int

    def describe(self) -> str:
        """Spanish: which variable is missing (``A`` or ``A ni B``)."""
        return " ni ".join(self.names)


class _Loader(BoundedAliases, yaml.SafeLoader):
    """SafeLoader + ``!ENV`` (keeping the variable's name); any other tag loads as None."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    # Same syntax as MkDocs' (pyyaml-env-tag): one variable name, or a list of names and a default;
    # the value stays a string (a numeric password must not turn into an int).
    default: object = None
    if isinstance(node, yaml.ScalarNode):
        names = [str(loader.construct_scalar(node))]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [str(loader.construct_scalar(child)) for child in children]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, "!ENV espera un nombre de variable o una lista de nombres", node.start_mark
        )
    for name in names:
        # Empty counts as unset: a workflow's `env: X: ${{ secrets.X }}` gives "" for a missing secret.
        # Surrounding spaces and line breaks are a pasting accident (a secret copied with its
        # newline); no token, password or address has them.
        if os.environ.get(name, "").strip():
            return EnvStr(os.environ[name].strip(), name)
    return default if default is not None else MissingEnv(tuple(names), node.start_mark.line + 1)


_Loader.add_constructor("!ENV", _construct_env)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_located)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _unset_to_none(value: Any) -> Any:
    """Outside ``channels``, an unset ``!ENV`` is None, as MkDocs has it."""
    if isinstance(value, MissingEnv):
        return None
    if isinstance(value, Mapping):
        return {k: _unset_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unset_to_none(v) for v in value]
    return value


def _plugin_options(plugins: Any) -> Mapping[str, Any] | None:
    """The options of the ``pregon`` entry in MkDocs' ``plugins`` (a list or a mapping)."""
    entries: list[tuple[str, Any]] = []
    if isinstance(plugins, Mapping):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for entry in plugins:
            if isinstance(entry, str):
                entries.append((entry, None))
            elif isinstance(entry, Mapping):
                entries.extend(entry.items())
    for name, options in entries:
        if name == "pregon":
            return options if isinstance(options, Mapping) else {}
    return None


def _where(loc: tuple[Any, ...]) -> str:
    return " → ".join(["plugins", "pregon", "syndicate", *(str(p) for p in loc)])


def parse_config(raw: Mapping[str, Any] | None, path: Path) -> SyndicateConfig:
    """Validate a ``syndicate:`` mapping read from ``path``; relative folders resolve next to it."""
    cleaned = {k: (v if k == "channels" else _unset_to_none(v)) for k, v in (raw or {}).items()}
    try:
        config = SyndicateConfig.model_validate(cleaned)
    except ValidationError as exc:
        lines = [f"{path}: configuración de difusión inválida:"]
        for error in exc.errors():
            lines.append(f"  - {_where(error['loc'])}: {_spanish(error)}")
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        raise ConfigError("\n".join(lines), line_of(raw, first)) from None
    if not config.records.is_absolute():
        config = config.model_copy(update={"records": path.parent / config.records})
    return config


_MESSAGES = {
    **EXPECTED,
    "extra_forbidden": "campo desconocido (revise la ortografía)",
    "string_pattern_mismatch": "formato inválido",
}


_BOUNDS = {
    "greater_than": ("gt", "debe ser mayor que {}"),
    "greater_than_equal": ("ge", "debe ser mayor o igual que {}"),
    "less_than": ("lt", "debe ser menor que {}"),
    "less_than_equal": ("le", "debe ser menor o igual que {}"),
}


def _spanish(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _BOUNDS and _BOUNDS[kind][0] in ctx:
        bound, wording = _BOUNDS[kind]
        return wording.format(ctx[bound])
    if kind in ("value_error", "assertion_error"):
        # Our validators' own messages, already Spanish, after pydantic's «Value error, ».
        return re.sub(r"\s+", " ", str(error.get("msg", "")).split(", ", 1)[-1])
    message = _MESSAGES.get(kind, "valor no válido")
    if kind == "literal_error" and "expected" in ctx:
        message += f"; se esperaba {ctx['expected']}"
    # Never echo the input: it may be a secret.
    return message


def load_config(path: str | Path = "mkdocs.yml") -> SyndicateConfig:
    """Read mkdocs.yml at ``path`` and return the validated ``syndicate`` configuration."""
    path = Path(path)
    try:
        document = load_config_document(path, _Loader)
    except ConfigFileError as exc:
        raise ConfigError(str(exc), exc.line) from None
    if not isinstance(document, Mapping):
        raise ConfigError(f"{path}: se esperaba un mapa de opciones de MkDocs")
    options = _plugin_options(document.get("plugins"))
    raw = (options or {}).get("syndicate")
    if raw is not None and not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: plugins → pregon → syndicate: debe ser un mapa de opciones")
    return parse_config(raw, path)
