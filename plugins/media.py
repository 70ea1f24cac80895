"""The media a release points to: read once (for the digest), measured (for pages, feeds and the
manifest), and checked, with problems reported in Spanish through the caller's ``fail``."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .localfiles import LocalFile, LocalFileError, SiteFolder, read_local
from .problems import Loc, clip
from .records import Record
from .source import Reference, is_local_video, is_url
from .videoinfo import video_info

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
VIDEO_MIME = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "mov": "video/quicktime",
}
MAX_IMAGE_BYTES = 50 * 1024 * 1024
"""Three times the largest image any network takes (Mastodon, 16 MB): bigger is a mistake."""
MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
"""Hashed in chunks, never held in memory; YouTube takes more, but a press video is far smaller."""
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{11})"
)

Fail = Callable[[str, str, Loc], None]
"""Report a problem: (field as shown to editors, Spanish message, location in the front matter)."""


@dataclass(frozen=True, slots=True)
class Media(Record):
    """A media file or embedded video. ``src`` is relative to docs_dir (None for YouTube)."""

    kind: str  # "image" | "video"
    alt: str
    src: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    youtube_id: str | None = None
    duration: float | None = None
    """Seconds, for local videos whose container says it (see videoinfo.py)."""


def youtube_id(ref: str) -> str | None:
    """The YouTube video id in ``ref`` (a URL or a bare 11-character id), or None."""
    match = _YOUTUBE_URL.match(ref)
    if match:
        return match.group(1)
    return ref if _YOUTUBE_ID.match(ref) else None


def _quoted(ref: Reference) -> str:
    """The reference as a message quotes it: a path, or at most its first 120 characters."""
    return clip(ref.ref, 120)


class MediaReader:
    """Reads the local files of one release. ``hashed`` keeps (reference, file) in reading order,
    which is the order the digest hashes them in. Without ``docs_dir`` (a digest computed outside a
    site) paths are not checked against the site folder, but symlinks and non-files still are."""

    def __init__(self, release_path: Path, docs_dir: Path | None, fail: Fail):
        self.folder = release_path.parent
        self.site = SiteFolder(docs_dir) if docs_dir is not None else None
        self.fail = fail
        self.hashed: list[tuple[Reference, LocalFile]] = []

    def file(self, ref: Reference, *, keep: bool = False) -> tuple[str, LocalFile] | None:
        """(path under docs_dir, file) of a file next to the release, or None after a problem."""
        target = self.folder / ref.ref
        limit = MAX_VIDEO_BYTES if ref.role == "video" else MAX_IMAGE_BYTES
        try:
            src = self.site.relative(target) if self.site is not None else ref.ref
            found = read_local(target, limit, keep=keep)
        except LocalFileError as exc:
            if exc.missing:
                message = (
                    f"no se encuentra el archivo `{_quoted(ref)}` junto al comunicado: revise el nombre y la carpeta"
                )
            else:
                message = f"el archivo `{_quoted(ref)}` {exc}"
            self.fail(ref.field, message, ref.loc)
            return None
        self.hashed.append((ref, found))
        return src, found

    def image(self, ref: Reference, alt: str | None, alt_field: str) -> Media | None:
        """A local image with its alternative text; ``alt_field`` names the alt key as editors see it."""
        if not alt:
            # Reported at the image's own line: that is where the missing alt text goes.
            self.fail(
                alt_field,
                f"falta `{alt_field}` para la imagen `{_quoted(ref)}`: describa la imagen para personas que no pueden verla",
                ref.loc,
            )
        if not ref.ref.lower().endswith(IMAGE_SUFFIXES):
            self.fail(ref.field, f"`{_quoted(ref)}` no es una imagen: use un archivo JPG, PNG, WebP o GIF", ref.loc)
            return None
        found = self.file(ref, keep=True)
        if found is None:
            return None
        src, data = found
        try:
            with Image.open(io.BytesIO(data.data or b"")) as img:  # reads the header only
                width, height = img.size
                mime = Image.MIME.get(img.format or "")
        except Exception:  # Pillow's format plugins raise many types on a hostile header
            self.fail(ref.field, f"`{_quoted(ref)}` no es una imagen válida o está dañada: expórtela de nuevo", ref.loc)
            return None
        return Media("image", alt or "", src=src, mime=mime, width=width, height=height, bytes=data.size)

    def external_image(self, value: str, field: str, loc: Loc) -> None:
        """An image given as a URL: refused, the portal publishes its own copy."""
        if is_url(value):
            self.fail(
                field, f"`{value}` es una dirección externa: guarde la imagen junto al comunicado y use su nombre", loc
            )

    def video(self, ref: Reference | None, value: str, alt: str | None) -> Media | None:
        """A local video file (``ref``) or a YouTube reference (``value``), with its ``video_alt``."""
        if not alt:
            self.fail(
                "video_alt",
                f"falta `video_alt` para el video `{value}`: describa en una frase lo que muestra el video",
                ("video_alt",),
            )
        if ref is not None and is_local_video(value):
            found = self.file(ref, keep=True)  # the header reader (videoinfo) takes bytes
            if found is None:
                return None
            src, data = found
            mime = VIDEO_MIME.get(value.rsplit(".", 1)[-1].lower(), "video/mp4")
            info = video_info(data.data or b"")
            return Media(
                "video",
                alt or "",
                src=src,
                mime=mime,
                width=info.width,
                height=info.height,
                bytes=data.size,
                duration=info.duration,
            )
        vid = youtube_id(value)
        if vid is None:
            self.fail(
                "video", f"`video` «{value}» no es un archivo de video (MP4, WebM) ni un enlace de YouTube", ("video",)
            )
            return None
        return Media("video", alt or "", youtube_id=vid)
