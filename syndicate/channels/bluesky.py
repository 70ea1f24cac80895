"""Bluesky: posts written straight into the account's repository on its PDS (AT Protocol).

Docs followed: docs.bsky.app "Creating a post" (facets, link cards, images, replies), the lexicons
``app.bsky.feed.post``, ``app.bsky.richtext.facet``, ``app.bsky.embed.external``,
``app.bsky.embed.images``, ``com.atproto.repo.createRecord`` / ``getRecord`` / ``deleteRecord`` /
``uploadBlob`` / ``listRecords``, atproto.com/specs/record-key and /specs/tid, and docs.bsky.app
"Rate limits".

* Text: at most 300 graphemes (and 3000 UTF-8 bytes), URLs at full length, so visible links are
  shortened while the facet keeps the full URI (:mod:`.richtext`). Over the limit is a problem,
  never a truncation.
* Embed: ``embed`` is a single union, so a post carries a link card **or** images. ``embed: card``
  (default) builds ``app.bsky.embed.external`` from the release (Bluesky does not scrape Open
  Graph) with the main image, fetched from the live portal, as a thumbnail blob ≤ 1,000,000 bytes.
  ``embed: images`` attaches up to four images (each ≤ 1,000,000 bytes) with alt text and
  aspect ratio.
* Exactly once: the record key is a TID derived from the post key (:func:`.atproto.tid_from_key`),
  so a retried ``createRecord`` cannot make a second post, and :meth:`find_existing` is a
  ``getRecord`` of that key.
* Live updates are replies (``reply.root`` / ``reply.parent`` strong refs) to the thread's tip.
* Metrics: followers, per-post counts and mentions live in the AppView (``app.bsky.*``), which
  bsky.social proxies for its accounts. With ``appview: false`` (a PDS without AppView, as in the
  tests) only the number of posts is available, counted from the repository with ``listRecords``;
  followers, per-post counts and mentions are not, because they are records in *other* accounts'
  repositories.

Configuration (``channels.bluesky``)::

    bluesky:
      service: https://bsky.social          # the account's PDS
      handle: prensa.alcaldia.gov.co
      app_password: !ENV BLUESKY_APP_PASSWORD
      embed: card                           # or: images
      session_file: /var/lib/pregon/bluesky-session.json   # optional, private, outside the repo
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import SecretStr

from .. import media as media_files
from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from ..text import draft
from .atproto import XRPC, NotFound, tid_from_key
from .base import (  # read-back (proof that the post is out)
    AccountStats,
    Channel,
    DuplicateRejected,
    Mention,
    NotSupported,
    PermanentError,
    Post,
    PostGone,
    PostStats,
    Published,
    RateLimited,
    ReadBack,
    TransientError,
    post_key,
    same_words,
)
from .options import ChannelOptions, parse_options
from .richtext import link_text

POST_COLLECTION = "app.bsky.feed.post"
BLOB_MAX_BYTES = 1_000_000
"""Lexicon ``maxSize`` of a card thumbnail and of each image."""
TEXT_MAX_BYTES = 3000
IMAGE_MAX_SIDE = 2000
MENTION_PAGES = 100
"""Pages of 100 notifications read at most per collect (10,000: far more than a day brings)."""
POST_COUNT_PAGES = 100
"""listRecords pages (100 records each) read to count posts without an AppView."""


class BlueskyOptions(ChannelOptions):
    service: str = "https://bsky.social"
    handle: str = ""
    app_password: SecretStr = SecretStr("")
    embed: Literal["card", "images"] = "card"
    langs: tuple[str, ...] = ("es",)
    shorten_links: bool = True
    session_file: Path | None = None
    appview: bool = True
    web_base: str = "https://bsky.app"

    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("handle", "app_password"),)


class BlueskyChannel(Channel):
    name = "bluesky"
    text_limit = 300
    max_images = 4
    options_model = BlueskyOptions
    correction_modes = frozenset({"editar", "responder", "borrar_y_publicar", "nada"})

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self.options = parse_options(BlueskyOptions, self.config, self.name)
        self._xrpc: XRPC | None = None

    @property
    def xrpc(self) -> XRPC:
        if self._xrpc is None:
            self._xrpc = XRPC(
                self.options.api_base or self.options.service,
                self.options.handle,
                self.options.app_password.get_secret_value(),
                session_file=self.options.session_file,
                timeout=self.options.timeout,
            )
        return self._xrpc

    # --- rendering (no network) --------------------------------------------------------------
    def render(self, item: Item, update: Update | None = None, reply_to: Published | None = None) -> Post:
        key = post_key(item.id, self.account, update.id if update else None)
        raw, link, images = draft(item, update, self.name, self.options.template, self.options.update_template)
        card = {"uri": link, "title": item.title, "description": item.summary if update is None else update.text}
        thumb_from = images or item.images
        if thumb_from:
            card["thumb"] = media_files.best_image(thumb_from[0], media_files.LINK_CARD).url
        text, facets = link_text(raw, shorten_links=self.options.shorten_links)

        length = count(self.name, text)
        problems = []
        if length > self.text_limit:
            problems.append(too_long_message(self.name, length, self.text_limit))
        if len(text.encode("utf-8")) > TEXT_MAX_BYTES:
            problems.append(f"bluesky: el texto ocupa más de {TEXT_MAX_BYTES} bytes")
        media: tuple[Media, ...] = ()
        if self.options.embed == "images" and images:
            media, card = images[: self.max_images], {}
            problems += [
                f"bluesky: la imagen {m.url} no tiene texto alternativo (alt)" for m in media if not m.alt.strip()
            ]
        return self.new_post(
            item,
            update,
            text=text,
            length=length,
            limit=self.text_limit,
            link=link,
            media=media,
            reply_to=reply_to,
            card=card,
            problems=tuple(problems),
            extra={"rkey": tid_from_key(key), "facets": facets, "langs": list(self.options.langs)},
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": post.text,
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "langs": post.extra["langs"],
        }
        if post.extra["facets"]:
            record["facets"] = post.extra["facets"]
        if post.reply_to is not None:
            record["reply"] = self._reply_refs(post.reply_to)
        embed = self._embed(post)
        if embed is not None:
            record["embed"] = embed
        rkey = post.extra["rkey"]
        try:
            created = self.xrpc.call(
                "POST",
                "com.atproto.repo.createRecord",
                json={"repo": self.xrpc.did, "collection": POST_COLLECTION, "rkey": rkey, "record": record},
            )
        except RateLimited:
            raise
        except (TransientError, PermanentError) as exc:
            # The PDS refuses a second record with the same key (HTTP 500 in @atproto/pds 0.4):
            # if the key is taken, this post was already made by an earlier, unconfirmed attempt.
            existing = self._existing(rkey)
            if existing is not None:
                raise DuplicateRejected(
                    "bluesky: la publicación ya existía (misma clave de registro)", existing=existing
                ) from exc
            raise
        return self._published(created["uri"], created["cid"])

    def _embed(self, post: Post) -> dict[str, Any] | None:
        if post.media:
            return {
                "$type": "app.bsky.embed.images",
                "images": [self._image(m) for m in post.media],
            }
        if not post.card:
            return None
        external: dict[str, Any] = {
            "uri": post.card["uri"],
            "title": post.card["title"],
            "description": post.card["description"],
        }
        if post.card.get("thumb"):
            external["thumb"] = self._upload(self._fit(post.card["thumb"]))[0]
        return {"$type": "app.bsky.embed.external", "external": external}

    def _image(self, image: Media) -> dict[str, Any]:
        blob, width, height = self._upload(self._fit(image.url))
        return {"image": blob, "alt": image.alt, "aspectRatio": {"width": width, "height": height}}

    def _fit(self, url: str) -> media_files.ImageFile:
        try:
            return media_files.fit_image(media_files.fetch(url), max_bytes=BLOB_MAX_BYTES, max_side=IMAGE_MAX_SIDE)
        except media_files.MediaError as exc:
            raise PermanentError(f"bluesky: {exc}") from None

    def _upload(self, image: media_files.ImageFile) -> tuple[dict[str, Any], int, int]:
        answer = self.xrpc.call(
            "POST", "com.atproto.repo.uploadBlob", content=image.data, headers={"Content-Type": image.mime}
        )
        return answer["blob"], image.width, image.height

    def _reply_refs(self, parent: Published) -> dict[str, Any]:
        """Strong refs of the thread's root and of the post replied to, read from the repository.

        The ledger keeps only the parent's AT URI, so its CID and its own root are looked up;
        this also makes sure the parent still exists before replying to it.
        """
        repo, rkey = _split_uri(parent.remote_id)
        try:
            record = self.xrpc.call(
                "GET", "com.atproto.repo.getRecord", params={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey}
            )
        except NotFound:
            raise PermanentError(
                f"bluesky: la publicación a la que responde esta actualización ya no existe ({parent.remote_id})"
            ) from None
        parent_ref = {"uri": record["uri"], "cid": record["cid"]}
        root = record["value"].get("reply", {}).get("root") or parent_ref
        return {"root": root, "parent": parent_ref}

    def find_existing(self, post: Post) -> Published | None:
        """``getRecord`` of the post's deterministic record key: the record exists or it does not."""
        return self._existing(post.extra["rkey"])

    def _existing(self, rkey: str) -> Published | None:
        try:
            record = self.xrpc.call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": self.xrpc.did, "collection": POST_COLLECTION, "rkey": rkey},
            )
        except NotFound:
            return None
        return self._published(record["uri"], record["cid"])

    def _published(self, uri: str, cid: str) -> Published:
        rkey = uri.rsplit("/", 1)[-1]
        url = f"{self.options.web_base.rstrip('/')}/profile/{self.options.handle}/post/{rkey}"
        return Published(remote_id=uri, url=url, extra={"uri": uri, "cid": cid, "rkey": rkey})

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """``com.atproto.repo.getRecord`` of the post on the account's PDS (the authoritative copy):
        it exists, with the text that was sent; with an AppView, ``app.bsky.feed.getPostThread``
        also shows it is served to readers (not taken down)."""
        repo, rkey = _split_uri(published.remote_id)
        try:
            record = self.xrpc.call(
                "GET", "com.atproto.repo.getRecord", params={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey}
            )
        except NotFound:
            return ReadBack.failed(f"bluesky: la publicación {published.remote_id} ya no existe en el PDS")
        if post is not None and not same_words(post.text, record.get("value", {}).get("text")):
            return ReadBack.failed(f"bluesky: el texto de {published.remote_id} no es el que se publicó")
        if self.options.appview:
            try:
                thread = self.xrpc.call(
                    "GET", "app.bsky.feed.getPostThread", params={"uri": published.remote_id, "depth": 0}
                )
            except NotFound:
                return ReadBack.failed(f"bluesky: el AppView no muestra {published.remote_id} (no encontrada)")
            if thread.get("thread", {}).get("$type") != "app.bsky.feed.defs#threadViewPost":
                return ReadBack.failed(f"bluesky: el AppView no muestra {published.remote_id} (bloqueada o borrada)")
        return ReadBack.verified(self._published(record["uri"], record.get("cid", "")).url)

    # --- corrections (syndicate/corrections.py) ---------------------------------------------
    def edit(self, published: Published, post: Post) -> Published:
        """``com.atproto.repo.putRecord`` of the same record key with the corrected text and embed.

        The reply refs and ``createdAt`` of the record on the PDS are kept, so the post stays where
        it is in its thread; putting the same record twice leaves one corrected post."""
        repo, rkey = _split_uri(published.remote_id)
        try:
            current = self.xrpc.call(
                "GET", "com.atproto.repo.getRecord", params={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey}
            )
        except NotFound:
            raise PostGone(f"bluesky: la publicación {published.remote_id} ya no existe; no se puede editar") from None
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": post.text,
            "createdAt": current["value"].get("createdAt"),
            "langs": post.extra["langs"],
        }
        if post.extra["facets"]:
            record["facets"] = post.extra["facets"]
        if current["value"].get("reply"):
            record["reply"] = current["value"]["reply"]
        embed = self._embed(post)
        if embed is not None:
            record["embed"] = embed
        put = self.xrpc.call(
            "POST",
            "com.atproto.repo.putRecord",
            json={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey, "record": record},
        )
        return self._published(put["uri"], put["cid"])

    def with_key(self, post: Post, key: str) -> Post:
        return replace(post, key=key, extra={**post.extra, "rkey": tid_from_key(key)})

    def delete(self, published: Published) -> None:
        repo, rkey = _split_uri(published.remote_id)
        self.xrpc.call(
            "POST", "com.atproto.repo.deleteRecord", json={"repo": repo, "collection": POST_COLLECTION, "rkey": rkey}
        )

    # --- metrics -----------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        if self.options.appview:
            profile = self.xrpc.call("GET", "app.bsky.actor.getProfile", params={"actor": self.xrpc.did})
            return AccountStats(followers=profile.get("followersCount"), posts=profile.get("postsCount"))
        return AccountStats(followers=None, posts=self._count_posts())

    def _count_posts(self) -> int:
        total, cursor = 0, None
        for _ in range(POST_COUNT_PAGES):
            params: dict[str, Any] = {"repo": self.xrpc.did, "collection": POST_COLLECTION, "limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = self.xrpc.call("GET", "com.atproto.repo.listRecords", params=params)
            total += len(page.get("records", []))
            cursor = page.get("cursor")
            if not cursor or not page.get("records"):
                return total
        raise PermanentError(f"bluesky: la cuenta tiene más de {POST_COUNT_PAGES * 100} publicaciones; use appview")

    def post_stats(self, published: Published) -> PostStats:
        self._needs_appview("las métricas por publicación")
        answer = self.xrpc.call("GET", "app.bsky.feed.getPosts", params={"uris": published.remote_id})
        if not answer.get("posts"):
            raise PostGone(f"bluesky: la publicación {published.remote_id} ya no existe")
        post = answer["posts"][0]
        return PostStats(
            reactions=post.get("likeCount"),
            shares=(post.get("repostCount") or 0) + (post.get("quoteCount") or 0),
            replies=post.get("replyCount"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Citizens' replies and mentions newer than ``since``, every page of them (newest first,
        following the cursor until ``since``); the account's own posts are not citizens'."""
        self._needs_appview("las respuestas y menciones")
        found: list[Mention] = []
        cursor: str | None = None
        for _ in range(MENTION_PAGES):
            params: dict[str, Any] = {"reasons": ["mention", "reply"], "limit": 100}
            if cursor:
                params["cursor"] = cursor
            answer = self.xrpc.call("GET", "app.bsky.notification.listNotifications", params=params)
            notes = answer.get("notifications", [])
            older = False
            for note in notes:
                created = datetime.fromisoformat(note["record"]["createdAt"])
                if since is not None and created <= since:
                    older = True
                    continue
                if note["author"].get("did") == self.xrpc.did:
                    continue
                parent = note["record"].get("reply", {}).get("parent", {}).get("uri")
                found.append(
                    Mention(note["uri"], note["author"]["handle"], note["record"].get("text", ""), created, parent)
                )
            cursor = answer.get("cursor")
            if older or not cursor or not notes:
                return found
        return found

    def _needs_appview(self, what: str) -> None:
        if not self.options.appview:
            raise NotSupported(
                f"bluesky: {what} están en el AppView (repositorios de otras cuentas); "
                "con appview: false solo se cuentan las publicaciones propias"
            )

    def close(self) -> None:
        if self._xrpc is not None:
            self._xrpc.close()


def _split_uri(uri: str) -> tuple[str, str]:
    """``at://did/app.bsky.feed.post/rkey`` → (did, rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST_COLLECTION:
        raise PermanentError(f"bluesky: {uri!r} no es el URI de una publicación")
    return parts[0], parts[2]
