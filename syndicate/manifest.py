"""The publication manifest: the only contract between the portal build and syndication.

The build (``plugins/``) writes it to ``/pregon/manifest.json`` on the site; ``pregon syndicate``
reads it **from the live site** and never from local files. This module is the reader's side: it
validates what it fetched and gives syndication typed, frozen values. The format is documented in
the README ("Manifiesto de publicación") and versioned by ``version``; a reader refuses a version it
does not know rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from pregon.json_input import loads as json_loads
from pregon.safe_text import KEY, first_invisible

from .validation_es import EXPECTED

MANIFEST_PATH = "pregon/manifest.json"
"""Where the manifest lives, relative to the site root."""

SUPPORTED_VERSION = 1

DIGEST_META = "pregon:digest"
"""Name of the ``<meta>`` tag that carries an item's digest on its live page."""

ID_META = "pregon:id"
"""Name of the ``<meta>`` tag that carries an item's stable id on its live page."""


def _visible(value: Any) -> Any:
    """Refuse a text carrying a character no Pregón build writes (terminal escapes, NUL…)."""
    found = first_invisible(value)
    if found is None:
        return value
    path, char = found
    where = ""
    if path:
        step = path[-1]
        if isinstance(step, int):
            where = f" en el elemento {step + 1}"
        elif step is KEY:
            where = " en un nombre"
        else:
            where = f" en «{step[:40]}»" if isinstance(step, str) and step.isprintable() else " en un valor"
    raise PydanticCustomError(
        "pregon_invisible",
        "contiene un carácter invisible (U+{code}){where}",
        {"code": f"{ord(char):04X}", "where": where},
    )


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_invisible(cls, value: Any) -> Any:
        return _visible(value)


class Crop(_Frozen):
    """A crop of an image made by the build for the networks (``plugins/derivatives.py``)."""

    ratio: str = Field(description="'1.91:1' (link card), '1:1', '4:5' or '9:16'.")
    url: str = Field(description="Absolute URL of the crop on the live site.")
    width: int
    height: int
    mime: str = "image/jpeg"


class Media(_Frozen):
    """An image or video of a release, already published on the portal."""

    kind: Literal["image", "video"]
    url: str = Field(description="Absolute URL on the live site (or the video page for YouTube).")
    alt: str = Field("", description="Alternative text; required for images.")
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = Field(None, description="File size in bytes, when the file is local.")
    youtube_id: str | None = Field(None, description="Set when the video is an existing YouTube video.")
    duration: float | None = Field(None, description="Seconds, for a video file whose container says it.")
    crops: tuple[Crop, ...] = Field(
        (), description="The image's crops for the networks; empty in manifests older than crops, and for videos."
    )

    @property
    def vertical(self) -> bool:
        """Taller than wide, as viewers see it (known only when the manifest has the frame size)."""
        return bool(self.width and self.height and self.height > self.width)


class Dependencia(_Frozen):
    slug: str
    name: str


class Source(_Frozen):
    path: str = Field(description="Path of the source file in the repository, e.g. content/prensa/…")
    commit: str | None = Field(None, description="Git commit that last changed the source, if known.")


class Update(_Frozen):
    """A timestamped update of a live-covered release (``live: true``)."""

    id: str = Field(description="Stable id of the update, unique within the item.")
    time: datetime
    text: str
    digest: str
    url: str = Field(description="Absolute URL of the update (the release page with an anchor).")
    media: tuple[Media, ...] = ()


class Item(_Frozen):
    """One live press release as the build saw it."""

    id: str = Field(description="Stable id: survives edits of title, date and body.")
    url: str = Field(description="Canonical absolute URL of the release page.")
    digest: str = Field(description="'sha256:<hex>' of the approved source and its media files.")
    title: str
    summary: str
    date: datetime = Field(description="Publication moment (timezone-aware).")
    updated: datetime | None = None
    expires: datetime | None = None
    dependencia: Dependencia
    tags: tuple[str, ...] = ()
    featured: bool = False
    media: tuple[Media, ...] = Field((), description="Main image first, then gallery, then video.")
    social: dict[str, str] = Field(default_factory=dict, description="Per-network text overrides.")
    press_lists: tuple[str, ...] = ()
    accounts: tuple[str, ...] = Field(
        (), description="Account keys the release goes to; empty = each account's own selection."
    )
    source: Source
    live: bool = False
    updates: tuple[Update, ...] = ()

    @property
    def images(self) -> tuple[Media, ...]:
        return tuple(m for m in self.media if m.kind == "image")

    @property
    def video_file(self) -> Media | None:
        """The release's own video published on the portal (not an embedded YouTube video)."""
        return next((m for m in self.media if m.kind == "video" and not m.youtube_id), None)


class PressContact(_Frozen):
    """Who answers journalists (``entity.press_contact`` in mkdocs.yml)."""

    name: str = ""
    phone: str = ""
    email: str = ""


class Entity(_Frozen):
    """The public entity that publishes the portal (``entity`` in mkdocs.yml)."""

    name: str
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    press_contact: PressContact | None = None


class Feeds(_Frozen):
    rss: str
    atom: str
    json_feed: str = Field(alias="json")


class Manifest(_Frozen):
    format: Literal["pregon-manifest"]
    version: int
    generated_at: datetime
    site_url: str
    feeds: Feeds
    entity: Entity | None = Field(None, description="Absent in manifests written before it existed.")
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


class ManifestError(ValueError):
    """The manifest could not be read or is not a version this reader knows."""


def parse_manifest(raw: bytes | str) -> Manifest:
    """Validate a manifest document; raise :class:`ManifestError` with a readable message."""

    try:
        data = json_loads(raw)
    except ValueError as exc:
        raise ManifestError(f"el manifiesto no es JSON válido: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != "pregon-manifest":
        raise ManifestError("el documento no es un manifiesto de Pregón (falta format: pregon-manifest)")
    if data.get("version") != SUPPORTED_VERSION:
        raise ManifestError(
            f"versión de manifiesto {data.get('version')!r} no soportada; "
            f"esta versión de Pregón lee la versión {SUPPORTED_VERSION}"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(describe_errors(exc, data)) from None


_SHOWN_ERRORS = 10


def _place(loc: Sequence[Any], data: Mapping[str, Any]) -> str:
    """``items[3] («vacunacion-2026») → media[0] → alt``: where the error is, by item id when known."""
    parts: list[str] = []
    for depth, part in enumerate(loc):
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
            if depth == 1 and loc[0] == "items":
                items = data.get("items")
                item = items[part] if isinstance(items, list) and part < len(items) else None
                item_id = item.get("id") if isinstance(item, dict) else None
                if isinstance(item_id, str) and item_id.isprintable():
                    parts[-1] += f" («{item_id[:80]}»)"
        elif isinstance(part, str) and part.isprintable():
            parts.append(part[:40])
        else:
            parts.append("(un nombre ilegible)")
    return " → ".join(parts) or "documento"


def describe_errors(exc: ValidationError, data: Mapping[str, Any]) -> str:
    """One Spanish line naming each wrong field; never the value itself (it may be anything)."""
    errors = exc.errors()
    problems = []
    for error in errors[:_SHOWN_ERRORS]:
        kind = str(error.get("type", ""))
        message = error["msg"] if kind.startswith("pregon_") else EXPECTED.get(kind, "valor no válido")
        problems.append(f"{_place(error.get('loc', ()), data)}: {message}")
    if len(errors) > _SHOWN_ERRORS:
        problems.append(f"y {len(errors) - _SHOWN_ERRORS} errores más")
    return "manifiesto inválido: " + "; ".join(problems)
