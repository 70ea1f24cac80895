"""Images against each configured network's limits (networks.md §1–§8).

Decision (documented in the README):

* Where the network's channel uploads the file itself and makes a fitting copy when needed
  (``pregon.syndicate.media.fit_image``: JPEG, smaller, never upscaled; Bluesky, X, Mastodon,
  Telegram, LinkedIn), a file too heavy or in the wrong format is a **warning**: the post will
  carry a derived copy, and the reviewer should know.
* Where the network downloads the published file by its URL (Instagram, Threads, Facebook photos),
  no copy can be made: the same findings are **errors**. So is what no copy can fix anywhere: an
  aspect ratio a network refuses (cropping is an editorial decision) or an image too small to show.
* The channel's own ``render()`` is the authority on what makes a post fail; this table stands in
  for it only when a channel could not render here (``rendered`` excludes it), so an image
  problem is never reported twice.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pregon.plugins.release import Media

from pregon.numbers_es import size_text

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
    derivative: bool = True
    """The channel uploads a fitting copy itself (else the network fetches the published file)."""


LIMITS: dict[str, ImageLimits] = {
    "bluesky": ImageLimits(1_000_000, (JPEG, PNG, WEBP, GIF), source="app.bsky.embed.images: 1.000.000 B por imagen"),
    "x": ImageLimits(5 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="X media upload: 5 MB, JPG/PNG/GIF/WEBP"),
    "instagram": ImageLimits(
        8 * 1024 * 1024,
        (JPEG,),
        min_ratio=4 / 5,
        max_ratio=1.91,
        source="Instagram: 8 MB, JPEG, proporción 4:5 a 1,91:1",
        derivative=False,
    ),
    "mastodon": ImageLimits(
        16 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="Mastodon: 16 MB por imagen (valor por defecto)"
    ),
    "telegram": ImageLimits(
        10 * 1024 * 1024,
        (JPEG, PNG, WEBP, GIF),
        max_ratio=20,
        min_ratio=1 / 20,
        source="Telegram sendPhoto: 10 MB, proporción hasta 20:1",
    ),
    "threads": ImageLimits(8 * 1024 * 1024, (JPEG, PNG), source="Threads: 8 MB, JPEG o PNG", derivative=False),
    "linkedin": ImageLimits(
        None,
        (JPEG, PNG, GIF),
        max_pixels=36_152_320,
        source="LinkedIn Images API: JPG/PNG/GIF, hasta 36.152.320 píxeles",
    ),
    "facebook": ImageLimits(
        4 * 1024 * 1024, (JPEG, PNG, GIF, WEBP), source="Facebook Pages: fotos de hasta 4 MB", derivative=False
    ),
}

MIN_SIDE = 200
"""Below this, no network shows a large preview (Facebook's absolute minimum is 200×200)."""


def check(
    report: ReleaseReport,
    images: Iterable[tuple[str, Media, int | None]],
    channels: Iterable[str],
    rendered: Collection[str] = (),
) -> None:
    """Check each (field, image, line) against the limits of each configured channel.

    ``rendered`` names the channels whose own ``render()`` ran (and reported its problems).
    """
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
            if limits.derivative:
                for message in _over(limits, image, name, network):
                    report.warning(RULE, f"`{field_name}`: {message}; Pregón enviará una copia ajustada en JPEG", line)
            elif network not in rendered:
                for message in _over(limits, image, name, network):
                    report.error(
                        RULE,
                        f"`{field_name}`: {message}; {network} descarga la imagen del portal: publique una adecuada",
                        line,
                    )
            if network not in rendered and image.width and image.height:
                ratio = image.width / image.height
                if (limits.min_ratio and ratio < limits.min_ratio - 0.005) or (
                    limits.max_ratio and ratio > limits.max_ratio + 0.005
                ):
                    report.error(
                        RULE,
                        f"`{field_name}`: {network} no acepta la proporción de `{name}` "
                        f"({image.width}×{image.height}); límite: {limits.source}. Recórtela o elija otra imagen",
                        line,
                    )


def _over(limits: ImageLimits, image: Media, name: str, network: str) -> list[str]:
    """What in ``image`` exceeds ``limits`` (size, format, pixels), as Spanish phrases."""
    out = []
    if limits.max_bytes and image.bytes and image.bytes > limits.max_bytes:
        out.append(
            f"`{name}` pesa {size_text(image.bytes)} y {network} acepta hasta {size_text(limits.max_bytes)} ({limits.source})"
        )
    if image.mime and image.mime not in limits.formats:
        accepted = ", ".join(_FORMAT_NAMES[f] for f in limits.formats)
        out.append(f"`{name}` es {_FORMAT_NAMES.get(image.mime, image.mime)} y {network} acepta {accepted}")
    if limits.max_pixels and image.width and image.height and image.width * image.height > limits.max_pixels:
        pixels = f"{image.width * image.height:,}".replace(",", ".")
        out.append(f"`{name}` tiene {pixels} píxeles y {network} acepta hasta {limits.max_pixels:,}".replace(",", "."))
    return out


def check_complete(report: ReleaseReport, files: Iterable[tuple[str, Path, int | None]]) -> set[Path]:
    """Decode each (field, file, line) image whole: a file cut short (an interrupted copy or
    upload) has a valid header, so the build accepts it, and only fails when it makes the crops.
    Returns the files that do not decode."""
    broken = set()
    for field_name, path, line in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # a missing or unreadable file is reported by the loader
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
        except Exception:  # truncation is an OSError; hostile headers raise many types inside Pillow
            report.error(
                RULE,
                f"`{field_name}`: la imagen `{path.name}` está incompleta o dañada (el archivo se cortó al "
                "copiarlo o subirlo): expórtela de nuevo",
                line,
            )
            broken.add(path)
    return broken
