"""A local Telegram Bot API server for one channel, reproducing the documented contract.

Follows core.telegram.org/bots/api: "Making requests" (``/bot<token>/METHOD``, JSON or multipart,
``{"ok": …, "result" | "error_code", "description", "parameters"}``), "Formatting options" (HTML
mode: supported tags, ``&lt;``/``&gt;``/``&amp;`` escapes), ``sendMessage`` (text 1–4096 after
entity parsing, ``link_preview_options``), ``sendPhoto`` (caption 0–1024; a photo by HTTP URL is
downloaded by Telegram, at most 5 MB; width + height ≤ 10000; ratio ≤ 20), ``sendMediaGroup``
(2–10 items, ``attach://<name>`` uploads), ``deleteMessage``, ``getChatMemberCount``, and
``ResponseParameters.retry_after`` for 429.

Like the real server, this one downloads photos given by URL, so tests exercise the web-first path.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import time
from html.parser import HTMLParser
from typing import Any, ClassVar

import httpx
from PIL import Image

from tests.fakes.api_server import FakeAPI, Reply, Request

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _Entities(HTMLParser):
    """The visible text of an HTML-mode message, and the tags Telegram would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_utf16(html_text: str) -> tuple[int, list[str]]:
    parser = _Entities()
    parser.feed(html_text)
    parser.close()
    bad = list(parser.bad)
    if BARE_AMPERSAND.search(html_text):
        bad.append("bare &")
    return len("".join(parser.text).encode("utf-16-le")) // 2, bad


class FakeTelegram(FakeAPI):
    CHANNEL: ClassVar[dict[str, Any]] = {
        "id": -1001234567890,
        "title": "Alcaldía Demo",
        "username": "alcaldia_demo",
        "type": "channel",
    }

    def __init__(self, token: str, chat_id: str = "@alcaldia_demo"):
        super().__init__()
        self.token = token
        self.chat_id = chat_id
        self.messages: dict[int, dict[str, Any]] = {}
        self.members = 842
        self._ids = itertools.count(101)
        self.add_route("POST", r"/bot(?P<token>[^/]+)/(?P<method>\w+)", self._method, "bot")

    @staticmethod
    def flood(retry_after: int = 1) -> Reply:
        return Reply(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
        )

    @staticmethod
    def bad_request(description: str) -> Reply:
        return Reply(
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": f"Bad Request: {description}",
            },
        )

    def sent(self) -> list[dict[str, Any]]:
        return [self.messages[k] for k in sorted(self.messages)]

    # --- dispatch ----------------------------------------------------------------------------
    def _method(self, req: Request) -> Reply:
        if req.params["token"] != self.token:
            return Reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        ctype = req.header("content-type") or ""
        files: dict[str, bytes] = {}
        if ctype.startswith("application/json"):
            params = req.json()
        elif ctype.startswith("multipart/form-data"):
            params = {}
            for name, (headers, payload) in req.multipart().items():
                if "filename" in headers.get("content-disposition", ""):
                    files[name] = payload
                else:
                    text = payload.decode()
                    params[name] = json.loads(text) if text[:1] in "[{" else text
        else:
            return self.reject(400, {"ok": False, "error_code": 400}, f"content type {ctype!r}")
        handler = getattr(self, "_" + req.params["method"], None)
        if handler is None:
            return self.reject(
                404,
                {"ok": False, "error_code": 404, "description": "Not Found"},
                f"undocumented method {req.params['method']}",
            )
        if str(params.get("chat_id")) != self.chat_id:
            return self.bad_request("chat not found")
        return handler(params, files)

    def _ok(self, result: Any) -> Reply:
        return Reply(200, {"ok": True, "result": result})

    def _store(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        reply = params.get("reply_parameters")
        with self.lock:
            message = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": self.CHANNEL,
                **content,
            }
            if reply:
                message["reply_to_message_id"] = reply["message_id"]
            self.messages[message["message_id"]] = message
        return message

    def _check_text(self, text: Any, limit: int, minimum: int, parse_mode: Any) -> Reply | None:
        if not isinstance(text, str):
            return self.reject(400, {"ok": False, "error_code": 400}, "text/caption is not a string")
        if parse_mode != "HTML":
            return self.reject(400, {"ok": False, "error_code": 400}, f"parse_mode {parse_mode!r}")
        length, bad = visible_utf16(text)
        if bad:
            return self.reject(
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: can't parse entities",
                },
                f"bad HTML {bad} in {text!r}",
            )
        if not minimum <= length <= limit:
            return self.reject(
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message is too long",
                },
                f"{length} UTF-16 units, limit {limit}",
            )
        return None

    def _photo_bytes(self, ref: Any, files: dict[str, bytes]) -> bytes | Reply:
        """Resolve a photo reference the way Telegram does: attach:// part, or download the URL."""
        if isinstance(ref, str) and ref.startswith("attach://"):
            data = files.get(ref.removeprefix("attach://"))
            if data is None:
                return self.reject(400, {"ok": False}, f"{ref} without a multipart part")
            limit = 10 * 1024 * 1024
        elif isinstance(ref, str) and ref.startswith("http"):
            response = httpx.get(ref, timeout=10)
            if response.status_code != 200:
                return self.bad_request("wrong file identifier/HTTP URL specified")
            data, limit = response.content, 5 * 1024 * 1024
        else:
            return self.reject(400, {"ok": False}, f"photo reference {ref!r}")
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
        except OSError:
            return self.bad_request("IMAGE_PROCESS_FAILED")
        if len(data) > limit or width + height > 10_000:
            return self.bad_request("wrong file identifier/HTTP URL specified")
        if max(width, height) > 20 * min(width, height):
            return self.bad_request("PHOTO_INVALID_DIMENSIONS")
        return data

    # --- methods -----------------------------------------------------------------------------
    def _sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Reply:
        if (bad := self._check_text(params.get("text"), 4096, 1, params.get("parse_mode"))) is not None:
            return bad
        preview = params.get("link_preview_options", {})
        if "disable_web_page_preview" in params or not isinstance(preview, dict):
            return self.reject(400, {"ok": False}, "old preview parameter or bad link_preview_options")
        return self._ok(self._store(params, text=params["text"], link_preview_options=preview))

    def _sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Reply:
        if (bad := self._check_text(params.get("caption", ""), 1024, 0, params.get("parse_mode"))) is not None:
            return bad
        data = self._photo_bytes(params.get("photo"), files)
        if isinstance(data, Reply):
            return data
        return self._ok(
            self._store(
                params,
                caption=params.get("caption"),
                photo=[{"file_size": len(data)}],
                source=params["photo"],
            )
        )

    def _sendMediaGroup(self, params: dict[str, Any], files: dict[str, bytes]) -> Reply:
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            return self.reject(400, {"ok": False}, f"media group of {len(media or [])} items")
        photos = []
        for entry in media:
            if entry.get("type") != "photo":
                return self.reject(400, {"ok": False}, f"media type {entry.get('type')}")
            if "caption" in entry and (bad := self._check_text(entry["caption"], 1024, 0, entry.get("parse_mode"))):
                return bad
            data = self._photo_bytes(entry.get("media"), files)
            if isinstance(data, Reply):
                return data
            photos.append((entry, data))
        group = str(next(self._ids))
        return self._ok(
            [
                self._store(
                    params,
                    caption=e.get("caption"),
                    photo=[{"file_size": len(d)}],
                    source=e["media"],
                    media_group_id=group,
                )
                for e, d in photos
            ]
        )

    def _deleteMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Reply:
        with self.lock:
            removed = self.messages.pop(int(params.get("message_id", 0)), None)
        return self._ok(True) if removed else self.bad_request("message to delete not found")

    def _getChatMemberCount(self, params: dict[str, Any], files: dict[str, bytes]) -> Reply:
        return self._ok(self.members)
