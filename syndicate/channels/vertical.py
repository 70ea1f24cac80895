"""Which release video fits a network's short vertical format (Reels, Shorts), and why not.

The manifest carries a local video's frame size as viewers see it and its duration (read from the
file's headers at build time). A video qualifies when it is published on the portal (not an
embedded YouTube video), taller than wide (or square, where the network allows it) and within the
network's duration and size limits. The answer says why a video does not qualify, so the preview
can tell the office why a release went out the usual way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..manifest import Item, Media


@dataclass(frozen=True)
class ShortFormat:
    """One network's short vertical video format."""

    label: str
    """Spanish name shown in messages, e.g. "Reels de Facebook"."""
    min_seconds: float
    max_seconds: float
    max_bytes: int | None = None
    square_ok: bool = False


INSTAGRAM_REEL = ShortFormat("Reels de Instagram", 3, 15 * 60, max_bytes=300 * 1024 * 1024)
FACEBOOK_REEL = ShortFormat("Reels de Facebook", 3, 90)
YOUTUBE_SHORT = ShortFormat("Shorts de YouTube", 1, 180, square_ok=True)


@dataclass(frozen=True)
class Fit:
    video: Media | None
    """The video to post in the short format, or None."""
    reason: str | None = None
    """Why the release's video does not fit (None when there is no video at all)."""


def short_video(item: Item, fmt: ShortFormat) -> Fit:
    video = item.video_file
    if video is None:
        return Fit(None)
    if not (video.width and video.height):
        return Fit(None, "el manifiesto no dice las dimensiones del video")
    upright = video.height > video.width or (fmt.square_ok and video.height == video.width)
    if not upright:
        return Fit(None, f"el video es horizontal ({video.width}×{video.height})")
    if video.duration is None:
        return Fit(None, "el manifiesto no dice la duración del video")
    if not fmt.min_seconds <= video.duration <= fmt.max_seconds:
        return Fit(
            None,
            f"el video dura {video.duration:.0f} s y los {fmt.label} van de "
            f"{fmt.min_seconds:g} a {fmt.max_seconds:g} s",
        )
    if fmt.max_bytes and video.bytes and video.bytes > fmt.max_bytes:
        return Fit(None, f"el video pesa más de {fmt.max_bytes // (1024 * 1024)} MB, el máximo de los {fmt.label}")
    return Fit(video)
