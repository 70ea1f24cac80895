"""The crops of each image for the networks: 1.91:1 link card, 1:1, 4:5 and 9:16.

Each crop is the largest rectangle of its ratio that fits the (orientation-corrected) image,
placed around the release's ``focal_point`` (default: the centre) and slid back inside the image
when the point is near an edge. It is then shrunk to the network's size if it is larger, and
never enlarged: a small photo gives a smaller crop of the right ratio.

Planning (which file, which size) reads only the image header, so the manifest, the page's
``og:image`` and ``pregon check`` know every crop before any is made. The JPEGs themselves are
made at the end of the build (:meth:`Crops.write`), one at a time, or taken from the build cache.
A crop's name carries a hash of the source bytes, the focal point and the crop's size: same
input, same name, same bytes (the encoder is given no clock, no EXIF and fixed settings).
"""

from __future__ import annotations

import functools
import hashlib
import io
import marshal
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps

from .cache import BuildCache, digest, digest_after
from .kept_output import KeptOutput
from .media import Media
from .records import Record
from .release import Release

FOLDER = "pregon/recortes"
"""Where the crops are published on the portal."""
ALGORITHM = "1"
"""Bumped when the way crops are made changes (names and bytes change with it)."""
QUALITY = 85
_ORIENTATION_TAG = 0x0112
_TRANSPOSED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


@dataclass(frozen=True, slots=True)
class Ratio(Record):
    """A crop shape: its label in the manifest, its largest size, and a word for the file name."""

    label: str
    width: int
    height: int
    word: str


LINK_CARD = Ratio("1.91:1", 1200, 628, "tarjeta")
SQUARE = Ratio("1:1", 1080, 1080, "cuadrada")
PORTRAIT = Ratio("4:5", 1080, 1350, "retrato")
STORY = Ratio("9:16", 1080, 1920, "vertical")
RATIOS = (LINK_CARD, SQUARE, PORTRAIT, STORY)


@dataclass(frozen=True, slots=True)
class Crop(Record):
    """One published crop of an image: ``path`` is relative to the site root."""

    ratio: str
    path: str
    width: int
    height: int
    mime: str = "image/jpeg"


@dataclass(frozen=True, slots=True)
class Job:
    """What making one crop needs: the source file, its region and the output size. ``draft`` is
    the size the JPEG decoder may reduce the source to first (all crops of the image share it);
    ``key`` names the crop's bytes (:func:`crop_key`)."""

    source: str  # absolute path
    source_sha: str
    box: tuple[int, int, int, int]
    size: tuple[int, int]
    draft: tuple[int, int] | None
    key: str

    @property
    def origin(self) -> str:
        """What the crop's file is made from, for :mod:`.kept_output`."""
        return "crop:" + self.key


Focus = tuple[float, float] | None
Box = tuple[int, int, int, int]
Size = tuple[int, int]

_crop_key = digest_after("crop", ALGORITHM, PIL.__version__)


def crop_key(source_sha: str, box: Box, size: Size, draft: Size | None) -> str:
    """What a crop's bytes depend on: its source's hash, region, size and decode size, the
    algorithm and Pillow. Its first 12 characters are in the crop's file name."""
    return _crop_key(source_sha, repr(box), repr(size), repr(draft))


def crops_version() -> str:
    """What the crops' names and sizes depend on besides the image: the algorithm and Pillow."""
    return f"{ALGORITHM}/{PIL.__version__}"


def crop_box(width: int, height: int, ratio: Ratio, focus: Focus) -> tuple[tuple[int, int, int, int], tuple[int, int]]:
    """(left, top, right, bottom) of the crop in a ``width``×``height`` image, and its output size."""
    target = ratio.width / ratio.height
    if width / height > target:
        crop_h = height
        crop_w = max(1, min(width, round(height * target)))
    else:
        crop_w = width
        crop_h = max(1, min(height, round(width / target)))
    fx, fy = focus if focus is not None else (0.5, 0.5)
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    size = (ratio.width, ratio.height) if crop_w > ratio.width else (crop_w, crop_h)
    return (left, top, left + crop_w, top + crop_h), size


def oriented_size(img: Image.Image) -> tuple[int, int]:
    """Width and height as viewers see them (EXIF orientation applied), from the header only."""
    try:
        orientation = img.getexif().get(_ORIENTATION_TAG)
    except Exception:  # a damaged EXIF block: the pixels are used as stored
        orientation = None
    return (img.height, img.width) if orientation in _TRANSPOSED else (img.width, img.height)


def file_word(src: str) -> str:
    """The source file's name as an ASCII word for the crop's name (``Foto Río.jpg`` → ``foto-r-o``)."""
    stem = src.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "imagen"


ImageFacts = tuple  # (sha256, width, height, stored width, stored height, is a JPEG, focus x, focus y)
"""What planning needs of an image, as plain values: what a build keeps per image (and caches
with ``marshal``). Its crops and jobs are worked out again from these when asked for."""


def image_facts(data: bytes, focus: Focus) -> ImageFacts:
    """Read the header of the image ``data``: its size as seen and as stored, and its hash."""
    with Image.open(io.BytesIO(data)) as img:
        width, height = oriented_size(img)
        stored, jpeg = img.size, img.format == "JPEG"
    fx, fy = focus if focus is not None else (None, None)
    return (hashlib.sha256(data).hexdigest(), width, height, stored[0], stored[1], jpeg, fx, fy)


@functools.lru_cache(maxsize=1024)
def _geometry(
    width: int, height: int, stored: Size, jpeg: bool, focus: Focus
) -> tuple[tuple[tuple[Ratio, Box, Size], ...], Size | None]:
    """Each ratio's region and size, and the size the decoder may reduce the source to. Photos of
    one camera share their size, so a site has few of these (a warm build plans every image)."""
    shapes = tuple((ratio, *crop_box(width, height, ratio, focus)) for ratio in RATIOS)
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size much faster; allowed while every crop still
    # has at least as many pixels as it keeps.
    reduction = min((box[2] - box[0]) / size[0] for _, box, size in shapes)
    draft = (math.ceil(stored[0] / reduction), math.ceil(stored[1] / reduction)) if jpeg and reduction >= 2 else None
    return shapes, draft


def plan_image(facts: ImageFacts, src: str, source: str = "") -> tuple[list[Crop], list[Job]]:
    """The crops of an image (site path ``src``, file ``source``), and how to make each one."""
    sha, width, height, stored_w, stored_h, jpeg, fx, fy = facts
    focus = (fx, fy) if fx is not None and fy is not None else None
    shapes, draft = _geometry(width, height, (stored_w, stored_h), jpeg, focus)
    word = file_word(src)
    crops, jobs = [], []
    for ratio, box, size in shapes:
        job = Job(source, sha, box, size, draft, crop_key(sha, box, size, draft))
        name = f"{word}.{ratio.word}-{size[0]}x{size[1]}.{job.key[:12]}.jpg"
        crops.append(Crop(ratio.label, f"{FOLDER}/{name}", size[0], size[1]))
        jobs.append(job)
    return crops, jobs


def plan(data: bytes, src: str, focus: Focus) -> tuple[list[Crop], list[Job]]:
    """The crops of the image ``data`` (site path ``src``), and how to make each one."""
    return plan_image(image_facts(data, focus), src)


@dataclass(frozen=True)
class Decoded:
    """An image as seen (orientation applied, RGB, transparency over white), with the scale of each
    axis against its full size (below 1 after a draft decode) and its colour profile."""

    image: Image.Image
    scale: tuple[float, float]
    icc: bytes | None


def decode(data: bytes, draft: tuple[int, int] | None = None) -> Decoded:
    with Image.open(io.BytesIO(data)) as opened:
        icc = opened.info.get("icc_profile")
        full = oriented_size(opened)
        if draft is not None:
            opened.draft("RGB", draft)
        img = ImageOps.exif_transpose(opened)
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, "white")
            img.paste(rgba, mask=rgba.getchannel("A"))
        elif img.mode != "RGB":
            img = img.convert("RGB")
        img.load()
        scale = (img.width / full[0], img.height / full[1])
        return Decoded(img, scale, icc if isinstance(icc, bytes) else None)


def cut(decoded: Decoded, box: tuple[int, int, int, int], size: tuple[int, int]) -> bytes:
    """The JPEG of region ``box`` (full-size coordinates) of a decoded image, at ``size``."""
    sx, sy = decoded.scale
    img = decoded.image
    scaled = (
        min(round(box[0] * sx), img.width - 1),
        min(round(box[1] * sy), img.height - 1),
        min(max(round(box[2] * sx), round(box[0] * sx) + 1), img.width),
        min(max(round(box[3] * sy), round(box[1] * sy) + 1), img.height),
    )
    region = img.crop(scaled)
    if region.size != size:
        region = region.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    options = {"icc_profile": decoded.icc} if decoded.icc else {}
    region.save(out, "JPEG", quality=QUALITY, subsampling="4:2:0", **options)
    return out.getvalue()


def render(
    data: bytes, box: tuple[int, int, int, int], size: tuple[int, int], draft: tuple[int, int] | None = None
) -> bytes:
    """The JPEG of region ``box`` of the image ``data`` at ``size``: RGB, no metadata but its colour
    profile, transparency over white, the first frame of an animation."""
    return cut(decode(data, draft), box, size)


class Memo:
    """What the crops of one build share: the last image decoded (the four crops of an image are
    copied one after the other) and the site folders already made."""

    def __init__(self) -> None:
        self.last: tuple[tuple[str, tuple[int, int] | None], Decoded] | None = None
        self.folders: set[str] = set()

    def decoded(self, job: Job) -> Decoded:
        key = (job.source_sha, job.draft)
        if self.last is None or self.last[0] != key:
            self.last = None  # the previous image is freed before the next one is decoded
            with open(job.source, "rb") as f:
                self.last = (key, decode(f.read(), job.draft))
        return self.last[1]


class DamagedImage(ValueError):
    """An image whose header read well but whose data does not decode (a file cut short); the
    message, in Spanish, names it."""


class Crops:
    """The crops of every image this build publishes, keyed by the image's site path.

    Only each image's facts are kept (about 400 bytes): the four crops and their jobs were
    about 2.8 KB per image, held through the build (56 MB at 20,000 releases)."""

    def __init__(self, docs_dir: str | Path = "") -> None:
        self.docs_dir = os.fspath(docs_dir)
        self.images: dict[str, ImageFacts] = {}  # image site path → its facts

    def add(self, src: str, facts: ImageFacts) -> None:
        self.images[src] = facts

    def _plan(self, src: str) -> tuple[list[Crop], list[Job]]:
        return plan_image(self.images[src], src, os.path.join(self.docs_dir, src))

    def of(self, media: Media) -> tuple[Crop, ...]:
        """Made on each call and not kept: a page and the manifest ask once each per image."""
        if media.kind != "image" or not media.src or media.src not in self.images:
            return ()
        return tuple(self._plan(media.src)[0])

    def link_card(self, media: Media) -> Crop | None:
        return next((c for c in self.of(media) if c.ratio == LINK_CARD.label), None)

    def paths(self) -> set[str]:
        return {crop.path for src in self.images for crop in self._plan(src)[0]}

    def write(self, site_dir: str, cache: BuildCache | None, kept: KeptOutput | None = None) -> int:
        """Write every crop into ``site_dir``, made or taken from the build cache; those the
        previous build left in the site folder stay there (:mod:`.kept_output`). Returns how
        many were written.

        Crops are not MkDocs files: 80,000 ``File`` objects at 20,000 releases, each with its
        job and cached URLs, were held from the file list to the end of the build. Here each
        crop's job exists only while it is written."""
        # In source order, so that the memo decodes each image once.
        order = sorted(self.images, key=lambda src: (self.images[src][0], src))
        memo = Memo()
        written, sha = 0, ""
        done: set[str] = set()  # crop paths of this source already placed (two copies, one name)
        for src in order:
            if self.images[src][0] != sha:
                sha = self.images[src][0]
                done.clear()
            for crop, job in zip(*self._plan(src), strict=True):
                if crop.path in done:
                    continue
                done.add(crop.path)
                if kept is not None and kept.place(crop.path, job.origin):
                    if cache is not None:
                        cache.keep("crop", job.key)  # for a build without the previous output
                    continue
                target = os.path.join(site_dir, crop.path)
                folder = os.path.dirname(target)
                if folder not in memo.folders:  # an image's crops share a folder: one mkdir for all
                    os.makedirs(folder, exist_ok=True)
                    memo.folders.add(folder)
                try:
                    made = _made(job, cache, memo)
                except Exception:  # truncation is an OSError; a hostile file raises many types in Pillow
                    raise DamagedImage(
                        f"la imagen `{src}` está incompleta o dañada (el archivo se cortó al copiarlo o "
                        "subirlo): expórtela de nuevo; `pregon check` la señala antes de publicar"
                    ) from None
                with open(target, "wb") as out:
                    out.write(made)
                if kept is not None:
                    kept.wrote(crop.path, job.origin)
                written += 1
        return written


def _made(job: Job, cache: BuildCache | None, memo: Memo) -> bytes:
    if cache is not None:
        cached = cache.get("crop", job.key)
        if cached is not None:
            return cached
    made = cut(memo.decoded(job), job.box, job.size)
    if cache is not None:
        cache.put("crop", job.key, made)
    return made


def release_images(release: Release) -> Iterable[tuple[Media, Focus]]:
    """Every image of a release with the focal point that applies to it (the main image's only)."""
    point = release.meta.focal_point
    if release.image is not None:
        yield release.image, (point.x, point.y) if point is not None else None
    for m in release.gallery:
        yield m, None
    for update in release.updates:
        for m in update.media:
            if m.kind == "image":
                yield m, None


def plan_release(release: Release, docs_dir: Path) -> dict[str, ImageFacts]:
    """The facts of each image of ``release`` (site path → facts); unreadable images get none."""
    planned: dict[str, ImageFacts] = {}
    for media, focus in release_images(release):
        if not media.src or media.src in planned:
            continue
        try:
            with open(os.path.join(docs_dir, media.src), "rb") as f:
                planned[media.src] = image_facts(f.read(), focus)
        except Exception:  # the loader already accepted it; a file changed since is left uncut
            continue
    return planned


_FACT_TYPES: tuple[type | tuple[type, ...], ...] = (
    str,
    int,
    int,
    int,
    int,
    bool,
    (float, type(None)),
    (float, type(None)),
)


def _load_plan(payload: bytes) -> dict[str, ImageFacts] | None:
    try:
        planned = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(planned, dict) or not all(
        isinstance(src, str)
        and isinstance(facts, tuple)
        and len(facts) == len(_FACT_TYPES)
        and all(isinstance(value, kind) for value, kind in zip(facts, _FACT_TYPES, strict=True))
        for src, facts in planned.items()
    ):
        return None
    return planned


def plan_site(releases: Iterable[tuple[Release, str]], docs_dir: Path, cache: BuildCache | None, code: str) -> Crops:
    """Crops of every image of ``releases`` ((release, content key) pairs). A release's image
    facts are kept in the build cache under its content key (file and media bytes), so a warm
    build reads no image to know its crops."""
    crops = Crops(docs_dir)
    common = (crops_version(), code, os.path.abspath(docs_dir))
    for release, content_key in releases:
        key = digest("crop-plan", *common, content_key)
        planned = None
        if cache is not None:
            payload = cache.get("crop-plan", key)
            if payload is not None:
                planned = _load_plan(payload)
                if planned is None:
                    cache.discard("crop-plan", key)
        if planned is None:
            planned = plan_release(release, docs_dir)
            if cache is not None:
                cache.put("crop-plan", key, marshal.dumps(planned))
        for src, facts in planned.items():
            crops.add(src, facts)
    return crops
