"""The ``outbox`` channel (embedded default): posts go to a local folder instead of a network.

Each post becomes ``<folder>/<key>.json`` (everything that would be sent) and ``<folder>/<key>.md``
(a readable preview), plus its images downloaded **from the live site** as ``<key>-<n>.<ext>``
(web-first proof: the files are what the portal serves). The JSON file is written last, by an
atomic rename, so its presence is the proof the post exists; :meth:`find_existing` reads it.

Config: ``folder`` (default ``outbox``, relative to the working directory), ``template``.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from pregon.json_input import loads as json_loads
from pregon.os_errors import reason

from .. import counting, media, text
from ..manifest import Item, Update
from .base import Channel, PermanentError, Post, Published, ReadBack, TransientError, same_words
from .options import ChannelOptions

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}


class OutboxOptions(ChannelOptions):
    folder: str = "outbox"


class OutboxChannel(Channel):
    name = "outbox"
    text_limit = counting.RULES["outbox"].limit
    options_model = OutboxOptions
    correction_modes = frozenset({"editar", "responder", "borrar_y_publicar", "nada"})

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        self.folder = Path(str(self.config.get("folder") or "outbox"))
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        # One client for the run: making one per post re-reads the CA bundle every time.
        if self._client is None:
            self._client = httpx.Client(timeout=30.0, follow_redirects=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        if update is None:
            body = text.compose(item, self.name, self.config.get("template"))
            images = item.images[: self.max_images]
        else:
            body = text.compose_update(update, self.config.get("update_template"))
            images = tuple(m for m in update.media if m.kind == "image")[: self.max_images]
        length = counting.count(self.name, body)
        problems = [counting.too_long_message(self.name, length, self.text_limit)] if length > self.text_limit else []
        problems += [f"{self.name}: la imagen {m.url} no tiene texto alternativo" for m in images if not m.alt.strip()]
        return self.new_post(
            item,
            update,
            text=body,
            length=length,
            limit=self.text_limit,
            link=update.url if update else item.url,
            media=images,
            reply_to=reply_to,
            card={"title": item.title, "description": item.summary},
            problems=tuple(problems),
        )

    def publish(self, post: Post) -> Published:
        self.folder.mkdir(parents=True, exist_ok=True)
        files = []
        for number, image in enumerate(post.media, 1):
            try:
                data = media.fetch(image.url, self._http())
                ext = _EXTENSIONS.get(media.describe(data).mime, "bin")
            except media.MediaError as exc:
                raise TransientError(f"outbox: {exc}") from None
            name = f"{post.key}-{number}.{ext}"
            (self.folder / name).write_bytes(data)
            files.append({"file": name, "url": image.url, "alt": image.alt})
        record = {
            "key": post.key,
            "item": post.item_id,
            "update": post.update_id,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "text": post.text,
            "length": post.length,
            "limit": post.limit,
            "link": post.link,
            "in_reply_to": post.reply_to.remote_id if post.reply_to else None,
            "card": dict(post.card),
            "images": files,
        }
        preview = [f"# {post.card.get('title', post.item_id)}", ""]
        if post.reply_to:
            preview += [f"_En respuesta a {post.reply_to.remote_id}_", ""]
        preview += [post.text, ""]
        preview += [f"![{f['alt']}]({f['file']})" for f in files]
        preview += ["", f"_{post.length} de {post.limit} caracteres_", ""]
        (self.folder / f"{post.key}.md").write_text("\n".join(preview), encoding="utf-8")
        target = self.folder / f"{post.key}.json"
        temporary = target.with_suffix(".json.tmp")
        try:
            temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            raise PermanentError(f"outbox: no se pudo escribir en {self.folder} ({reason(exc)})") from None
        return self._published(post.key)

    def _published(self, key: str) -> Published:
        return Published(remote_id=key, url=(self.folder / f"{key}.json").resolve().as_uri())

    def find_existing(self, post: Post) -> Published | None:
        return self._published(post.key) if (self.folder / f"{post.key}.json").is_file() else None

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """Reads the post's JSON file back: it is there, with the text and link that were sent."""
        path = self.folder / f"{published.remote_id}.json"
        try:
            record = json_loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ReadBack.failed(f"outbox: el archivo {path} ya no existe")
        except (OSError, ValueError) as exc:
            return ReadBack.failed(f"outbox: el archivo {path} no se puede leer ({exc.__class__.__name__})")
        if post is not None and not same_words(post.text, record.get("text")):
            return ReadBack.failed(f"outbox: el texto de {path} no es el que se publicó")
        if post is not None and post.link != record.get("link"):
            return ReadBack.failed(f"outbox: el enlace de {path} no es el que se publicó")
        return ReadBack.verified(published.url or path.resolve().as_uri())

    def delete(self, published: Published) -> None:
        for path in self.folder.glob(f"{published.remote_id}*"):
            path.unlink()

    def edit(self, published: Published, post: Post) -> Published:
        """The preview files of ``published`` rewritten with the corrected post."""
        return self.publish(replace(post, key=published.remote_id))
