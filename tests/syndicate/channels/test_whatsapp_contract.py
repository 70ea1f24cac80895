"""WhatsApp through the core's fault scenarios: a real ``pregon syndicate`` process against the
local reproduction of the Cloud API's template messages (fakes_whatsapp.py; no Meta server can
run here). See contract_kit.py.

The API has no idempotency key. When the run is killed right after Meta accepted the first
subscriber's message, that message stays **por verificar** and is never sent again; the next run
sends only to the others: every subscriber gets the release at most once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syndicate.channels.contract_kit import Network, Scenario
from tests.syndicate.channels.fakes_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp, wa_error
from tests.syndicate.sitekit import HandSite

SECRET = "clave-hmac-contrato-42"
NUMBERS = ["573001110001", "573001110002", "573001110003"]


def network(private: Path, site: HandSite) -> Network:
    return Network(
        name="whatsapp",
        config=lambda fake: {
            "phone_number_id": PHONE_NUMBER_ID,
            "access_token": TOKEN,
            "api_base": fake.api_base,  # type: ignore[attr-defined]
            "template_name": "comunicado_nuevo",
            "button_url_base": site.url,
            "subscribers_file": str(private / "suscriptores.yml"),
            "sent_log": "records/whatsapp.jsonl",
        },
        env={TOKEN: "WHATSAPP_ACCESS_TOKEN", SECRET: "PREGON_WHATSAPP_HASH_SECRET"},
        publish_route="messages",
        posts=lambda fake: len(fake.delivered),  # type: ignore[attr-defined]
        throttle=lambda: wa_error(130429, 429),
        refuse=lambda: wa_error(132001),
        refusal_text="no está aprobada",
    )


@pytest.fixture()
def scenario(hand_site: HandSite, tmp_path: Path) -> Iterator[Scenario]:
    private = tmp_path / "privado"
    private.mkdir()
    (private / "suscriptores.yml").write_text("suscriptores: [" + ", ".join(f"'+{n}'" for n in NUMBERS) + "]\n")
    with FakeWhatsApp() as fake, hand_site.serve():
        yield Scenario(network(private, hand_site), fake, hand_site, tmp_path)
        fake.assert_no_violations()


def test_crash_after_the_first_send_leaves_it_por_verificar_and_never_resends(scenario: Scenario) -> None:
    killed = scenario.run_killed_after_publish()
    assert killed.killed and scenario.states() == ["intent"]
    again = scenario.run()
    assert again.returncode == 0, again.output
    fake: FakeWhatsApp = scenario.fake  # type: ignore[assignment]
    assert sorted(m["to"] for m in fake.delivered) == NUMBERS  # each subscriber exactly once
    assert scenario.states()[-1] == "confirmed"
    log = (scenario.project / "records" / "whatsapp.jsonl").read_text(encoding="utf-8")
    assert not any(n in log or n[2:] in log for n in NUMBERS)
    assert not scenario.secrets_leaked(killed.output, again.output)
    assert scenario.run().returncode == 0 and len(fake.delivered) == 3


def test_throughput_limit_then_each_subscriber_once(scenario: Scenario) -> None:
    scenario.fake.fail_next("messages", scenario.network.throttle())
    result = scenario.run()
    assert result.returncode == 0, result.output
    assert sorted(m["to"] for m in scenario.fake.delivered) == NUMBERS  # type: ignore[attr-defined]
    assert scenario.states() == ["intent", "failed", "intent", "confirmed"]


def test_unapproved_template_is_reported_and_not_retried(scenario: Scenario) -> None:
    scenario.check_refused_and_not_retried()
