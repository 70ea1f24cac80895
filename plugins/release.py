"""The press release: schema, validation and loading, usable without running MkDocs.

Other tools (``pregon check``, ``pregon approve``) call::

    rules = load_rules("mkdocs.yml")            # -> ReleaseRules (dependencias, timezone, docs_dir)
    release = load_release(path, rules)         # -> Release, or raises ReleaseError(problems)

Every :class:`~pregon.plugins.problems.Problem` names the file, the field and, when it can, the
line, and says in Spanish how to fix it.
"""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from PIL import Image
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
from .problems import Problem, ReleaseError
from .source import (
    SourceFile,
    body_images,
    display_path,
    is_local_video,
    is_url,
    line_of,
    read_source,
)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
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
class Media:
    """A media file or embedded video. ``src`` is relative to docs_dir (None for YouTube)."""

    kind: str  # "image" | "video"
    alt: str
    src: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    youtube_id: str | None = None


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
        return tuple(
            m for m in (self.image, *self.gallery, self.video) if m is not None
        )


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
    shown = display_path(path, rules.root)
    warnings = _unknown_fields(source, shown)
    try:
        meta = FrontMatter.model_validate(source.meta, context={"tz": rules.timezone})
    except ValidationError as exc:
        raise ReleaseError(
            [_translate(err, source, shown) for err in exc.errors()]
        ) from None

    problems: list[Problem] = []

    def fail(
        field_name: str, message: str, loc: tuple[str | int, ...] | None = None
    ) -> None:
        problems.append(
            Problem(
                shown,
                field_name,
                message,
                line_of(source.front_matter, loc or (field_name,)),
            )
        )

    if meta.dependencia not in rules.dependencias:
        choices = (
            ", ".join(f"`{s}`" for s in rules.dependencias) or "(ninguna configurada)"
        )
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

    docs_dir = Path(os.path.abspath(rules.docs_dir))
    media_bytes: list[tuple[str, bytes]] = []

    def local_file(
        ref: str, field_name: str, loc: tuple[str | int, ...]
    ) -> tuple[str, bytes] | None:
        target = Path(os.path.normpath(path.parent / ref))
        try:
            src = target.relative_to(docs_dir).as_posix()
        except ValueError:
            fail(
                field_name,
                f"`{ref}` está fuera de la carpeta del sitio: guarde el archivo junto al comunicado",
                loc,
            )
            return None
        try:
            data = target.read_bytes()
        except OSError:
            fail(
                field_name,
                f"no se encuentra el archivo `{ref}` junto al comunicado: revise el nombre y la carpeta",
                loc,
            )
            return None
        media_bytes.append((ref, data))
        return src, data

    def image(
        ref: str,
        alt: str | None,
        field_name: str,
        alt_field: str,
        loc: tuple[str | int, ...],
    ) -> Media | None:
        if not alt:
            alt_loc = (*loc[:-1], alt_field.rsplit(".", 1)[-1])
            fail(
                alt_field,
                f"falta `{alt_field}` para la imagen `{ref}`: describa la imagen para personas que no pueden verla",
                alt_loc,
            )
        if is_url(ref):
            fail(
                field_name,
                f"`{ref}` es una dirección externa: guarde la imagen junto al comunicado y use su nombre",
                loc,
            )
            return None
        if not ref.lower().endswith(IMAGE_SUFFIXES):
            fail(
                field_name,
                f"`{ref}` no es una imagen: use un archivo JPG, PNG, WebP o GIF",
                loc,
            )
            return None
        found = local_file(ref, field_name, loc)
        if found is None:
            return None
        src, data = found
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                mime = Image.MIME.get(img.format or "", None)
        except (OSError, ValueError, Image.DecompressionBombError):
            fail(
                field_name,
                f"`{ref}` no es una imagen válida o está dañada: expórtela de nuevo",
                loc,
            )
            return None
        return Media(
            "image",
            alt or "",
            src=src,
            mime=mime,
            width=width,
            height=height,
            bytes=len(data),
        )

    main_image = (
        image(meta.image, meta.image_alt, "image", "image_alt", ("image",))
        if meta.image
        else None
    )
    gallery = tuple(
        m
        for i, g in enumerate(meta.gallery)
        if (
            m := image(
                g.src,
                g.alt,
                f"gallery[{i}].src",
                f"gallery[{i}].alt",
                ("gallery", i, "src"),
            )
        )
        is not None
    )
    video = _video(meta, fail, local_file) if meta.video else None
    for ref in body_images(source.body):
        local_file(ref, "body", ("body",))

    updates = []
    raw_updates = source.meta.get("updates") or []
    for i, (entry, raw) in enumerate(zip(meta.updates, raw_updates, strict=False)):
        before = len(media_bytes)
        media: tuple[Media, ...] = ()
        if entry.image:
            m = image(
                entry.image,
                entry.image_alt,
                f"updates[{i}].image",
                f"updates[{i}].image_alt",
                ("updates", i, "image"),
            )
            media = (m,) if m else ()
        update_media = media_bytes[before:]
        del media_bytes[
            before:
        ]  # an update's image belongs to the update digest, not the item's
        updates.append(
            Update(
                update_id(raw),
                entry.time,
                entry.text,
                digest.update_digest(raw, update_media),
                media,
            )
        )
    if problems:
        raise ReleaseError(problems)

    src_uri = path.relative_to(docs_dir).as_posix()
    return Release(
        id=meta.id or src_uri.rsplit(".", 1)[0],
        path=path,
        display_path=shown,
        src_uri=src_uri,
        meta=meta,
        body=source.body,
        digest=digest.item_digest(source.text, source.front_matter, media_bytes),
        image=main_image,
        gallery=gallery,
        video=video,
        updates=tuple(sorted(updates, key=lambda u: u.time, reverse=True)),
        warnings=tuple(warnings),
    )


def youtube_id(ref: str) -> str | None:
    """The YouTube video id in ``ref`` (a URL or a bare 11-character id), or None."""
    match = _YOUTUBE_URL.match(ref)
    if match:
        return match.group(1)
    return ref if _YOUTUBE_ID.match(ref) else None


def _video(meta: FrontMatter, fail: Any, local_file: Any) -> Media | None:
    ref = meta.video or ""
    if not meta.video_alt:
        fail(
            "video_alt",
            f"falta `video_alt` para el video `{ref}`: describa en una frase lo que muestra el video",
        )
    if is_local_video(ref):
        found = local_file(ref, "video", ("video",))
        if found is None:
            return None
        src, data = found
        mime = {"webm": "video/webm", "ogv": "video/ogg", "mov": "video/quicktime"}.get(
            ref.rsplit(".", 1)[-1].lower(), "video/mp4"
        )
        return Media("video", meta.video_alt or "", src=src, mime=mime, bytes=len(data))
    vid = youtube_id(ref)
    if vid is None:
        fail(
            "video",
            f"`video` «{ref}» no es un archivo de video (MP4, WebM) ni un enlace de YouTube",
        )
        return None
    return Media("video", meta.video_alt or "", youtube_id=vid)


def _unknown_fields(source: SourceFile, shown: str) -> list[Problem]:
    out = []
    for key in source.meta:
        if key in KNOWN_FIELDS:
            continue
        guess = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1)
        hint = (
            f"¿quiso decir `{guess[0]}`?"
            if guess
            else "revise la ortografía o elimínelo"
        )
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
        name += (
            f"[{part}]"
            if isinstance(part, int)
            else (f".{part}" if name else str(part))
        )
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
        message = (
            f"falta `{name}`: {_MISSING_HINTS.get(leaf, 'agréguelo al encabezado')}"
        )
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
    line = line_of(source.front_matter, loc) or (
        line_of(source.front_matter, loc[:-1]) if len(loc) > 1 else None
    )
    return Problem(shown, name, message, line)
