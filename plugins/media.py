"""The media a release points to: read once (for the digest), measured (for pages, feeds and the
manifest), and checked, with problems reported in Spanish through the caller's ``fail``."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .source import is_local_video, is_url
from .videoinfo import video_info

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
VIDEO_MIME = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "mov": "video/quicktime",
}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{11})"
)

Loc = tuple[str | int, ...]
Fail = Callable[[str, str, Loc], None]
"""Report a problem: (field as shown to editors, Spanish message, location in the front matter)."""


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
    duration: float | None = None
    """Seconds, for local videos whose container says it (see videoinfo.py)."""


def youtube_id(ref: str) -> str | None:
    """The YouTube video id in ``ref`` (a URL or a bare 11-character id), or None."""
    match = _YOUTUBE_URL.match(ref)
    if match:
        return match.group(1)
    return ref if _YOUTUBE_ID.match(ref) else None


class MediaReader:
    """Reads the local files of one release. ``read`` keeps (reference, bytes) in reading order,
    which is the order the digest hashes them in."""

    def __init__(self, release_path: Path, docs_dir: Path, fail: Fail):
        self.folder = release_path.parent
        self.docs_dir = docs_dir
        self.fail = fail
        self.read: list[tuple[str, bytes]] = []

    def local_file(self, ref: str, field: str, loc: Loc) -> tuple[str, bytes] | None:
        """(path under docs_dir, bytes) of a file next to the release, or None after a problem."""
        # normpath, not resolve(): no symlink walk per file (it dominated the load time).
        target = Path(os.path.normpath(self.folder / ref))
        try:
            src = target.relative_to(self.docs_dir).as_posix()
        except ValueError:
            self.fail(
                field,
                f"`{ref}` está fuera de la carpeta del sitio: guarde el archivo junto al comunicado",
                loc,
            )
            return None
        try:
            data = target.read_bytes()
        except OSError:
            self.fail(
                field,
                f"no se encuentra el archivo `{ref}` junto al comunicado: revise el nombre y la carpeta",
                loc,
            )
            return None
        self.read.append((ref, data))
        return src, data

    def image(self, ref: str, alt: str | None, field: str, alt_field: str, loc: Loc) -> Media | None:
        """A local image with its alternative text; ``alt_field`` names the alt key as editors see it."""
        if not alt:
            # Reported at the image's own line: that is where the missing alt text goes.
            self.fail(
                alt_field,
                f"falta `{alt_field}` para la imagen `{ref}`: describa la imagen para personas que no pueden verla",
                loc,
            )
        if is_url(ref):
            self.fail(
                field,
                f"`{ref}` es una dirección externa: guarde la imagen junto al comunicado y use su nombre",
                loc,
            )
            return None
        if not ref.lower().endswith(IMAGE_SUFFIXES):
            self.fail(
                field,
                f"`{ref}` no es una imagen: use un archivo JPG, PNG, WebP o GIF",
                loc,
            )
            return None
        found = self.local_file(ref, field, loc)
        if found is None:
            return None
        src, data = found
        try:
            with Image.open(io.BytesIO(data)) as img:  # reads the header only
                width, height = img.size
                mime = Image.MIME.get(img.format or "")
        except (OSError, ValueError, Image.DecompressionBombError):
            self.fail(
                field,
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

    def video(self, ref: str, alt: str | None) -> Media | None:
        """A local video file or a YouTube reference, with its description (``video_alt``)."""
        if not alt:
            self.fail(
                "video_alt",
                f"falta `video_alt` para el video `{ref}`: describa en una frase lo que muestra el video",
                ("video_alt",),
            )
        if is_local_video(ref):
            found = self.local_file(ref, "video", ("video",))
            if found is None:
                return None
            src, data = found
            mime = VIDEO_MIME.get(ref.rsplit(".", 1)[-1].lower(), "video/mp4")
            info = video_info(data)
            return Media(
                "video",
                alt or "",
                src=src,
                mime=mime,
                width=info.width,
                height=info.height,
                bytes=len(data),
                duration=info.duration,
            )
        vid = youtube_id(ref)
        if vid is None:
            self.fail(
                "video",
                f"`video` «{ref}» no es un archivo de video (MP4, WebM) ni un enlace de YouTube",
                ("video",),
            )
            return None
        return Media("video", alt or "", youtube_id=vid)
