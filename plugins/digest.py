"""Content digests: what an approval is bound to and what the live page must carry.

Item digest (``sha256:<hex>``) of a release file is SHA-256 over, in order:

1. ``pregon-digest-1\\n`` (format tag);
2. the file's UTF-8 text with CRLF turned into LF, after removing the top-level ``updates:``
   block from the front matter, so adding live updates does not change the item's digest;
3. for each local media file it references (``image``, ``gallery[].src``, a local ``video``,
   then images embedded in the body, in that order): ``\\0``, the reference as written,
   ``\\0``, the file size in decimal, ``\\0``, the file bytes.

Each live update has its own digest: SHA-256 over ``pregon-update-1\\n``, the update's mapping as
canonical JSON (sorted keys, UTF-8, dates as written in YAML) and its image as in step 3.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .problems import Problem, ReleaseError
from .source import (
    body_images,
    display_path,
    media_references,
    read_source,
    without_top_level_key,
)

MediaBytes = Iterable[tuple[str, bytes]]


def _add_media(h: Any, media: MediaBytes) -> None:
    for ref, data in media:
        h.update(b"\0" + ref.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)


def item_digest(text: str, front_matter: str, media: MediaBytes) -> str:
    """Digest of a release from its LF text, its front matter text and its media (ref, bytes)."""
    h = hashlib.sha256(b"pregon-digest-1\n")
    stripped = without_top_level_key(front_matter, "updates")
    h.update(text.replace(front_matter, stripped, 1).encode("utf-8"))
    _add_media(h, media)
    return "sha256:" + h.hexdigest()


def update_digest(update: dict[str, Any], media: MediaBytes) -> str:
    """Digest of one live update (its YAML mapping) and its image."""
    h = hashlib.sha256(b"pregon-update-1\n")
    h.update(json.dumps(update, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    _add_media(h, media)
    return "sha256:" + h.hexdigest()


def read_media(release_path: Path, refs: Iterable[str], root: Path | None = None) -> list[tuple[str, bytes]]:
    """Bytes of each referenced file, resolved next to the release; ReleaseError if one is missing."""
    out: list[tuple[str, bytes]] = []
    for ref in refs:
        try:
            out.append((ref, (release_path.parent / ref).read_bytes()))
        except OSError:
            raise ReleaseError(
                [
                    Problem(
                        display_path(release_path, root),
                        None,
                        f"no se encuentra el archivo `{ref}` junto al comunicado: revise el nombre y la carpeta",
                    )
                ]
            ) from None
    return out


def release_digest(path: str | Path) -> str:
    """``"sha256:<hex>"`` of the release at ``path`` (see the module docstring for the exact input).

    Needs no MkDocs configuration; raises :class:`pregon.plugins.problems.ReleaseError` when the
    file or a referenced media file cannot be read.
    """
    source = read_source(Path(path))
    refs = media_references(source.meta) + body_images(source.body)
    return item_digest(source.text, source.front_matter, read_media(source.path, refs))


def update_digests(path: str | Path) -> dict[str, str]:
    """Digest of every live update of the release at ``path``, keyed by update id."""
    from .release import update_id

    source = read_source(Path(path))
    out: dict[str, str] = {}
    for entry in source.meta.get("updates") or []:
        refs = [entry["image"]] if isinstance(entry.get("image"), str) else []
        out[update_id(entry)] = update_digest(entry, read_media(source.path, refs))
    return out
