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
        provider: records              # or github
        control_points: {contenido: [jefa-prensa], diseño: [disenador, org/equipo-diseno]}
        github: {repository: org/repo, token: !ENV GITHUB_TOKEN, api_base: https://api.github.com}
      schedule:                        # see schedule.py
        default: immediate
        channels: {facebook: {windows: [{days: [lun, mar, mie, jue, vie], start: "07:00", end: "19:00"}], best_hours: true}}
      channels:                        # present = enabled; each channel gets its own mapping
        outbox: {folder: outbox}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from .schedule import ScheduleConfig


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key (Spanish)."""


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
    provider: Literal["records", "github"] = "records"
    control_points: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(_DEFAULT_CONTROL_POINTS),
        description="Control point -> logins (or org/team for github) allowed to approve it.",
    )
    github: GitHubConfig | None = None

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


class SyndicateConfig(_Strict):
    records: Path = Path("records")
    records_branch: str = Field(
        "pregon-registros",
        pattern=r"^\w[\w./-]*\w$",
        description="Branch the records folder is a worktree of in CI (never main); see records_git.",
    )
    backlog_limit: int = Field(5, ge=0)
    retry: RetryConfig = Field(default_factory=lambda: RetryConfig.model_validate({}))
    approvals: ApprovalsConfig = Field(default_factory=lambda: ApprovalsConfig.model_validate({}))
    schedule: ScheduleConfig = Field(default_factory=lambda: ScheduleConfig.model_validate({}))
    channels: dict[str, dict[str, Any]] = Field(default_factory=lambda: {"outbox": {"folder": "outbox"}})
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
            return {k: (v if v is not None else {}) for k, v in value.items()}
        return value


class _Loader(yaml.SafeLoader):
    """SafeLoader + ``!ENV``; any other tag (python/name, !relative…) loads as None."""


_Loader.add_constructor("!ENV", construct_env_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


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
    try:
        config = SyndicateConfig.model_validate(raw or {})
    except ValidationError as exc:
        lines = [f"{path}: configuración de difusión inválida:"]
        for error in exc.errors():
            lines.append(f"  - {_where(error['loc'])}: {_spanish(error)}")
        raise ConfigError("\n".join(lines)) from None
    if config.approvals.provider == "github" and config.approvals.github is None:
        raise ConfigError(
            f"{path}: {_where(('approvals', 'github'))}: falta; con provider: github indique "
            "repository (org/repo) y token: !ENV GITHUB_TOKEN"
        )
    if not config.records.is_absolute():
        config = config.model_copy(update={"records": path.parent / config.records})
    return config


_MESSAGES = {
    "missing": "falta este campo",
    "extra_forbidden": "campo desconocido (revise la ortografía)",
    "literal_error": "valor no permitido",
    "string_pattern_mismatch": "formato inválido",
}


def _spanish(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    message = _MESSAGES.get(kind) or str(error.get("msg", ""))
    ctx = error.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        message += f"; se esperaba {ctx['expected']}"
    # Never echo the input: it may be a secret.
    return re.sub(r"\s+", " ", message)


def load_config(path: str | Path = "mkdocs.yml") -> SyndicateConfig:
    """Read mkdocs.yml at ``path`` and return the validated ``syndicate`` configuration."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=_Loader)
    except OSError as exc:
        raise ConfigError(f"{path}: no se puede leer ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", línea {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: YAML inválido ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, Mapping):
        raise ConfigError(f"{path}: se esperaba un mapa de opciones de MkDocs")
    options = _plugin_options(document.get("plugins"))
    raw = (options or {}).get("syndicate")
    if raw is not None and not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: plugins → pregon → syndicate: debe ser un mapa de opciones")
    return parse_config(raw, path)
