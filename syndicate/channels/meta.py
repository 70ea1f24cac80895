"""The base of the three Meta channels: configuration, text rules, reconciliation, containers.

Facebook, Instagram and Threads differ in what they post; they share how a post is composed and
counted, how an already-made post is found again (the exact text we sent, which carries the
release URL, in the account's own list) and, for Instagram and Threads, the container life cycle
(create → ``FINISHED`` → publish once). The HTTP side lives in :mod:`.graph`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ..counting import count, too_long_message
from .base import Channel, PermanentError, Post, Published, ReadBack, TransientError
from .graph import GraphAPI
from .options import ChannelOptions


def same_text(a: str | None, b: str) -> bool:
    """Whether a listed post's text is the text we sent (Meta normalises line endings and edges)."""
    if a is None:
        return False
    return _norm(a) == _norm(b)


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


class MetaOptions(ChannelOptions):
    """What the three Meta networks share; each adds its account id and token option."""

    poll_interval: float = 3.0
    poll_attempts: int = 20


def required(config: Mapping[str, Any], network: str, key: str) -> str:
    """A required configuration value, or a Spanish error naming the key.

    Accounts opened through the registry never get here without it (their options model requires
    it); a channel made by hand does, and must get a Spanish ChannelError, not a traceback."""
    value = config.get(key)
    if not value:
        raise PermanentError(f"{network}: falta la opción `{key}` de la cuenta en mkdocs.yml (channels)")
    return str(value)


class MetaChannel(Channel):
    """Common ground of the three Meta channels: configuration, client, text and length rules."""

    default_api_base: ClassVar[str]
    token_key: ClassVar[str]
    """Configuration key of the access token (filled by ``!ENV`` in mkdocs.yml)."""
    permalink_field: ClassVar[str] = "permalink"
    """Name of the field with a post's public URL (Facebook calls it ``permalink_url``)."""

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self._api: GraphAPI | None = None
        self._pending: dict[str, str] = {}
        """Container made for a post key whose publish call failed ambiguously in this process."""

    @property
    def api(self) -> GraphAPI:
        if self._api is None:
            self._api = GraphAPI(
                self.name,
                str(self.config.get("api_base") or self.default_api_base),
                required(self.config, self.name, self.token_key),
                timeout=float(self.config.get("timeout", 30.0)),
                poll_interval=float(self.config.get("poll_interval", 3.0)),
                poll_attempts=int(self.config.get("poll_attempts", 20)),
            )
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    def length_problems(self, text: str) -> tuple[int, list[str]]:
        """Length by this network's counting rule, and the problem if it is over the limit."""
        length = count(self.name, text)
        limit = self.text_limit
        return length, ([too_long_message(self.name, length, limit)] if length > limit else [])

    def find_by_text(self, path: str, post: Post, *, text_field: str, fields: str, **params: Any) -> Published | None:
        """The listed post whose text is exactly ``post.text`` (that text carries the release URL)."""
        for entry in self.api.pages(path, fields=fields, **params):
            if same_text(entry.get(text_field), post.text):
                url = entry.get(self.permalink_field)
                return Published(str(entry["id"]), str(url) if url else None)
        return None

    # --- read-back -------------------------------------------------------------------------
    def read_object(self, published: Published, post: Post | None, *, text_field: str | None) -> ReadBack:
        """``GET /{object-id}?fields=id,<text>,<permalink>``: the object exists (Graph answers a
        deleted one with error 100, subcode 33 "does not exist"), its text is what was sent, and
        its permalink is the public URL."""
        fields = ",".join(f for f in ("id", text_field, self.permalink_field) if f)
        try:
            body = self.api.get(published.remote_id, fields=fields)
        except PermanentError as exc:
            if exc.status in (400, 404) and ("código 100/33" in exc.message or "does not exist" in exc.message):
                return ReadBack.failed(f"{self.name}: la publicación {published.remote_id} ya no existe")
            raise
        served = body.get(text_field) if text_field else None
        if post is not None and text_field and served is not None and not same_text(served, post.text):
            return ReadBack.failed(f"{self.name}: el texto de {published.remote_id} no es el que se publicó")
        url = body.get(self.permalink_field)
        return ReadBack.verified(str(url) if url else published.url)

    # --- end read-back ---------------------------------------------------------------------

    def publish_via_container(
        self,
        post: Post,
        make_container: Callable[[], str],
        *,
        publish_path: str,
        status_field: str,
        error_field: str | None = None,
    ) -> Published:
        """Create (or reuse) the post's container, wait for ``FINISHED``, publish it once.

        If a publish call of this post failed earlier in this process, its container is checked
        first: ``PUBLISHED`` means the post exists (it is looked up, never published again),
        ``FINISHED``/``IN_PROGRESS`` is reused; only otherwise is a new container made. A failed
        publish leaves the container id in the error message and in memory for the next attempt.
        """
        container_id = self._pending.get(post.key)
        status: str | None = None
        if container_id is not None:
            # Not container_status(): if this read fails, making a new container could post twice.
            status = str(self.api.get(container_id, fields=status_field).get(status_field) or "")
        if container_id is None or status not in ("FINISHED", "IN_PROGRESS", "PUBLISHED"):
            container_id = make_container()
            status = None
        if status != "PUBLISHED":
            status = self.api.wait_until_finished(container_id, status_field, error_field)
        if status == "PUBLISHED":
            return self._already_published(post, container_id)
        self._pending[post.key] = container_id
        try:
            media_id = str(self.api.post(publish_path, creation_id=container_id)["id"])
        except TransientError as exc:
            if self.api.container_status(container_id, status_field) == "PUBLISHED":
                return self._already_published(post, container_id)
            exc.message = exc.message + f" (contenedor {container_id})"
            exc.args = (exc.message,)
            raise
        self._pending.pop(post.key, None)
        return Published(media_id, self.api.permalink(media_id), {"container_id": container_id})

    def _already_published(self, post: Post, container_id: str) -> Published:
        """The post of a container Meta reports ``PUBLISHED``; never publish that container again."""
        found = self.find_existing(post)
        if found is None:
            # Published but not listed yet: retrying must look again, not post a second time.
            self._pending[post.key] = container_id
            raise TransientError(
                f"{self.name}: el contenedor {container_id} ya está publicado pero la publicación aún no "
                "aparece en la cuenta; se comprobará de nuevo"
            )
        self._pending.pop(post.key, None)
        return Published(found.remote_id, found.url, {"container_id": container_id})
