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
from dataclasses import dataclass, field, fields
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic_core import PydanticCustomError

from . import digest
from .localfiles import LocalFileError, SiteFolder
from .media import Media, MediaReader
from .moments import MomentError
from .moments import as_moment as parse_moment  # lifecycle and site read their dates the same way
from .problems import Loc, Problem, ReleaseError, clip, field_name
from .records import Record
from .source import SourceFile, item_references, read_source, update_id, update_references

__all__ = ["Media", "Release", "ReleaseRules", "Update", "load_release", "load_rules", "parse_moment", "update_id"]

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*")
_MAX_ID = 200
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_UPDATE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# Bidirectional controls make a line read differently from how it is stored ("Trojan Source").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_GENERATED_ROOTS = ("index", "404", "pregon", "assets", "dependencias", "buscar", "search", "sitemap", "pagefind")
"""First path segments the build generates (manifest, listings, search, theme assets)."""


# --- Field types --------------------------------------------------------------------------------


def _moment(value: Any, info: ValidationInfo) -> datetime:
    tz = (info.context or {}).get("tz", ZoneInfo("America/Bogota"))
    try:
        return parse_moment(value, tz)
    except (MomentError, TypeError) as exc:
        reason = f": {exc}" if isinstance(exc, MomentError) else ""
        raise PydanticCustomError(
            "pregon_date",
            "`{field}`: «{value}» no es una fecha válida{reason}; escríbala como AAAA-MM-DD HH:MM, "
            "por ejemplo 2026-03-10 09:30",
            {"field": info.field_name, "value": clip(value), "reason": reason},
        ) from None


def _one_line(value: str, info: ValidationInfo) -> str:
    """Titles, names, alt texts and keys go into headers, feeds and logs: one line, as it reads."""
    if "\n" in value:
        raise PydanticCustomError(
            "pregon_one_line",
            "`{field}` tiene un salto de línea: escríbalo en una sola línea",
            {"field": info.field_name},
        )
    if "\t" in value:
        raise PydanticCustomError(
            "pregon_one_line", "`{field}` tiene un tabulador: cámbielo por un espacio", {"field": info.field_name}
        )
    bidi = _BIDI.search(value)
    if bidi:
        raise PydanticCustomError(
            "pregon_one_line",
            "`{field}` tiene un carácter que invierte la dirección del texto (U+{code}): bórrelo",
            {"field": info.field_name, "code": f"{ord(bidi.group()):04X}"},
        )
    return value


def _not_blank(value: str, info: ValidationInfo) -> str:
    if not value:
        raise PydanticCustomError(
            "pregon_blank", "`{field}` está vacío: escríbalo o bórrelo", {"field": info.field_name}
        )
    return value


def _slug(value: str, info: ValidationInfo) -> str:
    if not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "pregon_slug",
            "`{field}`: «{value}» no es un nombre válido: use minúsculas, números, `-` y `_` (como en mkdocs.yml)",
            {"field": info.field_name, "value": clip(value)},
        )
    return value


def _unit(value: float, info: ValidationInfo) -> float:
    if not 0 <= value <= 1:
        raise PydanticCustomError(
            "pregon_unit",
            "`{field}` debe ser un número entre 0 y 1 (0 = borde izquierdo o superior, 1 = el opuesto)",
            {"field": info.field_name},
        )
    return value


Moment = Annotated[datetime, BeforeValidator(_moment)]
OneLine = Annotated[str, AfterValidator(_one_line)]
Text = Annotated[OneLine, AfterValidator(_not_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
Unit = Annotated[float, AfterValidator(_unit)]


# --- Schema -------------------------------------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class GalleryImage(_Part):
    src: Text
    alt: OneLine = ""


class FocalPoint(_Part):
    """The point of the main image that crops keep in view, as fractions of width and height."""

    model_config = ConfigDict(extra="forbid")
    x: Unit
    y: Unit


class LiveUpdate(_Part):
    """One entry of ``updates`` (live coverage): ``time``, ``text``, optional ``image`` + ``image_alt``."""

    id: str | None = None
    time: Moment
    text: str
    image: Text | None = None
    image_alt: OneLine | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not _UPDATE_ID.fullmatch(value):
            raise PydanticCustomError(
                "pregon_slug",
                "`{field}`: «{value}» no es un id válido: use letras sin tilde, números, `-` y `_` (hasta 64)",
                {"field": info.field_name, "value": clip(value)},
            )
        return value

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str, info: ValidationInfo) -> str:
        return _not_blank(value, info)


@pydantic_dataclass(kw_only=True, slots=True, config=_Part.model_config)
class FrontMatter:
    """The fields an editor writes at the top of a release (documented in docs/comunicados.md).

    A slotted dataclass, not a model: a build keeps one per release for its whole length, and a
    model's attribute table and set of given fields cost about 3 KB each (60 MB at 20,000)."""

    id: str | None = None
    title: Text
    date: Moment
    summary: str
    dependencia: Text
    tags: list[Text] = Field(default_factory=list)
    image: Text | None = None
    image_alt: OneLine | None = None
    focal_point: FocalPoint | None = None
    gallery: list[GalleryImage] = Field(default_factory=list)
    video: Text | None = None
    video_alt: OneLine | None = None
    author: OneLine | None = None
    draft: bool = False
    expires: Moment | None = None
    featured: bool = False
    featured_until: Moment | None = None
    social: dict[Slug, str] = Field(default_factory=dict)
    press_lists: list[Slug] = Field(default_factory=list)
    accounts: list[Slug] | None = None
    """Accounts (channel keys of mkdocs.yml) this release goes to; absent means every account."""
    live: bool = False
    updates: list[LiveUpdate] = Field(default_factory=list)
    # MkDocs/Material page options, passed through to the page
    hide: list[str] = Field(default_factory=list)
    search: dict[str, Any] = Field(default_factory=dict)

    @field_validator("summary")
    @classmethod
    def _has_summary(cls, value: str, info: ValidationInfo) -> str:
        return _not_blank(value, info)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Unpickled tens of thousands of times per warm build: values put back as they were
        # validated, without validating again (pydantic's __init__) or walking dataclasses.fields().
        return _restore_front_matter, tuple([getattr(self, name) for name in _FRONT_MATTER_FIELDS])


_FRONT_MATTER_FIELDS = tuple(f.name for f in fields(FrontMatter))
_FRONT_MATTER = TypeAdapter(FrontMatter)


def _restore_front_matter(*values: Any) -> FrontMatter:
    meta = object.__new__(FrontMatter)
    for name, value in zip(_FRONT_MATTER_FIELDS, values, strict=True):
        object.__setattr__(meta, name, value)
    return meta


KNOWN_FIELDS = frozenset(_FRONT_MATTER_FIELDS)

_MISSING_HINTS = {
    "title": "escriba el titular del comunicado",
    "date": "indique la fecha y hora de publicación, por ejemplo `date: 2026-03-10 09:30`",
    "summary": "escriba un resumen de una o dos frases",
    "dependencia": "indique la dependencia que emite el comunicado",
    "time": "indique la hora de la actualización, por ejemplo `time: 2026-03-10 11:45`",
    "text": "escriba el texto de la actualización",
    "src": "indique el archivo de la imagen",
    "x": "indique la posición horizontal, de 0 a 1",
    "y": "indique la posición vertical, de 0 a 1",
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


@dataclass(frozen=True, slots=True)
class Update(Record):
    id: str
    time: datetime
    text: str
    digest: str
    media: tuple[Media, ...] = ()


@dataclass(frozen=True, slots=True)
class Release(Record):
    """A validated press release with everything pages, feeds and the manifest need."""

    id: str
    path: str  # absolute; a string, since tens of thousands are unpickled from the cache per build
    display_path: str
    src_uri: str  # relative to docs_dir, posix
    meta: FrontMatter
    body: str
    body_line: int  # 1-based line of the file where ``body`` starts (for messages about the body)
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


def load_rules(config_file: str | Path = "mkdocs.yml") -> ReleaseRules:
    """Read the ``pregon`` plugin options from ``config_file`` (MkDocs validates it; nothing is built)."""
    from mkdocs.config import load_config

    return rules_from(load_config(str(config_file)))


def rules_from(config: Any) -> ReleaseRules:
    """The release rules of a loaded MkDocs configuration; ``KeyError`` if it does not enable the
    ``pregon`` plugin; zoneinfo's ``KeyError``, ``ValueError`` or ``OSError`` for a time zone it
    cannot use."""
    options = config.plugins["pregon"].config
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
    return release_from_source(read_source(Path(os.path.abspath(path)), rules.root), rules)


def release_from_source(source: SourceFile, rules: ReleaseRules) -> Release:
    """:func:`load_release` for a file already read with :func:`~pregon.plugins.source.read_source`."""
    shown = source.shown
    try:
        src_uri = SiteFolder(rules.docs_dir).relative(source.path)
    except LocalFileError as exc:
        raise ReleaseError([Problem(shown, None, f"el comunicado {exc}")]) from None
    warnings = _unknown_fields(source)
    try:
        meta = _FRONT_MATTER.validate_python(source.meta, context={"tz": rules.timezone})
    except ValidationError as exc:
        raise ReleaseError([_translate(err, source) for err in exc.errors()]) from None

    problems: list[Problem] = []

    def fail(field_name: str, message: str, loc: Loc | None = None) -> None:
        problems.append(Problem(shown, field_name, message, source.line(loc or (field_name,))))

    release_id = meta.id or src_uri.rsplit(".", 1)[0]
    id_problem = _id_problem(release_id, explicit=meta.id is not None, releases_dir=rules.releases_dir)
    if id_problem:
        fail("id", id_problem)
    if meta.dependencia not in rules.dependencias:
        choices = ", ".join(f"`{s}`" for s in rules.dependencias) or "(ninguna configurada)"
        fail("dependencia", f"la dependencia `{meta.dependencia}` no existe: use una de {choices}")
    if meta.expires is not None and meta.expires <= meta.date:
        fail("expires", "`expires` es anterior a `date`: el comunicado vencería antes de publicarse")
    if meta.image is None and meta.video is None:
        fail(
            "image",
            "falta `image` (o `video`): todo comunicado necesita una imagen o un video con su descripción",
        )
    if meta.accounts is not None and len(set(meta.accounts)) != len(meta.accounts):
        fail("accounts", "`accounts` repite una cuenta: nómbrela una sola vez")
    if meta.focal_point is not None and meta.image is None:
        fail("focal_point", "`focal_point` necesita `image`: indica qué parte de la imagen principal se conserva")
    try:
        raw_updates = digest.live_updates(source)
    except ReleaseError as exc:
        problems.extend(exc.problems)
        raw_updates = []

    reader = MediaReader(source.path, Path(os.path.abspath(rules.docs_dir)), fail)
    main_image, gallery, video = _item_media(source, meta, reader)
    item_files = list(reader.hashed)  # an update's image belongs to that update's digest

    updates = []
    for i, (entry, raw) in enumerate(zip(meta.updates, raw_updates, strict=False)):
        reader.hashed = []
        image = None
        refs = update_references(raw, i)
        if refs:
            image = reader.image(refs[0], entry.image_alt, f"updates[{i}].image_alt")
        elif entry.image:
            reader.external_image(entry.image, f"updates[{i}].image", ("updates", i, "image"))
        updates.append(
            Update(
                update_id(raw),
                entry.time,
                entry.text,
                digest.update_digest(raw, reader.hashed),
                (image,) if image else (),
            )
        )
    if problems:
        raise ReleaseError(problems)

    return Release(
        id=release_id,
        path=str(source.path),
        display_path=shown,
        src_uri=src_uri,
        meta=meta,
        body=source.body,
        body_line=source.body_line,
        digest=digest.item_digest(source.meta, source.body, item_files),
        image=main_image,
        gallery=gallery,
        video=video,
        updates=tuple(sorted(updates, key=lambda u: u.time, reverse=True)),
        warnings=tuple(warnings),
    )


def _item_media(
    source: SourceFile, meta: FrontMatter, reader: MediaReader
) -> tuple[Media | None, tuple[Media, ...], Media | None]:
    """Main image, gallery and video, read in digest order (``item_references``), body images last."""
    main_image: Media | None = None
    gallery: list[Media] = []
    video: Media | None = None
    local_video = False
    if meta.image:
        reader.external_image(meta.image, "image", ("image",))
    for i, g in enumerate(meta.gallery):
        reader.external_image(g.src, f"gallery[{i}].src", ("gallery", i, "src"))
    for ref in item_references(source):
        if ref.role == "image":
            main_image = reader.image(ref, meta.image_alt, "image_alt")
        elif ref.role == "gallery":
            index = int(ref.loc[1])
            found = reader.image(ref, meta.gallery[index].alt, f"gallery[{index}].alt")
            if found is not None:
                gallery.append(found)
        elif ref.role == "video":
            local_video = True
            video = reader.video(ref, ref.ref, meta.video_alt)
        else:
            reader.file(ref)
    if meta.video and not local_video:
        video = reader.video(None, meta.video, meta.video_alt)
    return main_image, tuple(gallery), video


def _id_problem(release_id: str, *, explicit: bool, releases_dir: str) -> str | None:
    """Why ``release_id`` cannot name a release (slug characters, no clash with generated paths)."""
    if not _ID.fullmatch(release_id) or len(release_id) > _MAX_ID:
        if explicit:
            return (
                f"`id` «{release_id}» no es válido: use minúsculas sin tilde, números, `-`, `_` y `/` "
                f"entre partes (hasta {_MAX_ID} caracteres)"
            )
        return (
            f"el nombre del archivo da el id «{release_id}», que no es válido: renombre el archivo con "
            "minúsculas sin tilde, números, `-` y `_`, o escriba un `id:`"
        )
    parts = release_id.split("/")
    base = releases_dir.strip("/").split("/")
    listing = parts[: len(base)] == base and (
        len(parts) == len(base)
        or parts[len(base)] in ("archivo", "pagina")
        or (len(parts) <= len(base) + 2 and all(p.isdigit() for p in parts[len(base) :]))
    )
    if parts[0] in _GENERATED_ROOTS or parts[-1] == "index" or listing:
        return (
            f"el id «{release_id}» coincide con una página que genera el portal (portada, listados, "
            "manifiesto, búsqueda): elija otro `id`"
        )
    return None


def _unknown_fields(source: SourceFile) -> list[Problem]:
    out = []
    for key in source.meta:
        if key in KNOWN_FIELDS:
            continue
        guess = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1)
        hint = f"¿quiso decir `{guess[0]}`?" if guess else "revise la ortografía o elimínelo"
        out.append(Problem(source.shown, str(key), f"campo desconocido `{key}`: {hint}", source.line((str(key),))))
    return out


def _translate(err: Any, source: SourceFile) -> Problem:
    """A pydantic error as a Spanish problem that says how to fix it."""
    loc = tuple(part for part in err["loc"] if part != "[key]")
    name = field_name(loc)
    leaf = str(loc[-1]) if loc else ""
    kind = err["type"]
    if kind.startswith("pregon_"):
        message = re.sub(r"^`[^`]*`", lambda _: f"`{name}`", err["msg"], count=1)
    elif kind == "missing":
        message = f"falta `{name}`: {_MISSING_HINTS.get(leaf, 'agréguelo al encabezado')}"
    elif kind in ("string_type",):
        message = f"`{name}` debe ser texto (si empieza con un símbolo, póngalo entre comillas)"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"`{name}` debe ser `true` o `false`"
    elif kind in ("float_type", "float_parsing", "finite_number"):
        message = f"`{name}` debe ser un número, por ejemplo 0.5"
    elif kind == "list_type":
        message = f"`{name}` debe ser una lista: un elemento por línea, cada uno empezando con `- `"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"`{name}` debe ser un grupo de campos `nombre: valor`"
    elif kind == "extra_forbidden":
        message = f"campo desconocido `{name}`: bórrelo"
    else:
        message = f"`{name}` no es válido ({err['msg']})"
    return Problem(source.shown, name, message, source.line(loc))
