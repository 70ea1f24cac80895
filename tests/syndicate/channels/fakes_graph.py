"""Local reproductions of Meta's Graph-family APIs: Facebook Pages, Instagram and Threads.

No Meta server can run here, so these are real HTTP servers on 127.0.0.1 (see
:class:`tests.fakes.api_server.FakeAPI`) that answer the documented requests with the documented
shapes, and **record a violation for any request the documentation does not allow**. Pages followed:

* Graph API "Handling Errors" (error body shape, codes 4/17/190/506…) and "Rate Limits"
  (``X-Business-Use-Case-Usage`` with ``estimated_time_to_regain_access`` in minutes):
  https://developers.facebook.com/docs/graph-api/guides/error-handling,
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
* Pages API "Posts" and the Page Feed / Page Photos references:
  https://developers.facebook.com/docs/pages-api/posts,
  https://developers.facebook.com/docs/graph-api/reference/page/feed,
  https://developers.facebook.com/docs/graph-api/reference/page/photos
* Instagram "Content Publishing", IG User Media, IG Container and content_publishing_limit:
  https://developers.facebook.com/docs/instagram-platform/content-publishing/,
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media,
  …/reference/ig-container, …/reference/ig-user/content_publishing_limit
* Threads "Posts", publishing reference, "Delete Posts", "Overview" (publishing limit) and
  "Troubleshooting" (container status): https://developers.facebook.com/docs/threads/posts/,
  https://developers.facebook.com/documentation/threads/reference/publishing,
  https://developers.facebook.com/docs/threads/posts/delete-posts,
  https://developers.facebook.com/docs/threads/overview/

* Reels: Facebook "Reels Publishing API" (``/{page-id}/video_reels`` start/finish, the upload
  host's ``Authorization: OAuth`` and ``file_url`` headers, ``GET /{video-id}?fields=status``):
  https://developers.facebook.com/docs/video-api/guides/reels-publishing/; Instagram
  ``media_type=REELS`` containers with ``video_url`` and ``share_to_feed`` (IG User Media
  reference; Reels take no ``alt_text``).

Like Meta, the fakes **download every media URL** they are given ("we cURL media … so it must be on
a public server") and refuse what they cannot fetch, so a test proves the image was public.
Lists page two entries at a time; their ``paging.next`` links carry ``access_token`` as Graph's
do, so a client that follows them verbatim puts the token in a URL and fails the test.
The token is accepted as the ``access_token`` form field of a POST (as the references show) or as
``Authorization: Bearer``, never both. Policy checks beyond Meta's own rules are labelled "policy:"
(the token must never be in a URL).
"""

from __future__ import annotations

import io
import itertools
import json
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from PIL import Image
from pregon.syndicate.manifest import Item

from tests.fakes.api_server import FakeAPI, Reply, Request

TOKEN = "EAAG-test-token-do-not-log"
FORM = "application/x-www-form-urlencoded"


def graph_error(
    status: int,
    code: int,
    message: str,
    subcode: int | None = None,
    headers: dict[str, str] | None = None,
    error_type: str = "OAuthException",
) -> Reply:
    """A Graph error response exactly in the documented shape."""
    error: dict[str, Any] = {"message": message, "type": error_type, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error}, headers or {})


def buc_headers(object_id: str, minutes: int, kind: str = "pages") -> dict[str, str]:
    """``X-Business-Use-Case-Usage`` as Meta sends it when a business object is throttled."""
    usage = {
        object_id: [
            {
                "type": kind,
                "call_count": 100,
                "total_cputime": 30,
                "total_time": 40,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    }
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


def rate_limited(object_id: str, minutes: int = 2, code: int = 4) -> Reply:
    """Code 4 ("Application request limit reached") with the BUC header; Graph answers 400/403."""
    return graph_error(403, code, "(#4) Application request limit reached", headers=buc_headers(object_id, minutes))


def iso(moment: datetime) -> str:
    """Graph's timestamp format, e.g. ``2026-11-20T15:00:00+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class GraphFake(FakeAPI):
    """What the three fakes share: token check, form bodies, paged lists, media download."""

    version = "v25.0"
    page_size = 2

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(17_900_000_000_000_001)
        self.token_expired = False
        self.fetched: list[str] = []
        """Every media URL the fake downloaded, like Meta's crawler would."""
        self._crawler = httpx.Client(timeout=10)

    @property
    def api_base(self) -> str:
        return f"{self.url}/{self.version}"

    def stop(self) -> None:
        """Stop without waiting for the serve loop's half-second poll (keeps the suite fast)."""
        self._crawler.close()
        server, self._server = self._server, None
        if server is not None:
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()

    def new_id(self) -> str:
        return str(next(self._ids))

    def path(self, pattern: str) -> str:
        return rf"/{self.version.replace('.', '[.]')}/{pattern}"

    # --- request checks ------------------------------------------------------------------------
    def check(self, req: Request, *, form: bool = False) -> Reply | None:
        """``None`` when the request is authorised and well-formed, else the reply to send."""
        if "access_token" in req.query:
            return self.reject(
                400, {"error": {"message": "token in URL", "code": 100}}, "policy: access token in the URL query"
            )
        if form and req.body and not (req.header("content-type") or "").startswith(FORM):
            return self.reject(
                400,
                {"error": {"message": "expected a form body", "code": 100}},
                f"{req.method} {req.path}: body is {req.header('content-type')!r}, the reference shows form fields",
            )
        auth = req.header("authorization") or ""
        header_token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        form_token = (req.form().get("access_token") or [None])[0] if form else None
        if header_token and form_token:
            return self.reject(
                400, {"error": {"message": "two tokens", "code": 100}}, f"{req.method} {req.path}: token sent twice"
            )
        token = header_token or form_token
        if token is None:
            return self.reject(
                400,
                {"error": {"message": "An active access token must be used", "code": 2500}},
                f"{req.method} {req.path}: no access token",
            )
        if token != TOKEN:
            return self.reject(
                400, graph_error(400, 190, "Invalid OAuth access token").body, f"{req.method} {req.path}: wrong token"
            )
        if self.token_expired:
            return graph_error(400, 190, "Error validating access token: Session has expired", subcode=463)
        return None

    def fields(self, req: Request) -> dict[str, str]:
        """The form fields of a POST (query string values included), one value each."""
        return {k: v[-1] for k, v in req.form().items() if k != "access_token"}

    def requested_fields(self, req: Request) -> set[str]:
        raw = (req.query.get("fields") or [""])[0]
        return {f.split("{")[0].split(".")[0] for f in raw.split(",") if f}

    def listing(self, req: Request, entries: list[dict[str, Any]]) -> Reply:
        """A Graph list: only the requested fields, two per page, cursors and a ``next`` link."""
        wanted = self.requested_fields(req) | {"id"}
        start = int((req.query.get("after") or ["0"])[0])
        chunk = entries[start : start + self.page_size]
        body: dict[str, Any] = {"data": [{k: v for k, v in e.items() if k in wanted} for e in chunk]}
        if chunk:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(entries):
                query = {k: v[0] for k, v in req.query.items() if k != "after"}
                query.update(after=str(start + len(chunk)), access_token=TOKEN)
                body["paging"]["next"] = f"{self.url}{req.path}?{urlencode(query)}"
        return Reply(200, body)

    def download(self, url: str) -> bytes | None:
        """Fetch a media URL from its public server, as Meta does; ``None`` if it is not there."""
        self.fetched.append(url)
        try:
            response = self._crawler.get(url)
        except httpx.HTTPError:
            return None
        return response.content if response.status_code == 200 else None

    def wrap(self, handler: Callable[[Request], Reply], *, form: bool = False) -> Callable[[Request], Reply]:
        def checked(req: Request) -> Reply:
            return self.check(req, form=form) or handler(req)

        return checked


def _image_info(data: bytes) -> tuple[str, int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            return str(img.format), img.width, img.height
    except OSError:
        return None


# --- Facebook Pages -----------------------------------------------------------------------------


class FacebookFake(GraphFake):
    """Pages API: ``/feed``, ``/photos``, ``/published_posts``, post node, insights, comments."""

    page_id = "104000000000001"

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict[str, Any]] = []
        self.photos: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.followers = 5321
        page = self.page_id
        self.add_route("POST", self.path(rf"{page}/feed"), self.wrap(self._feed, form=True), "feed")
        self.add_route("POST", self.path(rf"{page}/photos"), self.wrap(self._photos, form=True), "photos")
        self.add_route("GET", self.path(rf"{page}/published_posts"), self.wrap(self._published), "published_posts")
        self.reels: dict[str, dict[str, Any]] = {}
        self.add_route(
            "POST", self.path(rf"{page}/video_reels"), self.wrap(self._video_reels, form=True), "video_reels"
        )
        self.add_route("GET", self.path(rf"{page}/video_reels"), self.wrap(self._list_reels), "reels_list")
        self.add_route(
            "POST",
            rf"/video-upload/{self.version.replace('.', '[.]')}/(?P<video>\d+)",
            self._reel_upload,
            "reel_upload",
        )
        self.add_route("GET", self.path(r"(?P<obj>[\d_]+)"), self.wrap(self._node), "node")
        self.add_route("DELETE", self.path(r"(?P<obj>[\d_]+)"), self.wrap(self._delete), "delete")
        self.add_route("GET", self.path(r"(?P<obj>[\d_]+)/insights"), self.wrap(self._insights), "insights")
        self.add_route("GET", self.path(r"(?P<obj>[\d_]+)/comments"), self.wrap(self._comments), "comments")

    def live_posts(self) -> list[dict[str, Any]]:
        return [p for p in self.posts if not p.get("deleted")]

    def _new_post(self, message: str, **extra: Any) -> dict[str, Any]:
        post_id = f"{self.page_id}_{self.new_id()}"
        post = {
            "id": post_id,
            "message": message,
            "created_time": iso(datetime.now(UTC)),
            "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post_id.split('_')[1]}",
            **extra,
        }
        self.posts.append(post)
        self.comments[post_id] = []
        return post

    def _duplicate(self, message: str) -> bool:
        live = self.live_posts()
        return bool(live) and live[-1]["message"] == message

    def _feed(self, req: Request) -> Reply:
        f = self.fields(req)
        attached = [json.loads(v) for k, v in sorted(f.items()) if k.startswith("attached_media[")]
        if not f.get("message") and not f.get("link") and not attached:
            return self.reject(400, graph_error(400, 100, "message or link required").body, "feed without content")
        if attached and f.get("link"):
            return self.reject(400, graph_error(400, 100, "link with attached_media").body, "link + attached_media")
        for media in attached:
            photo = self.photos.get(str(media.get("media_fbid")))
            if photo is None or photo["published"]:
                return self.reject(
                    400, graph_error(400, 100, "Invalid media_fbid").body, f"attached_media {media} is not unpublished"
                )
        if self._duplicate(f.get("message", "")):
            return graph_error(400, 506, "Duplicate status message")
        post = self._new_post(f.get("message", ""), link=f.get("link"), attached=[m["media_fbid"] for m in attached])
        return Reply(200, {"id": post["id"]})

    def _photos(self, req: Request) -> Reply:
        f = self.fields(req)
        if "url" not in f:
            return self.reject(400, graph_error(400, 324, "Requires upload file").body, "photo without url/source")
        data = self.download(f["url"])
        if data is None or _image_info(data) is None:
            return graph_error(400, 324, "Missing or invalid image file")
        published = f.get("published", "true") != "false"
        if not published and f.get("caption"):
            return self.reject(400, {"error": {"code": 100}}, "caption on an unpublished photo is lost")
        photo_id = self.new_id()
        self.photos[photo_id] = {"url": f["url"], "published": published}
        if not published:
            return Reply(200, {"id": photo_id})
        if self._duplicate(f.get("caption", "")):
            return graph_error(400, 506, "Duplicate status message")
        post = self._new_post(f.get("caption", ""), attached=[photo_id])
        return Reply(200, {"id": photo_id, "post_id": post["id"]})

    def _published(self, req: Request) -> Reply:
        """Newest first; ``since`` (unix seconds) keeps the posts created at or after it."""
        posts = list(reversed(self.live_posts()))
        since = (req.query.get("since") or [""])[0]
        if since:
            posts = [p for p in posts if datetime.fromisoformat(p["created_time"]).timestamp() >= int(since)]
        return self.listing(req, posts)

    # --- Reels ------------------------------------------------------------------------------------
    def published_reels(self) -> list[dict[str, Any]]:
        return [r for r in self.reels.values() if r["state"] == "PUBLISHED"]

    def _video_reels(self, req: Request) -> Reply:
        f = self.fields(req)
        phase = f.get("upload_phase")
        if phase == "start":
            video_id = self.new_id()
            self.reels[video_id] = {"id": video_id, "state": "STARTED", "data": None}
            return Reply(
                200, {"video_id": video_id, "upload_url": f"{self.url}/video-upload/{self.version}/{video_id}"}
            )
        if phase != "finish":
            return self.reject(400, graph_error(400, 100, "upload_phase").body, f"upload_phase {phase!r}")
        reel = self.reels.get(f.get("video_id", ""))
        if reel is None:
            return self.reject(400, graph_error(400, 100, "Invalid video_id").body, "finish of an unknown video")
        if reel["data"] is None or not reel.get("status_read"):
            return self.reject(
                400, graph_error(400, 6000, "video not uploaded").body, "finish before the upload phase was complete"
            )
        if f.get("video_state") != "PUBLISHED":
            return self.reject(400, {"error": {"code": 100}}, f"video_state {f.get('video_state')!r}")
        if reel["state"] == "PUBLISHED":
            return self.reject(400, {"error": {"code": 100}}, f"reel {reel['id']} finished twice")
        reel.update(
            state="PUBLISHED",
            description=f.get("description", ""),
            permalink_url=f"https://www.facebook.com/reel/{reel['id']}",
            created_time=iso(datetime.now(UTC)),
        )
        return Reply(200, {"success": True})

    def _reel_upload(self, req: Request) -> Reply:
        reel = self.reels.get(req.params["video"])
        if "access_token" in req.query:
            return self.reject(400, {"error": {"code": 100}}, "policy: access token in the URL query")
        if req.header("authorization") != f"OAuth {TOKEN}":
            return self.reject(
                401,
                graph_error(401, 190, "Invalid OAuth access token").body,
                "upload host needs 'Authorization: OAuth'",
            )
        if reel is None:
            return self.reject(400, {"error": {"code": 100}}, "upload for an unknown video")
        file_url = req.header("file_url")
        if not file_url:
            return self.reject(400, {"error": {"code": 100}}, "hosted upload without the file_url header")
        data = self.download(file_url)
        if data is None or data[4:8] != b"ftyp":
            return graph_error(400, 6000, "There was a problem uploading your video file")
        reel["data"] = data
        return Reply(200, {"success": True})

    def _list_reels(self, req: Request) -> Reply:
        return self.listing(req, list(reversed(self.published_reels())))

    def _post(self, obj: str) -> dict[str, Any] | None:
        return next((p for p in self.live_posts() if p["id"] == obj), None)

    def _node(self, req: Request) -> Reply:
        obj, wanted = req.params["obj"], self.requested_fields(req)
        if obj == self.page_id:
            if not wanted <= {"followers_count", "fan_count", "id", "name"}:
                return self.reject(400, {"error": {"code": 100}}, f"page fields {wanted}")
            return Reply(200, {"id": obj, "followers_count": self.followers, "fan_count": self.followers - 21})
        if obj in self.reels:
            reel = self.reels[obj]
            if not wanted <= {"status", "permalink_url", "id"}:
                return self.reject(400, {"error": {"code": 100}}, f"video fields {wanted}")
            uploaded = reel["data"] is not None
            reel["status_read"] = uploaded
            body = {
                "id": obj,
                "status": {
                    "video_status": "ready"
                    if reel["state"] == "PUBLISHED"
                    else "upload_complete"
                    if uploaded
                    else "processing",
                    "uploading_phase": {"status": "complete" if uploaded else "not_started"},
                    "processing_phase": {"status": "complete" if reel["state"] == "PUBLISHED" else "not_started"},
                    "publishing_phase": {"status": "complete" if reel["state"] == "PUBLISHED" else "not_started"},
                },
            }
            if reel["state"] == "PUBLISHED":
                body["permalink_url"] = reel["permalink_url"]
            return Reply(200, {k: v for k, v in body.items() if k in wanted | {"id"}})
        post = self._post(obj)
        if post is None:
            return self.missing(obj)
        body = {"id": obj}
        if "permalink_url" in wanted:
            body["permalink_url"] = post["permalink_url"]
        if "shares" in wanted:
            body["shares"] = {"count": 3}
        if "comments" in wanted:
            if "comments.summary(true)" not in (req.query.get("fields") or [""])[0]:
                return self.reject(400, {"error": {"code": 100}}, "comments count needs comments.summary(true)")
            body["comments"] = {"data": [], "summary": {"total_count": len(self.comments[obj])}}
        return Reply(200, body)

    def _delete(self, req: Request) -> Reply:
        post = self._post(req.params["obj"])
        if post is None:
            return graph_error(400, 100, "Object does not exist")
        post["deleted"] = True
        return Reply(200, {"success": True})

    REMOVED_METRICS = frozenset({"post_impressions", "post_impressions_unique", "post_engaged_users"})
    POST_METRICS = frozenset({"post_total_media_view_unique", "post_reactions_by_type_total", "post_clicks"})

    @staticmethod
    def missing(obj: str) -> Reply:
        """Graph's answer for an object that does not exist (deleted): code 100, subcode 33."""
        return graph_error(
            400,
            100,
            f"Unsupported get request. Object with ID '{obj}' does not exist, cannot be loaded due to missing "
            "permissions, or does not support this operation. Please read the Graph API documentation at "
            "https://developers.facebook.com/docs/graph-api",
            subcode=33,
            error_type="GraphMethodException",
        )

    def _insights(self, req: Request) -> Reply:
        metrics = set((req.query.get("metric") or [""])[0].split(","))
        if self._post(req.params["obj"]) is None and req.params["obj"] in self.comments:
            return self.missing(req.params["obj"])
        if metrics & self.REMOVED_METRICS:
            return graph_error(400, 100, "(#100) The value must be a valid insights metric")
        if not metrics <= self.POST_METRICS:
            return self.reject(400, {"error": {"code": 100}}, f"unknown post metrics {metrics}")
        values = {
            "post_total_media_view_unique": 812,
            "post_reactions_by_type_total": {"like": 40, "love": 5},
            "post_clicks": 77,
        }
        data = [
            {
                "name": m,
                "period": "lifetime",
                "values": [{"value": values[m]}],
                "id": f"{req.params['obj']}/insights/{m}",
            }
            for m in sorted(metrics)
        ]
        return Reply(200, {"data": data})

    def _comments(self, req: Request) -> Reply:
        return self.listing(req, self.comments.get(req.params["obj"], []))

    def add_comment(
        self, post_id: str, author: str, text: str, *, from_page: bool = False, at: datetime | None = None
    ) -> None:
        author_id = self.page_id if from_page else self.new_id()
        self.comments[post_id].append(
            {
                "id": f"{post_id}_{self.new_id()}",
                "message": text,
                "from": {"id": author_id, "name": author},
                "created_time": iso(at or datetime.now(UTC)),
                "permalink_url": f"https://www.facebook.com/comment/{self.new_id()}",
            }
        )


# --- containers (Instagram, Threads) ------------------------------------------------------------


class ContainerFake(GraphFake):
    """Container lifecycle shared by Instagram and Threads: IN_PROGRESS → FINISHED → PUBLISHED."""

    status_field = "status_code"
    polls_until_finished = 1
    """How many status reads a container answers IN_PROGRESS before it is FINISHED."""
    quota_total = 100

    def __init__(self) -> None:
        super().__init__()
        self.containers: dict[str, dict[str, Any]] = {}
        self.media: list[dict[str, Any]] = []
        self.quota_usage = 0
        self.reply_quota_usage = 0
        self.container_error: str | None = None
        """When set, new containers end in ERROR with this message."""

    def new_container(self, **fields: Any) -> str:
        cid = self.new_id()
        self.containers[cid] = {"status": "IN_PROGRESS", "polls": 0, **fields}
        return cid

    def read_status(self, cid: str) -> dict[str, Any]:
        container = self.containers[cid]
        if container["status"] == "IN_PROGRESS":
            if self.container_error:
                container["status"], container["error"] = "ERROR", self.container_error
            elif container["polls"] >= self.polls_until_finished:
                container["status"] = "FINISHED"
            container["polls"] += 1
        body = {"id": cid, self.status_field: container["status"]}
        if container.get("error"):
            body["error_message"] = container["error"]
        return body

    def publishable(self, cid: str | None) -> Reply | None:
        """``None`` when ``cid`` may be published now, else the reply (a violation if undocumented)."""
        container = self.containers.get(cid or "")
        if container is None:
            return self.reject(400, graph_error(400, 100, "Invalid creation_id").body, f"unknown container {cid}")
        if container.get("is_carousel_item"):
            return self.reject(400, graph_error(400, 100, "carousel item").body, f"published carousel child {cid}")
        if container["status"] == "PUBLISHED":
            return self.reject(400, graph_error(400, 100, "already published").body, f"container {cid} published twice")
        if container["status"] != "FINISHED":
            return self.reject(
                400,
                graph_error(400, 9007, "Media ID is not available", subcode=2207027).body,
                f"published container {cid} while {container['status']} (status never read as FINISHED)",
            )
        return None

    def children_ok(self, raw: str | None, limit: int) -> Reply | list[str]:
        children = [c for c in (raw or "").split(",") if c]
        if not 2 <= len(children) <= limit:
            return self.reject(400, graph_error(400, 100, "children").body, f"carousel with {len(children)} children")
        for child in children:
            container = self.containers.get(child)
            if container is None or not container.get("is_carousel_item") or container["status"] != "FINISHED":
                return self.reject(
                    400, graph_error(400, 100, "invalid child").body, f"child {child} is not a FINISHED carousel item"
                )
        return children

    def publishing_limit(self, req: Request) -> Reply:
        if self.requested_fields(req) - {"quota_usage", "config", "reply_quota_usage", "reply_config"}:
            return self.reject(400, {"error": {"code": 100}}, "unknown publishing limit fields")
        entry: dict[str, Any] = {}
        wanted = self.requested_fields(req)
        if "quota_usage" in wanted:
            entry["quota_usage"] = self.quota_usage
        if "config" in wanted:
            entry["config"] = {"quota_total": self.quota_total, "quota_duration": 86400}
        if "reply_quota_usage" in wanted:
            entry["reply_quota_usage"] = self.reply_quota_usage
        if "reply_config" in wanted:
            entry["reply_config"] = {"quota_total": 1000, "quota_duration": 86400}
        return Reply(200, {"data": [entry]})


# --- Instagram ----------------------------------------------------------------------------------


class InstagramFake(ContainerFake):
    """IG User media/media_publish/content_publishing_limit, IG Container status, IG Media reads."""

    ig_user_id = "17841400000000001"
    max_children = 10

    def __init__(self) -> None:
        super().__init__()
        self.comments: dict[str, list[dict[str, Any]]] = {}
        user = self.ig_user_id
        self.add_route("POST", self.path(rf"{user}/media"), self.wrap(self._create, form=True), "media_create")
        self.add_route("GET", self.path(rf"{user}/media"), self.wrap(self._list), "media_list")
        self.add_route(
            "POST", self.path(rf"{user}/media_publish"), self.wrap(self._publish, form=True), "media_publish"
        )
        self.add_route(
            "GET", self.path(rf"{user}/content_publishing_limit"), self.wrap(self.publishing_limit), "publishing_limit"
        )
        self.add_route("GET", self.path(r"(?P<obj>\d+)"), self.wrap(self._node), "node")
        self.add_route("GET", self.path(r"(?P<obj>\d+)/insights"), self.wrap(self._insights), "insights")
        self.add_route("GET", self.path(r"(?P<obj>\d+)/comments"), self.wrap(self._comments), "comments")

    def _create(self, req: Request) -> Reply:
        f = self.fields(req)
        if f.get("media_type") == "CAROUSEL":
            children = self.children_ok(f.get("children"), self.max_children)
            if isinstance(children, Reply):
                return children
            return Reply(
                200, {"id": self.new_container(media_type="CAROUSEL", children=children, caption=f.get("caption"))}
            )
        if f.get("media_type") == "REELS":
            return self._reel_container(f)
        if f.get("media_type") not in (None, "IMAGE"):
            return self.reject(400, {"error": {"code": 100}}, f"unexpected media_type {f.get('media_type')}")
        if "image_url" not in f:
            return self.reject(
                400, graph_error(400, 100, "image_url required").body, "image container without image_url"
            )
        carousel_item = f.get("is_carousel_item") == "true"
        if carousel_item and f.get("caption"):
            return self.reject(400, {"error": {"code": 100}}, "caption belongs on the carousel parent")
        data = self.download(f["image_url"])
        if data is None:
            return graph_error(
                400, 9004, "Media download has failed. The media URI doesn't meet our requirements.", 2207052
            )
        info = _image_info(data)
        if info is None or info[0] != "JPEG":
            return graph_error(400, 9004, "Only photo or video can be accepted as media type.", 2207026)
        if len(data) > 8 * 1024 * 1024:
            return graph_error(400, 9004, "The image size is too large.", 2207004)
        if not 0.795 <= info[1] / info[2] <= 1.915:
            return graph_error(400, 36003, "The aspect ratio is not supported.", 2207009)
        cid = self.new_container(
            media_type="IMAGE",
            image_url=f["image_url"],
            caption=f.get("caption"),
            alt_text=f.get("alt_text"),
            is_carousel_item=carousel_item,
        )
        return Reply(200, {"id": cid})

    def _reel_container(self, f: dict[str, str]) -> Reply:
        if "video_url" not in f or "image_url" in f:
            return self.reject(
                400, graph_error(400, 100, "video_url required").body, "REELS container without video_url"
            )
        if "alt_text" in f or f.get("is_carousel_item") == "true":
            return self.reject(400, {"error": {"code": 100}}, "Reels take no alt_text and are not carousel items")
        if f.get("share_to_feed") not in (None, "true", "false"):
            return self.reject(400, {"error": {"code": 100}}, f"share_to_feed {f.get('share_to_feed')!r}")
        data = self.download(f["video_url"])
        if data is None or data[4:8] != b"ftyp":
            return graph_error(
                400, 9004, "Media download has failed. The media URI doesn't meet our requirements.", 2207052
            )
        cid = self.new_container(
            media_type="REELS", video_url=f["video_url"], caption=f.get("caption"), share_to_feed=f.get("share_to_feed")
        )
        return Reply(200, {"id": cid})

    def _publish(self, req: Request) -> Reply:
        if self.quota_usage >= self.quota_total:
            return graph_error(400, 9, "Application request limit reached", 2207042)
        cid = self.fields(req).get("creation_id")
        refused = self.publishable(cid)
        if refused is not None:
            return refused
        assert cid is not None
        container = self.containers[cid]
        container["status"] = "PUBLISHED"
        self.quota_usage += 1
        media_id = self.new_id()
        self.media.append(
            {
                "id": media_id,
                "caption": container.get("caption") or "",
                "permalink": f"https://www.instagram.com/p/{media_id[-8:]}/",
                "timestamp": iso(datetime.now(UTC)),
                "media_type": container["media_type"],
                "container": cid,
            }
        )
        self.comments[media_id] = []
        return Reply(200, {"id": media_id})

    def _list(self, req: Request) -> Reply:
        return self.listing(req, list(reversed(self.media)))

    def _node(self, req: Request) -> Reply:
        obj, wanted = req.params["obj"], self.requested_fields(req)
        if obj == self.ig_user_id:
            return Reply(200, {"id": obj, "followers_count": 2890, "media_count": len(self.media)})
        if obj in self.containers:
            if wanted - {"status_code", "status", "id"}:
                return self.reject(400, {"error": {"code": 100}}, f"container fields {wanted}")
            return Reply(200, self.read_status(obj))
        media = next((m for m in self.media if m["id"] == obj), None)
        if media is None:
            return graph_error(400, 100, f"Object with ID '{obj}' does not exist")
        return Reply(200, {k: v for k, v in media.items() if k in wanted | {"id"}})

    MEDIA_METRICS = frozenset({"views", "reach", "saved", "likes", "comments", "shares", "total_interactions"})

    def _insights(self, req: Request) -> Reply:
        metrics = set((req.query.get("metric") or [""])[0].split(","))
        if "impressions" in metrics or not metrics <= self.MEDIA_METRICS:
            return graph_error(400, 100, "(#100) metric[0] must be one of the following values: views, reach, …")
        values = {"views": 950, "reach": 700, "saved": 12, "likes": 88, "comments": 9, "shares": 4}
        data = [{"name": m, "period": "lifetime", "values": [{"value": values.get(m, 0)}]} for m in sorted(metrics)]
        return Reply(200, {"data": data})

    def _comments(self, req: Request) -> Reply:
        return self.listing(req, self.comments.get(req.params["obj"], []))


# --- Threads ------------------------------------------------------------------------------------


def _threads_length(text: str) -> int:
    """The fake's own reading of the 500 limit: code points, emoji (U+1F000+) as 4 UTF-8 bytes."""
    return sum(4 if ord(ch) >= 0x1F000 else 1 for ch in text)


class ThreadsFake(ContainerFake):
    """Threads containers, publish, publishing limit, lists, delete, insights and replies."""

    version = "v1.0"
    user_id = "27000000000000001"
    status_field = "status"
    quota_total = 250
    max_children = 20

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[str, list[dict[str, Any]]] = {}
        user = self.user_id
        self.add_route("POST", self.path(rf"{user}/threads"), self.wrap(self._create, form=True), "threads_create")
        self.add_route("GET", self.path(rf"{user}/threads"), self.wrap(self._list_threads), "threads_list")
        self.add_route("GET", self.path(rf"{user}/replies"), self.wrap(self._list_replies), "replies_list")
        self.add_route(
            "POST", self.path(rf"{user}/threads_publish"), self.wrap(self._publish, form=True), "threads_publish"
        )
        self.add_route(
            "GET", self.path(rf"{user}/threads_publishing_limit"), self.wrap(self.publishing_limit), "publishing_limit"
        )
        self.add_route("GET", self.path(rf"{user}/threads_insights"), self.wrap(self._user_insights), "user_insights")
        self.add_route("GET", self.path(r"(?P<obj>\d+)"), self.wrap(self._node), "node")
        self.add_route("DELETE", self.path(r"(?P<obj>\d+)"), self.wrap(self._delete), "delete")
        self.add_route("GET", self.path(r"(?P<obj>\d+)/insights"), self.wrap(self._insights), "insights")
        self.add_route("GET", self.path(r"(?P<obj>\d+)/replies"), self.wrap(self._replies_of), "replies_of")

    def _create(self, req: Request) -> Reply:
        f = self.fields(req)
        kind = f.get("media_type")
        text = f.get("text", "")
        if kind not in ("TEXT", "IMAGE", "CAROUSEL"):
            return self.reject(400, {"error": {"code": 100}}, f"media_type {kind!r}")
        if kind == "TEXT" and not text:
            return self.reject(400, {"error": {"code": 100}}, "TEXT container without text")
        if _threads_length(text) > 500:
            return graph_error(400, 100, "Param text must be at most 500 characters long.")
        if text.count("http://") + text.count("https://") > 5:
            return graph_error(400, 100, "THREADS_API__LINK_LIMIT_EXCEEDED")
        reply_to = f.get("reply_to_id")
        if reply_to and not any(m["id"] == reply_to for m in self.media):
            return self.reject(400, graph_error(400, 100, "reply_to_id").body, f"reply to unknown post {reply_to}")
        fields: dict[str, Any] = {"media_type": kind, "text": text, "reply_to_id": reply_to}
        if kind == "IMAGE":
            if "image_url" not in f:
                return self.reject(400, {"error": {"code": 100}}, "IMAGE without image_url")
            if self.download(f["image_url"]) is None:
                return graph_error(400, 100, "Media download has failed.")
            fields.update(image_url=f["image_url"], alt_text=f.get("alt_text"))
            fields["is_carousel_item"] = f.get("is_carousel_item") == "true"
        if kind == "CAROUSEL":
            children = self.children_ok(f.get("children"), self.max_children)
            if isinstance(children, Reply):
                return children
            fields["children"] = children
        return Reply(200, {"id": self.new_container(**fields)})

    def _publish(self, req: Request) -> Reply:
        if self.quota_usage >= self.quota_total:
            return graph_error(400, 4, "Application request limit reached")
        cid = self.fields(req).get("creation_id")
        refused = self.publishable(cid)
        if refused is not None:
            return refused
        assert cid is not None
        container = self.containers[cid]
        container["status"] = "PUBLISHED"
        self.quota_usage += 1
        media_id = self.new_id()
        self.media.append(
            {
                "id": media_id,
                "text": container.get("text") or "",
                "permalink": f"https://www.threads.net/@alcaldia/post/{media_id[-8:]}",
                "timestamp": iso(datetime.now(UTC)),
                "media_type": container["media_type"] + ("_POST" if container["media_type"] == "TEXT" else ""),
                "reply_to_id": container.get("reply_to_id"),
            }
        )
        self.replies[media_id] = []
        return Reply(200, {"id": media_id})

    def live_media(self) -> list[dict[str, Any]]:
        return [m for m in self.media if not m.get("deleted")]

    def _list_threads(self, req: Request) -> Reply:
        return self.listing(req, [m for m in reversed(self.live_media()) if not m.get("reply_to_id")])

    def _list_replies(self, req: Request) -> Reply:
        return self.listing(req, [m for m in reversed(self.live_media()) if m.get("reply_to_id")])

    def _node(self, req: Request) -> Reply:
        obj, wanted = req.params["obj"], self.requested_fields(req)
        if obj in self.containers:
            if wanted - {"status", "error_message", "id"}:
                return self.reject(400, {"error": {"code": 100}}, f"container fields {wanted}")
            return Reply(200, self.read_status(obj))
        media = next((m for m in self.live_media() if m["id"] == obj), None)
        if media is None:
            return graph_error(400, 100, f"Object with ID '{obj}' does not exist")
        return Reply(200, {k: v for k, v in media.items() if k in wanted | {"id"}})

    def _delete(self, req: Request) -> Reply:
        media = next((m for m in self.live_media() if m["id"] == req.params["obj"]), None)
        if media is None:
            return graph_error(400, 100, "Object does not exist")
        media["deleted"] = True
        return Reply(200, {"success": True, "deleted_id": media["id"]})

    MEDIA_METRICS = frozenset({"views", "likes", "replies", "reposts", "quotes", "shares"})

    def _insights(self, req: Request) -> Reply:
        metrics = set((req.query.get("metric") or [""])[0].split(","))
        if not metrics <= self.MEDIA_METRICS:
            return graph_error(400, 100, "Invalid metric")
        values = {"views": 400, "likes": 31, "replies": 6, "reposts": 2, "quotes": 1, "shares": 0}
        data = [{"name": m, "period": "lifetime", "values": [{"value": values[m]}]} for m in sorted(metrics)]
        return Reply(200, {"data": data})

    def _user_insights(self, req: Request) -> Reply:
        metrics = (req.query.get("metric") or [""])[0].split(",")
        if metrics != ["followers_count"]:
            return self.reject(400, {"error": {"code": 100}}, f"user insights {metrics}")
        return Reply(200, {"data": [{"name": "followers_count", "period": "day", "total_value": {"value": 1203}}]})

    def _replies_of(self, req: Request) -> Reply:
        return self.listing(req, self.replies.get(req.params["obj"], []))


def publish_count(fake: ContainerFake | FacebookFake) -> int:
    """How many posts the fake network shows (what a citizen would see)."""
    if isinstance(fake, FacebookFake):
        return len(fake.live_posts())
    if isinstance(fake, ThreadsFake):
        return len(fake.live_media())
    return len(fake.media)


def make_images(directory: Any, specs: Iterable[tuple[str, str, int, int]]) -> None:
    """Write test images: (file name, Pillow format, width, height)."""
    for name, fmt, width, height in specs:
        img = Image.new("RGB", (width, height), (200, 120, 40))
        img.save(directory / name, fmt)


def make_item(
    site: str,
    images: Iterable[tuple[str, int, int]] = (),
    *,
    item_id: str = "2026-11-20-jornada-de-vacunacion",
    metadata: bool = True,
    **fields: Any,
) -> Item:
    """A manifest item of a release on ``site`` with ``images`` = (file name, width, height).

    ``metadata=False`` leaves out format and size, as a manifest built without local files would.
    """
    media = []
    for name, width, height in images:
        entry: dict[str, Any] = {"kind": "image", "url": site + name, "alt": f"Foto: {name}"}
        if metadata:
            mime = "image/png" if name.endswith(".png") else "image/jpeg"
            entry.update(mime=mime, width=width, height=height, bytes=150_000)
        media.append(entry)
    data: dict[str, Any] = {
        "id": item_id,
        "url": f"{site}prensa/2026/11/{item_id}/",
        "digest": "sha256:" + "ab" * 32,
        "title": "Jornada de vacunación en los barrios del sur",
        "summary": "La Secretaría de Salud vacunará este sábado en 12 puntos de la comuna 5.",
        "date": "2026-11-20T08:00:00-05:00",
        "dependencia": {"slug": "salud", "name": "Secretaría de Salud"},
        "media": media,
        "source": {"path": f"content/prensa/2026/11/{item_id}.md"},
        **fields,
    }
    return Item.model_validate(data)
