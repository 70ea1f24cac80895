"""Corrections, expiry and thread order against the REAL Bluesky PDS (tests/servers/pds).

``pregon syndicate`` runs as a subprocess against a hand-made live site; every assertion reads the
account's repository back from the PDS (``getRecord``/``listRecords``), never a mock. Three
accounts of the project point at the same PDS account with different ``correccion`` choices, so
one edit of one release is corrected three ways at once; their record keys differ because the
post keys do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from pregon.syndicate.channels.atproto import tid_from_key
from pregon.syndicate.channels.base import correction_key, post_key

from tests.syndicate.harness import KillingProxy, SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project

PASSWORD_VAR = "BLUESKY_APP_PASSWORD"


def account_entry(account: dict[str, str], service: str, tmp_path: Path, name: str, **options: Any) -> dict[str, Any]:
    return {
        "network": "bluesky",
        "service": service,
        "handle": account["handle"],
        "app_password": "__password__",
        "appview": False,
        "session_file": str(tmp_path / "private" / f"{name}-session.json"),
        **options,
    }


def project_with(tmp_path: Path, accounts: dict[str, dict[str, Any]]) -> Path:
    return make_project(tmp_path / "project", {"channels": accounts}, env_tags={"__password__": PASSWORD_VAR})


def get_record(account: dict[str, str], rkey: str) -> dict[str, Any] | None:
    answer = httpx.get(
        f"{account['service']}/xrpc/com.atproto.repo.getRecord",
        params={"repo": account["did"], "collection": "app.bsky.feed.post", "rkey": rkey},
    )
    if answer.status_code == 400 and answer.json().get("error") == "RecordNotFound":
        return None
    answer.raise_for_status()
    return answer.json()


def rkey_of(item: str, account: str, update: str | None = None) -> str:
    return tid_from_key(post_key(item, account, update))


def correction_rkey(item: str, account: str, digest: str) -> str:
    return tid_from_key(correction_key(item, account, digest))


def test_an_approved_edit_is_corrected_once_per_account_each_as_configured(tmp_path, bluesky_account):
    v1 = Spec("bsky-corrige", title="Vacunación el sábado 5 en el parque")
    v2 = Spec("bsky-corrige", version="2", title="Vacunación el sábado 12 en el parque")
    site = HandSite(tmp_path / "site")
    site.write([v1])
    service = bluesky_account["service"]
    project = project_with(
        tmp_path,
        {
            "bsky-responde": account_entry(bluesky_account, service, tmp_path, "r", correccion="responder"),
            "bsky-edita": account_entry(bluesky_account, service, tmp_path, "e", correccion="editar"),
            "bsky-repite": account_entry(bluesky_account, service, tmp_path, "b", correccion="borrar_y_publicar"),
            "bsky-nada": account_entry(bluesky_account, service, tmp_path, "n"),
        },
    )
    approve(project, v1.digest)
    env = {PASSWORD_VAR: bluesky_account["password"]}
    with site.serve() as url:
        first = run_syndicate(project, url, env=env)
        assert first.returncode == 0, first.output
        originals = {
            name: get_record(bluesky_account, rkey_of(v1.id, name))
            for name in ("bsky-responde", "bsky-edita", "bsky-repite", "bsky-nada")
        }
        assert all(originals.values())

        site.write([v2])  # redeployed, not yet approved: nothing may change on the network
        unapproved = run_syndicate(project, url, env=env)
        assert unapproved.returncode == 0, unapproved.output
        assert "sin aprobación" in unapproved.stdout
        for name, record in originals.items():
            assert get_record(bluesky_account, rkey_of(v1.id, name)) == record
        assert get_record(bluesky_account, correction_rkey(v1.id, "bsky-responde", v2.digest)) is None
        assert not [line for line in ledger_lines(project) if line["state"].startswith("correction_")]

        approve(project, v2.digest)
        corrected = run_syndicate(project, url, env=env)
        again = run_syndicate(project, url, env=env)
    assert corrected.returncode == 0, corrected.output
    assert "corregido" in corrected.stdout

    # responder: a "Corrección: …" reply under the original post, which stays as it was.
    reply = get_record(bluesky_account, correction_rkey(v1.id, "bsky-responde", v2.digest))
    assert reply is not None
    assert reply["value"]["text"].startswith("Corrección:") and v2.title in reply["value"]["text"]
    assert reply["value"]["reply"]["parent"]["uri"] == originals["bsky-responde"]["uri"]
    assert reply["value"]["embed"]["external"]["uri"] == site.item_url(v2)
    assert get_record(bluesky_account, rkey_of(v1.id, "bsky-responde")) == originals["bsky-responde"]

    # editar: the same record (same URI, same createdAt), now with the corrected text.
    edited = get_record(bluesky_account, rkey_of(v1.id, "bsky-edita"))
    assert edited is not None and edited["uri"] == originals["bsky-edita"]["uri"]
    assert v2.title in edited["value"]["text"] and v1.title not in edited["value"]["text"]
    assert edited["value"]["createdAt"] == originals["bsky-edita"]["value"]["createdAt"]
    assert edited["cid"] != originals["bsky-edita"]["cid"]

    # borrar_y_publicar: the original is gone, the corrected post stands under the correction key.
    assert get_record(bluesky_account, rkey_of(v1.id, "bsky-repite")) is None
    repost = get_record(bluesky_account, correction_rkey(v1.id, "bsky-repite", v2.digest))
    assert repost is not None and v2.title in repost["value"]["text"]

    # nada: untouched, and the run says why.
    assert get_record(bluesky_account, rkey_of(v1.id, "bsky-nada")) == originals["bsky-nada"]
    assert "correccion: nada" in corrected.stdout

    # Exactly once: the next run finds everything done.
    assert again.returncode == 0, again.output
    assert "corregido" not in again.stdout
    states = [
        (line["channel"], line["state"]) for line in ledger_lines(project) if line["state"].startswith("correction_")
    ]
    assert sorted(states) == sorted(
        (name, state)
        for name in ("bsky-responde", "bsky-edita", "bsky-repite")
        for state in ("correction_intent", "correction_done")
    )
    assert all(line["digest"] == v2.digest for line in ledger_lines(project) if line["state"] == "correction_done")


def test_a_run_killed_after_the_correction_reached_the_pds_is_reconciled_not_repeated(tmp_path, bluesky_account):
    v1 = Spec("bsky-corrige-crash", title="Cierre del puente el lunes")
    v2 = Spec("bsky-corrige-crash", version="2", title="Cierre del puente el martes")
    site = HandSite(tmp_path / "site")
    site.write([v1])
    env = {PASSWORD_VAR: bluesky_account["password"]}
    with site.serve() as url, KillingProxy(bluesky_account["service"]) as proxy:
        project = project_with(
            tmp_path, {"bluesky": account_entry(bluesky_account, proxy.url, tmp_path, "c", correccion="responder")}
        )
        approve(project, v1.digest)
        assert run_syndicate(project, url, env=env).returncode == 0
        site.write([v2])
        approve(project, v2.digest)
        run = SyndicateProcess(project, url, env=env)
        proxy.kill_after(lambda method, path: path.endswith("/com.atproto.repo.createRecord"), run.kill_now)
        killed = run.start().wait()
        assert killed.killed
        rkey = correction_rkey(v1.id, "bluesky", v2.digest)
        assert get_record(bluesky_account, rkey) is not None  # the PDS has it; the ledger only the intent
        assert [line["state"] for line in ledger_lines(project)][-1] == "correction_intent"

        again = run_syndicate(project, url, env=env)
        third = run_syndicate(project, url, env=env)
    assert again.returncode == 0, again.output
    assert "ya estaba en la red" in again.stdout
    corrections = [line["state"] for line in ledger_lines(project) if line["state"].startswith("correction_")]
    assert corrections == ["correction_intent", "correction_done"]
    creates = [path for method, path in proxy.requests if path.endswith("/com.atproto.repo.createRecord")]
    assert len(creates) == 2  # the post, then the one correction; the reconciling run made none
    assert third.returncode == 0 and "corregido" not in third.stdout


def test_expiry_deletes_every_post_of_the_thread_once_where_configured(tmp_path, bluesky_account):
    spec = Spec(
        "bsky-vence",
        title="Inscripciones abiertas hasta el viernes",
        live=True,
        updates=[{"id": "u1", "time": "2026-11-19T10:00:00-05:00", "text": "Quedan 40 cupos."}],
    )
    site = HandSite(tmp_path / "site")
    manifest = site.write([spec])
    manifest["items"][0]["expires"] = "2026-11-25T00:00:00-05:00"
    (site.root / "pregon" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    service = bluesky_account["service"]
    project = project_with(
        tmp_path,
        {
            "bsky-borra": account_entry(bluesky_account, service, tmp_path, "v", vencimiento="borrar"),
            "bsky-conserva": account_entry(bluesky_account, service, tmp_path, "k"),
        },
    )
    approve(project, spec.digest, updates={"u1": spec.update_digest("u1")})
    env = {PASSWORD_VAR: bluesky_account["password"]}
    with site.serve() as url:
        before = run_syndicate(project, url, env={**env, "PREGON_NOW": "2026-11-20T10:00:00-05:00"})
        assert before.returncode == 0, before.output
        for name in ("bsky-borra", "bsky-conserva"):
            assert get_record(bluesky_account, rkey_of(spec.id, name)) is not None
            assert get_record(bluesky_account, rkey_of(spec.id, name, "u1")) is not None
        seen = [line for line in ledger_lines(project) if line["state"] == "expiry_seen"]
        assert {line["expires"] for line in seen} == {"2026-11-25T00:00:00-05:00"} and len(seen) == 2

        site.write([])  # the build after the expiry: the release leaves the manifest
        expired = run_syndicate(project, url, env={**env, "PREGON_NOW": "2026-11-26T08:00:00-05:00"})
        later = run_syndicate(project, url, env={**env, "PREGON_NOW": "2026-11-27T08:00:00-05:00"})
    assert expired.returncode == 0, expired.output
    assert "2 publicaciones borradas" in expired.stdout
    assert "se conservan" in expired.stdout
    assert get_record(bluesky_account, rkey_of(spec.id, "bsky-borra")) is None
    assert get_record(bluesky_account, rkey_of(spec.id, "bsky-borra", "u1")) is None
    assert get_record(bluesky_account, rkey_of(spec.id, "bsky-conserva")) is not None
    assert get_record(bluesky_account, rkey_of(spec.id, "bsky-conserva", "u1")) is not None
    assert later.returncode == 0 and "vencido" not in later.stdout
    states = [(line["channel"], line["state"]) for line in ledger_lines(project) if line["state"].startswith("expiry_")]
    assert states.count(("bsky-borra", "expiry_done")) == 2
    assert states.count(("bsky-conserva", "expiry_kept")) == 1
    assert ("bsky-conserva", "expiry_intent") not in states


def test_an_update_added_later_with_an_earlier_time_goes_at_the_end_of_the_thread(tmp_path, bluesky_account):
    first_updates = [
        {"id": "u10", "time": "2026-11-19T10:00:00-05:00", "text": "10:00 — Abren los puestos."},
        {"id": "u11", "time": "2026-11-19T11:00:00-05:00", "text": "11:00 — Llegan 300 mercados."},
    ]
    late = {"id": "u09", "time": "2026-11-19T09:30:00-05:00", "text": "09:30 — Se instaló la carpa (nota tardía)."}
    spec = Spec("bsky-hilo", title="Mercado campesino en vivo", live=True, updates=first_updates)
    site = HandSite(tmp_path / "site")
    site.write([spec])
    project = project_with(
        tmp_path, {"bluesky": account_entry(bluesky_account, bluesky_account["service"], tmp_path, "h")}
    )
    ids = [u["id"] for u in [*first_updates, late]]
    approve(project, spec.digest, updates={u: spec.update_digest(u) for u in ids})
    env = {PASSWORD_VAR: bluesky_account["password"]}
    with site.serve() as url:
        assert run_syndicate(project, url, env=env).returncode == 0
        spec.updates = [late, *first_updates]
        site.write([spec])
        result = run_syndicate(project, url, env=env)
    assert result.returncode == 0, result.output
    main = get_record(bluesky_account, rkey_of(spec.id, "bluesky"))
    u10, u11, u09 = (get_record(bluesky_account, rkey_of(spec.id, "bluesky", u)) for u in ("u10", "u11", "u09"))
    assert main and u10 and u11 and u09
    assert u10["value"]["reply"]["parent"]["uri"] == main["uri"]
    assert u11["value"]["reply"]["parent"]["uri"] == u10["uri"]
    # The late update answers the thread's last post, not its chronological predecessor (the root).
    assert u09["value"]["reply"]["parent"]["uri"] == u11["uri"]
    assert u09["value"]["reply"]["root"]["uri"] == main["uri"]
