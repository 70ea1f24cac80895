"""E-mail: a ``pregon syndicate`` process killed in the middle of a mailing, then run again.

Real pieces only: the subprocess of ``tests/syndicate/harness.py``, a live site served over HTTP,
and the aiosmtpd server with STARTTLS and AUTH. The server stores the second message and the
process is SIGKILLed before it hears "250": exactly the window SMTP cannot close. The test pins
down what the channel promises there: nobody already logged gets the release again, the one
message in the window is re-sent with the **same** Message-ID (so clients can fold the copy),
nobody is left out, and every copy carries the same release number.

The same real pieces show the yearly numbers across two runs (with the entity of the live
manifest in subject, dateline and contact) and web-first for e-mail: a page still showing
another digest gets no message out.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

from tests.syndicate.channels.conftest import SMTP_PASSWORD
from tests.syndicate.gitkit import IDENTITY, clone, protected_server
from tests.syndicate.harness import SyndicateProcess, run_pregon, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, ledger_lines, make_project

RECIPIENTS = ["ana@emisora.example", "mesa@agencia.example", "redaccion@diario.example"]
ENTITY = {
    "name": "Alcaldía de San Isidro del Río",
    "city": "San Isidro del Río",
    "press_contact": {"name": "Oficina de Prensa", "phone": "+57 000 000 0000", "email": "prensa@alcaldia.test"},
}
NUMBER = re.compile(r"Comunicado n\.º (\d{3}) de (\d{4})")


def mailing(
    tmp_path: Path,
    smtp_server,
    smtp_tls,
    specs: list[Spec],
    recipients: list[str],
    *,
    folder: str = "project",
    **options,
) -> tuple[HandSite, Path]:
    """A live site with ``specs`` (for the list «periodistas»), the private list of ``recipients``
    and a project whose e-mail channel talks to the real SMTP server (``options`` added)."""
    site = HandSite(tmp_path / "site")
    publish(site, specs)
    private = tmp_path / "privado"
    private.mkdir(exist_ok=True)
    (private / "listas.yml").write_text(json.dumps({"periodistas": recipients}), encoding="utf-8")
    email = {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "username": "prensa@alcaldia.test",
        "sender": "Prensa <prensa@alcaldia.test>",
        "ca_file": str(smtp_tls["ca"]),
        "recipients_file": str(private / "listas.yml"),
        "unsubscribe_mailto": "baja@alcaldia.test",
        **options,
    }
    project = make_project(tmp_path / folder, {"channels": {"email": email}})
    for spec in specs:
        approve(project, spec.digest)
    return site, project


def publish(site: HandSite, specs: list[Spec]) -> None:
    """(Re)deploy ``specs``, with the entity the build writes into the manifest."""
    manifest = site.write([replace(spec, press_lists=("periodistas",)) for spec in specs])
    manifest["entity"] = ENTITY
    (site.root / "pregon" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def plain_part(message) -> str:
    """The text/plain part as the journalist reads it (line ends as in Python)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def numbers(deliveries) -> set[str]:
    """The release numbers the messages carry (in the plain-text part)."""
    return {NUMBER.search(plain_part(d.message)).group(0) for d in deliveries}


ENV = {"PREGON_SMTP_PASSWORD": SMTP_PASSWORD, "PREGON_SENT_LOG_SECRET": "clave-del-registro"}


def test_killed_mid_mailing_then_rerun_reaches_everyone_once_or_with_the_same_message_id(
    tmp_path, smtp_server, smtp_tls
):
    spec = Spec("correo-crash", title="Vacunación casa a casa en la comuna 4")
    site, project = mailing(tmp_path, smtp_server, smtp_tls, [spec], RECIPIENTS)
    env = ENV

    with site.serve() as url:
        run = SyndicateProcess(project, url, env=env)
        stored = []

        def kill_on_second(delivery):
            stored.append(delivery)
            if len(stored) == 2:
                run.kill_now()
            else:
                smtp_server.after_data = kill_on_second

        smtp_server.after_data = kill_on_second
        first = run.start().wait()
        assert first.killed
        assert len(smtp_server.messages) == 2
        again = run_syndicate(project, url, env=env)

    assert again.returncode == 0, again.output
    assert [line["state"] for line in ledger_lines(project)] == ["intent", "intent", "confirmed"]
    per_recipient = Counter(d.rcpt_tos[0] for d in smtp_server.messages)
    assert set(per_recipient) == set(RECIPIENTS)
    first_one, in_the_window = (d.rcpt_tos[0] for d in smtp_server.messages[:2])
    assert per_recipient[first_one] == 1
    assert per_recipient[in_the_window] == 2
    copies = {d.message["Message-ID"] for d in smtp_server.messages if d.rcpt_tos[0] == in_the_window}
    assert len(copies) == 1
    confirmed = ledger_lines(project)[-1]
    assert "@emisora" not in json.dumps(confirmed) and "@agencia" not in json.dumps(confirmed)
    # The sent log is part of the records (never a temporary folder), and public-safe: no address,
    # no Message-ID (it is derived from the address), only keyed hashes.
    sent_log = "".join(p.read_text() for p in (project / "records" / "email").glob("*.jsonl"))
    assert len(sent_log.splitlines()) == 3
    records = "".join(p.read_text() for p in (project / "records").rglob("*.jsonl"))
    assert not any(address in records for address in RECIPIENTS)
    assert not any(d.message["Message-ID"].strip("<>") in records for d in smtp_server.messages)
    assert not (tmp_path / "privado" / "pregon-enviados.jsonl").exists()
    for result in (first, again):
        assert SMTP_PASSWORD not in result.output
    # The number was made durable before the first message: the killed run and the rerun agree.
    assert numbers(smtp_server.messages) == {"Comunicado n.º 001 de 2026"}


def test_a_job_killed_mid_mailing_on_a_forge_gives_at_most_k_second_copies(tmp_path, smtp_server, smtp_tls):
    """The CI case: the records live on the records branch of a forge with a protected main
    (tests/syndicate/gitkit.py), the killed job's disk is gone, the next job starts from a fresh
    clone. The sent log was pushed every K = 3 recipients, so of the 5 messages the server took
    before the kill, only the 2 after the last push go out again — with the same Message-ID."""
    recipients = [f"periodista{n}@medio{n}.example" for n in range(7)]
    spec = Spec("correo-forja", title="Cierre de la vía a la costa")
    site, content = mailing(tmp_path, smtp_server, smtp_tls, [spec], recipients, folder="contenido", sent_log_every=3)
    server = protected_server(tmp_path, content)
    env = {**ENV, **IDENTITY}

    with site.serve() as url:
        job1 = clone(server, tmp_path / "trabajo-1")
        assert run_pregon(job1, "registros", "preparar", env=env).returncode == 0
        run = SyndicateProcess(job1, url, env=env)

        def kill_on_fifth(delivery):
            if len(smtp_server.messages) == 5:
                run.kill_now()
            else:
                smtp_server.after_data = kill_on_fifth

        smtp_server.after_data = kill_on_fifth
        assert run.start().wait().killed
        assert len(smtp_server.messages) == 5
        shutil.rmtree(job1)

        job2 = clone(server, tmp_path / "trabajo-2")
        assert run_pregon(job2, "registros", "preparar", env=env).returncode == 0
        again = run_syndicate(job2, url, env=env)
    assert again.returncode == 0, again.output
    per_recipient = Counter(d.rcpt_tos[0] for d in smtp_server.messages)
    assert set(per_recipient) == set(recipients)
    second_copies = [r for r, n in per_recipient.items() if n > 1]
    assert len(second_copies) == 2 <= 3  # the 4th and 5th: after the push at the 3rd
    for address in second_copies:
        assert len({d.message["Message-ID"] for d in smtp_server.messages if d.rcpt_tos[0] == address}) == 1


def test_numbers_are_yearly_and_stable_across_runs_with_the_site_entity(tmp_path, smtp_server, smtp_tls):
    """Two runs, as two CI jobs on consecutive days: the first release is n.º 001, the second
    n.º 002, and the subject, dateline and press contact come from the entity in the live manifest."""
    first = Spec("correo-uno", title="Vacunación en las veredas")
    second = Spec("correo-dos", title="Cierre de la vía a la costa")
    site, project = mailing(tmp_path, smtp_server, smtp_tls, [first], RECIPIENTS[:1])
    approve(project, second.digest)
    with site.serve() as url:
        assert run_syndicate(project, url, env=ENV).returncode == 0
        publish(site, [first, second])
        again = run_syndicate(project, url, env=ENV)
    assert again.returncode == 0, again.output
    one, two = (d.message for d in smtp_server.messages)
    assert one["Subject"] == "Comunicado de prensa — Alcaldía de San Isidro del Río: Vacunación en las veredas"
    assert numbers(smtp_server.messages[:1]) == {"Comunicado n.º 001 de 2026"}
    assert numbers(smtp_server.messages[1:]) == {"Comunicado n.º 002 de 2026"}
    plain = plain_part(two)
    # sitekit's releases are dated 2026-11-19T09:00-05:00.
    assert "San Isidro del Río, 19 de noviembre de 2026. Resumen del comunicado." in plain
    assert "Contacto de prensa:\nOficina de Prensa\nTeléfono: +57 000 000 0000\nCorreo: prensa@alcaldia.test" in plain
    numbering = (project / "records" / "email" / "numbering" / "2026.jsonl").read_text()
    assert [json.loads(line)["key"] for line in numbering.splitlines()] == ["correo-uno", "correo-dos"]


def test_nothing_reaches_a_journalist_before_the_release_is_live_with_the_approved_digest(
    tmp_path, smtp_server, smtp_tls
):
    """Web-first for e-mail: the deploy still serves the previous version of the page (another
    digest), so the run waits and the SMTP server receives nothing; once the approved version is
    live, the next run mails it."""
    spec = Spec("correo-web-primero", title="Horario de atención en diciembre")
    site, project = mailing(tmp_path, smtp_server, smtp_tls, [spec], RECIPIENTS)
    site.write([replace(spec, press_lists=("periodistas",))], page_digests={spec.id: "sha256:" + "0" * 64})
    with site.serve() as url:
        waiting = run_syndicate(project, url, env=ENV)
        assert waiting.returncode == 0, waiting.output
        assert "no está en el portal" in waiting.output
        assert smtp_server.messages == []
        publish(site, [spec])
        live = run_syndicate(project, url, env=ENV)
    assert live.returncode == 0, live.output
    assert sorted(d.rcpt_tos[0] for d in smtp_server.messages) == RECIPIENTS
