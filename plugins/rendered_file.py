"""A generated file whose bytes are made when MkDocs writes it, and not kept afterwards.

``File.generated(config, path, content=…)`` holds its bytes from the moment it is added until the
build ends. The manifest of a 20,000-release portal is tens of megabytes, held that way through
the whole render of every page; made at copy time instead, it is freed as soon as it is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File


class RenderedFile(File):
    """Bytes from ``render`` (or, in a subclass, from its own :meth:`render`), made on each read."""

    def __init__(self, config: MkDocsConfig, path: str, render: Callable[[], bytes] | None = None) -> None:
        super().__init__(path, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
        self.generated_by = "pregon"
        self._render = render

    def render(self) -> bytes:
        assert self._render is not None, "a RenderedFile needs render= or its own render()"
        return self._render()

    @property  # type: ignore[override]
    def content_bytes(self) -> bytes:
        return self.render()

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        raise AttributeError("the file is made when it is written")

    def is_modified(self) -> bool:
        return True

    def copy_file(self, dirty: bool = False) -> None:
        os.makedirs(os.path.dirname(self.abs_dest_path), exist_ok=True)
        with open(self.abs_dest_path, "wb") as out:
            out.write(self.render())
