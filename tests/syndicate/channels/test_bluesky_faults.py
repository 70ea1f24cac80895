"""Bluesky faults against the REAL PDS: a killed run, a rate limit, an expired session.

The crash test runs ``pregon syndicate`` as a real subprocess (``tests/syndicate/harness.py``)
behind the harness's ``KillingProxy``: the PDS stores the post, then the process is SIGKILLed
before it hears the answer, so the ledger holds an unconfirmed intent. The next run must find the
post by its deterministic record key instead of posting again.

The rate-limit and expired-token tests put :class:`PDSProxy` in front of the PDS. It answers one
call with the error documented in atproto.com/specs/xrpc (HTTP 429 with ``RateLimit-*`` headers;
HTTP 400 ``ExpiredToken``) and forwards everything else to the real server.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from pregon.syndicate.channels.atproto import tid_from_key
from pregon.syndicate.channels.base import RateLimited, post_key
from pregon.syndicate.channels.bluesky import BlueskyChannel

from tests.fakes.api_server import Reply
from tests.syndicate.channels.pds_proxy import PDSProxy
from tests.syndicate.channels.sample_release import release
from tests.syndicate.harness import KillingProxy, SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project, sending_lines

PASSWORD_VAR = "BLUESKY_APP_PASSWORD"


def records_with_rkey(service: str, did: str, rkey: str) -> list[dict]:
    answer = httpx.get(
        f"{service}/xrpc/com.atproto.repo.listRecords",
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100},
    )
    answer.raise_for_status()
    return [r for r in answer.json()["records"] if r["uri"].endswith("/" + rkey)]


def project_for(tmp_path: Path, account: dict[str, str], service: str, spec: Spec) -> Path:
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "bluesky": {
                    "service": service,
                    "handle": account["handle"],
                    "app_password": "__password__",
                    "appview": False,
                    "session_file": str(tmp_path / "private" / "bluesky-session.json"),
                }
            }
        },
        env_tags={"__password__": PASSWORD_VAR},
    )
    approve(project, spec.digest)
    return project


def test_killed_between_send_and_confirm_then_rerun_makes_no_duplicate(tmp_path, bluesky_account):
    spec = Spec("bsky-crash", title="Cierre de la vía al mar por obras 🚧")
    site = HandSite(tmp_path / "site")
    site.write([spec])
    rkey = tid_from_key(post_key(spec.id, "bluesky"))
    env = {PASSWORD_VAR: bluesky_account["password"]}
    with site.serve() as url, KillingProxy(bluesky_account["service"]) as proxy:
        project = project_for(tmp_path, bluesky_account, proxy.url, spec)
        run = SyndicateProcess(project, url, env=env)
        proxy.kill_after(lambda method, path: path.endswith("/com.atproto.repo.createRecord"), run.kill_now)
        first = run.start().wait()
        assert first.killed
        # The PDS has the post; the ledger only knows it meant to send it.
        assert len(records_with_rkey(bluesky_account["service"], bluesky_account["did"], rkey)) == 1
        assert [line["state"] for line in ledger_lines(project)] == ["intent"]

        again = run_syndicate(project, url, env=env)
    assert again.returncode == 0, again.output
    states = [line["state"] for line in sending_lines(project)]
    assert states == ["intent", "reconciled"]
    assert len(records_with_rkey(bluesky_account["service"], bluesky_account["did"], rkey)) == 1
    assert sending_lines(project)[-1]["remote_id"].endswith("/" + rkey)
    for output in (first.output, again.output):
        assert bluesky_account["password"] not in output
    assert bluesky_account["password"] not in "".join(p.read_text() for p in (project / "records").rglob("*.jsonl"))


def test_rate_limited_once_then_exactly_one_post(tmp_path, bluesky_account):
    spec = Spec("bsky-429", title="Horarios de atención en diciembre")
    site = HandSite(tmp_path / "site")
    site.write([spec])
    rkey = tid_from_key(post_key(spec.id, "bluesky"))
    with site.serve() as url, PDSProxy(bluesky_account["service"]) as proxy:
        proxy.fail_next(
            "createRecord",
            Reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                {
                    "RateLimit-Limit": "5000",
                    "RateLimit-Remaining": "0",
                    "RateLimit-Policy": "5000;w=3600",
                    "RateLimit-Reset": str(int(time.time()) + 2),
                },
            ),
        )
        project = project_for(tmp_path, bluesky_account, proxy.url, spec)
        result = run_syndicate(project, url, env={PASSWORD_VAR: bluesky_account["password"]})
        assert result.returncode == 0, result.output
        assert len(proxy.calls("createRecord")) == 2
        assert len(proxy.calls("createSession")) == 1
    assert [line["state"] for line in sending_lines(project)] == ["intent", "failed", "intent", "confirmed"]
    assert len(records_with_rkey(bluesky_account["service"], bluesky_account["did"], rkey)) == 1


def test_rate_limit_error_carries_the_reset(bluesky_config, bluesky_account, media_site):
    with PDSProxy(bluesky_account["service"]) as proxy:
        proxy.fail_next(
            "createRecord",
            Reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                {"RateLimit-Reset": str(int(time.time()) + 120), "RateLimit-Remaining": "0"},
            ),
        )
        chan = BlueskyChannel({**bluesky_config, "service": proxy.url})
        try:
            with pytest.raises(RateLimited) as caught:
                chan.publish(chan.render(release(media_site, id="bsky-429-direct")))
        finally:
            chan.close()
    assert 110 <= caught.value.retry_after <= 121
    assert len(proxy.calls("getRecord")) == 0  # a rate limit is not a reason to look for the post


def test_expired_token_is_refreshed_once_and_the_session_is_reused(bluesky_config, bluesky_account, media_site):
    with PDSProxy(bluesky_account["service"]) as proxy:
        config = {**bluesky_config, "service": proxy.url}
        proxy.fail_next("createRecord", Reply(400, {"error": "ExpiredToken", "message": "Token has expired"}))
        first = BlueskyChannel(config)
        published = first.publish(first.render(release(media_site, id="bsky-expired")))
        first.close()
        assert published.remote_id.startswith("at://" + bluesky_account["did"])
        assert len(proxy.calls("refreshSession")) == 1
        # A later run reads the cached session instead of logging in again (30 logins / 5 min).
        second = BlueskyChannel(config)
        second.publish(second.render(release(media_site, id="bsky-cached-session")))
        second.close()
        assert len(proxy.calls("createSession")) == 1
        proxy.assert_no_violations()
    session_file = Path(str(bluesky_config["session_file"]))
    assert session_file.stat().st_mode & 0o077 == 0
    assert bluesky_account["password"] not in session_file.read_text()


def test_too_long_release_is_refused_before_anything_reaches_the_pds(tmp_path, bluesky_account):
    spec = Spec("bsky-largo", title="Rendición de cuentas 2026", summary="Informe de gestión de la alcaldía. " * 12)
    site = HandSite(tmp_path / "site")
    site.write([spec])
    with site.serve() as url, PDSProxy(bluesky_account["service"]) as proxy:
        project = project_for(tmp_path, bluesky_account, proxy.url, spec)
        result = run_syndicate(project, url, env={PASSWORD_VAR: bluesky_account["password"]})
        assert proxy.calls("createRecord") == [] and proxy.calls("uploadBlob") == []
    assert result.returncode != 0
    assert "300" in result.output and "social.bluesky" in result.output
    rkey = tid_from_key(post_key(spec.id, "bluesky"))
    assert records_with_rkey(bluesky_account["service"], bluesky_account["did"], rkey) == []
