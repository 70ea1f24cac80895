"""Frame size and duration of a local video, read from its container headers at build time.

Syndication needs them to know where a video belongs (a vertical video also goes out as an
Instagram or Facebook Reel and a YouTube Short; TikTok refuses videos longer than the account's
limit) without downloading the file again. hachoir reads only the headers (MP4/MOV ``moov``,
WebM/Matroska segment info), which costs milliseconds even for large files.

Phones often record landscape frames with a rotation in the track header (``tkhd`` matrix); the
size returned is the one viewers see, so such a video counts as vertical.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VideoInfo:
    width: int | None
    height: int | None
    duration: float | None
    """Seconds."""


UNKNOWN = VideoInfo(None, None, None)


def video_info(data: bytes) -> VideoInfo:
    """What the container says about ``data``; :data:`UNKNOWN` when it cannot be read."""
    # Imported here: most builds have no video, and hachoir is a tenth of a second to import.
    from hachoir.core import config as hachoir_config
    from hachoir.metadata import extractMetadata
    from hachoir.parser import guessParser
    from hachoir.stream import InputIOStream

    hachoir_config.quiet = True  # hachoir prints parser warnings to stderr; a build log is no place for them
    try:
        parser = guessParser(InputIOStream(io.BytesIO(data)))
        if parser is None:
            return UNKNOWN
        with parser:
            metadata = extractMetadata(parser)
            if metadata is None:
                return UNKNOWN
            found = _values(metadata)
            rotated = _quarter_turn(parser)
    except Exception:  # hachoir raises many kinds on damaged files; unknown is the answer
        return UNKNOWN
    width, height = found.get("width"), found.get("height")
    if rotated and width and height:
        width, height = height, width
    duration = found.get("duration")
    seconds = duration.total_seconds() if duration is not None else None
    return VideoInfo(int(width) if width else None, int(height) if height else None, seconds)


def _values(metadata: Any) -> dict[str, Any]:
    """width, height and duration from the metadata or its groups (Matroska keeps them per track)."""
    found: dict[str, Any] = {}
    groups = metadata.iterGroups() if hasattr(metadata, "iterGroups") else ()
    for source in (metadata, *groups):
        for key in ("width", "height", "duration"):
            if key not in found and source.has(key):
                found[key] = source.get(key)
    return found


def _quarter_turn(parser: Any) -> bool:
    """Whether the first video track of an MP4/MOV is displayed rotated by 90° or 270°."""
    try:
        atoms = parser.array("atom")
    except (KeyError, AttributeError, ValueError):
        return False
    for atom in atoms:
        if atom["tag"].value != "moov":
            continue
        for track in atom["movie"].array("atom"):
            if track["tag"].value != "trak":
                continue
            header = track["track"].array("atom")[0]
            if header["tag"].value != "tkhd":
                continue
            fields = header["track_hdr"]
            if fields["frame_size_width"].value and fields["frame_size_height"].value:
                # A quarter turn moves the matrix's scale terms to its rotation terms.
                return abs(fields["geom_a"].value) < 0.5 and abs(fields["geom_b"].value) > 0.5
    return False
