"""A local LinkedIn REST API (Posts, Images, statistics) reproducing the documented contract.

Follows learn.microsoft.com/linkedin: marketing/community-management/shares/posts-api,
…/shares/images-api, …/shares/little-text-format, shared/api-guide/concepts/rate-limits,
marketing/community-management/organizations/follower-statistics and share-statistics, and the
Rest.li 2.0 protocol page (URNs URL-encoded in paths and query values). Every call must carry
``Authorization: Bearer``, ``LinkedIn-Version: YYYYMM`` and ``X-Restli-Protocol-Version: 2.0.0``.
"""

from __future__ import annotations

import io
import itertools
import re
import time
from typing import Any
from urllib.parse import unquote

from PIL import Image

from tests.fakes.api_server import FakeAPI, Reply, Request

ENCODED_URN = r"urn%3Ali%3A[A-Za-z]+%3A[^/?&]+"
# Reserved characters of the little text format that must come escaped (a hashtag template
# `{hashtag|\#|Tag}` is the one markup we send).
UNESCAPED = re.compile(r"(?<!\\)[|{}@\[\]()<>*_~#]")
HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\#\|\w+\}")


class FakeLinkedIn(FakeAPI):
    def __init__(
        self,
        token: str,
        organization: str,
        active_versions: tuple[str, ...] = ("202610", "202611"),
    ):
        super().__init__()
        self.token = token
        self.organization = organization
        self.active_versions = active_versions
        self.posts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.followers = 5120
        self._ids = itertools.count(7_300_000_000_000_000_000)
        self.add_route("POST", r"/rest/images", self._initialize, "images_initialize")
        self.add_route("PUT", r"/dms-uploads/(?P<image>\d+)", self._upload, "image_upload")
        self.add_route("POST", r"/rest/posts", self._create, "create_post")
        self.add_route("GET", r"/rest/posts", self._find_by_author, "posts_by_author")
        self.add_route("GET", rf"/rest/posts/(?P<urn>{ENCODED_URN})", self._get_post, "get_post")
        self.add_route(
            "DELETE",
            rf"/rest/posts/(?P<urn>{ENCODED_URN})",
            self._delete,
            "delete_post",
        )
        self.add_route(
            "GET",
            rf"/rest/networkSizes/(?P<urn>{ENCODED_URN})",
            self._network_size,
            "network_size",
        )
        self.add_route(
            "GET",
            r"/rest/organizationalEntityShareStatistics",
            self._share_stats,
            "share_stats",
        )
        self.add_route(
            "GET",
            rf"/rest/socialActions/(?P<urn>{ENCODED_URN})/comments",
            self._comments,
            "comments",
        )

    # --- documented error answers, for fail_next --------------------------------------------
    @staticmethod
    def throttled() -> Reply:
        return Reply(
            429,
            {
                "status": 429,
                "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            },
        )

    @staticmethod
    def expired_token() -> Reply:
        return Reply(
            401,
            {
                "status": 401,
                "serviceErrorCode": 65601,
                "code": "EXPIRED_ACCESS_TOKEN",
                "message": "The token used in the request has expired",
            },
        )

    # --- validation -------------------------------------------------------------------------
    def _check(self, req: Request) -> Reply | None:
        if req.header("authorization") != f"Bearer {self.token}":
            return Reply(
                401,
                {
                    "status": 401,
                    "serviceErrorCode": 65600,
                    "code": "INVALID_ACCESS_TOKEN",
                    "message": "Invalid access token",
                },
            )
        version = req.header("linkedin-version") or ""
        if not re.fullmatch(r"\d{6}", version):
            return self.reject(
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present",
                },
                f"LinkedIn-Version {version!r}",
            )
        if version not in self.active_versions:
            return Reply(
                426,
                {
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": f"Requested version {version} is not active",
                },
            )
        if req.header("x-restli-protocol-version") != "2.0.0":
            return self.reject(
                400,
                {"status": 400, "message": "protocol version"},
                "missing X-Restli-Protocol-Version",
            )
        return None

    # --- images ------------------------------------------------------------------------------
    def _initialize(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        owner = req.json().get("initializeUploadRequest", {}).get("owner")
        if req.query.get("action") != ["initializeUpload"] or owner != self.organization:
            return self.reject(
                400,
                {"status": 400, "message": "bad request"},
                f"initializeUpload {req.query} {owner}",
            )
        image_id = str(next(self._ids))
        self.images[image_id] = {"data": None}
        return Reply(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": int(time.time() * 1000) + 3_600_000,
                    "uploadUrl": f"{self.url}/dms-uploads/{image_id}",
                    "image": f"urn:li:image:C4D{image_id}",
                }
            },
        )

    def _upload(self, req: Request) -> Reply:
        if req.header("authorization") != f"Bearer {self.token}":
            return self.reject(401, {"status": 401}, "image upload without the bearer token")
        if req.params["image"] not in self.images:
            return self.reject(404, {"status": 404}, "upload to an unknown uploadUrl")
        try:
            with Image.open(io.BytesIO(req.body)) as img:
                fmt, pixels = img.format, img.width * img.height
        except OSError:
            return self.reject(400, {"status": 400}, "uploaded bytes are not an image")
        if fmt not in ("JPEG", "PNG", "GIF") or pixels > 36_152_320:
            return self.reject(400, {"status": 400}, f"image {fmt} with {pixels} pixels")
        self.images[req.params["image"]]["data"] = req.body
        return Reply(201)

    # --- posts -------------------------------------------------------------------------------
    def _create(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        body = req.json()
        required = {
            "author",
            "commentary",
            "visibility",
            "distribution",
            "lifecycleState",
        }
        if missing := required - body.keys():
            return self.reject(
                422,
                {"status": 422, "message": f"missing {sorted(missing)}"},
                f"post without {missing}",
            )
        if body["author"] != self.organization:
            return self.reject(
                403,
                {"status": 403, "message": "not an admin"},
                f"author {body['author']}",
            )
        commentary = body["commentary"]
        if len(commentary) > 3000:
            return self.reject(
                422,
                {"status": 422, "message": "commentary too long"},
                "commentary > 3000",
            )
        if UNESCAPED.search(HASHTAG_TEMPLATE.sub("", commentary)):
            return self.reject(
                422,
                {"status": 422, "message": "unescaped reserved character"},
                f"commentary not in little text format: {commentary!r}",
            )
        article = body.get("content", {}).get("article", {})
        if not article.get("source") or not article.get("title"):
            return self.reject(
                422,
                {"status": 422, "message": "article needs source and title"},
                f"article {article}",
            )
        thumbnail = article.get("thumbnail")
        if thumbnail is not None:
            image = self.images.get(thumbnail.removeprefix("urn:li:image:C4D"))
            if image is None or image["data"] is None:
                return self.reject(
                    422,
                    {"status": 422, "message": "thumbnail not uploaded"},
                    f"thumbnail {thumbnail}",
                )
        with self.lock:
            for urn, existing in self.posts.items():
                if existing["commentary"] == commentary:
                    return Reply(
                        422,
                        {
                            "status": 422,
                            "code": "DUPLICATE_POST",
                            "message": f"Content is a duplicate of {urn}",
                        },
                    )
            urn = f"urn:li:share:{next(self._ids)}"
            self.posts[urn] = {**body, "id": urn, "createdAt": int(time.time() * 1000)}
        return Reply(201, None, {"x-restli-id": urn})

    def _find_by_author(self, req: Request) -> Reply:
        """``GET /rest/posts?author={encoded urn}&q=author&count&start``, newest first."""
        if (denied := self._check(req)) is not None:
            return denied
        if req.query.get("q") != ["author"] or req.query.get("author") != [self.organization]:
            return self.reject(
                400,
                {"status": 400, "message": "bad finder"},
                f"posts finder {req.query}",
            )
        count = int(req.query.get("count", ["10"])[0])
        start = int(req.query.get("start", ["0"])[0])
        if count > 100:
            return self.reject(400, {"status": 400, "message": "count too large"}, f"count={count}")
        ordered = sorted(self.posts.values(), key=lambda p: p["id"], reverse=True)
        return Reply(
            200,
            {
                "paging": {"start": start, "count": count, "links": []},
                "elements": ordered[start : start + count],
            },
        )

    def _get_post(self, req: Request) -> Reply:
        """``GET /rest/posts/{encoded URN}`` ("Retrieve Posts"): the post, or 404 once deleted."""
        if (denied := self._check(req)) is not None:
            return denied
        with self.lock:
            post = self.posts.get(unquote(req.params["urn"]))
        if post is None:
            return Reply(404, {"status": 404, "serviceErrorCode": 0, "code": "NOT_FOUND", "message": "Not Found"})
        return Reply(200, post)

    def _delete(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        with self.lock:
            removed = self.posts.pop(unquote(req.params["urn"]), None)
        return Reply(204) if removed else Reply(404, {"status": 404, "message": "Not found"})

    # --- statistics --------------------------------------------------------------------------
    def _network_size(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        if unquote(req.params["urn"]) != self.organization or req.query.get("edgeType") != [
            "COMPANY_FOLLOWED_BY_MEMBER"
        ]:
            return self.reject(400, {"status": 400}, f"networkSizes {req.params} {req.query}")
        return Reply(200, {"firstDegreeSize": self.followers})

    def _share_stats(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        shares = req.query.get("shares", req.query.get("ugcPosts", [""]))[0]
        match = re.fullmatch(r"List\((urn:li:(?:share|ugcPost):\d+)\)", shares)
        if req.query.get("q") != ["organizationalEntity"] or not match:
            return self.reject(400, {"status": 400}, f"share statistics query {req.query}")
        if match.group(1) not in self.posts:
            return Reply(200, {"elements": [], "paging": {"start": 0, "count": 10}})
        return Reply(
            200,
            {
                "elements": [
                    {
                        "organizationalEntity": self.organization,
                        "share": match.group(1),
                        "totalShareStatistics": {
                            "uniqueImpressionsCount": 80,
                            "shareCount": 4,
                            "engagement": 0.05,
                            "clickCount": 12,
                            "likeCount": 9,
                            "impressionCount": 150,
                            "commentCount": 2,
                        },
                    }
                ]
            },
        )

    def _comments(self, req: Request) -> Reply:
        if (denied := self._check(req)) is not None:
            return denied
        urn = unquote(req.params["urn"])
        if urn not in self.posts:
            return Reply(404, {"status": 404, "message": "Not found"})
        return Reply(
            200,
            {
                "paging": {"start": 0, "count": 10},
                "elements": [
                    {
                        "actor": "urn:li:person:abc123",
                        "id": "6999",
                        "$URN": f"urn:li:comment:({urn},6999)",
                        "object": urn,
                        "message": {"text": "¿Habrá jornada en la vereda La Esperanza?"},
                        "created": {"time": 1_795_500_000_000},
                    }
                ],
            },
        )
