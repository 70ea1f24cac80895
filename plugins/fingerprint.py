"""What a rendered page depends on, as digests: the site as a whole, and each release or listing.

A page's cache key is the site digest (code, theme, versions, configuration, navigation, the
announcement in force) plus the digest of what the page itself shows: for a release its file
and media bytes and its lifecycle at this build's clock (state, featured, published updates,
last commit); for a listing the keys of the releases it shows and its own numbers and links.
"""

from __future__ import annotations

import functools
import json
import platform
import sysconfig
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from .cache import digest
from .catalog import Entry
from .pages import View

PLUGIN_DIR = Path(__file__).parent
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pillow", "pregon")


@functools.cache
def code_digest() -> str:
    """The plugin's own code and theme (a version number does not change while code is edited)."""
    return _tree_digest(PLUGIN_DIR)


def _tree_digest(folder: Path) -> str:
    parts: list[bytes | str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def versions() -> str:
    found = []
    for name in DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return digest(platform.python_version(), *found)


def theme_digest(config: MkDocsConfig) -> str:
    """Theme folders: installed themes by their versions, the site's own folders by their files."""
    parts = []
    installed = {Path(p).resolve() for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    for folder in config.theme.dirs:
        path = Path(folder).resolve()
        if path == PLUGIN_DIR / "theme" or any(path.is_relative_to(p) for p in installed):
            parts.append(f"installed:{path.name}")
        else:
            parts += [str(path), _tree_digest(path)]
    return digest(*parts)


def _opaque(value: Any) -> Any:
    """JSON of configuration values: mappings and sequences by content, other objects by type."""
    if hasattr(value, "items"):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(map(str, value))
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def config_digest(config: MkDocsConfig) -> str:
    """The configuration file's bytes (plugin options included), its resolved values (``!ENV``)
    and the code of its ``hooks:`` files (a hook can change any page)."""
    source = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    hooks = [Path(path).read_bytes() for path in config.get("hooks") or ()]
    resolved = json.dumps(
        {k: config[k] for k in sorted(config) if k not in ("plugins", "site_dir", "config_file_path")},
        default=_opaque,
        sort_keys=True,
        ensure_ascii=False,
    )
    theme = json.dumps(dict(config.theme.items()), default=_opaque, sort_keys=True, ensure_ascii=False)
    return digest(source, resolved, theme, *hooks)


def nav_digest(nav: Navigation, files: Files, generated: set[str]) -> str:
    """Every page prints the nav: its structure, and the hand-written pages whose titles it shows."""
    parts: list[bytes | str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            url = getattr(item, "url", None) or ""
            title = getattr(item, "title", None) if not hasattr(item, "file") else None
            parts.append(f"{type(item).__name__}|{title}|{url}")
            if getattr(item, "children", None):
                walk(item.children)

    walk(nav.items)
    in_nav = {id(p) for p in nav.pages}
    for file in files.documentation_pages():
        if file.src_uri not in generated and file.page is not None and id(file.page) in in_nav:
            # The source file, not the body: a release's title lives in its front matter.
            source = Path(file.abs_src_path).read_bytes() if file.abs_src_path else file.content_bytes
            parts += [file.src_uri, source]
    return digest(*parts)


def entry_digest(entry: Entry, content_key: str) -> str:
    """A release as this build shows it: its bytes, and the clock's effect on it."""
    return digest(
        content_key,
        entry.url,
        entry.state.value,
        str(entry.featured),
        entry.dependencia_name,
        ",".join(f"{u.id}@{u.time.isoformat()}" for u in entry.updates),
        entry.commit or "",
        entry.updated.isoformat() if entry.updated else "",
    )


def view_digest(view: View, entry_keys: dict[str, str]) -> str:
    """A listing as rendered: its own numbers and links, and the keys of the releases it shows."""
    own = {k: v for k, v in vars(view).items() if k not in ("entries", "featured")}
    return digest(
        json.dumps(own, default=_opaque, sort_keys=True, ensure_ascii=False),
        ",".join(entry_keys[e.release.src_uri] for e in view.entries),
        ",".join(entry_keys[e.release.src_uri] for e in view.featured),
    )
