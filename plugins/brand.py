"""The entity's pictures that feeds and structured data name: its logo and its favicon.

Both come from the theme's own settings in mkdocs.yml (``theme.logo``, ``theme.favicon``), so the
portal, the feeds and search engines show the same pictures. A logo must be a raster image
(PNG, JPEG, WebP, GIF: feed readers and Google do not take SVG); without one, the favicon
stands in. Sizes are read from the file, looked up in ``docs_dir`` first and then in the theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from PIL import Image, UnidentifiedImageError

RASTER = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})


@dataclass(frozen=True)
class Picture:
    path: str  # site-relative
    width: int
    height: int


def _picture(config: MkDocsConfig, path: object) -> Picture | None:
    if not isinstance(path, str) or Path(path).suffix.lower() not in RASTER or "://" in path:
        return None
    relative = path.lstrip("/")
    for folder in [config.docs_dir, *config.theme.dirs]:
        candidate = Path(folder) / relative
        if candidate.is_file():
            try:
                with Image.open(candidate) as image:
                    width, height = image.size
            except (OSError, UnidentifiedImageError):
                return None
            return Picture(relative, width, height)
    return None


def favicon(config: MkDocsConfig) -> Picture | None:
    return _picture(config, config.theme.get("favicon"))


def logo(config: MkDocsConfig) -> Picture | None:
    """The entity's logo, or its favicon when the logo is not a raster file."""
    return _picture(config, config.theme.get("logo")) or favicon(config)
