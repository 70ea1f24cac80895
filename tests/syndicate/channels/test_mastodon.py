"""Mastodon channel against a local server reproducing the documented Mastodon API.

No real Mastodon-API server can run here, so :class:`FakeMastodon` (``fakes_mastodon.py``) plays
the instance over real HTTP on 127.0.0.1, following docs.joinmastodon.org ``methods/statuses``,
``methods/media``, ``entities/Instance``, ``api/rate-limits``, ``methods/accounts`` and
``methods/notifications``. It validates what the client sends (Bearer token, multipart layout,
processed media, length by Mastodon's own rule) and every test ends with no contract violation.
"""

from __future__ import annotations

import time

import pytest
from pregon.syndicate.channels.base import (
    PermanentError,
    Published,
    RateLimited,
    TransientError,
)
from pregon.syndicate.channels.mastodon import MastodonChannel

from tests.fakes.api_server import Reply
from tests.syndicate.channels.fakes_mastodon import FakeMastodon
from tests.syndicate.channels.sample_release import image, live_release, release
from tests.syndicate.harness import SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project, sending_lines

TOKEN = "mastodon-token-secreto-123"


@pytest.fixture()
def fake():
    with FakeMastodon(TOKEN) as api:
        yield api
    api.assert_no_violations()


@pytest.fixture()
def channel(fake):
    chan = MastodonChannel({"instance": fake.url, "access_token": TOKEN})
    chan.sleep = lambda seconds: None  # media polling: the fake decides when processing ends
    yield chan
    chan.close()


def test_urls_count_as_23_and_too_long_is_never_truncated(media_site):
    chan = MastodonChannel({"instance": "https://social.example"})
    long_url = "https://portal.example.gov.co/prensa/2026/11/" + "muy-largo-" * 20
    item = release(media_site, url=long_url, summary="Resumen corto.")
    post = chan.render(item)
    assert post.length == len(item.title) + 2 + len("Resumen corto.") + 2 + 23
    assert not post.problems
    long = chan.render(release(media_site, summary="Las inscripciones siguen abiertas. " * 20))
    assert long.problems and "500" in long.problems[0]
    assert ("Las inscripciones siguen abiertas. " * 20).strip() in long.text


def test_status_with_images_alt_text_and_processing(fake, channel, media_site):
    fake.processing_polls = 2  # 202 on upload, then 206, 206, 200
    gallery = (
        image(media_site, "principal.jpg", "Vacunadora en la vereda"),
        image(media_site, "galeria-1.jpg", "Fila de personas en el puesto de salud"),
    )
    post = channel.render(release(media_site, id="masto-images", media=gallery))
    published = channel.publish(post)
    status = fake.statuses[published.remote_id]
    assert [m["description"] for m in status["media_attachments"]] == [m["alt"] for m in gallery]
    assert f'href="{post.link}"' in status["content"]
    assert len(fake.calls("media_get")) == 2 * 3
    created = fake.calls("statuses")[-1]
    assert created.header("idempotency-key") == post.key
    assert published.url == status["url"]


def test_same_idempotency_key_gives_the_same_status(fake, channel, media_site):
    post = channel.render(release(media_site, id="masto-twice", media=()))
    first, second = channel.publish(post), channel.publish(post)
    assert first.remote_id == second.remote_id
    assert len(fake.own_statuses()) == 1


def test_publish_checks_the_limit_the_instance_declares(fake, media_site):
    fake.max_characters = 120
    chan = MastodonChannel({"instance": fake.url, "access_token": TOKEN})
    try:
        long_url = "https://portal.example.gov.co/prensa/2026/11/" + "x" * 200
        short = chan.render(release(media_site, id="masto-url", url=long_url, summary="Corto.", media=()))
        assert chan.publish(short).remote_id  # the 245-character URL counts as 23 on the instance too
        long = chan.render(release(media_site, id="masto-long", summary="Texto de la convocatoria. " * 5, media=()))
        assert not long.problems  # 500 by configuration…
        with pytest.raises(PermanentError, match="120"):
            chan.publish(long)  # …but the instance says 120: refused before sending
    finally:
        chan.close()
    assert len(fake.own_statuses()) == 1
    assert len(fake.calls("instance")) == 1


def test_rate_limit_headers_are_honoured(fake, channel, media_site):
    post = channel.render(release(media_site, id="masto-429", media=()))
    fake.fail_next("statuses", FakeMastodon.rate_limited(reset_in=1.5))
    with pytest.raises(RateLimited) as caught:
        channel.publish(post)
    assert 0 < caught.value.retry_after <= 1.5
    # Until the reset, the channel does not spend a request on another 429.
    with pytest.raises(RateLimited):
        channel.publish(post)
    assert len(fake.calls("statuses")) == 1
    time.sleep(caught.value.retry_after)
    channel.publish(post)
    assert len(fake.own_statuses()) == 1


def test_errors_map_to_the_core_kinds(fake, media_site):
    wrong = MastodonChannel({"instance": fake.url, "access_token": "token-equivocado-77"})
    with pytest.raises(PermanentError) as caught:
        wrong.publish(wrong.render(release(media_site, id="masto-401", media=())))
    assert "token" in caught.value.message and "token-equivocado-77" not in str(caught.value)
    wrong.close()
    chan = MastodonChannel({"instance": fake.url, "access_token": TOKEN})
    post = chan.render(release(media_site, id="masto-errors", media=()))
    fake.fail_next("statuses", Reply(422, {"error": "Validation failed: Text can't be blank"}))
    with pytest.raises(PermanentError, match="Text can't be blank"):
        chan.publish(post)
    fake.fail_next("statuses", Reply(503, {"error": "Service Unavailable"}))
    with pytest.raises(TransientError):
        chan.publish(post)
    chan.close()
    assert fake.own_statuses() == []


def test_find_existing_after_the_idempotency_window(fake, channel, media_site):
    post = channel.render(release(media_site, id="masto-old", media=()))
    assert channel.find_existing(post) is None
    published = channel.publish(post)
    for n in range(50):  # our status is now on the second page of 40
        channel.publish(
            channel.render(release(media_site, id=f"masto-other-{n}", media=(), url=media_site + f"prensa/otro-{n}/"))
        )
    fake.idempotency.clear()  # more than an hour later
    found = channel.find_existing(post)
    assert found is not None and found.remote_id == published.remote_id
    assert len(fake.calls("account_statuses")) == 1 + 2  # the first, empty look-up, then two pages


def test_live_updates_reply_and_are_found_in_the_thread(fake, channel, media_site):
    item = live_release(media_site)
    main = channel.publish(channel.render(item))
    update = item.updates[0]
    tip = Published(main.remote_id, main.url)  # as the ledger keeps it
    post = channel.render(item, update, tip)
    assert channel.find_existing(post) is None
    reply = channel.publish(post)
    assert fake.statuses[reply.remote_id]["in_reply_to_id"] == main.remote_id
    fake.idempotency.clear()
    assert channel.find_existing(post).remote_id == reply.remote_id
    assert fake.calls("context")


def test_delete_stats_and_mentions(fake, channel, media_site):
    published = channel.publish(channel.render(release(media_site, id="masto-stats", media=())))
    fake.add_reply(published.remote_id, "periodista@otra.instancia", "¿Hasta qué hora atienden?")
    stats = channel.post_stats(published)
    assert stats.replies == 1 and stats.reactions == 0
    account = channel.account_stats()
    assert account.followers == 4321 and account.posts == 1
    mentions = channel.mentions()
    assert len(mentions) == 1
    assert mentions[0].author == "periodista@otra.instancia"
    assert "¿Hasta qué hora atienden?" in mentions[0].text and mentions[0].in_reply_to == published.remote_id
    channel.delete(published)
    channel.delete(published)  # already gone: nothing to do
    assert published.remote_id not in fake.statuses


def test_killed_between_send_and_confirm_then_rerun_makes_no_duplicate(tmp_path, fake):
    """A real ``pregon syndicate`` process is SIGKILLed after the instance stored the status."""
    spec = Spec("masto-crash", title="Cierre temporal de la biblioteca")
    site = HandSite(tmp_path / "site")
    site.write([spec])
    project = make_project(
        tmp_path / "project",
        {"channels": {"mastodon": {"instance": fake.url, "access_token": "__token__"}}},
        env_tags={"__token__": "MASTODON_TOKEN"},
    )
    approve(project, spec.digest)
    env = {"MASTODON_TOKEN": TOKEN}
    with site.serve() as url:
        run = SyndicateProcess(project, url, env=env)
        fake.after_next("statuses", run.kill_now)
        assert run.start().wait().killed
        assert len(fake.own_statuses()) == 1
        again = run_syndicate(project, url, env=env)
    assert again.returncode == 0, again.output
    assert [line["state"] for line in sending_lines(project)] == ["intent", "reconciled"]
    assert len(fake.own_statuses()) == 1
    assert TOKEN not in again.output
