"""X (Twitter) through API v2 with OAuth 1.0a user context.

Docs followed (docs.x.com, source repo xdevplatform/docs): ``x-api/posts/create-post``,
``x-api/media/upload-media`` and ``create-media-metadata``, ``x-api/fundamentals/rate-limits``,
``x-api/fundamentals/response-codes-and-errors``, ``fundamentals/counting-characters``,
``x-api/fundamentals/metrics``. tweepy cannot upload media through v2, so this module talks to the
API with httpx and signs each request with oauthlib (the signer requests-oauthlib uses).

Configuration (``channels.x``)::

    x:
      consumer_key: !ENV X_CONSUMER_KEY
      consumer_secret: !ENV X_CONSUMER_SECRET
      access_token: !ENV X_ACCESS_TOKEN
      access_token_secret: !ENV X_ACCESS_TOKEN_SECRET
      user_id: "123"          # optional; read once from /2/users/me otherwise
      thread_updates: true    # live updates as replies to the release's post
      api_base: https://api.x.com

Cost: X bills every post (a post with a URL costs US$0.20 since 2026-04-20); a ``usage-capped``
answer means the account's pay-per-use credit or spending cap ran out.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from oauthlib.oauth1 import Client as OAuth1Client
from pydantic import SecretStr

from .. import media as media_files
from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from .base import (
    AccountStats,
    AuthError,
    Channel,
    DuplicateRejected,
    Mention,
    PermanentError,
    Post,
    PostGone,
    PostStats,
    Published,
    RateLimited,
    ReadBack,  # read-back (proof that the post is out)
    TransientError,
)
from .options import ChannelOptions
from .transport import REDACTOR, send

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif", "image/webp")
ALT_TEXT_MAX = 1000
RECONCILE_PAGES = 5
"""Pages of 100 own posts searched for a lost post (owned reads are billed per resource)."""
MENTION_PAGES = 50
"""Safety bound on mention pages of 100 (X's mentions timeline itself stops at the latest 800)."""

_SECRETS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


class OAuth1(httpx.Auth):
    """OAuth 1.0a HMAC-SHA1 request signing (RFC 5849) for httpx, with oauthlib.

    Only form-encoded bodies take part in the signature; JSON and multipart bodies do not, as the
    RFC (§3.4.1.3) and X's "Creating a signature" page say.
    """

    def __init__(self, consumer_key: str, consumer_secret: str, token: str, token_secret: str):
        self._client = OAuth1Client(
            consumer_key,
            client_secret=consumer_secret,
            resource_owner_key=token,
            resource_owner_secret=token_secret,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        body = request.read().decode() if form else None
        headers = {"Content-Type": request.headers["content-type"]} if form else {}
        _, signed, _ = self._client.sign(str(request.url), request.method, body, headers)
        request.headers["Authorization"] = signed["Authorization"]
        yield request


class XOptions(ChannelOptions):
    consumer_key: SecretStr
    consumer_secret: SecretStr
    access_token: SecretStr
    access_token_secret: SecretStr
    user_id: str | None = None
    thread_updates: bool = True

    credential_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("consumer_key", "consumer_secret"),)


class XChannel(Channel):
    name = "x"
    text_limit = 280
    max_images = 4
    options_model = XOptions
    correction_modes = frozenset({"responder", "borrar_y_publicar", "nada"})
    """No ``editar``: the X API v2 has no endpoint to edit a post (edits exist only in X's own apps)."""

    API_BASE: ClassVar[str] = "https://api.x.com"

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self._client: httpx.Client | None = None
        self._user_id: str | None = self.config.get("user_id")

    # --- rendering (no network) --------------------------------------------------------------
    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        text, link, images = self.draft(item, update)
        length = count(self.name, text)
        problems = []
        if length > self.text_limit:
            problems.append(too_long_message(self.name, length, self.text_limit))
        images = images[: self.max_images]
        problems += [p for m in images for p in _alt_problems(m)]
        return self.new_post(
            item,
            update,
            text=text,
            length=length,
            limit=self.text_limit,
            link=link,
            media=images,
            # X allows programmatic replies only when "summoned" (since 2026-02-23); an office
            # whose threaded updates are refused sets `thread_updates: false`.
            reply_to=reply_to if self.config.get("thread_updates", True) else None,
            problems=tuple(problems),
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        media_ids = [self._upload_image(m) for m in post.media]
        body: dict[str, Any] = {"text": post.text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if post.reply_to is not None:
            body["reply"] = {"in_reply_to_tweet_id": post.reply_to.remote_id}
        data = self._call("POST", "/2/tweets", json=body, expect=201)["data"]
        return self._published(data["id"])

    def _upload_image(self, image: Media) -> str:
        try:
            fitted = media_files.fit_image(
                media_files.fetch(image.url),
                max_bytes=IMAGE_MAX_BYTES,
                formats=IMAGE_FORMATS,
            )
        except media_files.MediaError as exc:
            raise PermanentError(f"x: {exc}") from exc
        extension = fitted.mime.split("/")[1]
        uploaded = self._call(
            "POST",
            "/2/media/upload",
            files={"media": (f"imagen.{extension}", fitted.data, fitted.mime)},
            data={"media_category": "tweet_image", "media_type": fitted.mime},
        )
        media_id = str(uploaded["data"]["id"])
        if image.alt:
            self._call(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": image.alt}}},
            )
        return media_id

    def find_existing(self, post: Post) -> Published | None:
        """Search the account's own recent posts for one linking to ``post.link``.

        X returns t.co links in ``text``; the original URL is in ``entities.urls[].expanded_url``.
        """
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": "entities,created_at",
        }
        for _ in range(RECONCILE_PAGES):
            page = self._call("GET", f"/2/users/{self._me()}/tweets", params=params)
            for tweet in page.get("data", []):
                urls = tweet.get("entities", {}).get("urls", [])
                if any(u.get("expanded_url") == post.link for u in urls):
                    return self._published(tweet["id"])
            next_token = page.get("meta", {}).get("next_token")
            if not next_token:
                return None
            params["pagination_token"] = next_token
        return None

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """``GET /2/tweets?ids=`` (the post lookup): the post exists, is the account's, and links to
        the release (X shows t.co in ``text``; the original URL is in ``entities.urls``). A deleted
        post comes back as an ``errors`` entry "Not Found Error" with HTTP 200."""
        answer = self._call(
            "GET", "/2/tweets", params={"ids": published.remote_id, "tweet.fields": "entities,author_id"}
        )
        tweet = next((t for t in answer.get("data", []) if str(t.get("id")) == published.remote_id), None)
        if tweet is None:
            title = next((str(e.get("title")) for e in answer.get("errors", []) if e.get("title")), "sin detalle")
            return ReadBack.failed(f"x: la publicación {published.remote_id} no está en X ({title})")
        if tweet.get("author_id") is not None and str(tweet["author_id"]) != self._me():
            return ReadBack.failed(f"x: la publicación {published.remote_id} es de otra cuenta")
        urls = [u.get("expanded_url") for u in tweet.get("entities", {}).get("urls", [])]
        if post is not None and post.link and post.link not in urls:
            return ReadBack.failed(f"x: la publicación {published.remote_id} no enlaza a {post.link}")
        return ReadBack.verified(self._published(published.remote_id).url)

    def delete(self, published: Published) -> None:
        self._call("DELETE", f"/2/tweets/{published.remote_id}")

    # --- metrics -----------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        data = self._call("GET", "/2/users/me", params={"user.fields": "public_metrics"})["data"]
        metrics = data.get("public_metrics", {})
        return AccountStats(followers=metrics.get("followers_count"), posts=metrics.get("tweet_count"))

    def post_stats(self, published: Published) -> PostStats:
        answer = self._call(
            "GET",
            "/2/tweets",
            params={"ids": published.remote_id, "tweet.fields": "public_metrics"},
        )
        if not answer.get("data"):
            # A deleted post is answered 200 with a "Not Found Error" (resource-not-found) entry.
            missing = [
                e
                for e in answer.get("errors", [])
                if e.get("title") == "Not Found Error" or str(e.get("type", "")).endswith("/resource-not-found")
            ]
            if missing or not answer.get("errors"):
                raise PostGone(f"x: la publicación {published.remote_id} ya no existe")
            raise PermanentError(f"x: no se pudieron leer las métricas de {published.remote_id}")
        metrics = answer["data"][0]["public_metrics"]
        return PostStats(
            impressions=metrics.get("impression_count"),
            reactions=metrics.get("like_count"),
            shares=metrics.get("retweet_count", 0) + metrics.get("quote_count", 0),
            replies=metrics.get("reply_count"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Mentions and replies by others since ``since``, every page (``meta.next_token``); the
        office's own posts (its live-update replies to itself) are not citizens' and are left out."""
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": "created_at,author_id,referenced_tweets",
            "expansions": "author_id",
        }
        if since is not None:
            params["start_time"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        me = self._me()
        found: list[Mention] = []
        for _ in range(MENTION_PAGES):
            answer = self._call("GET", f"/2/users/{me}/mentions", params=params)
            users = {u["id"]: u["username"] for u in answer.get("includes", {}).get("users", [])}
            for tweet in answer.get("data", []):
                if str(tweet.get("author_id", "")) == me:
                    continue
                replied = [r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "replied_to"]
                found.append(
                    Mention(
                        remote_id=tweet["id"],
                        author=users.get(tweet.get("author_id", ""), tweet.get("author_id", "")),
                        text=tweet["text"],
                        created_at=datetime.fromisoformat(tweet["created_at"]),
                        in_reply_to=replied[0] if replied else None,
                        url=f"https://x.com/i/web/status/{tweet['id']}",
                    )
                )
            next_token = answer.get("meta", {}).get("next_token")
            if not next_token:
                break
            params["pagination_token"] = next_token
        return found

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- HTTP --------------------------------------------------------------------------------
    def _published(self, tweet_id: str) -> Published:
        return Published(remote_id=str(tweet_id), url=f"https://x.com/i/web/status/{tweet_id}")

    def _me(self) -> str:
        if self._user_id is None:
            self._user_id = str(self._call("GET", "/2/users/me")["data"]["id"])
        return self._user_id

    def _http(self) -> httpx.Client:
        if self._client is None:
            missing = [k for k in _SECRETS if not self.config.get(k)]
            if missing:
                raise PermanentError(
                    "x: mkdocs.yml no define "
                    + ", ".join(f"`syndicate.channels.x.{k}`" for k in missing)
                    + " (defínalas con !ENV y una variable de entorno)"
                )
            for key in _SECRETS:
                REDACTOR.add(str(self.config[key]))
            self._client = httpx.Client(
                base_url=str(self.config.get("api_base") or self.API_BASE),
                auth=OAuth1(*(str(self.config[k]) for k in _SECRETS)),
                timeout=float(self.config.get("timeout", 30)),
            )
        return self._client

    def _call(self, method: str, path: str, *, expect: int | None = None, **kwargs: Any) -> dict[str, Any]:
        response = send(self._http(), method, path, network=self.name, **kwargs)
        if response.is_success and (expect is None or response.status_code == expect):
            return response.json() if response.content else {}
        raise _error(response)


def _alt_problems(image: Media) -> list[str]:
    if not image.alt.strip():
        return [f"x: la imagen {image.url} no tiene texto alternativo"]
    if len(image.alt) > ALT_TEXT_MAX:
        return [f"x: el texto alternativo de {image.url} tiene {len(image.alt)} caracteres; X admite {ALT_TEXT_MAX}"]
    return []


def _reset_wait(headers: httpx.Headers) -> float | None:
    """Seconds until X lifts the limit that was hit: the 15-minute window, or a 24-hour one."""
    resets = [headers.get("x-rate-limit-reset")]
    # Apps and users also have 24-hour post limits with their own headers; when one of them is
    # exhausted its reset is the one that matters.
    for scope in ("app", "user"):
        if headers.get(f"x-{scope}-limit-24hour-remaining") == "0":
            resets.append(headers.get(f"x-{scope}-limit-24hour-reset"))
    known = [float(r) for r in resets if r and r.isdigit()]
    return max(1.0, max(known) - time.time()) if known else None


def _error(response: httpx.Response) -> Exception:
    """Map an X error answer (problem JSON) to the core's errors."""
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    detail = str(problem.get("detail") or problem.get("title") or response.reason_phrase)
    kind = str(problem.get("type", ""))
    status = response.status_code
    wait = _reset_wait(response.headers)
    if status == 429 and kind.endswith("/usage-capped"):
        message = (
            "x: se agotó el presupuesto de pago por uso de la cuenta de X (cada publicación con enlace "
            "cuesta US$0,20); recargue créditos o suba el tope de gasto en la consola de X"
        )
        if wait is not None:
            return RateLimited(
                message + f"; X indica reintentar en {int(wait)} s",
                retry_after=wait,
                status=status,
            )
        return PermanentError(message, status=status)
    if status == 429:
        return RateLimited(
            f"x: límite de publicaciones alcanzado; reintentar en {int(wait or 900)} s",
            retry_after=wait or 900.0,
            status=status,
        )
    if status == 403 and "duplicate content" in detail:
        return DuplicateRejected("x: X rechazó la publicación por contenido duplicado", status=status)
    if status == 401:
        return AuthError(
            "x: X rechazó las credenciales (¿se regeneraron las claves o el token de acceso?)",
            status=status,
        )
    if status >= 500:
        return TransientError(f"x: error del servidor de X ({status})", status=status)
    return PermanentError(f"x: X respondió {status}: {detail}", status=status)
