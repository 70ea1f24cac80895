"""Hand-made live sites and projects for the syndication tests.

A :class:`HandSite` writes what a deployed Pregón portal serves — ``/pregon/manifest.json``,
release pages carrying ``<meta name="pregon:digest">``/``pregon:id``, the JSON feed and images —
for a list of :class:`Spec`, and serves it on a real HTTP server (``serve_directory``). Tests can
then break exactly one thing (a page's digest, a missing feed entry…) like a bad deploy would.
:func:`make_project` writes a project folder (mkdocs.yml with a ``syndicate:`` section, records).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from tests.conftest import free_port, serve_directory


def digest_of(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class Spec:
    id: str
    title: str = "Comunicado"
    summary: str = "Resumen del comunicado."
    version: str = "1"
    commit: str | None = None
    image: bool = True
    live: bool = False
    updates: list[dict[str, str]] = field(default_factory=list)
    """Each: {"id", "time" (ISO), "text"}."""
    in_feed: bool = True
    on_page: bool = True
    dependencia: str = "prensa"
    tags: tuple[str, ...] = ("salud pública",)
    featured: bool = False
    accounts: tuple[str, ...] = ()
    video: bool = False
    """A small video file on the site (for YouTube, which skips releases without one)."""
    press_lists: tuple[str, ...] = ()
    jpeg: bool = False
    """The image as JPEG (Instagram takes nothing else) instead of PNG."""

    @property
    def digest(self) -> str:
        return digest_of(self.id, self.version)

    def update_digest(self, update_id: str) -> str:
        return digest_of(self.id, "update", update_id)


class HandSite:
    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.specs: list[Spec] = []

    def item_url(self, spec: Spec) -> str:
        return f"{self.url}prensa/{spec.id}/"

    def write(self, specs: list[Spec], *, page_digests: dict[str, str] | None = None) -> dict[str, Any]:
        """(Re)write the site for ``specs``; ``page_digests`` overrides what a page's meta says."""
        self.specs = list(specs)
        items = []
        for spec in specs:
            url = self.item_url(spec)
            media = []
            if spec.image:
                extension, kind = ("jpg", "JPEG") if spec.jpeg else ("png", "PNG")
                image = self.root / "img" / f"{spec.id}.{extension}"
                image.parent.mkdir(parents=True, exist_ok=True)
                buffer = io.BytesIO()
                Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, kind)
                image.write_bytes(buffer.getvalue())
                media.append(
                    {
                        "kind": "image",
                        "url": f"{self.url}img/{spec.id}.{extension}",
                        "alt": f"Foto de {spec.title}",
                        "mime": f"image/{kind.lower()}",
                        "width": 64,
                        "height": 48,
                    }
                )
            if spec.video:
                video = self.root / "video" / f"{spec.id}.mp4"
                video.parent.mkdir(parents=True, exist_ok=True)
                video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2048))
                media.append({"kind": "video", "url": f"{self.url}video/{spec.id}.mp4", "mime": "video/mp4"})
            updates = [
                {
                    "id": u["id"],
                    "time": u["time"],
                    "text": u["text"],
                    "digest": spec.update_digest(u["id"]),
                    "url": f"{url}#{u['id']}",
                }
                for u in spec.updates
            ]
            items.append(
                {
                    "id": spec.id,
                    "url": url,
                    "digest": spec.digest,
                    "title": spec.title,
                    "summary": spec.summary,
                    "date": "2026-11-19T09:00:00-05:00",
                    "dependencia": {"slug": spec.dependencia, "name": spec.dependencia.capitalize()},
                    "tags": list(spec.tags),
                    "featured": spec.featured,
                    "accounts": list(spec.accounts),
                    "press_lists": list(spec.press_lists),
                    "media": media,
                    "source": {
                        "path": f"content/prensa/{spec.id}.md",
                        "commit": spec.commit,
                    },
                    "live": spec.live,
                    "updates": updates,
                }
            )
            page = self.root / "prensa" / spec.id / "index.html"
            if spec.on_page:
                page.parent.mkdir(parents=True, exist_ok=True)
                shown = (page_digests or {}).get(spec.id, spec.digest)
                sections = "".join(f'<section id="{u["id"]}"><p>{u["text"]}</p></section>' for u in spec.updates)
                page.write_text(
                    f'<!doctype html><html lang="es"><head><meta charset="utf-8">'
                    f'<meta name="pregon:digest" content="{shown}"><meta name="pregon:id" content="{spec.id}">'
                    f"<title>{spec.title}</title></head><body><h1>{spec.title}</h1>{sections}"
                    f'<div class="pregon-release__body"><p>{spec.summary}</p></div></body></html>',
                    encoding="utf-8",
                )
            elif page.exists():
                page.unlink()
        manifest = {
            "format": "pregon-manifest",
            "version": 1,
            "generated_at": "2026-11-20T10:00:00-05:00",
            "site_url": self.url,
            "feeds": {
                "rss": f"{self.url}feed.xml",
                "atom": f"{self.url}atom.xml",
                "json": f"{self.url}feed.json",
            },
            "items": items,
        }
        (self.root / "pregon").mkdir(parents=True, exist_ok=True)
        (self.root / "pregon" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Prensa",
            "items": [
                {"id": i["id"], "url": i["url"], "title": i["title"]}
                for i, s in zip(items, specs, strict=True)
                if s.in_feed
            ],
        }
        (self.root / "feed.json").write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        return manifest

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        with serve_directory(self.root, self.port) as url:
            yield url


def make_project(root: Path, syndicate: dict[str, Any], *, env_tags: dict[str, str] | None = None) -> Path:
    """A project folder whose mkdocs.yml has ``syndicate`` (JSON-in-YAML) under the pregon plugin.

    ``env_tags`` maps a placeholder string used in ``syndicate`` to an env var: it becomes ``!ENV VAR``.
    The file also carries a ``!!python/name:`` tag, as Material's emoji config does.
    """
    root.mkdir(parents=True, exist_ok=True)
    text = json.dumps(syndicate, ensure_ascii=False)
    for placeholder, var in (env_tags or {}).items():
        text = text.replace(json.dumps(placeholder), f"!ENV {var}")
    (root / "mkdocs.yml").write_text(
        "site_name: Prueba\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - search\n"
        "  - pregon:\n"
        f"      syndicate: {text}\n",
        encoding="utf-8",
    )
    (root / "records").mkdir(exist_ok=True)
    return root


def approve(
    project: Path,
    digest: str,
    *,
    roles: dict[str, str] | None = None,
    updates: dict[str, str] | None = None,
) -> None:
    """Append approval records (as ``pregon approve`` writes them) for ``digest``."""
    folder = project / "records" / "approvals"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "2026-11.jsonl").open("a", encoding="utf-8") as handle:
        for role, login in (roles or {"contenido": "jefa-prensa", "diseño": "disenador"}).items():
            handle.write(
                json.dumps(
                    {
                        "v": 1,
                        "at": "2026-11-19T16:40:00Z",
                        "by": login,
                        "role": role,
                        "digest": digest,
                        "source": "content/x.md",
                        "pr": None,
                        "updates": updates or {},
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def ledger_lines(project: Path) -> list[dict[str, Any]]:
    lines = []
    for path in sorted((project / "records" / "ledger").glob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines
