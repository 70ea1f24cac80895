"""Options of ``pregon collect``, ``report``, ``audit`` and ``sentiment``: ``syndicate.insights`` in mkdocs.yml.

Every key is optional::

    syndicate:
      insights:
        retention_days: 365            # reply/mention texts older than this are purged on collect
        reports: informes              # folder of the .xlsx/.csv reports (relative to mkdocs.yml)
        portal_page: content/transparencia/redes-{mes}.md   # growth figures as a portal page; omit to skip
        best_hours:
          min_posts: 4                 # posts needed behind an hour before it is trusted
          top: 3                       # hours kept per network and weekday
        sentiment:
          classifier: pregon.insights.sentiment.classifier:default_classifier
          samples: 200                 # pseudonymised samples in the report

The private folder for texts is not configured here: it comes from ``PREGON_PRIVATE_DIR`` so it
never appears in the public repository.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pregon.config_file import ConfigFileError, load_config_document

from ..syndicate.config import ConfigError, SyndicateConfig, load_config
from .sentiment.classifier import DEFAULT


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BestHoursConfig(_Strict):
    min_posts: int = Field(4, ge=1, description="Posts behind an hour before it counts as evidence.")
    top: int = Field(3, ge=1, le=24, description="Best hours kept per network and weekday.")


class SentimentConfig(_Strict):
    classifier: str = Field(DEFAULT, pattern=r"^[\w.]+:\w+$")
    samples: int = Field(200, ge=0, description="Pseudonymised samples listed in the report.")


class InsightsConfig(_Strict):
    retention_days: int = Field(365, ge=1)
    reports: Path = Path("informes")
    portal_page: str | None = Field(None, description="Markdown page path with {mes} = AAAA-MM, or none.")
    best_hours: BestHoursConfig = BestHoursConfig()
    sentiment: SentimentConfig = SentimentConfig()


@dataclass(frozen=True)
class Settings:
    """Everything insights needs from mkdocs.yml: the syndication config and its own options."""

    project: Path
    """Folder of mkdocs.yml: relative paths resolve here."""
    syndicate: SyndicateConfig
    insights: InsightsConfig
    entity: str = ""
    """The entity's name for report headers (``entity.name`` of the plugin, else ``site_name``)."""

    def accounts(self) -> dict[str, str]:
        """Each configured account and its network (the key itself unless ``network:`` says)."""
        return {name: str((options or {}).get("network") or name) for name, options in self.syndicate.channels.items()}

    @property
    def records(self) -> Path:
        return self.syndicate.records

    def reports_dir(self) -> Path:
        return self.insights.reports if self.insights.reports.is_absolute() else self.project / self.insights.reports


def _spanish(error: Mapping[str, Any]) -> str:
    """What was expected, in Spanish; the input itself is never echoed."""
    ctx = error.get("ctx") or {}
    messages = {
        "extra_forbidden": "opción desconocida (revise la ortografía)",
        "greater_than_equal": f"debe ser un número mayor o igual que {ctx.get('ge')}",
        "less_than_equal": f"debe ser un número menor o igual que {ctx.get('le')}",
        "int_parsing": "debe ser un número entero",
        "int_type": "debe ser un número entero",
        "string_pattern_mismatch": "formato inválido; se espera 'paquete.modulo:funcion'",
        "string_type": "debe ser un texto",
        "model_type": "debe ser un mapa de opciones",
    }
    return messages.get(str(error.get("type")), "valor inválido")


def parse_insights(raw: Mapping[str, Any] | None, path: Path) -> InsightsConfig:
    """Validate the ``insights`` mapping; errors name the file and the key, in Spanish."""
    try:
        return InsightsConfig.model_validate(raw or {})
    except ValidationError as exc:
        where = [
            " → ".join(["plugins", "pregon", "syndicate", "insights", *(str(p) for p in e["loc"])]) + f": {_spanish(e)}"
            for e in exc.errors()
        ]
        raise ConfigError(f"{path}: configuración de métricas inválida:\n  - " + "\n  - ".join(where)) from None


def load_settings(path: str | Path = "mkdocs.yml") -> Settings:
    """Read mkdocs.yml: the validated ``syndicate`` section and its ``insights`` options."""
    path = Path(path)
    from .growth import ACCOUNT_NETWORKS

    syndicate = load_config(path)
    ACCOUNT_NETWORKS.update(
        {key: str(raw.get("network") or key) for key, raw in syndicate.channels.items() if hasattr(raw, "get")}
    )
    return Settings(path.parent.resolve(), syndicate, parse_insights(syndicate.insights, path), _entity_name(path))


def _entity_name(path: Path) -> str:
    try:
        document = load_config_document(path) or {}
    except ConfigFileError:
        return ""
    plugins = document.get("plugins") if isinstance(document, Mapping) else None
    entries = (
        plugins.items()
        if isinstance(plugins, Mapping)
        else ((k, v) for entry in plugins or [] if isinstance(entry, Mapping) for k, v in entry.items())
    )
    for name, options in entries:
        if name == "pregon" and isinstance(options, Mapping) and isinstance(options.get("entity"), Mapping):
            entity = options["entity"].get("name")
            if isinstance(entity, str) and entity:
                return entity
    site = document.get("site_name") if isinstance(document, Mapping) else None
    return site if isinstance(site, str) else ""
