"""Images against each configured network's limits (networks.md §1–§8).

Decision (documented in the README): when Pregón's syndication can make a fitting copy by itself
(``pregon.syndicate.media.fit_image`` re-encodes to JPEG and shrinks, never upscales), a file
that is too heavy or in the wrong format for a network is a **warning**: the post will carry a
derived copy, and the reviewer should know. What no automatic copy can fix is an **error**: an
aspect ratio a network refuses (cropping is an editorial decision), or an image too small to be
shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pregon.plugins.release import Media

from .findings import ReleaseReport

RULE = "imagenes"

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
_FORMAT_NAMES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WebP"}


@dataclass(frozen=True)
class ImageLimits:
    """What one network accepts for a post image."""

    max_bytes: int | None
    formats: tuple[str, ...]
    min_ratio: float | None = None
    """Narrowest width/height accepted (e.g. 4:5 = 0.8)."""
    max_ratio: float | None = None
    max_pixels: int | None = None
    source: str = ""


LIMITS: dict[str, ImageLimits] = {
    "bluesky": ImageLimits(1_000_000, (JPEG, PNG, WEBP, GIF), source="app.bsky.embed.images: 1.000.000 B por imagen"),
    "x": ImageLimits(5 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="X media upload: 5 MB, JPG/PNG/GIF/WEBP"),
    "instagram": ImageLimits(
        8 * 1024 * 1024, (JPEG,), min_ratio=4 / 5, max_ratio=1.91, source="Instagram: 8 MB, JPEG, proporción 4:5 a 1,91:1"
    ),
    "mastodon": ImageLimits(16 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="Mastodon: 16 MB por imagen (valor por defecto)"),
    "telegram": ImageLimits(
        10 * 1024 * 1024, (JPEG, PNG, WEBP, GIF), max_ratio=20, min_ratio=1 / 20, source="Telegram sendPhoto: 10 MB, proporción hasta 20:1"
    ),
    "threads": ImageLimits(8 * 1024 * 1024, (JPEG, PNG), source="Threads: 8 MB, JPEG o PNG"),
    "linkedin": ImageLimits(None, (JPEG, PNG, GIF), max_pixels=36_152_320, source="LinkedIn Images API: JPG/PNG/GIF, hasta 36.152.320 píxeles"),
    "facebook": ImageLimits(4 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="Facebook Pages: fotos de hasta 4 MB"),
}

MIN_SIDE = 200
"""Below this, no network shows a large preview (Facebook's absolute minimum is 200×200)."""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{n:,} B".replace(",", ".")


def check(report: ReleaseReport, images: Iterable[tuple[str, Media, int | None]], channels: Iterable[str]) -> None:
    """Check each (field, image, line) against the limits of each configured channel."""
    networks = [c for c in channels if c in LIMITS]
    for field_name, image, line in images:
        if image.kind != "image":
            continue
        name = (image.src or "").rsplit("/", 1)[-1]
        if image.width and image.height and min(image.width, image.height) < MIN_SIDE:
            report.error(
                RULE,
                f"`{field_name}`: la imagen `{name}` mide {image.width}×{image.height} px; "
                f"ninguna red la mostrará bien: use una de al menos {MIN_SIDE} px por lado (ideal 1200×630)",
                line,
            )
        for network in networks:
            limits = LIMITS[network]
            if image.width and image.height:
                ratio = image.width / image.height
                if (limits.min_ratio and ratio < limits.min_ratio - 0.005) or (limits.max_ratio and ratio > limits.max_ratio + 0.005):
                    report.error(
                        RULE,
                        f"`{field_name}`: {network} no acepta la proporción de `{name}` "
                        f"({image.width}×{image.height}); límite: {limits.source}. Recórtela o elija otra imagen",
                        line,
                    )
                if limits.max_pixels and image.width * image.height > limits.max_pixels:
                    report.warning(
                        RULE,
                        f"`{field_name}`: `{name}` tiene {image.width * image.height:,} píxeles y {network} acepta hasta "
                        f"{limits.max_pixels:,}; Pregón enviará una copia reducida".replace(",", "."),
                        line,
                    )
            if limits.max_bytes and image.bytes and image.bytes > limits.max_bytes:
                report.warning(
                    RULE,
                    f"`{field_name}`: `{name}` pesa {_size(image.bytes)} y {network} acepta hasta "
                    f"{_size(limits.max_bytes)} ({limits.source}); Pregón enviará una copia reducida en JPEG",
                    line,
                )
            if image.mime and image.mime not in limits.formats:
                accepted = ", ".join(_FORMAT_NAMES[f] for f in limits.formats)
                report.warning(
                    RULE,
                    f"`{field_name}`: `{name}` es {_FORMAT_NAMES.get(image.mime, image.mime)} y {network} acepta {accepted}; "
                    "Pregón enviará una copia convertida a JPEG",
                    line,
                )
