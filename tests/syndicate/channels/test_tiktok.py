"""TikTok channel against a local reproduction of TikTok's Content Posting API.

No TikTok server can run here: fakes_tiktok.FakeTikTok is a real HTTP server on 127.0.0.1 that
follows the official Direct Post, Upload, Photo Post, Creator Info, Post Status and Media Transfer
pages (request headers and bodies checked strictly, documented answers and error codes, HTTP-200
errors, per-minute rate limits) and downloads pulled media from the portal's real HTTP server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pregon.syndicate.channels.base import PermanentError, RateLimited, TransientError
from pregon.syndicate.channels.tiktok import TikTokChannel
from pregon.syndicate.manifest import Item

from tests.conftest import serve_directory
from tests.mp4 import mp4
from tests.syndicate.channels.fakes_graph import make_images
from tests.syndicate.channels.fakes_tiktok import TOKEN, FakeTikTok, envelope

BIG_VIDEO = 11 * 1024 * 1024 + 777  # over two 5 MiB chunks: the last one takes the remainder


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root: Path = tmp_path_factory.mktemp("portal")
    (root / "vertical.mp4").write_bytes(mp4(1080, 1920, 45))
    (root / "grande.mp4").write_bytes(mp4(1080, 1920, 45, filler=BIG_VIDEO))
    make_images(
        root, [("foto1.jpg", "JPEG", 1080, 1350), ("foto2.jpg", "JPEG", 1080, 1080), ("logo.png", "PNG", 800, 800)]
    )
    with serve_directory(root) as url:
        yield url, root


@pytest.fixture()
def tiktok(portal: tuple[str, Path]) -> Iterator[FakeTikTok]:
    with FakeTikTok() as fake:
        fake.verified_prefixes = [portal[0]]
        yield fake  # type: ignore[misc]


def channel(fake: FakeTikTok, **config: Any) -> TikTokChannel:
    return TikTokChannel({"access_token": TOKEN, "api_base": fake.url, "poll_interval": 0.01, **config})


def release(site: str, media: list[dict[str, Any]], **fields: Any) -> Item:
    data: dict[str, Any] = {
        "id": "2026-12-01-puente-peatonal",
        "url": f"{site}prensa/2026/12/puente-peatonal/",
        "digest": "sha256:" + "ab" * 32,
        "title": "Abre el puente peatonal de la calle 10",
        "summary": "El puente conecta los barrios La Esperanza y El Carmen.",
        "date": "2026-12-01T08:00:00-05:00",
        "dependencia": {"slug": "obras", "name": "Secretaría de Infraestructura"},
        "media": media,
        "source": {"path": "content/prensa/2026/12/puente-peatonal.md"},
        **fields,
    }
    return Item.model_validate(data)


def video_item(site: str, name: str = "vertical.mp4", *, duration: float = 45, **fields: Any) -> Item:
    video = {
        "kind": "video",
        "url": site + name,
        "alt": "Recorrido por el puente",
        "mime": "video/mp4",
        "width": 1080,
        "height": 1920,
        "duration": duration,
    }
    image = {"kind": "image", "url": site + "foto1.jpg", "alt": "El puente", "mime": "image/jpeg"}
    return release(site, [image, video], **fields)


def photo_item(site: str, names: tuple[str, ...] = ("foto1.jpg", "foto2.jpg"), **fields: Any) -> Item:
    media = [
        {"kind": "image", "url": site + n, "alt": n, "mime": "image/png" if n.endswith(".png") else "image/jpeg"}
        for n in names
    ]
    return release(site, media, **fields)


def test_creator_info_first_then_direct_post_pulled_from_the_portal(
    tiktok: FakeTikTok, portal: tuple[str, Path]
) -> None:
    ch = channel(tiktok)
    post = ch.render(video_item(portal[0]))
    assert post.sendable, post.problems
    published = ch.publish(post)
    tiktok.assert_no_violations()
    routes = [r.params["__route"] for r in tiktok.requests]
    assert routes[:2] == ["creator_info", "video_init"] and set(routes[2:]) == {"status"}
    init = tiktok.calls("video_init")[0].json()
    assert init["source_info"] == {"source": "PULL_FROM_URL", "video_url": portal[0] + "vertical.mp4"}
    assert init["post_info"]["title"] == post.text and init["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    # The creator's settings win: Stitch is off for this account, so it is sent off.
    assert init["post_info"]["disable_stitch"] is True and init["post_info"]["disable_duet"] is False
    [made] = tiktok.posts()
    assert made["source"]["data"] == (portal[1] / "vertical.mp4").read_bytes()
    assert published.remote_id == str(made["post_id"])
    assert published.url == f"https://www.tiktok.com/@alcaldia_demo/video/{made['post_id']}"


def test_unverified_domain_falls_back_to_a_chunked_file_upload(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    tiktok.verified_prefixes = ["https://otro-dominio.example/"]
    ch = channel(tiktok, chunk_size=5 * 1024 * 1024)
    ch.publish(ch.render(video_item(portal[0], "grande.mp4")))
    tiktok.assert_no_violations()
    first, second = (c.json()["source_info"] for c in tiktok.calls("video_init"))
    assert first["source"] == "PULL_FROM_URL"
    size = (portal[1] / "grande.mp4").stat().st_size
    assert second == {
        "source": "FILE_UPLOAD",
        "video_size": size,
        "chunk_size": 5 * 1024 * 1024,
        "total_chunk_count": 2,
    }
    chunks = tiktok.calls("chunk")
    assert [c.header("content-range") for c in chunks] == [
        f"bytes 0-{5 * 1024 * 1024 - 1}/{size}",
        f"bytes {5 * 1024 * 1024}-{size - 1}/{size}",
    ]
    [made] = tiktok.posts()
    assert made["source"]["data"] == (portal[1] / "grande.mp4").read_bytes()


def test_small_video_goes_up_whole_and_url_only_mode_never_uploads(
    tiktok: FakeTikTok, portal: tuple[str, Path]
) -> None:
    tiktok.verified_prefixes = []
    with pytest.raises(PermanentError, match="no está verificado"):
        channel(tiktok, video_source="url").publish(channel(tiktok).render(video_item(portal[0])))
    assert not tiktok.calls("chunk")
    ch = channel(tiktok, video_source="upload")
    ch.publish(ch.render(video_item(portal[0])))
    tiktok.assert_no_violations()
    source = tiktok.calls("video_init")[-1].json()["source_info"]
    size = (portal[1] / "vertical.mp4").stat().st_size
    assert (source["chunk_size"], source["total_chunk_count"]) == (size, 1)


def test_unaudited_app_is_refused_with_what_to_do_or_falls_back_to_the_inbox(
    tiktok: FakeTikTok, portal: tuple[str, Path]
) -> None:
    tiktok.audited = False
    item = video_item(portal[0])
    with pytest.raises(PermanentError, match="SELF_ONLY") as refused:
        channel(tiktok).publish(channel(tiktok).render(item))
    assert "auditada" in refused.value.message and not tiktok.publishes
    ch = channel(tiktok, fallback="inbox")
    published = ch.publish(ch.render(item))
    tiktok.assert_no_violations()
    assert tiktok.calls("inbox_init")[0].json() == {
        "source_info": {"source": "PULL_FROM_URL", "video_url": portal[0] + "vertical.mp4"}
    }
    assert len(tiktok.inbox()) == 1 and not tiktok.posts()
    assert published.extra["mode"] == "inbox" and published.url is None
    # SELF_ONLY is what an unaudited app may post directly: private, and it does exist.
    private = channel(tiktok, privacy_level="SELF_ONLY")
    assert private.publish(private.render(item)).extra["status"] == "PUBLISH_COMPLETE"


def test_privacy_level_must_be_offered_by_the_account(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    tiktok.privacy_options = ["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]  # a private account
    with pytest.raises(PermanentError, match="FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY"):
        channel(tiktok).publish(channel(tiktok).render(video_item(portal[0])))
    assert not tiktok.calls("video_init")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("spam_risk_too_many_posts", RateLimited),
        ("spam_risk_user_banned_from_posting", PermanentError),
        ("reached_active_user_cap", RateLimited),
    ],
)
def test_http_200_errors_of_creator_info_stop_before_any_post(
    tiktok: FakeTikTok, portal: tuple[str, Path], code: str, error: type[Exception]
) -> None:
    tiktok.creator_error = code
    with pytest.raises(error, match=code):
        channel(tiktok).publish(channel(tiktok).render(video_item(portal[0])))
    assert tiktok.calls("creator_info")[0] and not tiktok.calls("video_init")


def test_video_longer_than_the_account_allows_is_not_sent(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    tiktok.max_duration = 30
    with pytest.raises(PermanentError, match=r"dura 45 s .* hasta 30 s"):
        channel(tiktok).publish(channel(tiktok).render(video_item(portal[0])))
    assert not tiktok.calls("video_init")
    assert "10 minutos" in channel(tiktok).render(video_item(portal[0], duration=601)).problems[0]


@pytest.mark.parametrize(
    ("reason", "error", "words"),
    [
        ("spam_risk_text", PermanentError, "texto riesgoso"),
        ("internal", TransientError, "falla interna"),
        ("video_pull_failed", TransientError, "no pudo descargar"),
        ("duration_check_failed", PermanentError, "duración"),
    ],
)
def test_failed_status_is_explained_in_spanish(
    tiktok: FakeTikTok, portal: tuple[str, Path], reason: str, error: type[Exception], words: str
) -> None:
    tiktok.fail_reason = reason
    ch = channel(tiktok)
    post = ch.render(video_item(portal[0]))
    with pytest.raises(error, match=words):
        ch.publish(post)
    assert ch.find_existing(post) is None  # FAILED: surely not on TikTok, safe to retry


def test_caption_is_counted_in_utf16_units_like_tiktok(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    item = video_item(portal[0])
    fits = "🇨🇴" * 550  # 4 UTF-16 units each (two regional indicators): exactly 2200
    long = fits + "a"
    ok = channel(tiktok, template=fits).render(item)
    assert ok.sendable and ok.length == 2200
    too_long = channel(tiktok, template=long).render(item)
    assert too_long.length == 2201 and "2201 unidades UTF-16" in too_long.problems[0]
    channel(tiktok, template=fits).publish(ok)
    tiktok.assert_no_violations()


def test_photo_post_from_the_portal_images(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    ch = channel(tiktok)
    post = ch.render(photo_item(portal[0]))
    assert post.sendable and post.extra["kind"] == "photo"
    ch.publish(post)
    tiktok.assert_no_violations()
    body = tiktok.calls("photo_init")[0].json()
    assert (body["media_type"], body["post_mode"]) == ("PHOTO", "DIRECT_POST")
    assert body["source_info"] == {
        "source": "PULL_FROM_URL",
        "photo_images": [portal[0] + "foto1.jpg", portal[0] + "foto2.jpg"],
        "photo_cover_index": 0,
    }
    assert body["post_info"]["title"] == "Abre el puente peatonal de la calle 10"
    assert body["post_info"]["description"] == post.text
    inbox = channel(tiktok, mode="inbox")
    inbox.publish(inbox.render(photo_item(portal[0])))
    tiktok.assert_no_violations()
    assert tiktok.calls("photo_init")[-1].json()["post_mode"] == "MEDIA_UPLOAD"


def test_photo_rules_png_and_title_length(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    post = channel(tiktok).render(photo_item(portal[0], ("foto1.jpg", "logo.png")))
    assert any("logo.png" in p and "JPEG o WebP" in p for p in post.problems)
    long_title = channel(tiktok).render(photo_item(portal[0], title="Título" + "ñ" * 83 + "🚧"))
    assert any("91 unidades UTF-16" in p for p in long_title.problems)


def test_live_updates_and_releases_without_media_are_not_applicable(
    tiktok: FakeTikTok, portal: tuple[str, Path]
) -> None:
    item = video_item(
        portal[0],
        live=True,
        updates=[
            {
                "id": "u1",
                "time": "2026-12-01T10:00:00-05:00",
                "text": "Abierto",
                "digest": "sha256:" + "cd" * 32,
                "url": portal[0] + "prensa/2026/12/puente-peatonal/#u1",
            }
        ],
    )
    assert channel(tiktok).render(item, item.updates[0]).skip
    embedded = release(
        portal[0],
        [
            {
                "kind": "video",
                "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                "alt": "Tráiler",
                "youtube_id": "aqz-KE-bpKQ",
            }
        ],
    )
    assert "no tiene video propio ni fotos" in (channel(tiktok).render(embedded).skip or "")


def test_rate_limit_and_expired_token(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    ch = channel(tiktok)
    post = ch.render(video_item(portal[0]))
    tiktok.fail_next("video_init", envelope(code="rate_limit_exceeded", message="slow down", status=429))
    with pytest.raises(RateLimited) as limited:
        ch.publish(post)
    assert limited.value.retry_after == 60
    bad = TikTokChannel({"access_token": "act.expired", "api_base": tiktok.url})
    with pytest.raises(PermanentError, match="token de acceso") as refused:
        bad.publish(post)
    assert "act.expired" not in refused.value.message


def test_reconciliation_reads_the_status_of_the_noted_publish_id(
    tiktok: FakeTikTok, portal: tuple[str, Path], tmp_path: Path
) -> None:
    log = tmp_path / "tiktok.jsonl"
    first = channel(tiktok, publish_log=str(log))
    post = first.render(video_item(portal[0]))
    tiktok.polls_until_done = 10**6  # still processing when the run dies
    with pytest.raises(TransientError, match="sigue procesando"):
        channel(tiktok, publish_log=str(log), poll_attempts=2).publish(post)
    with pytest.raises(TransientError, match="sigue en proceso"):
        channel(tiktok, publish_log=str(log)).find_existing(post)  # cannot tell yet: never resent
    tiktok.polls_until_done = 0
    found = channel(tiktok, publish_log=str(log)).find_existing(post)  # a new process, after a crash
    assert found is not None and found.remote_id == str(tiktok.posts()[0]["post_id"])
    assert len(tiktok.calls("video_init")) == 1
    assert channel(tiktok, publish_log=str(tmp_path / "other.jsonl")).find_existing(post) is None


def test_metrics_from_the_display_api(tiktok: FakeTikTok, portal: tuple[str, Path]) -> None:
    ch = channel(tiktok)
    published = ch.publish(ch.render(video_item(portal[0])))
    stats = ch.post_stats(published)
    assert (stats.impressions, stats.reactions, stats.replies, stats.shares) == (1530, 120, 14, 9)
    account = ch.account_stats()
    assert (account.followers, account.posts) == (4210, 1)
    tiktok.assert_no_violations()


def test_unknown_options_are_refused_in_spanish() -> None:
    with pytest.raises(ValueError, match=r"channels\.tiktok\.privacy: opción desconocida"):
        TikTokChannel({"access_token": TOKEN, "privacy": "SELF_ONLY"})
    with pytest.raises(ValueError, match="chunk_size"):
        TikTokChannel({"access_token": TOKEN, "chunk_size": 1024})
