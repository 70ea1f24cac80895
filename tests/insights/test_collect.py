"""`pregon collect`: counts to records/metrics, texts only to the private store, failures isolated.

Channels used: a test-only channel over a real local HTTP server (``fake_network.py``), the
Mastodon channel against the Mastodon fake of its own tests (docs.joinmastodon.org), the Bluesky
channel against the real PDS of its own tests, and the outbox.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pregon.insights.private import PrivateStore, StoredMention
from pregon.syndicate.channels import REGISTRY
from pregon.syndicate.channels.base import Post, post_key
from pregon.syndicate.channels.mastodon import MastodonChannel
from pregon.syndicate.ledger import Ledger

from pregon.cli import main as pregon
from tests.insights.fake_network import TOKEN, StatsAPI
from tests.syndicate.channels.fakes_mastodon import FakeMastodon

ROOT = Path(__file__).resolve().parents[2]


def make_project(folder: Path, channels: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text(
        "site_name: Prueba\nplugins:\n  - pregon:\n      syndicate:\n        records: records\n"
        f"        channels:\n{channels}        insights: {{retention_days: 365}}\n",
        encoding="utf-8",
    )
    return folder / "mkdocs.yml"


def confirm(records: Path, item: str, channel: str, remote_id: str, update: str | None = None) -> None:
    """Record a confirmed post with the real ledger, as `pregon syndicate` does."""
    ledger = Ledger(records / "ledger", run="prueba")
    key = post_key(item, channel, update)
    ledger.append("intent", key=key, item=item, channel=channel, digest="sha256:ab", update=update, attempt=1)
    ledger.append("confirmed", key=key, item=item, channel=channel, digest="sha256:ab", update=update, attempt=1,
                  remote_id=remote_id, url=f"https://red.example/{remote_id}")  # fmt: skip


def metrics_lines(records: Path) -> list[dict]:
    return [json.loads(x) for p in sorted((records / "metrics").glob("*.jsonl")) for x in p.read_text().splitlines()]


def everything_under(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture()
def api():
    with StatsAPI() as server:
        yield server
    server.assert_no_violations()


def test_collect_counts_posts_and_mentions_and_isolates_a_failing_channel(
    api: StatsAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(REGISTRY, "prueba", "tests.insights.fake_network:StatsChannel")
    monkeypatch.setitem(REGISTRY, "caida", "tests.insights.fake_network:StatsChannel")
    private = tmp_path / "privado"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    config = make_project(tmp_path / "oficina", (
        f"          prueba: {{api_base: '{api.url}', token: {TOKEN}}}\n"
        f"          caida: {{api_base: 'http://127.0.0.1:9', token: {TOKEN}}}\n"
    ))  # fmt: skip
    records = config.parent / "records"
    confirm(records, "vacunacion", "prueba", "p1")
    confirm(records, "vias", "prueba", "p2")
    Ledger(records / "ledger").append("intent", key=post_key("sin-confirmar", "prueba"), item="sin-confirmar",
                                      channel="prueba", digest="sha256:cd", attempt=1)  # fmt: skip
    api.posts = {"p1": {"views": 900, "likes": 40, "reposts": 7, "replies": 3},
                 "p2": {"views": 300, "likes": 5, "reposts": 1, "replies": 0}}  # fmt: skip
    recent = datetime.now(UTC) - timedelta(hours=2)
    api.mention_list = [
        {"id": "m1", "author": "ana.vecina", "text": "Gracias! escríbanme a ana@correo.com o al 300 555 1234",
         "created_at": recent.isoformat(), "in_reply_to": "p1"},
        {"id": "m2", "author": "pedro.barrio", "text": "@alcaldia ¿y los huecos de la 10?",
         "created_at": (recent + timedelta(minutes=5)).isoformat(), "in_reply_to": None},
    ]  # fmt: skip
    # A text older than the retention is purged by the run.
    old = datetime.now(UTC) - timedelta(days=400)
    PrivateStore(private).add_mentions([StoredMention("prueba", "viejo", "x", "texto viejo", old)], old)
    (private / "informes").mkdir()
    (private / "informes" / "sentimiento-viejo.xlsx").write_bytes(b"x")
    os.utime(private / "informes" / "sentimiento-viejo.xlsx", (old.timestamp(), old.timestamp()))
    (private / "informes" / "sentimiento-nuevo.xlsx").write_bytes(b"x")

    result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 1, result.output
    assert "caida: seguidores: no se pudo conectar" in result.output
    assert "1 textos borrados por antigüedad" in result.output
    assert [p.name for p in (private / "informes").iterdir()] == ["sentimiento-nuevo.xlsx"]

    lines = metrics_lines(records)
    assert all(line["v"] == 1 for line in lines)
    accounts = [x for x in lines if x["kind"] == "account"]
    assert [(x["channel"], x["followers"], x["posts"]) for x in accounts] == [("prueba", 1000, 2)]
    posts = {x["item_id"]: x for x in lines if x["kind"] == "post"}
    assert set(posts) == {"vacunacion", "vias"}  # the unconfirmed post is not measured
    assert (posts["vacunacion"]["impressions"], posts["vacunacion"]["reactions"], posts["vacunacion"]["shares"],
            posts["vacunacion"]["replies"]) == (900, 40, 7, 3)  # fmt: skip
    mentions = [x for x in lines if x["kind"] == "mentions"]
    assert sum(x["replies"] for x in mentions) == 1 and sum(x["mentions"] for x in mentions) == 1

    # Texts and authors only in the private store; nothing personal in the committed records.
    store = PrivateStore(private)
    month = recent.strftime("%Y-%m")
    from pregon.insights.months import Month

    texts = {m.remote_id: m.text for m in store.mentions(Month.parse(month))}
    assert set(texts) >= {"m1", "m2"} and "viejo" not in texts
    public = everything_under(records)
    for needle in ("ana.vecina", "pedro.barrio", "ana@correo.com", "300 555", "huecos"):
        assert needle not in public
    best = json.loads((records / "metrics" / "best_hours.json").read_text())
    assert "prueba" in best["insufficient"]

    # The next run asks only for newer mentions and stores nothing twice.
    again = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert "0 respuestas o menciones nuevas" in again.output
    assert api.calls("mentions")[-1].query["since"][0].startswith(recent.strftime("%Y-%m-%d"))
    assert len(store.mentions(Month.parse(month))) == 2


def test_outbox_without_private_dir_is_skipped_with_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREGON_PRIVATE_DIR", raising=False)
    config = make_project(tmp_path / "oficina", f"          outbox: {{folder: {tmp_path / 'outbox'}}}\n")
    result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 0, result.output
    assert "sin PREGON_PRIVATE_DIR" in result.output
    assert "outbox: seguidores: la API no ofrece el número de seguidores (se omite)" in result.output
    assert (config.parent / "records" / "metrics" / "best_hours.json").is_file()


def test_private_dir_inside_the_repository_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = ROOT / "privado-no-permitido"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(inside))
    config = make_project(tmp_path / "oficina", "          outbox: {}\n")
    result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 2
    assert "Ley 1581" in result.output and not inside.exists()


def test_collect_from_the_mastodon_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "mastodon-token-de-insights"
    monkeypatch.setenv("MASTODON_TOKEN", token)
    private = tmp_path / "privado"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    with FakeMastodon(token) as fake:
        channel = MastodonChannel({"instance": fake.url, "access_token": token})
        text = "Abiertas las inscripciones del programa de becas"
        key = post_key("becas", "mastodon")
        published = channel.publish(Post("mastodon", "becas", key, text, len(text), 500))
        channel.close()
        config = make_project(
            tmp_path / "oficina", f"          mastodon: {{instance: '{fake.url}', access_token: !ENV MASTODON_TOKEN}}\n"
        )
        confirm(config.parent / "records", "becas", "mastodon", published.remote_id)
        fake.add_reply(
            published.remote_id, "maria@social.example", "¿Hasta cuándo hay plazo? mi correo maria@correo.com"
        )

        result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        fake.assert_no_violations()
    assert result.exit_code == 0, result.output
    lines = metrics_lines(config.parent / "records")
    post = next(x for x in lines if x["kind"] == "post")
    assert (post["item_id"], post["replies"], post["reactions"], post["shares"]) == ("becas", 1, 0, 0)
    assert next(x for x in lines if x["kind"] == "mentions")["replies"] == 1
    assert token not in result.output and "maria" not in everything_under(config.parent / "records")
    stored = [json.loads(x) for p in (private / "menciones").glob("*.jsonl") for x in p.read_text().splitlines()]
    assert [(m["author"], m["in_reply_to"]) for m in stored] == [("maria@social.example", published.remote_id)]


def test_collect_reads_every_page_counts_citizens_only_and_forgets_deleted_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the Mastodon fake (documented paging: newest first, ``limit``, ``max_id``): 105 new
    replies arrive in three pages and all are kept; the office's own reply (a live update) is not a
    citizen's; a post deleted by hand is a note, not an error, and is not read again."""
    token = "mastodon-token-de-paginas"
    monkeypatch.setenv("MASTODON_TOKEN", token)
    private = tmp_path / "privado"
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(private))
    with FakeMastodon(token) as fake:
        channel = MastodonChannel({"instance": fake.url, "access_token": token})
        main = channel.publish(Post("mastodon", "becas", post_key("becas", "mastodon"), "Becas abiertas", 14, 500))
        gone = channel.publish(Post("mastodon", "feria", post_key("feria", "mastodon"), "Feria del libro", 15, 500))
        channel.close()
        config = make_project(
            tmp_path / "oficina", f"          mastodon: {{instance: '{fake.url}', access_token: !ENV MASTODON_TOKEN}}\n"
        )
        records = config.parent / "records"
        confirm(records, "becas", "mastodon", main.remote_id)
        confirm(records, "feria", "mastodon", gone.remote_id)
        for n in range(105):
            fake.add_reply(main.remote_id, f"vecina{n}@social.example", f"Pregunta número {n} sobre las becas")
        with fake.lock:
            del fake.statuses[gone.remote_id]  # deleted by hand on the network

        first = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        second = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
        fake.assert_no_violations()
    assert first.exit_code == 0, first.output
    assert "ya no existe" in first.output and "se deja de medir" in first.output
    assert second.exit_code == 0 and "ya no existe" not in second.output
    lines = metrics_lines(records)
    assert sum(x["replies"] for x in lines if x["kind"] == "mentions") == 105
    assert [x["remote_id"] for x in lines if x["kind"] == "gone"] == [gone.remote_id]
    stored = [json.loads(x) for p in (private / "menciones").glob("*.jsonl") for x in p.read_text().splitlines()]
    assert len(stored) == 105 and len({m["remote_id"] for m in stored}) == 105


def test_own_live_update_replies_are_not_citizens_replies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The live update is Pregón's reply to the release's post: the network counts it in
    ``replies_count``, the report must not (Mastodon fake, documented status fields)."""
    token = "mastodon-token-de-hilos"
    monkeypatch.setenv("MASTODON_TOKEN", token)
    with FakeMastodon(token) as fake:
        channel = MastodonChannel({"instance": fake.url, "access_token": token})
        main = channel.publish(Post("mastodon", "vias", post_key("vias", "mastodon"), "Vías cerradas", 13, 500))
        update_key = post_key("vias", "mastodon", "u-1")
        update = channel.publish(
            Post("mastodon", "vias", update_key, "Actualización", 13, 500, update_id="u-1", reply_to=main)
        )
        channel.close()
        fake.add_reply(main.remote_id, "vecino@social.example", "Gracias por avisar")
        config = make_project(
            tmp_path / "oficina", f"          mastodon: {{instance: '{fake.url}', access_token: !ENV MASTODON_TOKEN}}\n"
        )
        records = config.parent / "records"
        confirm(records, "vias", "mastodon", main.remote_id)
        confirm(records, "vias", "mastodon", update.remote_id, update="u-1")
        result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 0, result.output
    posts = {x["update_id"]: x for x in metrics_lines(records) if x["kind"] == "post"}
    assert posts[None]["replies"] == 1  # the citizen's; the network says 2


def test_collect_from_bluesky_on_a_real_pds(bluesky_account: dict[str, str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Without an AppView the PDS gives the post count only: the rest is skipped with a note."""
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", bluesky_account["password"])
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(tmp_path / "privado"))
    config = make_project(tmp_path / "oficina", (
        f"          bluesky: {{service: '{bluesky_account['service']}', handle: {bluesky_account['handle']}, "
        f"app_password: !ENV BLUESKY_APP_PASSWORD, appview: false, session_file: '{tmp_path / 's.json'}'}}\n"
    ))  # fmt: skip
    confirm(config.parent / "records", "becas", "bluesky", f"at://{bluesky_account['did']}/app.bsky.feed.post/abc")
    result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 0, result.output
    assert "bluesky: respuestas y menciones:" in result.output and "(se omite)" in result.output
    account = next(x for x in metrics_lines(config.parent / "records") if x["kind"] == "account")
    assert account["channel"] == "bluesky" and account["followers"] is None and isinstance(account["posts"], int)
    assert bluesky_account["password"] not in result.output


def test_rate_limit_stops_a_channels_post_reads_and_a_malformed_answer_is_contained(
    api: StatsAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.api_server import Reply

    monkeypatch.setitem(REGISTRY, "prueba", "tests.insights.fake_network:StatsChannel")
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(tmp_path / "privado"))
    config = make_project(tmp_path / "oficina", f"          prueba: {{api_base: '{api.url}', token: {TOKEN}}}\n")
    for number in range(3):
        confirm(config.parent / "records", f"item-{number}", "prueba", f"p{number}")
    api.posts = {f"p{n}": {"views": 1, "likes": 1, "reposts": 1, "replies": 1} for n in range(3)}
    api.fail_next("post", Reply(429, {"error": "slow down"}))
    api.fail_next("account", Reply(200, {"unexpected": True}))  # a KeyError inside the channel

    result = CliRunner().invoke(pregon, ["collect", "-f", str(config)])
    assert result.exit_code == 1
    assert "prueba: seguidores: error inesperado (KeyError)" in result.output
    assert "demasiadas solicitudes" in result.output
    assert len(api.calls("post")) == 1  # no more reads spent once the network asked to slow down
    assert len(api.calls("mentions")) == 1  # the rest of the channel's reads still happen
