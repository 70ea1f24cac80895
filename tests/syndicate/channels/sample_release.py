"""Releases and published media for the X, LinkedIn, Telegram and YouTube channel tests.

The media are real files (Pillow-made images, a stand-in video file) served over real HTTP by
``serve_directory``, so channels fetch them exactly as they fetch from the live portal.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pregon.syndicate.manifest import Item

from tests.conftest import serve_directory

GALLERY = tuple(f"galeria-{n}.jpg" for n in range(1, 13))
VIDEO_BYTES = 3 * 1024 * 1024 + 123


def _photo(path: Path, size: tuple[int, int], seed: int, fmt: str = "JPEG") -> None:
    rng = random.Random(seed)
    img = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        img.paste(
            (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
            (x, y, x + 80, y + 60),
        )
    img.save(path, fmt)


def write_media(folder: Path) -> None:
    """Images of every shape the channels must handle, and a video file."""
    _photo(folder / "principal.jpg", (1600, 900), 1)
    for n, name in enumerate(GALLERY):
        _photo(folder / name, (800, 600), 10 + n)
    _photo(folder / "panorama.jpg", (4200, 180), 3)  # aspect ratio > 20: Telegram refuses it by URL
    # Noise does not compress: a PNG well over X's 5 MB image limit.
    Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(folder / "enorme.png")
    (folder / "video.mp4").write_bytes(os.urandom(VIDEO_BYTES))


@pytest.fixture(scope="session")
def media_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (trailing slash) of a real HTTP server with the files of :func:`write_media`."""
    folder = tmp_path_factory.mktemp("media")
    write_media(folder)
    with serve_directory(folder) as url:
        yield url


def image(site: str, name: str, alt: str | None = None) -> dict[str, Any]:
    return {
        "kind": "image",
        "url": site + name,
        "alt": f"Fotografía {name}" if alt is None else alt,
        "mime": "image/png" if name.endswith(".png") else "image/jpeg",
    }


def release(site: str, *, media: tuple[dict[str, Any], ...] | None = None, **fields: Any) -> Item:
    """A release as the manifest carries it, with its media on ``site``."""
    data: dict[str, Any] = {
        "id": "2026-11-vacunacion-rural",
        "url": site + "prensa/2026/11/vacunacion-rural/",
        "digest": "sha256:" + "ab" * 32,
        "title": "Jornada de vacunación en las veredas",
        "summary": "La Secretaría de Salud lleva vacunas a 12 veredas este sábado; horarios y puntos.",
        "date": "2026-11-20T08:00:00-05:00",
        "dependencia": {"slug": "salud", "name": "Secretaría de Salud"},
        "tags": ["salud pública", "vacunación"],
        "media": media if media is not None else (image(site, "principal.jpg"),),
        "source": {"path": "content/prensa/2026/11/vacunacion-rural.md"},
    }
    data.update(fields)
    return Item.model_validate(data)


def live_release(site: str) -> Item:
    """A live-covered release with one update."""
    return release(
        site,
        id="2026-11-inundaciones",
        url=site + "prensa/2026/11/inundaciones/",
        title="Emergencia por lluvias en el sector norte",
        live=True,
        updates=[
            {
                "id": "u1",
                "time": "2026-11-20T12:00:00-05:00",
                "digest": "sha256:" + "cd" * 32,
                "text": "12:00 — Se habilitó el albergue del coliseo.",
                "url": site + "prensa/2026/11/inundaciones/#u1",
            }
        ],
    )
