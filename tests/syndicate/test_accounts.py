"""Several accounts per network, and configuration errors contained in their account.

Unit tests read real mkdocs.yml files with the real loader; the end-to-end tests run
``pregon syndicate`` as a subprocess against a hand-made live site and the test network
(testnet.py: a real local HTTP server shaped like the common denominator of the real APIs).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pregon.syndicate.accounts import AccountError, accounts, parse_account
from pregon.syndicate.channels import REGISTRY, channel_class, open_account
from pregon.syndicate.config import EnvStr, MissingEnv, load_config
from pregon.syndicate.manifest import Dependencia, Item, Source
from pregon.syndicate.schedule import ScheduleConfig, Scheduler

from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project
from tests.syndicate.testnet import TESTNET_CHANNEL, FakeNet

CHANNELS = {"testnet": TESTNET_CHANNEL}


def write_config(tmp_path: Path, channels_yaml: str) -> Path:
    path = tmp_path / "mkdocs.yml"
    path.write_text(
        "site_name: Prueba\nplugins:\n  - pregon:\n      syndicate:\n        channels:\n" + channels_yaml,
        encoding="utf-8",
    )
    return path


def item(**fields: object) -> Item:
    data: dict[str, object] = {
        "id": "c1",
        "url": "https://alcaldia.test/prensa/c1/",
        "digest": "sha256:" + "0" * 64,
        "title": "Título",
        "summary": "Resumen.",
        "date": datetime.fromisoformat("2026-11-19T09:00:00-05:00"),
        "dependencia": Dependencia(slug="salud", name="Secretaría de Salud"),
        "source": Source(path="content/prensa/c1.md"),
    }
    return Item.model_validate({**data, **fields})


# --- configuration ---------------------------------------------------------------------------


def test_env_values_keep_their_variable_and_unset_ones_are_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FB_SET", "token-de-facebook")
    monkeypatch.delenv("FB_UNSET", raising=False)
    monkeypatch.delenv("GH_UNSET", raising=False)
    path = write_config(
        tmp_path,
        "          facebook: {page_id: '1', page_access_token: !ENV FB_SET}\n"
        "          facebook-alcalde:\n"
        "            network: facebook\n"
        "            page_id: '2'\n"
        "            page_access_token: !ENV [FB_UNSET, FB_OTHER_UNSET, null]\n"
        "        approvals: {provider: records, github: {repository: a/b, token: !ENV GH_UNSET}}\n",
    )
    config = load_config(path)
    token = config.channels["facebook"]["page_access_token"]
    assert isinstance(token, EnvStr) and token == "token-de-facebook" and token.env_name == "FB_SET"
    missing = config.channels["facebook-alcalde"]["page_access_token"]
    assert isinstance(missing, MissingEnv) and missing.names == ("FB_UNSET", "FB_OTHER_UNSET") and missing.line == 10
    assert config.approvals.github is not None and config.approvals.github.token is None  # as MkDocs has it

    parsed = dict(accounts(config))
    second = parsed["facebook-alcalde"]
    assert not isinstance(second, AccountError)
    assert second.network == "facebook" and "page_access_token" not in second.options
    with pytest.raises(AccountError) as refused:
        open_account(second)
    message = refused.value.message
    assert "la variable de entorno FB_UNSET ni FB_OTHER_UNSET no está definida" in message
    assert "channels.facebook-alcalde.page_access_token" in message and "secrets.FB_UNSET" in message
    assert "falta" not in message  # the option is there: its variable is not
    channel = open_account(parsed["facebook"])  # type: ignore[arg-type]
    assert channel.account == "facebook" and channel.name == "facebook"


def test_account_errors_name_the_key_and_the_fix() -> None:
    with pytest.raises(AccountError, match=r"red desconocida 'x-alcalde'.*network: <red>"):
        open_account(parse_account("x-alcalde", {"consumer_key": "k"}))
    with pytest.raises(AccountError, match=r"channels\.tg2\.chat_id: falta esta opción"):
        open_account(parse_account("tg2", {"network": "telegram", "bot_token": "123:abc"}))
    with pytest.raises(AccountError, match=r"channels\.tg\.chat_idd: opción desconocida"):
        open_account(parse_account("tg", {"network": "telegram", "bot_token": "1:a", "chat_id": 1, "chat_idd": 2}))
    with pytest.raises(AccountError, match=r"channels\.m\.featured"):
        parse_account("m", {"network": "mastodon", "featured": "a veces"})


def test_every_network_of_the_registry_declares_its_options_model() -> None:
    for network in REGISTRY:
        assert channel_class(network).options_model is not None, network


def test_selection_by_dependencia_tags_featured_and_explicit_accounts() -> None:
    select = parse_account("x-salud", {"network": "x", "dependencias": ["salud"], "tags": ["vacunación"]}).selection
    assert select.skip_reason("x-salud", item(tags=("vacunación",))) is None
    assert "solo publica comunicados de salud" in select.skip_reason(
        "x-salud", item(dependencia={"slug": "obras", "name": "Obras"})
    )  # type: ignore[operator]
    assert "etiquetas vacunación" in select.skip_reason("x-salud", item(tags=("obras",)))  # type: ignore[operator]
    featured = parse_account("x-alcalde", {"network": "x", "featured": True}).selection
    assert featured.skip_reason("x-alcalde", item(featured=True)) is None
    assert "destacados" in featured.skip_reason("x-alcalde", item())  # type: ignore[operator]
    # The release's own list wins over every account's criteria, both ways.
    assert featured.skip_reason("x-alcalde", item(accounts=("x-alcalde",))) is None
    everything = parse_account("x", {}).selection
    assert "accounts: x-alcalde" in everything.skip_reason("x", item(accounts=("x-alcalde",)))  # type: ignore[operator]
    assert everything.skip_reason("x", item()) is None


def test_schedule_per_account_then_per_network_then_default() -> None:
    config = ScheduleConfig.model_validate(
        {
            "default": "immediate",
            "channels": {
                "x": {"windows": [{"days": ["lun"], "start": "08:00", "end": "09:00"}]},
                "x-alcalde": {"windows": [{"days": ["lun"], "start": "18:00", "end": "19:00"}]},
            },
        }
    )
    scheduler = Scheduler(config, {"x": {"lun": frozenset({8})}})
    monday_8 = datetime.fromisoformat("2026-11-23T08:30:00-05:00")
    assert scheduler.due("x", monday_8, network="x").due
    assert not scheduler.due("x-alcalde", monday_8, network="x").due
    assert scheduler.due("x-prensa", monday_8, network="x").due  # no entry: its network's
    assert not scheduler.due("x-prensa", datetime.fromisoformat("2026-11-23T10:00:00-05:00"), network="x").due
    assert scheduler.due("mastodon", monday_8, network="mastodon").reason == "inmediato"


# --- end to end --------------------------------------------------------------------------------


def test_two_accounts_of_one_network_keep_separate_keys_schedules_and_selections(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "testnet": {"api_base": fakenet.url, "token": "__T__"},
                "testnet-alcalde": {"network": "testnet", "api_base": fakenet.url, "token": "__T__", "featured": True},
                "testnet-salud": {
                    "network": "testnet",
                    "api_base": fakenet.url,
                    "token": "__T__",
                    "dependencias": ["salud"],
                },
            },
            "schedule": {
                "channels": {"testnet-salud": {"windows": [{"days": ["dom"], "start": "00:00", "end": "00:01"}]}}
            },
        },
        env_tags={"__T__": "TESTNET_TOKEN"},
    )
    normal = Spec("normal")
    destacado = Spec("destacado", featured=True)
    salud = Spec("salud", dependencia="salud", accounts=("testnet-salud", "testnet"))
    hand_site.write([normal, destacado, salud])
    for spec in (normal, destacado, salud):
        approve(project, spec.digest)
    env = {"TESTNET_TOKEN": fakenet.token, "PREGON_NOW": "2026-11-23T10:00:00-05:00"}
    with hand_site.serve() as site:
        preview = run_syndicate(project, site, "--dry-run", env=env, channels=CHANNELS)
        first = run_syndicate(project, site, env=env, channels=CHANNELS)
        again = run_syndicate(project, site, env=env, channels=CHANNELS)

    assert first.returncode == 0, first.output
    done = sorted((line["item"], line["channel"]) for line in ledger_lines(project) if line["state"] == "confirmed")
    assert done == [
        ("destacado", "testnet"),
        ("destacado", "testnet-alcalde"),
        ("normal", "testnet"),
        ("salud", "testnet"),
    ]
    keys = {line["key"] for line in ledger_lines(project) if line["state"] == "confirmed"}
    assert len(keys) == 4 and len(fakenet.posts) == 4  # one network, four distinct posts
    rows = first.stdout.splitlines()
    assert any("salud" in r and "testnet-salud" in r and "fuera de la ventana" in r for r in rows), first.stdout
    assert "testnet-alcalde solo publica comunicados destacados" in preview.stdout
    assert again.returncode == 0 and len(fakenet.posts) == 4


def test_an_unset_variable_stops_only_its_account_exit_2(tmp_path: Path, hand_site: HandSite, fakenet: FakeNet) -> None:
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "outbox": {},
                "testnet": {"api_base": fakenet.url, "token": "__T__"},
                "facebook": {"page_id": "1", "page_access_token": "__FB__"},
            }
        },
        env_tags={"__T__": "TESTNET_TOKEN", "__FB__": "FACEBOOK_PAGE_TOKEN"},
    )
    spec = Spec("uno")
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        # Empty, as a workflow passes a secret that does not exist: the same as unset.
        env = {"TESTNET_TOKEN": fakenet.token, "FACEBOOK_PAGE_TOKEN": ""}
        result = run_syndicate(project, site, env=env, channels=CHANNELS)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert "la variable de entorno FACEBOOK_PAGE_TOKEN no está definida" in result.stdout
    assert len(fakenet.posts) == 1 and len(list((project / "outbox").glob("*.json"))) == 1


def test_breaker_stops_a_failing_account_and_auth_failure_opens_it_at_once(
    tmp_path: Path, hand_site: HandSite, fakenet: FakeNet
) -> None:
    from tests.syndicate.channels.echo_api import EchoAPI

    with EchoAPI(status=503) as down:
        project = make_project(
            tmp_path / "project",
            {
                "channels": {
                    "testnet": {"api_base": down.url, "token": "__T__"},
                    "testnet-revocado": {"network": "testnet", "api_base": fakenet.url, "token": "token-revocado"},
                    "testnet-sano": {"network": "testnet", "api_base": fakenet.url, "token": "__T__"},
                },
                "retry": {"max_attempts": 4, "backoff": 0.01},
                "breaker": {"failures": 3},
                "backlog_limit": 10,
            },
            env_tags={"__T__": "TESTNET_TOKEN"},
        )
        specs = [Spec(f"c{n}") for n in range(6)]
        hand_site.write(specs)
        for spec in specs:
            approve(project, spec.digest)
        with hand_site.serve() as site:
            result = run_syndicate(project, site, env={"TESTNET_TOKEN": fakenet.token}, channels=CHANNELS)
        calls = len(down.requests)

    assert result.returncode == 1, result.output
    assert calls == 3  # publish, lookup, publish: then the breaker opened for the run
    assert "testnet rechazó la publicación (401)" in result.stdout
    rows = [r for r in result.stdout.splitlines() if "se dejó de usar esta cuenta" in r]
    assert len(rows) == 2, result.stdout
    assert any("testnet " in r and "3 fallos seguidos" in r for r in rows)
    assert any("testnet-revocado" in r and "credenciales" in r for r in rows)
    revoked = [r for r in fakenet.requests if r.header("authorization") == "Bearer token-revocado"]
    assert len(revoked) == 1  # the second item never tried the revoked token again
    fakenet.violations.clear()
    healthy = {
        line["item"]
        for line in ledger_lines(project)
        if line["channel"] == "testnet-sano" and line["state"] == "confirmed"
    }
    assert healthy == {s.id for s in specs}
