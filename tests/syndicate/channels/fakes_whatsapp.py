"""A local reproduction of the WhatsApp Business Cloud API's ``/messages`` endpoint for templates.

No Meta server can run here, so this is a real HTTP server on 127.0.0.1 (see
:class:`tests.fakes.api_server.FakeAPI`) that follows Meta's pages and **records a violation for
any request they do not allow**:

* sending template messages and template components (image header by ``link``, body text
  parameters, URL button with ``sub_type``, ``index`` and its text suffix):
  https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components
  and https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates;
* the Graph error shape ``{error: {message, type, code, error_data: {messaging_product, details},
  fbtrace_id}}`` and the Cloud API error codes
  (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes): 130429
  throughput, 131026 undeliverable, 131049 per-user marketing limit, 131050 stopped marketing,
  131056 pair rate limit, 132000/132001/132015/132016 template problems, 190 expired token;
* the success answer ``{messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid…",
  message_status: "accepted"}]}``.

Like Meta, it downloads the header image from its public URL. The fake's approved template has an
image header, one body parameter and a URL button with a dynamic suffix; ``outcome`` makes a given
number answer with one of the documented error codes.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import httpx

from tests.fakes.api_server import FakeAPI, Reply, Request

TOKEN = "EAAW-whatsapp-test-token-do-not-log"
PHONE_NUMBER_ID = "109876543210987"

MESSAGES = {
    130429: "Rate limit hit",
    131026: "Message undeliverable",
    131049: "This message was not delivered to maintain healthy ecosystem engagement.",
    131050: "User has stopped receipt of marketing messages",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132015: "Template is paused",
    132016: "Template is disabled",
    190: "Error validating access token: Session has expired",
}


def wa_error(code: int, status: int = 400) -> Reply:
    return Reply(
        status,
        {
            "error": {
                "message": f"({'#' + str(code)}) {MESSAGES.get(code, 'error')}",
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": MESSAGES.get(code, "")},
                "fbtrace_id": "A1b2C3d4",
            }
        },
    )


class FakeWhatsApp(FakeAPI):
    version = "v25.0"

    def __init__(self) -> None:
        super().__init__()
        self.templates: dict[str, dict[str, Any]] = {
            "comunicado_nuevo": {"language": "es", "status": "APPROVED", "body_params": 1, "button_base": None}
        }
        self.outcome: dict[str, int] = {}
        """Number → Cloud API error code that number answers with."""
        self.delivered: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._crawler = httpx.Client(timeout=10)
        self.add_route("POST", rf"/{self.version}/{PHONE_NUMBER_ID}/messages", self._messages, "messages")

    @property
    def api_base(self) -> str:
        return f"{self.url}/{self.version}"

    def stop(self) -> None:
        """Stop without waiting for the serve loop's poll (keeps the suite fast)."""
        self._crawler.close()
        server, self._server = self._server, None
        if server is not None:
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()

    def to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in self.delivered if m["to"] == number]

    def _bad(self, violation: str) -> Reply:
        return self.reject(400, wa_error(100).body, violation)

    def _messages(self, req: Request) -> Reply:
        auth = req.header("authorization") or ""
        if not auth.startswith("Bearer "):
            return self._bad("no Bearer token")
        if auth != f"Bearer {TOKEN}":
            return wa_error(190, 401)
        if not (req.header("content-type") or "").startswith("application/json"):
            return self._bad(f"Content-Type {req.header('content-type')!r}")
        body = req.json()
        for field, value in (("messaging_product", "whatsapp"), ("recipient_type", "individual"), ("type", "template")):
            if body.get(field) != value:
                return self._bad(f"{field} must be {value!r}, got {body.get(field)!r}")
        to = body.get("to")
        if not isinstance(to, str) or not to.isdigit():
            return self._bad(f"`to` must be the number's digits, got {to!r}")
        template = body.get("template") or {}
        approved = self.templates.get(template.get("name", ""))
        if approved is None or (template.get("language") or {}).get("code") != approved["language"]:
            return wa_error(132001)
        if approved["status"] == "PAUSED":
            return wa_error(132015)
        if approved["status"] == "DISABLED":
            return wa_error(132016)
        components = {c.get("type"): c for c in template.get("components") or []}
        if set(components) - {"header", "body", "button"}:
            return self._bad(f"unknown components {sorted(components)}")
        header = (components.get("header") or {}).get("parameters") or []
        if len(header) != 1 or header[0].get("type") != "image" or "link" not in (header[0].get("image") or {}):
            return wa_error(132000)
        try:
            image = self._crawler.get(header[0]["image"]["link"])
        except httpx.HTTPError:
            return wa_error(131053)
        if image.status_code != 200 or not image.content.startswith((b"\xff\xd8\xff", b"\x89PNG")):
            return wa_error(131053)
        params = (components.get("body") or {}).get("parameters") or []
        if len(params) != approved["body_params"]:
            return wa_error(132000)
        for param in params:
            text = param.get("text")
            if param.get("type") != "text" or not isinstance(text, str) or not text:
                return self._bad(f"body parameter {param!r}")
            if "\n" in text or "\t" in text or "     " in text:
                return self._bad(
                    "a text parameter cannot have new-line/tab characters or more than 4 consecutive spaces"
                )
        button = components.get("button")
        if button is None or button.get("sub_type") != "url" or button.get("index") != "0":
            return wa_error(132000)
        suffix = button.get("parameters") or []
        if len(suffix) != 1 or suffix[0].get("type") != "text" or not suffix[0].get("text"):
            return wa_error(132000)
        if to in self.outcome:
            return wa_error(self.outcome[to], 429 if self.outcome[to] == 130429 else 400)
        wamid = f"wamid.HBgM{next(self._ids):08d}"
        self.delivered.append(
            {
                "to": to,
                "wamid": wamid,
                "title": params[0]["text"],
                "image": header[0]["image"]["link"],
                "suffix": suffix[0]["text"],
                "callback": body.get("biz_opaque_callback_data"),
            }
        )
        return Reply(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            },
        )
