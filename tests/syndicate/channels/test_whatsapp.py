"""WhatsApp channel against a local reproduction of the Cloud API's template messages.

No Meta server can run here: fakes_whatsapp.FakeWhatsApp is a real HTTP server on 127.0.0.1 that
checks each request against Meta's template-message documentation (components, image header by
link — downloaded from the portal's real HTTP server —, URL button suffix), answers with the
documented success shape and the documented error codes (131049, 131050, 131026, 130429, 131056,
132000–132016, 190).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pregon.syndicate.channels.base import PermanentError, RateLimited, TransientError
from pregon.syndicate.channels.whatsapp import WhatsAppChannel
from pregon.syndicate.manifest import Item

from tests.conftest import serve_directory
from tests.syndicate.channels.fakes_graph import make_images, make_item
from tests.syndicate.channels.fakes_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

SECRET = "clave-hmac-de-prueba"
ANA, BETO, CAROLINA, DIEGO = "573001110001", "573001110002", "573001110003", "573001110004"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("portal")
    make_images(root, [("portada.jpg", "JPEG", 1200, 630), ("otra.jpg", "JPEG", 1080, 1080)])
    with serve_directory(root) as url:
        yield url


@pytest.fixture()
def wa(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWhatsApp]:
    monkeypatch.setenv("PREGON_WHATSAPP_HASH_SECRET", SECRET)
    with FakeWhatsApp() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture()
def private(tmp_path: Path) -> Path:
    """A private folder outside any repository, as the subscribers' file requires."""
    folder = tmp_path / "privado"
    folder.mkdir()
    (folder / "suscriptores.yml").write_text(
        "suscriptores:\n"
        "  - '+57 300 111 0001'\n"
        "  - '300 111 0002'\n"  # a bare Colombian mobile: country code added
        "  - '+57 (300) 111-0003'\n"
        "  - '+573001110001'\n"  # Ana twice: one message
        "  - '+57 300 111 0004'\n"
        "bajas:\n"
        "  - '+57 300 111 0004'\n",  # Diego asked to stop
        encoding="utf-8",
    )
    return folder


def channel(fake: FakeWhatsApp, site: str, private: Path, **config: Any) -> WhatsAppChannel:
    return WhatsAppChannel(
        {
            "phone_number_id": PHONE_NUMBER_ID,
            "access_token": TOKEN,
            "api_base": fake.api_base,
            "template_name": "comunicado_nuevo",
            "template_language": "es",
            "button_url_base": site,
            "subscribers_file": str(private / "suscriptores.yml"),
            "sent_log": str(private / "enviados.jsonl"),
            **config,
        }
    )


def release(site: str, item_id: str = "2026-12-01-cierre-vial", **fields: Any) -> Item:
    return make_item(site, [("portada.jpg", 1200, 630)], item_id=item_id, **fields)


def test_template_goes_once_to_each_opted_in_subscriber(wa: FakeWhatsApp, site: str, private: Path) -> None:
    ch = channel(wa, site, private)
    item = release(site)
    post = ch.render(item)
    assert post.sendable, post.problems
    published = ch.publish(post)
    wa.assert_no_violations()
    assert [m["to"] for m in wa.delivered] == [ANA, BETO, CAROLINA]  # Diego opted out, Ana once
    first = wa.delivered[0]
    assert first["image"] == site + "portada.jpg" and first["title"] == item.title
    assert first["suffix"] == item.url[len(site) :]
    assert published.extra == {
        "subscribers": 3,
        "sent": 3,
        "limited": 0,
        "opted_out": 0,
        "undeliverable": 0,
        "por_verificar": 0,
    }
    # Done means done: the log says so, in this process and in the next one.
    assert ch.find_existing(post) == published
    again = channel(wa, site, private)
    assert again.find_existing(post) == published
    again.publish(post)
    assert len(wa.delivered) == 3
    log = (private / "enviados.jsonl").read_text(encoding="utf-8")
    assert all(n not in log and n[2:] not in log for n in (ANA, BETO, CAROLINA, DIEGO))
    assert {m["callback"] for m in wa.delivered} <= {json.loads(line)["key"] for line in log.splitlines()}


def test_marketing_limit_pauses_a_day_opt_out_is_for_good_undeliverable_not_retried(
    wa: FakeWhatsApp, site: str, private: Path
) -> None:
    wa.outcome = {ANA: 131049, BETO: 131050, CAROLINA: 131026}
    published = channel(wa, site, private).publish(channel(wa, site, private).render(release(site)))
    assert (published.extra["sent"], published.extra["limited"], published.extra["opted_out"]) == (0, 1, 1)
    assert published.extra["undeliverable"] == 1
    wa.outcome = {}
    second = channel(wa, site, private)
    published = second.publish(second.render(release(site, "2026-12-02-vacunacion")))
    # Ana is within Meta's 24 hours, Beto stopped marketing messages: only Carolina gets it.
    assert [m["to"] for m in wa.delivered] == [CAROLINA]
    assert (published.extra["subscribers"], published.extra["limited"]) == (2, 1)
    assert channel(wa, site, private).account_stats().followers == 2


def test_throughput_limit_retries_only_who_was_not_sent(wa: FakeWhatsApp, site: str, private: Path) -> None:
    ch = channel(wa, site, private)
    post = ch.render(release(site))
    wa.outcome = {BETO: 130429}
    with pytest.raises(RateLimited) as limited:
        ch.publish(post)
    assert limited.value.retry_after and ch.find_existing(post) is None
    wa.outcome = {}
    ch.publish(post)
    assert sorted(m["to"] for m in wa.delivered) == [ANA, BETO, CAROLINA]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"template_name": "no_existe"}, "no está aprobada"),
        ({"body_parameters": ["{title}", "{summary}"]}, "número de parámetros"),
        ({"access_token": "EAAW-vencido"}, "token de acceso"),
    ],
)
def test_template_and_credential_errors_fail_the_channel(
    wa: FakeWhatsApp, site: str, private: Path, change: dict[str, Any], words: str
) -> None:
    ch = channel(wa, site, private, **change)
    post = ch.render(release(site))
    with pytest.raises(PermanentError, match=words) as refused:
        ch.publish(post)
    assert "EAAW" not in refused.value.message
    assert not wa.delivered and ch.find_existing(post) is None  # nothing sent; the next run tries again


def test_paused_template_is_named(wa: FakeWhatsApp, site: str, private: Path) -> None:
    wa.templates["comunicado_nuevo"]["status"] = "PAUSED"
    with pytest.raises(PermanentError, match="pausada"):
        channel(wa, site, private).publish(channel(wa, site, private).render(release(site)))


def test_a_lost_answer_is_por_verificar_and_never_resent(wa: FakeWhatsApp, site: str, private: Path) -> None:
    ch = channel(wa, site, private)
    post = ch.render(release(site))

    def drop_connection(_: object) -> None:
        raise ConnectionAbortedError("the answer never leaves the server")

    wa.after_next("messages", drop_connection)  # Meta accepted Ana's message; its answer is lost
    with pytest.raises(TransientError, match="por verificar"):
        ch.publish(post)
    published = channel(wa, site, private).publish(post)
    assert [m["to"] for m in wa.delivered] == [ANA, BETO, CAROLINA]
    assert (published.extra["sent"], published.extra["por_verificar"]) == (2, 1)
    assert channel(wa, site, private).find_existing(post) == published


def test_render_checks_the_template_inputs(wa: FakeWhatsApp, site: str, private: Path) -> None:
    no_image = make_item(site, [], item_id="sin-imagen")
    assert "no tiene imagen" in channel(wa, site, private).render(no_image).problems[0]
    elsewhere = channel(wa, site, private, button_url_base="https://otro.example/").render(release(site))
    assert "button_url_base" in elsewhere.problems[0]
    tidy = channel(wa, site, private).render(release(site, title="Cierre\nvial\t en   la calle 5"))
    body = next(c for c in tidy.extra["components"] if c["type"] == "body")
    assert body["parameters"] == [{"type": "text", "text": "Cierre vial en la calle 5"}]
    named = channel(wa, site, private, body_parameters={"titulo": "{title}"}).render(release(site))
    assert (
        next(c for c in named.extra["components"] if c["type"] == "body")["parameters"][0]["parameter_name"] == "titulo"
    )


def test_subscribers_never_live_in_a_repository_and_numbers_never_in_messages(
    wa: FakeWhatsApp, site: str, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "suscriptores.yml").write_text("suscriptores: ['+57 300 111 0001']\n", encoding="utf-8")
    with pytest.raises(PermanentError, match="dentro del repositorio"):
        channel(wa, site, repo).publish(channel(wa, site, repo).render(release(site)))
    (tmp_path / "malo.yml").write_text("suscriptores: ['+57 300 111 0001', 'llamar a Ana']\n", encoding="utf-8")
    bad = channel(wa, site, tmp_path, subscribers_file=str(tmp_path / "malo.yml"))
    with pytest.raises(PermanentError, match="la entrada 2 de `suscriptores`") as refused:
        bad.publish(bad.render(release(site)))
    assert "3001110001" not in refused.value.message


def test_missing_token_fails_before_any_message_is_noted(wa: FakeWhatsApp, site: str, private: Path) -> None:
    ch = channel(wa, site, private, access_token="")
    post = ch.render(release(site))
    with pytest.raises(PermanentError, match="falta `access_token`"):
        ch.publish(post)
    assert not (private / "enviados.jsonl").exists()
    channel(wa, site, private).publish(post)  # once configured, everybody gets it
    assert len(wa.delivered) == 3
