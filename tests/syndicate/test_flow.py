"""``pregon syndicate`` end to end, as a subprocess, against a real HTTP server of a hand-made live
site, the outbox, and the test network (a real local HTTP server, see testnet.py).

The example portal's own end-to-end run is in test_example_site.py; here each test builds the
exact site state it needs (a stale page, an item missing from the feed…).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.api_server import Reply
from tests.syndicate.harness import SyndicateProcess, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project, sending_lines
from tests.syndicate.testnet import TESTNET_CHANNEL, FakeNet

CHANNELS = {"testnet": TESTNET_CHANNEL}


def project_for(tmp_path: Path, api_url: str, **syndicate: object) -> Path:
    config = {
        "channels": {
            "outbox": {"folder": "outbox"},
            "testnet": {"api_base": api_url, "token": "__TOKEN__"},
        },
        "retry": {"max_attempts": 4, "max_wait": 5, "backoff": 0.05},
        **syndicate,
    }
    return make_project(tmp_path / "project", config, env_tags={"__TOKEN__": "TESTNET_TOKEN"})


def run(project: Path, site: str, fakenet: FakeNet, *args: str, **kw: object):
    return run_syndicate(
        project,
        site,
        *args,
        env={"TESTNET_TOKEN": fakenet.token},
        channels=CHANNELS,
        **kw,
    )


def test_posts_only_live_and_approved_items_exactly_once(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = project_for(tmp_path, fakenet.url)
    ok, unapproved, stale, unfed, missing = (
        Spec("ok", title="Vacunación"),
        Spec("sin-aprobar"),
        Spec("viejo"),
        Spec("sin-feed", in_feed=False),
        Spec("sin-pagina", on_page=False),
    )
    hand_site.write(
        [ok, unapproved, stale, unfed, missing],
        page_digests={"viejo": "sha256:" + "0" * 64},
    )
    for spec in (ok, stale, unfed, missing):
        approve(project, spec.digest)
    with hand_site.serve() as site:
        first = run(project, site, fakenet)
        second = run(project, site, fakenet)

    assert first.returncode == 0, first.output
    assert [p["text"].splitlines()[0] for p in fakenet.posts.values()] == ["Vacunación"]
    outbox = sorted(p.name for p in (project / "outbox").iterdir())
    assert len([n for n in outbox if n.endswith(".json")]) == 1
    image = next(project.joinpath("outbox").glob("*-1.png"))
    assert image.read_bytes() == (hand_site.root / "img" / "ok.png").read_bytes()  # fetched from the live site
    assert "sin aprobación" in first.stdout and "otra versión" in first.stdout
    assert "no aparece en el feed" in first.stdout and "respondió 404" in first.stdout
    states = [(line["item"], line["channel"], line["state"]) for line in sending_lines(project)]
    assert states == [
        ("ok", "outbox", "intent"),
        ("ok", "outbox", "confirmed"),
        ("ok", "testnet", "intent"),
        ("ok", "testnet", "confirmed"),
    ]

    assert second.returncode == 0, second.output
    assert len(fakenet.posts) == 1
    assert len(sending_lines(project)) == 4
    assert "ya estaban hechas" in second.stdout


def test_dry_run_shows_exact_posts_and_changes_nothing(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = project_for(tmp_path, fakenet.url)
    spec = Spec("uno", title="Cierre vial [bold]en la carrera 7[/bold]")
    hand_site.write([spec])
    approve(project, spec.digest)
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    with hand_site.serve() as site:
        result = run(project, site, fakenet, "--dry-run")
    assert result.returncode == 0, result.output
    # The exact text, brackets included (never read as terminal markup), and its image.
    assert "Cierre vial [bold]en la carrera 7[/bold]" in result.stdout
    assert f"{site}prensa/uno/" in result.stdout
    assert f"[imagen] {site}img/uno.png" in result.stdout
    # Count and limit per network.
    assert "grafemas" in result.stdout and "/ 300" in result.stdout
    assert "se publicaría" in result.stdout
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before
    assert fakenet.posts == {} and fakenet.calls("create") == []


def test_crash_between_send_and_confirm_is_reconciled_without_duplicate(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    project = project_for(
        tmp_path,
        fakenet.url,
        channels={"testnet": {"api_base": fakenet.url, "token": "__TOKEN__"}},
    )
    spec = Spec("crash")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        process = SyndicateProcess(project, site, env={"TESTNET_TOKEN": fakenet.token}, channels=CHANNELS)
        fakenet.after_next("create", process.kill_now)  # the network stored it; the run dies before hearing so
        killed = process.start().wait()
        assert killed.killed
        assert [line["state"] for line in ledger_lines(project)] == ["intent"]
        again = run(project, site, fakenet)
    assert again.returncode == 0, again.output
    assert len(fakenet.posts) == 1 and len(fakenet.calls("create")) == 1
    assert [line["state"] for line in sending_lines(project)] == ["intent", "reconciled"]
    assert sending_lines(project)[-1]["remote_id"] == "tn-1"


def test_rate_limit_and_server_errors_end_in_exactly_one_post(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    project = project_for(tmp_path, fakenet.url)
    spec = Spec("lento")
    hand_site.write([spec])
    approve(project, spec.digest)
    fakenet.fail_next("create", Reply(429, {"error": "slow down"}, {"Retry-After": "1"}))
    fakenet.fail_next("create", Reply(503, {"error": "unavailable"}, {"Retry-After": "0"}))
    with hand_site.serve() as site:
        result = run(project, site, fakenet)
    assert result.returncode == 0, result.output
    assert len(fakenet.posts) == 1 and len(fakenet.calls("create")) == 3
    assert len(fakenet.calls("find")) == 1  # after the 503 (maybe posted), not after the 429 (surely not)
    testnet = [(line["state"], line["attempt"]) for line in sending_lines(project) if line["channel"] == "testnet"]
    assert testnet == [
        ("intent", 1),
        ("failed", 1),
        ("intent", 2),
        ("failed", 2),
        ("intent", 3),
        ("confirmed", 3),
    ]


def test_retry_after_beyond_the_cap_waits_for_next_run(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = project_for(tmp_path, fakenet.url)
    spec = Spec("tope")
    hand_site.write([spec])
    approve(project, spec.digest)
    fakenet.fail_next("create", Reply(429, {"error": "slow down"}, {"Retry-After": "3600"}))
    with hand_site.serve() as site:
        first = run(project, site, fakenet)
        second = run(project, site, fakenet)
    assert first.returncode == 1
    assert "3600" in first.stdout and "próxima ejecución" in first.stdout
    assert second.returncode == 0, second.output
    assert len(fakenet.posts) == 1


def test_one_channel_down_does_not_block_the_others(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    from tests.conftest import free_port

    project = project_for(
        tmp_path,
        f"http://127.0.0.1:{free_port()}",
        retry={"max_attempts": 2, "backoff": 0.01},
    )
    spec = Spec("caida")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        result = run(project, site, fakenet)
    assert result.returncode == 1
    assert len(list((project / "outbox").glob("*.json"))) == 1
    rows = [line for line in result.stdout.splitlines() if "caida" in line]
    assert any("outbox" in r and "publicado" in r for r in rows), result.stdout
    assert any("testnet" in r and "ERROR" in r and "no responde" in r for r in rows), result.stdout


def test_unreachable_site_or_stale_deploy_posts_nothing(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    from tests.conftest import free_port, serve_directory

    project = project_for(tmp_path, fakenet.url)
    spec = Spec("uno")
    hand_site.write([spec], page_digests={"uno": Spec("uno", version="0").digest})
    approve(project, spec.digest)
    down = run(project, f"http://127.0.0.1:{free_port()}/", fakenet)
    assert down.returncode == 1 and "no se pudo conectar" in down.output and "no se publicó nada" in down.output
    with serve_directory(hand_site.root) as elsewhere:  # the same deploy answering at another address
        wrong = run(project, elsewhere, fakenet)
    assert wrong.returncode == 1 and f"es del sitio {hand_site.url}" in wrong.output
    with hand_site.serve() as site:
        stale = run(project, site, fakenet)
    assert "otra versión" in stale.stdout and "despliegue" in stale.stdout
    assert fakenet.posts == {} and not (project / "outbox").exists()
    assert not any(line["state"] == "intent" for line in ledger_lines(project))


def test_secrets_never_reach_output_or_records(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    from tests.conftest import free_port

    secret = "tn-SuperSecreto-9f8e7d"
    # Wrong token for the live fake (401) and a second channel whose network is down.
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "testnet": {"api_base": fakenet.url, "token": "__TOKEN__"},
                "outbox": {},
            },
            "approvals": {
                "provider": "github",
                "control_points": {"contenido": ["jefa-prensa"]},
                "github": {
                    "repository": "alcaldia/portal",
                    "token": "__GH__",
                    "api_base": f"http://127.0.0.1:{free_port()}",
                },
            },
        },
        env_tags={"__TOKEN__": "TESTNET_TOKEN", "__GH__": "GITHUB_TOKEN"},
    )
    spec = Spec("s", commit="a" * 40)
    hand_site.write([spec])
    # A CI-written record: the gate must ask GitHub (down here) to confirm its review.
    (project / "records" / "approvals").mkdir(parents=True, exist_ok=True)
    (project / "records" / "approvals" / "2026-11.jsonl").write_text(
        json.dumps(
            {
                "v": 2,
                "provider": "github",
                "by": "jefa-prensa",
                "role": "contenido",
                "digest": spec.digest,
                "pr": 7,
                "repository": "alcaldia/portal",
                "review": {"id": 1, "user_id": None, "commit": "a" * 40},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    with hand_site.serve() as site:
        result = run_syndicate(
            project,
            site,
            env={"TESTNET_TOKEN": secret, "GITHUB_TOKEN": secret + "-gh"},
            channels=CHANNELS,
        )
        project.joinpath("mkdocs.yml").write_text(
            project.joinpath("mkdocs.yml").read_text().replace('"provider": "github"', '"provider": "records"')
        )
        approve(
            project,
            spec.digest,
            roles={"contenido": "jefa-prensa", "diseño": "disenador"},
        )
        posting = run_syndicate(project, site, env={"TESTNET_TOKEN": secret}, channels=CHANNELS)
        broken = project.joinpath("mkdocs.yml")
        broken.write_text(broken.read_text().replace('"api_base"', '"api_bse"'))
    assert result.returncode == 1 and "GitHub no responde" in result.stdout
    assert posting.returncode == 1 and "401" in posting.stdout
    assert fakenet.violations  # the fake saw the wrong token…
    fakenet.violations.clear()
    for text in (result.output, posting.output):
        assert secret not in text
    for path in project.rglob("*"):
        if path.is_file() and path.name != "mkdocs.yml":
            assert secret not in path.read_text(errors="replace"), path


def test_second_concurrent_run_gets_the_lock_message(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    from pregon.syndicate.lock import RunLock

    project = project_for(tmp_path, fakenet.url)
    spec = Spec("uno")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site, RunLock(project / "records"):
        result = run(project, site, fakenet)
    assert result.returncode == 3
    assert "Otra ejecución de `pregon syndicate` está en curso" in result.stderr and "proceso" in result.stderr
    assert fakenet.posts == {}


def test_item_changed_after_publication_is_reported_not_reposted(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    project = project_for(tmp_path, fakenet.url)
    v1, v2 = Spec("cambia"), Spec("cambia", version="2", title="Título corregido")
    hand_site.write([v1])
    approve(project, v1.digest)
    approve(project, v2.digest)
    with hand_site.serve() as site:
        run(project, site, fakenet)
        hand_site.write([v2])
        second = run(project, site, fakenet)
        third = run(project, site, fakenet)
    assert len(fakenet.posts) == 1
    assert "cambiado después de publicar" in second.stdout and "cambiado después de publicar" in third.stdout
    changed = [line for line in ledger_lines(project) if line["state"] == "changed_after_publication"]
    assert sorted(line["channel"] for line in changed) == [
        "outbox",
        "testnet",
    ]  # once per channel, not per run
    assert all(line["digest"] == v2.digest for line in changed)


def test_seed_adopts_backlog_and_first_run_refuses_it(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = project_for(tmp_path, fakenet.url)
    backlog = [Spec(f"viejo-{n}") for n in range(6)]
    hand_site.write(backlog)
    for spec in backlog:
        approve(project, spec.digest)
    with hand_site.serve() as site:
        refused = run(project, site, fakenet)
        assert refused.returncode == 1 and "--seed" in refused.stdout and fakenet.posts == {}
        seeded = run(project, site, fakenet, "--seed")
        assert seeded.returncode == 0, seeded.output
        new = Spec("nuevo")
        approve(project, new.digest)
        hand_site.write([*backlog, new])
        after = run(project, site, fakenet)
    assert after.returncode == 0, after.output
    assert [p["key"] for p in fakenet.posts.values()] == [
        line["key"] for line in ledger_lines(project) if line["channel"] == "testnet" and line["state"] == "confirmed"
    ]
    assert len(fakenet.posts) == 1 and next(iter(fakenet.posts.values()))["link"].endswith("/prensa/nuevo/")
    assert sum(1 for line in ledger_lines(project) if line["state"] == "seeded") == 12


def test_live_updates_are_threaded_in_order_and_posted_once(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    project = project_for(
        tmp_path,
        fakenet.url,
        channels={"testnet": {"api_base": fakenet.url, "token": "__TOKEN__"}},
    )
    updates = [
        {"id": "u2", "time": "2026-11-20T09:30:00-05:00", "text": "Segunda"},
        {"id": "u1", "time": "2026-11-20T09:00:00-05:00", "text": "Primera"},
    ]
    spec = Spec("envivo", live=True, updates=updates)
    hand_site.write([spec])
    approve(
        project,
        spec.digest,
        updates={u["id"]: spec.update_digest(u["id"]) for u in updates},
    )
    with hand_site.serve() as site:
        preview = run(project, site, fakenet, "--dry-run")
        assert preview.returncode == 0, preview.output
        assert preview.stdout.count("se publicaría") >= 3 and "Primera" in preview.stdout
        assert preview.stdout.index("Primera") < preview.stdout.index("Segunda")
        assert fakenet.posts == {}
        first = run(project, site, fakenet)
        assert first.returncode == 0, first.output
        posts = list(fakenet.posts.values())
        assert [p["text"].split("\n")[0] for p in posts] == [
            "Comunicado",
            "Primera",
            "Segunda",
        ]
        assert [p["reply_to"] for p in posts] == [None, "tn-1", "tn-2"]
        third = {"id": "u3", "time": "2026-11-20T10:00:00-05:00", "text": "Tercera"}
        spec.updates.append(third)
        hand_site.write([spec])
        unapproved = run(project, site, fakenet)
        assert "sin aprobación" in unapproved.stdout and len(fakenet.posts) == 3
        approve(project, spec.digest, updates={"u3": spec.update_digest("u3")})
        second = run(project, site, fakenet)
    assert second.returncode == 0, second.output
    posts = list(fakenet.posts.values())
    assert len(posts) == 4 and posts[-1]["text"].startswith("Tercera") and posts[-1]["reply_to"] == "tn-3"
    updates_in_ledger = [line["update"] for line in ledger_lines(project) if line["state"] == "confirmed"]
    assert updates_in_ledger == [None, "u1", "u2", "u3"]


def test_post_with_problems_is_never_sent(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = project_for(
        tmp_path,
        fakenet.url,
        channels={"testnet": {"api_base": fakenet.url, "token": "__TOKEN__", "limit": 20}},
    )
    spec = Spec("largo", title="Un título bastante más largo que veinte grafemas")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        result = run(project, site, fakenet)
    assert result.returncode == 1 and "el límite es 20" in result.stdout
    assert fakenet.posts == {} and ledger_lines(project) == []


@pytest.mark.parametrize("broken", ["!ENV", "bad-key"])
def test_configuration_errors_name_file_and_key(tmp_path: Path, broken: str, fakenet: FakeNet) -> None:
    config = {"approvals": {"provider": "gitlab"}} if broken == "bad-key" else {"retry": {"max_attempts": "muchos"}}
    project = make_project(tmp_path / "project", config)
    result = run(project, "http://127.0.0.1:9/", fakenet)
    assert result.returncode == 2
    assert "mkdocs.yml" in result.stderr
    assert (
        ("approvals → provider" in result.stderr) if broken == "bad-key" else ("retry → max_attempts" in result.stderr)
    )
    assert json.dumps("muchos") not in result.stderr or broken == "bad-key"


def test_channel_with_nothing_to_send_skips_without_gates_or_ledger(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    """``Post.skip`` (e.g. YouTube without a video): no post, no ledger line, no error."""
    project = project_for(
        tmp_path,
        fakenet.url,
        channels={
            "outbox": {},
            "testnet": {
                "api_base": fakenet.url,
                "token": "__TOKEN__",
                "images_only": True,
            },
        },
    )
    text_only = Spec("solo-texto", image=False)
    hand_site.write([text_only])
    approve(project, text_only.digest)
    with hand_site.serve() as site:
        preview = run(project, site, fakenet, "--dry-run")
        result = run(project, site, fakenet)
    assert "no aplica" in preview.stdout and "sin imagen" in preview.stdout
    assert result.returncode == 0, result.output
    assert fakenet.posts == {} and fakenet.calls("create") == []
    assert {line["channel"] for line in ledger_lines(project)} == {"outbox"}


def test_duplicate_rejected_by_the_network_is_adopted(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    """The ledger lost its lines (e.g. records restored from an old backup) but the network has the
    post: its 409 names the existing post, which is adopted as confirmed instead of failing."""
    project = project_for(
        tmp_path,
        fakenet.url,
        channels={"testnet": {"api_base": fakenet.url, "token": "__TOKEN__"}},
    )
    spec = Spec("dup")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        assert run(project, site, fakenet).returncode == 0
        for path in (project / "records" / "ledger").glob("*.jsonl"):
            path.unlink()
        again = run(project, site, fakenet)
    assert again.returncode == 0, again.output
    assert "duplicado adoptado" in again.stdout
    assert len(fakenet.posts) == 1 and len(fakenet.calls("create")) == 2
    (confirmed,) = [line for line in ledger_lines(project) if line["state"] == "confirmed"]
    assert confirmed["remote_id"] == "tn-1" and "duplicado" in confirmed["error"]


def test_schedule_windows_hold_a_channel_until_due(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    schedule = {
        "channels": {
            "testnet": {
                "windows": [{"days": ["lun"], "start": "08:00", "end": "09:00"}],
                "best_hours": True,
            }
        }
    }
    project = project_for(tmp_path, fakenet.url, schedule=schedule)
    spec = Spec("agenda")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:

        def at(moment: str):
            env = {"TESTNET_TOKEN": fakenet.token, "PREGON_NOW": moment}
            return run_syndicate(project, site, env=env, channels=CHANNELS)

        saturday = at("2026-11-21T10:00:00-05:00")
        monday = at("2026-11-23T08:30:00-05:00")
    assert saturday.returncode == 0, saturday.output
    assert "fuera de la ventana de publicación (lun 08:00–09:00" in saturday.stdout
    assert "testnet: no hay mejores horas calculadas" in saturday.stdout
    assert len(list((project / "outbox").glob("*.json"))) == 1  # the outbox posts immediately
    assert monday.returncode == 0, monday.output
    assert len(fakenet.posts) == 1


def test_reconciliation_records_the_posted_digest_and_reports_a_later_edit(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    """Crash between post and confirmation, then an edit and a new deploy: the network holds the
    OLD text, so the reconciled line carries the intent's digest and the edit is reported."""
    project = project_for(tmp_path, fakenet.url, channels={"testnet": {"api_base": fakenet.url, "token": "__TOKEN__"}})
    first, edited = Spec("editado", version="1"), Spec("editado", version="2")
    hand_site.write([first])
    approve(project, first.digest)
    with hand_site.serve() as site:
        process = SyndicateProcess(project, site, env={"TESTNET_TOKEN": fakenet.token}, channels=CHANNELS)
        fakenet.after_next("create", process.kill_now)
        assert process.start().wait().killed
        hand_site.write([edited])  # the editor fixes a typo; the new version is deployed and approved
        approve(project, edited.digest)
        again = run(project, site, fakenet)
    assert again.returncode == 0, again.output
    lines = sending_lines(project)
    assert [line["state"] for line in lines] == ["intent", "reconciled", "changed_after_publication"]
    assert lines[1]["digest"] == first.digest  # what was actually posted
    assert lines[2]["digest"] == edited.digest
    assert "cambiado después de publicar" in again.stdout
    assert len(fakenet.posts) == 1 and len(fakenet.calls("create")) == 1
