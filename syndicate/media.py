"""Media as the networks want it: fetched from the live portal, resized or re-encoded if needed.

Web-first: every image a post carries is downloaded from its already-published URL, never read
from the working tree. :func:`best_image` picks, for each place a network shows an image, the crop
the build published for it (``crops`` in the manifest). Derivatives (smaller, or JPEG instead of PNG) are made with Pillow when a
network's limit asks for it, and never upscaled.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import httpx
from PIL import Image, ImageOps

from .bounded_get import TooLarge, get_bounded
from .manifest import Media


@dataclass(frozen=True)
class ImageFile:
    data: bytes
    mime: str
    width: int
    height: int


class MediaError(Exception):
    """An image could not be fetched or made to fit; the message is in Spanish."""


# The build refuses a bigger image (``pregon.plugins.media.MAX_IMAGE_BYTES``), so a bigger answer
# is not a picture the portal published for a post, and it is never read whole.
MAX_FETCH_BYTES = 50 * 1024 * 1024


def fetch(
    url: str, client: httpx.Client | None = None, timeout: float = 30.0, max_bytes: int = MAX_FETCH_BYTES
) -> bytes:
    """Download a published media file; raise :class:`MediaError` unless it answers 200 itself.

    Web-first: the manifest names the published file, so a redirect (to another host, or to a
    page) is refused as :mod:`syndicate.live` refuses one for a release page, and a body over
    ``max_bytes`` stops the download.
    """
    try:
        answer = get_bounded(url, max_bytes, client, timeout)
    except TooLarge as exc:
        raise MediaError(f"{url} pesa más de {exc.limit_mb} MB; no es una imagen para una red") from None
    except httpx.HTTPError as exc:
        raise MediaError(f"no se pudo descargar {url}: {exc.__class__.__name__}") from exc
    if answer.status_code != 200:
        raise MediaError(f"{url} respondió {answer.status_code}; la imagen no está publicada en esa dirección")
    return answer.content


def describe(data: bytes) -> ImageFile:
    """Format and size of an image in memory."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            mime = Image.MIME.get(img.format or "", "application/octet-stream")
            return ImageFile(data, mime, img.width, img.height)
    except OSError as exc:
        raise MediaError("el archivo no es una imagen que se pueda leer") from exc


def fit_image(
    data: bytes,
    *,
    max_bytes: int,
    max_side: int | None = None,
    formats: tuple[str, ...] = ("image/jpeg", "image/png"),
    min_side: int = 320,
) -> ImageFile:
    """Return ``data`` unchanged if it fits, else a JPEG derivative within ``max_bytes``/``max_side``.

    The derivative drops EXIF (GPS included) and keeps orientation. Quality steps down, then the
    image shrinks, until it fits; an image that cannot fit above ``min_side`` raises MediaError.
    """
    original = describe(data)
    if (
        len(data) <= max_bytes
        and original.mime in formats
        and (max_side is None or max(original.width, original.height) <= max_side)
    ):
        return original
    with Image.open(io.BytesIO(data)) as opened:
        img: Image.Image = ImageOps.exif_transpose(opened)
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            background.paste(img, mask=img.convert("RGBA").getchannel("A"))
            img = background
        if max_side and max(img.size) > max_side:
            img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        while True:
            for quality in (88, 80, 70, 60):
                out = io.BytesIO()
                img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
                if out.tell() <= max_bytes:
                    return ImageFile(out.getvalue(), "image/jpeg", img.width, img.height)
            if min(img.size) * 0.8 < min_side:
                raise MediaError(f"la imagen no cabe en {max_bytes} bytes sin quedar por debajo de {min_side} px")
            img = img.resize((int(img.width * 0.8), int(img.height * 0.8)), Image.Resampling.LANCZOS)


LINK_CARD = "1.91:1"
"""Link cards (Bluesky, Mastodon, X, LinkedIn, Facebook) and WhatsApp headers."""
SQUARE = "1:1"
PORTRAIT = "4:5"
"""With SQUARE, Instagram's feed."""
STORY = "9:16"
"""Stories, TikTok photos, Reels covers."""


def _ratio(label: str) -> float:
    width, height = label.split(":")
    return float(width) / float(height)


def _closest(media: Media, ratios: tuple[str, ...]) -> str:
    """Of ``ratios``, the one that cuts least of ``media`` (the first when its size is unknown)."""
    if len(ratios) == 1 or not (media.width and media.height):
        return ratios[0]
    own = math.log(media.width / media.height)
    return min(ratios, key=lambda r: abs(math.log(_ratio(r)) - own))


def best_image(media: Media, *ratios: str) -> Media:
    """The image as a place that shows ``ratios`` wants it: the portal's crop of the ratio closest
    to the image's own shape, as a Media with the crop's URL and size (its alt text kept). The
    image itself when the manifest has no crops (older builds, videos, YouTube).

    Networks that fetch media by URL get the crop's portal URL; channels that upload bytes fetch
    that same URL from the live portal (web-first), as they do any image.
    """
    if not media.crops or not ratios:
        return media
    wanted = _closest(media, ratios)
    crop = next((c for c in media.crops if c.ratio == wanted), None)
    if crop is None:
        return media
    return media.model_copy(
        update={
            "url": crop.url,
            "width": crop.width,
            "height": crop.height,
            "mime": crop.mime,
            "bytes": None,
            "crops": (),
        }
    )


def best_images(images: tuple[Media, ...], *ratios: str) -> tuple[Media, ...]:
    """:func:`best_image` for a set shown together (a carousel): one ratio for all, the first's."""
    if not images or not ratios:
        return images
    wanted = _closest(images[0], ratios)
    return tuple(best_image(m, wanted) for m in images)
