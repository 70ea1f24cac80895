"""The Meta channels through the syndication core's fault scenarios (exactly once, loud failure).

Each scenario runs the real core (the ``pregon syndicate`` CLI or :func:`runner.syndicate`: live
check against a real HTTP portal, records approvals, ledger on disk) with Facebook, Instagram or Threads pointed at
its local API reproduction (fakes_graph.py, which follows the Pages API, Instagram Content
Publishing and Threads Posts documentation). Scenarios:

* **crash between send and confirm**: ``pregon syndicate`` runs as a subprocess
  (tests/syndicate/harness.py) with the token from the environment, SIGKILLed by the fake right
  after the network made the post and before the answer left; the next run must reconcile
  (find the post) instead of posting again;
* **rate limit then success**: Graph code 4 with ``X-Business-Use-Case-Usage`` → the core waits
  what Meta said and the second attempt posts, once;
* **permanent error**: reported with Meta's reason, never retried.

The fault scenarios use a minimal live site written by the test (manifest, page with the digest
meta tags, JSON feed, image) so each fault hits one known post; the last test runs the built
example portal (``served_site``) through all three networks at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pregon.syndicate.channels.base import post_key
from pregon.syndicate.config import SyndicateConfig, load_config
from pregon.syndicate.ledger import Ledger
from pregon.syndicate.live import fetch_manifest
from pregon.syndicate.runner import syndicate

from tests.conftest import serve_directory
from tests.syndicate.channels.fakes_graph import (
    TOKEN,
    ContainerFake,
    FacebookFake,
    GraphFake,
    InstagramFake,
    ThreadsFake,
    graph_error,
    make_images,
    make_item,
    publish_count,
    rate_limited,
)
from tests.syndicate.harness import SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import approve, make_project

ITEM_ID = "prensa/2026/11/jornada-de-vacunacion"
DIGEST = "sha256:" + "ab" * 32  # make_item's digest
UPDATE_DIGEST = "sha256:" + "cd" * 32
TOKEN_VAR = "PREGON_TEST_META_TOKEN"


@dataclass(frozen=True)
class Network:
    name: str
    fake: Callable[[], GraphFake]
    publish_route: str
    """The route whose success makes the post visible (where the crash is injected)."""
    config: Callable[[Any], dict[str, Any]]
    throttled_object: Callable[[Any], str]
    token_key: str


NETWORKS = [
    Network(
        "facebook",
        FacebookFake,
        "feed",
        lambda f: {"page_id": f.page_id, "page_access_token": TOKEN, "api_base": f.api_base},
        lambda f: f.page_id,
        "page_access_token",
    ),
    Network(
        "instagram",
        InstagramFake,
        "media_publish",
        lambda f: {"ig_user_id": f.ig_user_id, "access_token": TOKEN, "api_base": f.api_base, "poll_interval": 0.01},
        lambda f: f.ig_user_id,
        "access_token",
    ),
    Network(
        "threads",
        ThreadsFake,
        "threads_publish",
        lambda f: {"threads_user_id": f.user_id, "access_token": TOKEN, "api_base": f.api_base, "poll_interval": 0.01},
        lambda f: f.user_id,
        "access_token",
    ),
]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live portal with one approved release (with a live update) and its image."""
    root = tmp_path_factory.mktemp("portal")
    with serve_directory(root) as site:
        page = root / ITEM_ID
        page.mkdir(parents=True)
        make_images(page, [("portada.jpg", "JPEG", 1200, 630)])
        update = {
            "id": "u1",
            "time": "2026-11-20T11:00:00-05:00",
            "text": "Se habilitan dos puntos más de vacunación.",
            "digest": UPDATE_DIGEST,
            "url": f"{site}{ITEM_ID}/#u1",
        }
        item = make_item(site, [(f"{ITEM_ID}/portada.jpg", 1200, 630)], item_id=ITEM_ID, live=True, updates=[update])
        item = item.model_copy(update={"url": f"{site}{ITEM_ID}/"})
        (page / "index.html").write_text(
            f'<html><head><meta name="pregon:digest" content="{item.digest}">'
            f'<meta name="pregon:id" content="{item.id}"></head>'
            f'<body><h1>{item.title}</h1><section id="u1">{update["text"]}</section></body></html>',
            encoding="utf-8",
        )
        (root / "feed.json").write_text(
            json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [{"id": item.id, "url": item.url}]}),
            encoding="utf-8",
        )
        (root / "pregon").mkdir()
        manifest = {
            "format": "pregon-manifest",
            "version": 1,
            "generated_at": "2026-11-20T15:00:00+00:00",
            "site_url": site,
            "feeds": {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"},
            "items": [json.loads(item.model_dump_json(by_alias=True))],
        }
        (root / "pregon" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        yield site


def _project(tmp_path: Path, network: Network, fake: GraphFake) -> Path:
    """A project whose mkdocs.yml enables ``network`` (token from the environment) with the
    release and its update approved at both control points."""
    options = {**network.config(fake), network.token_key: "__TOKEN__"}
    syndicate_options = {
        "records": "records",
        "retry": {"max_attempts": 3, "max_wait": 600, "backoff": 0},
        "channels": {network.name: options},
    }
    project = make_project(tmp_path / "project", syndicate_options, env_tags={"__TOKEN__": TOKEN_VAR})
    approve(project, DIGEST, updates={"u1": UPDATE_DIGEST})
    return project


def _config(project: Path) -> SyndicateConfig:
    """The project's configuration as ``pregon syndicate`` loads it (``!ENV`` token included)."""
    return load_config(project / "mkdocs.yml")


@pytest.fixture(autouse=True)
def meta_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The access token reaches the configuration only through the environment (``!ENV``)."""
    monkeypatch.setenv(TOKEN_VAR, TOKEN)


@pytest.fixture(params=NETWORKS, ids=lambda n: n.name)
def network(request: pytest.FixtureRequest) -> Iterator[tuple[Network, GraphFake]]:
    spec: Network = request.param
    fake = spec.fake()
    fake.start()
    try:
        yield spec, fake
    finally:
        fake.stop()


def _key(network: Network, update: str | None = None) -> str:
    return post_key(ITEM_ID, network.name, update)


def test_crash_between_send_and_confirm_then_rerun_posts_exactly_once(
    network: tuple[Network, GraphFake], portal: str, tmp_path: Path
) -> None:
    """`pregon syndicate` in a subprocess is SIGKILLed after Meta made the post, before the answer."""
    spec, fake = network
    project = _project(tmp_path, spec, fake)
    env = {TOKEN_VAR: TOKEN}
    run = SyndicateProcess(project, portal, env=env)
    fake.after_next(spec.publish_route, run.kill_now)  # the post exists; the run dies unaware
    killed = run.start().wait()
    assert killed.killed
    assert publish_count(fake) == 1
    records = project / "records"
    history = Ledger(records / "ledger").history(_key(spec))
    assert history.last is not None and history.last.state == "intent" and history.needs_reconciliation

    again = run_syndicate(project, portal, env=env)
    fake.assert_no_violations()
    assert TOKEN not in again.output
    done = Ledger(records / "ledger").history(_key(spec)).done
    assert done is not None and done.state == "reconciled", again.output
    assert done.remote_id == _first_post_id(fake)
    assert publish_count(fake) == 1 + (1 if spec.name != "instagram" else 0)  # + the live update

    publishes = len(fake.calls(spec.publish_route))
    report = syndicate(portal, _config(project))
    assert [o.status for o in report.outcomes if o.channel == spec.name and o.update is None] == ["already"]
    assert len(fake.calls(spec.publish_route)) == publishes


def test_rate_limit_then_success_posts_once(network: tuple[Network, GraphFake], portal: str, tmp_path: Path) -> None:
    """Graph "Rate Limits": code 4 with X-Business-Use-Case-Usage, then success: one post."""
    spec, fake = network
    project = _project(tmp_path, spec, fake)
    records = project / "records"
    waits: list[float] = []
    fake.fail_next(spec.publish_route, rate_limited(spec.throttled_object(fake), minutes=2))
    report = syndicate(portal, _config(project), sleep=waits.append)
    fake.assert_no_violations()
    main = [o for o in report.outcomes if o.channel == spec.name and o.update is None]
    assert [o.status for o in main] == ["published"], report.outcomes
    assert waits[0] == 120.0  # estimated_time_to_regain_access = 2 minutes
    assert _first_post_id(fake) == Ledger(records / "ledger").history(_key(spec)).done.remote_id  # type: ignore[union-attr]
    assert sum(1 for c in fake.calls(spec.publish_route)) >= 2
    if isinstance(fake, ContainerFake):
        # The throttled container was published on the retry, not made again.
        assert sum(1 for c in fake.containers.values() if c["status"] == "PUBLISHED") == publish_count(fake)


def test_permanent_error_is_reported_and_not_retried(
    network: tuple[Network, GraphFake], portal: str, tmp_path: Path
) -> None:
    """Graph "Handling Errors": code 100 (invalid parameter) is reported, never retried."""
    spec, fake = network
    project = _project(tmp_path, spec, fake)
    records = project / "records"
    fake.fail_next(spec.publish_route, graph_error(400, 100, "(#100) Invalid parameter"))
    report = syndicate(portal, _config(project), sleep=lambda s: pytest.fail("no retry expected"))
    main = [o for o in report.outcomes if o.channel == spec.name and o.update is None]
    assert [o.status for o in main] == ["error"] and "Invalid parameter" in main[0].detail
    assert not report.ok
    assert len(fake.calls(spec.publish_route)) == 1
    assert publish_count(fake) == 0
    history = Ledger(records / "ledger").history(_key(spec))
    assert history.last is not None and history.last.state == "failed"


def test_threads_live_update_replies_to_the_release_post(portal: str, tmp_path: Path) -> None:
    """Threads publishing reference: the live update is published with reply_to_id."""
    spec = NETWORKS[2]
    with ThreadsFake() as fake:
        syndicate(portal, _config(_project(tmp_path, spec, fake)))
        fake.assert_no_violations()
        first, reply = fake.media  # type: ignore[attr-defined]
    assert reply["reply_to_id"] == first["id"] and "dos puntos más" in reply["text"]


def _first_post_id(fake: GraphFake) -> str:
    if isinstance(fake, FacebookFake):
        return str(fake.live_posts()[0]["id"])
    assert isinstance(fake, ContainerFake)
    return str(fake.media[0]["id"])


def test_example_site_goes_out_once_to_all_three_meta_networks(served_site: str, tmp_path: Path) -> None:
    """The built example portal (real HTTP) through the core to Facebook, Instagram and Threads.

    Every release is posted once per network, with images Meta downloads from the portal; live
    updates become link posts on Facebook and replies on Threads, and are refused for Instagram
    (no image) as problems. A second run sends nothing.
    """
    with httpx.Client() as client:
        manifest = fetch_manifest(served_site, client)
    records = tmp_path / "records"
    (records / "approvals").mkdir(parents=True)
    with (records / "approvals" / "2026-11.jsonl").open("w") as out:
        for item in manifest.items:
            for role, login in (("contenido", "jefa-prensa"), ("diseño", "disenador")):
                updates = {u.id: u.digest for u in item.updates}
                record = {
                    "v": 1,
                    "at": "2026-11-20T14:00:00Z",
                    "by": login,
                    "role": role,
                    "digest": item.digest,
                    "source": item.source.path,
                    "updates": updates,
                }
                out.write(json.dumps(record) + "\n")
    fb, ig, th = FacebookFake(), InstagramFake(), ThreadsFake()
    for fake in (fb, ig, th):
        fake.start()
    try:
        config = SyndicateConfig.model_validate(
            {
                "records": records,
                "retry": {"max_attempts": 2, "max_wait": 1, "backoff": 0},
                "channels": {spec.name: spec.config(fake) for spec, fake in zip(NETWORKS, (fb, ig, th), strict=True)},
            }
        )
        report = syndicate(served_site, config, publish_backlog=True)
        for fake in (fb, ig, th):
            fake.assert_no_violations()
        items = len(manifest.items)
        updates = sum(len(i.updates) for i in manifest.items if i.live)
        assert updates > 0
        assert publish_count(fb) == items + updates
        live_updates = [u for i in manifest.items if i.live for u in i.updates]
        with_image = sum(1 for u in live_updates if any(m.kind == "image" for m in u.media))
        assert with_image and with_image < len(live_updates), "the example must have both kinds of update"
        assert publish_count(ig) == sum(1 for i in manifest.items if i.images) + with_image
        assert publish_count(th) == items + updates
        ig_updates = [o.status for o in report.outcomes if o.channel == "instagram" and o.update]
        assert sorted(ig_updates) == sorted(["published"] * with_image + ["skipped"] * (updates - with_image))
        assert all(url.startswith(served_site) for fake in (fb, ig, th) for url in fake.fetched)
        assert ig.fetched and th.fetched
        replies = [m for m in th.media if m["reply_to_id"]]
        assert len(replies) == updates and all(any(p["id"] == r["reply_to_id"] for p in th.media) for r in replies)

        before = {name: len(f.requests) for name, f in (("fb", fb), ("ig", ig), ("th", th))}
        again = syndicate(served_site, config, publish_backlog=True)
        assert not [o for o in again.outcomes if o.status in ("published", "reconciled", "adopted")]
        assert publish_count(fb) == items + updates and publish_count(th) == items + updates
        assert {name: len(f.requests) for name, f in (("fb", fb), ("ig", ig), ("th", th))} == before
    finally:
        for fake in (fb, ig, th):
            fake.stop()
