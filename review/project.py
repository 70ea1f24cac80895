"""The project being checked: its mkdocs.yml, read once, and what every check needs from it.

Release rules come from the portal plugin (``pregon.plugins.release.load_rules``) and the channel
configuration from ``pregon.syndicate.config``, so ``pregon check`` validates releases and renders
posts exactly as the build and syndication will. Review options live under the plugin's
``review:`` key::

    plugins:
      - pregon:
          review:
            inclusive_language: review/lenguaje_incluyente.yml  # the office's own rule file
            electoral_calendar: review/calendario_electoral.yml
            words: review/palabras_oficina.txt                  # local names for the spell checker
            allowed_emails: [prensa@entidad.gov.co]             # besides entity.email
            max_sentence_words: 20
            spelling: true
            dictionary: es_CO

Paths are relative to mkdocs.yml; a missing option uses the file shipped with Pregón.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File
from pregon.plugins.release import Release, ReleaseRules, rules_from
from pregon.plugins.sanitize import DEFAULT_IFRAME_HOSTS
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pregon import mkdocs_es
from pregon.config_file import ConfigFileError, LocatedLoader, line_of, load_config_document

RULES_PACKAGE = "pregon.review"

DEFAULT_FILES = {
    "inclusive_language": "rules/lenguaje_incluyente.yml",
    "electoral_calendar": "rules/calendario_electoral.yml",
    "words": "rules/palabras_oficina.txt",
}


class ProjectError(ValueError):
    """mkdocs.yml cannot be used for checking; the message is Spanish and names the file."""


class ReviewOptions(BaseModel):
    """The ``review:`` mapping of the ``pregon`` plugin (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inclusive_language: str | None = None
    inclusive_language_extra: tuple[str, ...] = ()
    inclusive_rules_off: tuple[str, ...] = ()
    electoral_calendar: str | None = None
    words: str | None = None
    allowed_emails: tuple[str, ...] = ()
    allowed_phones: tuple[str, ...] = ()
    max_sentence_words: int = Field(default=20, ge=5)
    spelling: bool = True
    dictionary: str = "es_CO"


def parse_review(raw: Mapping[str, Any], config_file: Path) -> ReviewOptions:
    """Validate the ``review:`` options; the error names the file and the key, in Spanish."""
    try:
        return ReviewOptions.model_validate(dict(raw))
    except ValidationError as exc:
        where = "; ".join(
            f"plugins → pregon → review → {'.'.join(str(p) for p in e['loc'])}: "
            + ("opción desconocida" if e["type"] == "extra_forbidden" else "valor inválido")
            for e in exc.errors()
        )
        raise ProjectError(f"{config_file}: {where}") from None


@dataclass(frozen=True)
class Project:
    """One site's configuration, as ``pregon check`` and ``pregon new`` need it."""

    config_file: Path
    rules: ReleaseRules
    site_url: str
    use_directory_urls: bool
    entity_emails: tuple[str, ...]
    entity_phones: tuple[str, ...]
    channels: Mapping[str, Mapping[str, Any]]
    review: ReviewOptions = field(default_factory=lambda: ReviewOptions())
    # How the build turns a body into HTML, and the embeds its sanitiser lets through.
    markdown_extensions: tuple[Any, ...] = ()
    markdown_configs: Mapping[str, Any] = field(default_factory=dict)
    iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS

    @property
    def root(self) -> Path:
        return self.rules.root

    @property
    def releases_root(self) -> Path:
        return (self.rules.docs_dir / self.rules.releases_dir).resolve()

    def inclusive_rule_files(self) -> list[Path]:
        """The inclusive-language rule file, then the office's extra files."""
        return [
            self.rule_file("inclusive_language"),
            *((self.root / p).resolve() for p in self.review.inclusive_language_extra),
        ]

    def rule_file(self, option: str) -> Path:
        """The office's file for ``option`` if configured, else the one shipped with Pregón."""
        configured = getattr(self.review, option)
        if configured:
            return (self.root / str(configured)).resolve()
        return Path(str(resources.files(RULES_PACKAGE).joinpath(DEFAULT_FILES[option])))

    def release_url(self, release: Release) -> str:
        """The release's canonical URL, by MkDocs' own rule for a page's URL (``File.url``)."""
        page = File(release.src_uri, str(self.rules.docs_dir), "", self.use_directory_urls)
        return self.site_url + page.url

    def media_url(self, src: str) -> str:
        return self.site_url + src

    def is_release(self, path: Path) -> bool:
        path = path.resolve()
        return path.suffix == ".md" and self.releases_root in path.parents


class _MkDocsProblems(logging.Handler):
    """MkDocs logs each configuration error, then aborts with «Aborted with a configuration
    error!»: the errors are kept to say, in Spanish, what is wrong."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _crashed_option(exc: BaseException) -> list[str]:
    """The option MkDocs was validating when its validator raised something else than a
    validation error (``theme: {name: {}}`` is a TypeError inside MkDocs 1.6): the keys of its
    ``Config._validate`` frames and the plugin names of its ``load_plugin`` frames, outermost first."""
    path: list[str] = []
    trace = exc.__traceback__
    while trace is not None:
        frame = trace.tb_frame
        name = "key" if frame.f_code.co_name == "_validate" else "name" if frame.f_code.co_name == "load_plugin" else ""
        value = frame.f_locals.get(name) if name else None
        if isinstance(value, str) and "mkdocs" in frame.f_code.co_filename:
            path.append(value)
        trace = trace.tb_next
    return path


def _config_problems(config_file: Path, document: Any, messages: list[str]) -> str:
    """One line per MkDocs message, in Spanish, each with the line of its option."""
    lines = []
    for message in (one for joined in messages for one in mkdocs_es.split(joined)):
        line = line_of(document, mkdocs_es.option_path(message))
        where = f":{line}" if line is not None else ""
        lines.append(f"{config_file}{where}: configuración inválida: {mkdocs_es.spanish(message)}")
    return "\n".join(lines)


def load_project(config_file: str | Path = "mkdocs.yml") -> Project:
    """Read ``config_file`` with MkDocs (nothing is built) and the plugin's release rules."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError
    from pregon.syndicate.config import ConfigError, parse_config

    config_file = Path(config_file)
    if not config_file.is_file():
        raise ProjectError(f"{config_file}: no existe; ejecute el comando en la carpeta del portal o use --config")
    try:
        # The file, its encoding and its YAML, explained in Spanish; its lines point MkDocs' errors.
        document = load_config_document(config_file, LocatedLoader)
    except ConfigFileError as exc:
        raise ProjectError(str(exc)) from None
    problems = _MkDocsProblems()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(problems)
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, Abort) as exc:
        raise ProjectError(_config_problems(config_file, document, problems.messages or [str(exc)])) from None
    except Exception as exc:  # MkDocs' own validators fail on some shapes instead of refusing them
        path = _crashed_option(exc)
        line = line_of(document, path)
        option = f"`{' → '.join(path)}`: " if path else ""
        raise ProjectError(
            f"{config_file}{f':{line}' if line is not None else ''}: configuración inválida: {option}"
            f"MkDocs no puede leer este valor ({type(exc).__name__}); revise su forma en la guía de MkDocs"
        ) from None
    finally:
        mkdocs_log.removeHandler(problems)
    if "pregon" not in config.plugins:
        raise ProjectError(f"{config_file}: no activa el plugin de Pregón (en `plugins:` falta `- pregon:`)")
    try:
        rules = rules_from(config)
    except (KeyError, ValueError, OSError):  # zoneinfo's refusals of a name it cannot use
        timezone = config.plugins["pregon"].config.timezone
        raise ProjectError(
            f"{config_file}: `timezone: {timezone}` no es una zona horaria (p. ej. America/Bogota)"
        ) from None
    options = config.plugins["pregon"].config
    try:
        syndicate = parse_config(options.get("syndicate") or {}, config_file)
    except ConfigError as exc:
        raise ProjectError(str(exc)) from None
    entity = options.get("entity") or {}
    emails = tuple(e for e in (entity.get("email"), entity.get("notifications_email")) if e)
    phones = tuple(p for p in (entity.get("phone"),) if p)
    site_url = str(config.get("site_url") or "http://127.0.0.1:8000/")
    return Project(
        config_file=config_file.resolve(),
        rules=rules,
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        use_directory_urls=bool(config.get("use_directory_urls", True)),
        entity_emails=emails,
        entity_phones=phones,
        channels={name: dict(value) for name, value in syndicate.channels.items()},
        review=parse_review(options.get("review") or {}, config_file),
        markdown_extensions=tuple(config.markdown_extensions),
        markdown_configs=dict(config.mdx_configs),
        iframe_hosts=tuple(options.get("iframe_hosts", DEFAULT_IFRAME_HOSTS)),
    )
