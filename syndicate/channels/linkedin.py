"""LinkedIn organization page through the versioned REST Posts and Images APIs.

Docs followed (learn.microsoft.com/linkedin): ``marketing/community-management/shares/posts-api``
(article posts, find by author, delete), ``…/shares/images-api`` (initializeUpload + PUT),
``…/shares/little-text-format`` (reserved characters), ``shared/api-guide/concepts/rate-limits``
(daily limits reset at midnight UTC), ``shared/authentication/programmatic-refresh-tokens``
(60-day tokens), and the organization statistics pages (networkSizes, share statistics).

LinkedIn does not scrape Open Graph tags for API posts: the article card (source, title,
description, thumbnail) is supplied here from the manifest, and the thumbnail is uploaded first.

Configuration (``channels.linkedin``)::

    linkedin:
      organization: "12345"            # or urn:li:organization:12345
      access_token: !ENV LINKEDIN_TOKEN
      linkedin_version: "202610"       # YYYYMM; each version is retired after about a year
      api_base: https://api.linkedin.com
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from .. import media as media_files
from ..counting import count, too_long_message
from ..manifest import Item, Media, Update
from .base import (  # read-back (proof that the post is out)
    AccountStats,
    AuthError,
    Channel,
    DuplicateRejected,
    Mention,
    PermanentError,
    Post,
    PostStats,
    Published,
    RateLimited,
    ReadBack,
    TransientError,
    same_words,
)
from .options import ChannelOptions
from .transport import REDACTOR, seconds_until_midnight, send

DEFAULT_VERSION = "202610"
MAX_PIXELS = 36_152_320
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif")
RECONCILE_PAGES = 4
PAGE_SIZE = 50

_RESERVED = re.compile(r"([\\|{}@\[\]()<>*_~#])")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_DUPLICATE_OF = re.compile(r"urn:li:(?:share|ugcPost):\d+")


def little_text(text: str) -> str:
    """Escape ``text`` for LinkedIn's "little text format"; ``#Tag`` becomes a real hashtag.

    Unescaped reserved characters are read as markup and can cut or break the commentary.
    """
    out, last = [], 0
    for match in _HASHTAG.finditer(text):
        out.append(_RESERVED.sub(r"\\\1", text[last : match.start()]))
        out.append("{hashtag|\\#|" + match.group(1) + "}")
        last = match.end()
    out.append(_RESERVED.sub(r"\\\1", text[last:]))
    return "".join(out)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


class LinkedInOptions(ChannelOptions):
    access_token: SecretStr
    organization: str
    linkedin_version: str | None = None


class LinkedInChannel(Channel):
    name = "linkedin"
    text_limit = 3000
    max_images = 1
    options_model = LinkedInOptions
    correction_modes = frozenset({"borrar_y_publicar", "nada"})
    """Live updates are not threaded here, so a correction reply is not offered; delete and repost is."""

    API_BASE: ClassVar[str] = "https://api.linkedin.com"

    def __init__(self, config: Mapping[str, Any] | None = None):
        super().__init__(config)
        self._client: httpx.Client | None = None
        organization = str(self.config.get("organization", ""))
        self.author = organization if organization.startswith("urn:") else f"urn:li:organization:{organization}"

    # --- rendering (no network) --------------------------------------------------------------
    def render(
        self,
        item: Item,
        update: Update | None = None,
        reply_to: Published | None = None,
    ) -> Post:
        plain, link, images = self.draft(item, update)
        title, description = item.title, item.summary
        if update is not None:
            # The card of an update without its own picture keeps the release's.
            title, description, images = f"{item.title}: actualización", update.text, images or item.images
        commentary = little_text(plain)
        # The limit applies to the field as sent, escapes included (the conservative reading).
        length = count(self.name, commentary)
        problems = [too_long_message(self.name, length, self.text_limit)] if length > self.text_limit else []
        thumbnail = media_files.best_image(images[0], media_files.LINK_CARD) if images else None
        if thumbnail is not None and not thumbnail.alt.strip():
            problems.append(f"linkedin: la imagen {thumbnail.url} no tiene texto alternativo")
        card = {"source": link, "title": title, "description": description}
        if thumbnail is not None:
            card["thumbnail"] = thumbnail.url
        return self.new_post(
            item,
            update,
            text=commentary,
            length=length,
            limit=self.text_limit,
            link=link,
            media=(thumbnail,) if thumbnail else (),
            reply_to=reply_to,
            card=card,
            problems=tuple(problems),
        )

    # --- publishing --------------------------------------------------------------------------
    def publish(self, post: Post) -> Published:
        article: dict[str, Any] = {
            "source": post.card["source"],
            "title": post.card["title"],
            "description": post.card["description"],
        }
        if post.media:
            article["thumbnail"] = self._upload_image(post.media[0])
            article["thumbnailAltText"] = post.media[0].alt
        body = {
            "author": self.author,
            "commentary": post.text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "content": {"article": article},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        response = self._call("POST", "/rest/posts", json=body)
        urn = response.headers.get("x-restli-id")
        if response.status_code != 201 or not urn:
            raise PermanentError(
                f"linkedin: respuesta inesperada al publicar ({response.status_code}, sin x-restli-id)"
            )
        return Published(remote_id=urn, url=post_url(urn))

    def _upload_image(self, image: Media) -> str:
        try:
            data = media_files.fetch(image.url)
            info = media_files.describe(data)
            pixels = info.width * info.height
            max_side = None
            if pixels > MAX_PIXELS:
                max_side = int(max(info.width, info.height) * math.sqrt(MAX_PIXELS / pixels))
            fitted = media_files.fit_image(
                data,
                max_bytes=IMAGE_MAX_BYTES,
                max_side=max_side,
                formats=IMAGE_FORMATS,
            )
        except media_files.MediaError as exc:
            raise PermanentError(f"linkedin: {exc}") from exc
        init = self._call(
            "POST",
            "/rest/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": self.author}},
        ).json()["value"]
        upload = send(
            self._http(),
            "PUT",
            init["uploadUrl"],
            network=self.name,
            content=fitted.data,
            headers={"Content-Type": "application/octet-stream"},
        )
        if not upload.is_success:
            raise _error(upload)
        return str(init["image"])

    def find_existing(self, post: Post) -> Published | None:
        """Look through the page's recent posts for an article linking to ``post.link``."""
        for page in range(RECONCILE_PAGES):
            answer = self._call(
                "GET",
                f"/rest/posts?author={quote(self.author, safe='')}&q=author"
                f"&count={PAGE_SIZE}&start={page * PAGE_SIZE}&sortBy=LAST_MODIFIED",
                headers={"X-RestLi-Method": "FINDER"},
            ).json()
            for element in answer.get("elements", []):
                if element.get("content", {}).get("article", {}).get("source") == post.card.get("source"):
                    return Published(remote_id=element["id"], url=post_url(element["id"]))
            if len(answer.get("elements", [])) < PAGE_SIZE:
                return None
        return None

    def read_back(self, published: Published, post: Post | None = None) -> ReadBack:
        """``GET /rest/posts/{encoded URN}`` (Posts API, "Retrieve Posts"): the post exists (404 once
        deleted), is the page's, is PUBLISHED, and its commentary and article link are what was sent."""
        try:
            element = self._call("GET", f"/rest/posts/{quote(published.remote_id, safe='')}").json()
        except PermanentError as exc:
            if exc.status == 404:
                return ReadBack.failed(f"linkedin: la publicación {published.remote_id} ya no existe (404)")
            raise
        if element.get("author") not in (None, self.author):
            return ReadBack.failed(f"linkedin: la publicación {published.remote_id} es de otra página")
        if element.get("lifecycleState") not in (None, "PUBLISHED"):
            return ReadBack.failed(
                f"linkedin: la publicación {published.remote_id} está en estado {element['lifecycleState']}"
            )
        if post is not None:
            source = element.get("content", {}).get("article", {}).get("source")
            if not same_words(post.text, element.get("commentary")):
                return ReadBack.failed(f"linkedin: el texto de {published.remote_id} no es el que se publicó")
            if post.card.get("source") and source != post.card["source"]:
                return ReadBack.failed(f"linkedin: la publicación {published.remote_id} no enlaza al comunicado")
        return ReadBack.verified(post_url(published.remote_id))

    def delete(self, published: Published) -> None:
        self._call(
            "DELETE",
            f"/rest/posts/{quote(published.remote_id, safe='')}",
            headers={"X-RestLi-Method": "DELETE"},
        )

    # --- metrics -----------------------------------------------------------------------------
    def account_stats(self) -> AccountStats:
        answer = self._call(
            "GET",
            f"/rest/networkSizes/{quote(self.author, safe='')}?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
        ).json()
        return AccountStats(followers=answer.get("firstDegreeSize"))

    def post_stats(self, published: Published) -> PostStats:
        kind = "ugcPosts" if ":ugcPost:" in published.remote_id else "shares"
        answer = self._call(
            "GET",
            f"/rest/organizationalEntityShareStatistics?q=organizationalEntity"
            f"&organizationalEntity={quote(self.author, safe='')}"
            f"&{kind}=List({quote(published.remote_id, safe='')})",
        ).json()
        if not answer.get("elements"):
            raise PermanentError(f"linkedin: no hay estadísticas para {published.remote_id}")
        totals = answer["elements"][0].get("totalShareStatistics", {})
        return PostStats(
            impressions=totals.get("impressionCount"),
            reactions=totals.get("likeCount"),
            shares=totals.get("shareCount"),
            replies=totals.get("commentCount"),
        )

    def mentions(self, since: datetime | None = None) -> list[Mention]:
        """Comments on the page's most recent posts (LinkedIn has no mentions feed for pages)."""
        recent = self._call(
            "GET",
            f"/rest/posts?author={quote(self.author, safe='')}&q=author&count=20&sortBy=LAST_MODIFIED",
            headers={"X-RestLi-Method": "FINDER"},
        ).json()
        found = []
        for element in recent.get("elements", []):
            comments = self._call("GET", f"/rest/socialActions/{quote(element['id'], safe='')}/comments").json()
            for comment in comments.get("elements", []):
                created = datetime.fromtimestamp(comment["created"]["time"] / 1000, tz=UTC)
                if since is not None and created < since:
                    continue
                found.append(
                    Mention(
                        remote_id=str(comment.get("$URN") or comment["id"]),
                        author=str(comment.get("actor", "")),
                        text=str(comment.get("message", {}).get("text", "")),
                        created_at=created,
                        in_reply_to=element["id"],
                        url=post_url(element["id"]),
                    )
                )
        return found

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- HTTP --------------------------------------------------------------------------------
    def _http(self) -> httpx.Client:
        if self._client is None:
            token = self.config.get("access_token")
            if not token or not self.config.get("organization"):
                raise PermanentError(
                    "linkedin: mkdocs.yml debe definir `syndicate.channels.linkedin.access_token` "
                    "(con !ENV) y `syndicate.channels.linkedin.organization`"
                )
            REDACTOR.add(str(token))
            self._client = httpx.Client(
                base_url=str(self.config.get("api_base") or self.API_BASE),
                headers={
                    "Authorization": f"Bearer {token}",
                    "LinkedIn-Version": str(self.config.get("linkedin_version") or DEFAULT_VERSION),
                    "X-Restli-Protocol-Version": "2.0.0",
                },
                timeout=float(self.config.get("timeout", 30)),
            )
        return self._client

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = send(self._http(), method, path, network=self.name, **kwargs)
        if response.is_success:
            return response
        raise _error(response)


def _error(response: httpx.Response) -> Exception:
    """Map a LinkedIn error answer (``{"status", "code", "message"}``) to the core's errors."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("message") or response.reason_phrase)
    status = response.status_code
    if status == 422 and (duplicate := _DUPLICATE_OF.search(message)):
        urn = duplicate.group()
        return DuplicateRejected(
            f"linkedin: LinkedIn ya tiene esta publicación ({urn})",
            existing=Published(remote_id=urn, url=post_url(urn)),
            status=status,
        )
    if status == 429:
        wait = seconds_until_midnight(UTC)
        return RateLimited(
            f"linkedin: se alcanzó el límite diario de la API; se restablece a medianoche UTC (en {int(wait)} s)",
            retry_after=wait,
            status=status,
        )
    if status == 426 or body.get("code") == "NONEXISTENT_VERSION":
        return PermanentError(
            "linkedin: LinkedIn ya no acepta la versión de API configurada; actualice "
            "`linkedin_version` (formato AAAAMM, una versión de los últimos 12 meses) en mkdocs.yml",
            status=status,
        )
    if status == 401:
        return AuthError(
            "linkedin: el token de acceso venció o fue revocado (dura 60 días); autorice de nuevo la "
            "aplicación y actualice la variable de entorno del token",
            status=status,
        )
    if status == 403:
        return PermanentError(
            f"linkedin: permiso denegado ({message}); la cuenta necesita el permiso "
            "w_organization_social y un rol de administración en la página",
            status=status,
        )
    if status >= 500:
        return TransientError(f"linkedin: error del servidor de LinkedIn ({status})", status=status)
    return PermanentError(f"linkedin: LinkedIn respondió {status}: {message}", status=status)
