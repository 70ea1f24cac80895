"""`pregon collect` on X and Facebook: citizens only, every page of every list, deleted posts gone.

Neither X nor Facebook can run here: the channels run against the local fakes of their own
tests, which reproduce the documented requests and answers — X API v2 ``GET /2/users/:id/mentions``
(``max_results``, ``start_time``, ``pagination_token`` / ``meta.next_token``) and ``GET /2/tweets``
(a deleted post is a "Not Found Error" entry), and the Graph API lists (``paging.next``, two
entries a page), ``published_posts?since=`` and the "object does not exist" error (code 100,
subcode 33) — and fail the test on any undocumented request.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pregon.syndicate.channels.base import Post, post_key
from pregon.syndicate.channels.x import XChannel

from pregon.cli import main as pregon
from tests.insights.test_collect import confirm, make_project, metrics_lines
from tests.syndicate.channels.fakes_graph import TOKEN as GRAPH_TOKEN
from tests.syndicate.channels.fakes_graph import FacebookFake, iso
from tests.syndicate.channels.fakes_x import FakeX

X_SECRETS = {"consumer_key": "ck-demo", "consumer_secret": "cs-s3cret", "access_token": "123-at",
             "access_token_secret": "ats-s3cret"}  # fmt: skip


def stored(private: Path) -> list[dict]:
    return [json.loads(x) for p in (private / "menciones").glob("*.jsonl") for x in p.read_text().splitlines()]


def test_x_reads_every_page_of_mentions_without_the_office_and_forgets_a_deleted_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = tmp_path / "privado"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    for key, value in X_SECRETS.items():
        monkeypatch.setenv(f"X_{key.upper()}", value)
    with FakeX(*X_SECRETS.values()) as fake:
        channel = XChannel({**X_SECRETS, "api_base": fake.url})
        main = channel.publish(Post("x", "becas", post_key("becas", "x"), "Becas abiertas", 14, 280))
        gone = channel.publish(Post("x", "feria", post_key("feria", "x"), "Feria del libro", 15, 280))
        channel.close()
        recent = datetime.now(UTC) - timedelta(hours=1)
        fake.mention_list = [
            {"id": str(1_900_000_000_000_000_000 + n), "text": f"@alcaldia_demo pregunta {n}", "author_id": str(100 + n),
             "created_at": (recent - timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "referenced_tweets": [{"type": "replied_to", "id": main.remote_id}]}
            for n in range(230)
        ]  # fmt: skip
        own = {"id": "1950000000000000000", "text": "@alcaldia_demo actualización: vía abierta",
               "author_id": FakeX.ME["id"], "created_at": recent.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
               "referenced_tweets": [{"type": "replied_to", "id": main.remote_id}]}  # fmt: skip
        fake.mention_list.insert(0, own)
        with fake.lock:
            del fake.tweets[gone.remote_id]  # deleted by hand on X
        secrets = ", ".join(f"{k}: !ENV X_{k.upper()}" for k in X_SECRETS)
        config = make_project(tmp_path / "oficina", f"          x: {{api_base: '{fake.url}', {secrets}}}\n")
        records = config.parent / "records"
        confirm(records, "becas", "x", main.remote_id)
        confirm(records, "feria", "x", gone.remote_id)
        first = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        second = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        pages = fake.calls("user_mentions")
        fake.assert_no_violations()
    assert first.exit_code == 0, first.output
    assert "ya no existe" in first.output and "se deja de medir" in first.output
    assert second.exit_code == 0 and "ya no existe" not in second.output, second.output
    assert [p.query.get("pagination_token") for p in pages[:3]] == [None, ["100"], ["200"]]  # every page
    kept = stored(private)
    assert len(kept) == 230 and len({m["remote_id"] for m in kept}) == 230
    assert own["id"] not in {m["remote_id"] for m in kept}  # the office's own reply is not a citizen's
    lines = metrics_lines(records)
    assert sum(x["replies"] for x in lines if x["kind"] == "mentions") == 230
    assert [x["remote_id"] for x in lines if x["kind"] == "gone"] == [gone.remote_id]


def test_facebook_reads_every_page_of_posts_and_comments_without_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = tmp_path / "privado"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    monkeypatch.setenv("FB_TOKEN", GRAPH_TOKEN)
    with FacebookFake() as fb:
        now = datetime.now(UTC)
        old = fb._new_post("Plan de obras")  # five days old: comments keep arriving on it
        old["created_time"] = iso(now - timedelta(days=5))
        posts = [fb._new_post(f"Comunicado {n}") for n in range(5)]  # more pages of posts than two
        main, gone = posts[-1], posts[-2]
        for n in range(11):  # more pages of comments than four
            fb.add_comment(main["id"], f"Vecina {n}", f"Pregunta {n}", at=now - timedelta(minutes=30 - n))
        fb.add_comment(main["id"], "Alcaldía", "Respondemos por mensaje", from_page=True, at=now - timedelta(minutes=5))
        fb.add_comment(old["id"], "Vecino", "¿Y la vía de la vereda?", at=now - timedelta(minutes=20))
        gone["deleted"] = True  # deleted by hand on the Page
        config = make_project(
            tmp_path / "oficina",
            f"          facebook: {{page_id: '{fb.page_id}', page_access_token: !ENV FB_TOKEN, api_base: '{fb.api_base}'}}\n",
        )
        records = config.parent / "records"
        confirm(records, "becas", "facebook", main["id"])
        confirm(records, "feria", "facebook", gone["id"])
        first = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        fb.add_comment(old["id"], "Vecina nueva", "Gracias por la respuesta", at=now + timedelta(minutes=1))
        second = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        since = [c.query.get("since") for c in fb.calls("published_posts") if "after" not in c.query]
        fb.assert_no_violations()
    assert first.exit_code == 0, first.output
    assert "ya no existe" in first.output and "se deja de medir" in first.output
    assert second.exit_code == 0 and "ya no existe" not in second.output, second.output
    assert "1 respuestas o menciones nuevas" in second.output  # on a post older than the last comment
    kept = stored(private)
    authors = sorted(m["author"] for m in kept)
    assert len(kept) == 13 and "Alcaldía" not in authors
    assert int(since[-1][0]) <= (now - timedelta(days=5)).timestamp()  # posts listed from before `since`
    lines = metrics_lines(records)
    assert [x["remote_id"] for x in lines if x["kind"] == "gone"] == [gone["id"]]
