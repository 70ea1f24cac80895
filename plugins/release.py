"""The press release: schema, validation and loading, usable without running MkDocs.

Other tools (``pregon check``, ``pregon approve``) call::

    rules = load_rules("mkdocs.yml")            # -> ReleaseRules (dependencias, timezone, docs_dir)
    release = load_release(path, rules)         # -> Release, or raises ReleaseError(problems)

Every :class:`~pregon.plugins.problems.Problem` names the file, the field and, when it can, the
line, and says in Spanish how to fix it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from . import digest
from .media import Media, MediaReader
from .problems import Problem, ReleaseError
from .source import (
    SourceFile,
    body_images,
    line_of,
    read_source,
)

_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)
_ID = re.compile(r"^[a-z0-9][a-z0-9/_-]*$")


# --- Dates --------------------------------------------------------------------------------------


def parse_moment(value: Any, tz: tzinfo) -> datetime:
    """A YAML date/datetime/ISO 8601 string as an aware datetime; naive values are in ``tz``."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, Date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    else:
        raise TypeError(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _moment(value: Any, info: ValidationInfo) -> datetime:
    tz = (info.context or {}).get("tz", ZoneInfo("America/Bogota"))
    try:
        return parse_moment(value, tz)
    except (ValueError, TypeError):
        raise PydanticCustomError(
            "pregon_date",
            "`{field}`: «{value}» no es una fecha válida; escríbala como AAAA-MM-DD HH:MM, por ejemplo 2026-03-10 09:30",
            {"field": info.field_name, "value": value},
        ) from None


Moment = Annotated[datetime, BeforeValidator(_moment)]


# --- Schema -------------------------------------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class GalleryImage(_Part):
    src: str
    alt: str = ""


class LiveUpdate(_Part):
    """One entry of ``updates`` (live coverage): ``time``, ``text``, optional ``image`` + ``image_alt``."""

    id: str | None = None
    time: Moment
    text: str
    image: str | None = None
    image_alt: str | None = None


class FrontMatter(_Part):
    """The fields an editor writes at the top of a release (documented in the README)."""

    id: str | None = None
    title: str
    date: Moment
    summary: str
    dependencia: str
    tags: list[str] = []
    image: str | None = None
    image_alt: str | None = None
    gallery: list[GalleryImage] = []
    video: str | None = None
    video_alt: str | None = None
    author: str | None = None
    draft: bool = False
    expires: Moment | None = None
    featured: bool = False
    featured_until: Moment | None = None
    social: dict[str, str] = {}
    press_lists: list[str] = []
    live: bool = False
    updates: list[LiveUpdate] = []
    # MkDocs/Material page options, passed through to the page
    hide: list[str] = []
    search: dict[str, Any] = {}

    @field_validator("title", "summary", "dependencia")
    @classmethod
    def _not_blank(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            raise PydanticCustomError(
                "pregon_blank",
                "`{field}` está vacío: escríbalo",
                {"field": info.field_name},
            )
        return value


KNOWN_FIELDS = frozenset(FrontMatter.model_fields)

_MISSING_HINTS = {
    "title": "escriba el titular del comunicado",
    "date": "indique la fecha y hora de publicación, por ejemplo `date: 2026-03-10 09:30`",
    "summary": "escriba un resumen de una o dos frases",
    "dependencia": "indique la dependencia que emite el comunicado",
    "time": "indique la hora de la actualización, por ejemplo `time: 2026-03-10 11:45`",
    "text": "escriba el texto de la actualización",
    "src": "indique el archivo de la imagen",
}


# --- Loaded release -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseRules:
    """What validation needs from the site configuration."""

    dependencias: Mapping[str, str]
    timezone: tzinfo
    docs_dir: Path
    root: Path = field(default_factory=Path.cwd)
    releases_dir: str = "prensa"


@dataclass(frozen=True)
class Update:
    id: str
    time: datetime
    text: str
    digest: str
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class Release:
    """A validated press release with everything pages, feeds and the manifest need."""

    id: str
    path: Path
    display_path: str
    src_uri: str  # relative to docs_dir, posix
    meta: FrontMatter
    body: str
    digest: str
    image: Media | None
    gallery: tuple[Media, ...]
    video: Media | None
    updates: tuple[Update, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def date(self) -> datetime:
        return self.meta.date

    @property
    def media(self) -> tuple[Media, ...]:
        """Main image first, then gallery, then video (the manifest's order)."""
        return tuple(m for m in (self.image, *self.gallery, self.video) if m is not None)


def update_id(entry: Mapping[str, Any]) -> str:
    """Stable id of a live update: its ``id`` if set, else ``u-`` + its time as written (AAAAMMDDTHHMM)."""
    if entry.get("id"):
        return str(entry["id"])
    value = entry.get("time")
    try:
        moment = parse_moment(value, ZoneInfo("UTC"))
    except (ValueError, TypeError):
        return "u-" + re.sub(r"[^0-9A-Za-z]", "", str(value))
    return "u-" + moment.strftime("%Y%m%dT%H%M")


def load_rules(config_file: str | Path = "mkdocs.yml") -> ReleaseRules:
    """Read the ``pregon`` plugin options from ``config_file`` (MkDocs validates it; nothing is built)."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins["pregon"]
    options = plugin.config
    return ReleaseRules(
        dependencias=dict(options.dependencias),
        timezone=ZoneInfo(options.timezone),
        docs_dir=Path(config.docs_dir),
        root=Path(config.config_file_path).resolve().parent,
        releases_dir=options.releases_dir,
    )


def load_release(path: str | Path, rules: ReleaseRules) -> Release:
    """Read, validate and measure the release at ``path``.

    Returns a :class:`Release` (its ``warnings`` hold unknown fields); raises
    :class:`~pregon.plugins.problems.ReleaseError` with every problem found otherwise.
    """
    # abspath/normpath, not resolve(): no symlink walk per file (it dominated the load time).
    path = Path(os.path.abspath(path))
    source = read_source(path, rules.root)
    shown = source.shown
    warnings = _unknown_fields(source, shown)
    try:
        meta = FrontMatter.model_validate(source.meta, context={"tz": rules.timezone})
    except ValidationError as exc:
        raise ReleaseError([_translate(err, source, shown) for err in exc.errors()]) from None

    problems: list[Problem] = []

    def fail(field_name: str, message: str, loc: tuple[str | int, ...] | None = None) -> None:
        problems.append(
            Problem(
                shown,
                field_name,
                message,
                line_of(source.front_matter, loc or (field_name,)),
            )
        )

    if meta.dependencia not in rules.dependencias:
        choices = ", ".join(f"`{s}`" for s in rules.dependencias) or "(ninguna configurada)"
        fail(
            "dependencia",
            f"la dependencia `{meta.dependencia}` no existe: use una de {choices}",
        )
    if meta.id is not None and not _ID.match(meta.id):
        fail(
            "id",
            f"`id` «{meta.id}» no es válido: use solo minúsculas, números, `-`, `_` y `/`",
        )
    if meta.expires is not None and meta.expires <= meta.date:
        fail(
            "expires",
            "`expires` es anterior a `date`: el comunicado vencería antes de publicarse",
        )
    if meta.image is None and meta.video is None:
        fail(
            "image",
            "falta `image` (o `video`): todo comunicado necesita una imagen o un video con su descripción",
        )

    reader = MediaReader(path, Path(os.path.abspath(rules.docs_dir)), fail)
    main_image = reader.image(meta.image, meta.image_alt, "image", "image_alt", ("image",)) if meta.image else None
    gallery = tuple(
        m
        for i, g in enumerate(meta.gallery)
        if (
            m := reader.image(
                g.src,
                g.alt,
                f"gallery[{i}].src",
                f"gallery[{i}].alt",
                ("gallery", i, "src"),
            )
        )
    )
    video = reader.video(meta.video, meta.video_alt) if meta.video else None
    for ref in body_images(source.body):
        reader.local_file(ref, "body", ("body",))
    # Files read so far are the item's; an update's image belongs to that update's digest.
    item_media = list(reader.read)

    updates = []
    for i, (entry, raw) in enumerate(zip(meta.updates, source.meta.get("updates") or [], strict=False)):
        reader.read.clear()
        image = None
        if entry.image:
            loc = ("updates", i, "image")
            image = reader.image(
                entry.image,
                entry.image_alt,
                f"updates[{i}].image",
                f"updates[{i}].image_alt",
                loc,
            )
        digest_of_update = digest.update_digest(raw, reader.read)
        updates.append(
            Update(
                update_id(raw),
                entry.time,
                entry.text,
                digest_of_update,
                (image,) if image else (),
            )
        )
    if problems:
        raise ReleaseError(problems)

    src_uri = path.relative_to(reader.docs_dir).as_posix()
    return Release(
        id=meta.id or src_uri.rsplit(".", 1)[0],
        path=path,
        display_path=shown,
        src_uri=src_uri,
        meta=meta,
        body=source.body,
        digest=digest.item_digest(source.text, source.front_matter, item_media),
        image=main_image,
        gallery=gallery,
        video=video,
        updates=tuple(sorted(updates, key=lambda u: u.time, reverse=True)),
        warnings=tuple(warnings),
    )


def _unknown_fields(source: SourceFile, shown: str) -> list[Problem]:
    out = []
    for key in source.meta:
        if key in KNOWN_FIELDS:
            continue
        guess = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1)
        hint = f"¿quiso decir `{guess[0]}`?" if guess else "revise la ortografía o elimínelo"
        out.append(
            Problem(
                shown,
                str(key),
                f"campo desconocido `{key}`: {hint}",
                line_of(source.front_matter, (str(key),)),
            )
        )
    return out


def _field_name(loc: tuple[str | int, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _translate(err: Any, source: SourceFile, shown: str) -> Problem:
    """A pydantic error as a Spanish problem that says how to fix it."""
    loc = tuple(err["loc"])
    name = _field_name(loc)
    leaf = str(loc[-1]) if loc else ""
    kind = err["type"]
    if kind.startswith("pregon_"):
        message = err["msg"].replace(f"`{leaf}`", f"`{name}`", 1)
    elif kind == "missing":
        message = f"falta `{name}`: {_MISSING_HINTS.get(leaf, 'agréguelo al encabezado')}"
    elif kind in ("string_type",):
        message = f"`{name}` debe ser texto (si empieza con un símbolo, póngalo entre comillas)"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"`{name}` debe ser `true` o `false`"
    elif kind == "list_type":
        message = f"`{name}` debe ser una lista: un elemento por línea, cada uno empezando con `- `"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"`{name}` debe ser un grupo de campos `nombre: valor`"
    else:
        message = f"`{name}` no es válido ({err['msg']})"
    line = line_of(source.front_matter, loc) or (line_of(source.front_matter, loc[:-1]) if len(loc) > 1 else None)
    return Problem(shown, name, message, line)
