"""Corrections on the networks no real server can run here: local servers reproducing the APIs.

Each fake below extends the channel tests' own fake of that network with the documented edit
call, answering as the official documentation says:

* Mastodon ``PUT /api/v1/statuses/:id`` (docs.joinmastodon.org, methods/statuses "Edit a
  status", 3.5+): JSON ``status``/``language``; 200 with the Status, ``edited_at`` set and the
  old version kept in the history; 404 ``{"error": "Record not found"}`` for a deleted status;
  401 without the token.
* Facebook Pages API, "Posts" guide, "Update a post": ``POST /{page-post-id}`` with ``message``
  → ``{"success": true}``; an unknown or deleted post is a Graph error (code 100).
* Telegram Bot API ``editMessageText`` / ``editMessageCaption``: the edited Message; 400
  "Bad Request: message is not modified: …" when the new text equals the old one; 400 "message to
  edit not found" for a deleted one.

The e-mail correction goes to the real aiosmtpd server of the e-mail tests. Deleting (X,
LinkedIn, Mastodon, Facebook, Telegram) is covered by each network's own tests; the ``correccion``
and ``vencimiento`` choices a network cannot carry are refused by ``pregon check``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pregon.syndicate.channels.base import PostGone, Published, correction_key
from pregon.syndicate.channels.email import EmailChannel
from pregon.syndicate.channels.facebook import FacebookChannel
from pregon.syndicate.channels.mastodon import MastodonChannel
from pregon.syndicate.channels.telegram import TelegramChannel
from pregon.syndicate.channels.x import XChannel
from pregon.syndicate.config_check import config_issues

from tests.fakes.api_server import Reply, Request
from tests.syndicate.channels.fakes_graph import TOKEN as GRAPH_TOKEN
from tests.syndicate.channels.fakes_graph import FacebookFake, graph_error
from tests.syndicate.channels.fakes_mastodon import FakeMastodon, _linkify, _now
from tests.syndicate.channels.fakes_telegram import FakeTelegram
from tests.syndicate.channels.sample_release import release

TOKEN = "token-de-prueba-correcciones"


# --- Mastodon -------------------------------------------------------------------------------
class EditingMastodon(FakeMastodon):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.history: dict[str, list[str]] = {}
        self.add_route("PUT", r"/api/v1/statuses/(?P<sid>\d+)", self._edit, "status_edit")

    def _edit(self, request: Request) -> Reply:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        body = request.json()
        if not isinstance(body, dict) or not body.get("status"):
            return self.reject(422, {"error": "Validation failed: Text can't be blank"}, f"edit body {body!r}")
        with self.lock:
            status = self.statuses.get(request.params["sid"])
            if status is None or status["account"]["id"] != self.me["id"]:
                return self._reply(404, {"error": "Record not found"})
            self.history.setdefault(status["id"], []).append(status["content"])
            status["content"] = _linkify(body["status"])
            status["edited_at"] = _now()
        return self._reply(200, status)


@pytest.fixture()
def mastodon() -> Iterator[EditingMastodon]:
    with EditingMastodon(TOKEN) as api:
        yield api
    api.assert_no_violations()


def test_mastodon_edit_in_place_keeps_the_status_and_its_history(mastodon, media_site):
    channel = MastodonChannel({"instance": mastodon.url, "access_token": TOKEN, "correccion": "editar"})
    channel.sleep = lambda seconds: None
    original = release(media_site, id="masto-corrige", title="Cierre de la vía el lunes")
    published = channel.publish(channel.render(original))
    corrected = original.model_copy(update={"title": "Cierre de la vía el martes", "digest": "sha256:" + "ef" * 32})
    edited = channel.edit(Published(published.remote_id, published.url), channel.render(corrected))
    assert edited.remote_id == published.remote_id
    status = mastodon.statuses[published.remote_id]
    assert "martes" in status["content"] and "lunes" not in status["content"] and status["edited_at"]
    assert len(mastodon.history[published.remote_id]) == 1 and "lunes" in mastodon.history[published.remote_id][0]
    assert len(mastodon.own_statuses()) == 1  # edited, not reposted
    channel.delete(edited)
    with pytest.raises(PostGone):
        channel.edit(edited, channel.render(corrected))
    channel.close()


# --- Facebook -------------------------------------------------------------------------------
class EditingFacebook(FacebookFake):
    def __init__(self) -> None:
        super().__init__()
        self.add_route("POST", self.path(r"(?P<obj>\d+_\d+)"), self.wrap(self._update, form=True), "post_update")

    def _update(self, req: Request) -> Reply:
        fields = self.fields(req)
        post = next((p for p in self.live_posts() if p["id"] == req.params["obj"]), None)
        if post is None:
            return graph_error(400, 100, "Unsupported post request. Object does not exist")
        if "message" not in fields:
            return self.reject(400, graph_error(400, 100, "message required").body, f"update without message {fields}")
        post["message"] = fields["message"]
        return Reply(200, {"success": True})


def test_facebook_page_post_update_changes_the_message(media_site):
    with EditingFacebook() as fb:
        channel = FacebookChannel({"page_id": fb.page_id, "page_access_token": GRAPH_TOKEN, "api_base": fb.api_base})
        item = release(media_site, id="fb-corrige", title="Feria de empleo el jueves", media=())
        published = channel.publish(channel.render(item))
        corrected = item.model_copy(update={"title": "Feria de empleo el viernes"})
        channel.edit(published, channel.render(corrected))
        assert [p["message"].splitlines()[0] for p in fb.live_posts()] == ["Feria de empleo el viernes"]
        channel.delete(published)
        with pytest.raises(Exception, match="facebook"):
            channel.edit(published, channel.render(corrected))
        channel.close()
        fb.assert_no_violations()


# --- Telegram -------------------------------------------------------------------------------
class EditingTelegram(FakeTelegram):
    def _edit(self, params: dict, field: str) -> Reply:
        message = self.messages.get(int(params.get("message_id", 0)))
        if message is None:
            return self.bad_request("Bad Request: message to edit not found")
        if message.get(field) == params.get(field):
            return self.bad_request(
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message[field] = params[field]
        message["edit_date"] = 1
        return self._ok(message)

    def _editMessageText(self, params: dict, files: dict) -> Reply:
        return self._edit(params, "text")

    def _editMessageCaption(self, params: dict, files: dict) -> Reply:
        return self._edit(params, "caption")


def test_telegram_edit_text_and_caption_and_reapplying_is_harmless(media_site):
    with EditingTelegram(TOKEN) as fake:
        channel = TelegramChannel({"bot_token": TOKEN, "chat_id": "@alcaldia_demo", "api_base": fake.url})
        text_item = release(media_site, id="tg-texto", title="Corte de agua el lunes", media=())
        photo_item = release(media_site, id="tg-foto", title="Corte de luz el lunes")
        for item in (text_item, photo_item):
            published = channel.publish(channel.render(item))
            corrected = channel.render(item.model_copy(update={"title": item.title.replace("lunes", "martes")}))
            channel.edit(published, corrected)
            channel.edit(published, corrected)  # after an interruption: "not modified" is the edit done
            message = fake.messages[int(published.remote_id.split(",")[0])]
            shown = message.get("text") or message.get("caption")
            assert "martes" in shown and "lunes" not in shown
        assert len(fake.messages) == 2
        channel.close()


# --- E-mail ---------------------------------------------------------------------------------
LISTS = {"periodistas": ["Ana Pérez <ana@emisora.example>", "redaccion@diario.example"]}


def test_correction_email_reaches_each_recipient_once_in_the_thread(
    smtp_server, smtp_tls, tmp_path, monkeypatch, press_portal
):
    from tests.syndicate.channels.conftest import SMTP_PASSWORD, SMTP_USER

    monkeypatch.setenv("PREGON_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("PREGON_UNSUBSCRIBE_SECRET", "secreto-de-bajas")
    (tmp_path / "listas.yml").write_text(json.dumps(LISTS), encoding="utf-8")
    channel = EmailChannel(
        {
            "host": "127.0.0.1",
            "port": smtp_server.port,
            "username": SMTP_USER,
            "sender": "Oficina de Prensa <prensa@alcaldia.test>",
            "ca_file": str(smtp_tls["ca"]),
            "recipients_file": str(tmp_path / "listas.yml"),
            "unsubscribe_mailto": "baja@alcaldia.test",
            "correccion": "responder",
        }
    )
    item = press_portal.release(
        id="correo-corrige", title="Subsidio: inscripciones hasta el 5", press_lists=["periodistas"]
    )
    channel.publish(channel.render(item))
    originals = {d.rcpt_tos[0]: d.message["Message-ID"] for d in smtp_server.messages}
    corrected = item.model_copy(
        update={"title": "Subsidio: inscripciones hasta el 12", "digest": "sha256:" + "12" * 32}
    )
    press_portal.page(corrected)  # the corrected version is live on the portal
    post = channel.render_correction(corrected, None)
    assert post.key == correction_key(item.id, channel.account, corrected.digest)
    channel.publish(post)
    channel.publish(post)  # a retry: the sent log lets nobody get it twice
    assert channel.find_existing(post) is not None
    corrections = [d for d in smtp_server.messages if d.message["Subject"].startswith("Corrección:")]
    assert sorted(d.rcpt_tos[0] for d in corrections) == ["ana@emisora.example", "redaccion@diario.example"]
    assert len(smtp_server.messages) == 4  # two releases, two corrections
    for delivery in corrections:
        assert delivery.message["Subject"].endswith("Subsidio: inscripciones hasta el 12")
        assert delivery.message["In-Reply-To"] == originals[delivery.rcpt_tos[0]]
        plain = delivery.message.get_body(preferencelist=("plain",)).get_content()
        assert "se corrigió" in plain and corrected.url in plain
    channel.close()


# --- What a network cannot do is refused before any run -----------------------------------------
def test_check_refuses_a_correction_or_expiry_the_network_cannot_carry(tmp_path: Path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: x\nplugins:\n  - pregon:\n      syndicate:\n        channels:\n"
        "          x: {consumer_key: a, consumer_secret: b, access_token: c, access_token_secret: d, correccion: editar}\n"
        "          email: {host: smtp.example, sender: prensa@alcaldia.test, vencimiento: borrar}\n"
        "          outbox: {correccion: borrar_y_publicar, vencimiento: borrar}\n"
        "          mastodon: {instance: https://m.example, access_token: t, correccion: corregir}\n",
        encoding="utf-8",
    )
    messages = [(issue.message, issue.line) for issue in config_issues(config)]
    assert (
        "channels.x.correccion: la red x no permite «editar» por su API; valores posibles: borrar_y_publicar, nada, responder",
        6,
    ) in messages
    assert any(m.startswith("channels.email.vencimiento: la red email no permite borrar") for m, _ in messages)
    assert any(m.startswith("channels.mastodon.correccion: valor no permitido") for m, _ in messages)
    assert not any("outbox" in m for m, _ in messages)
    assert "editar" not in XChannel.correction_modes
