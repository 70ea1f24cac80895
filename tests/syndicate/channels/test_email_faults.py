"""E-mail: a ``pregon syndicate`` process killed in the middle of a mailing, then run again.

Real pieces only: the subprocess of ``tests/syndicate/harness.py``, a live site served over HTTP,
and the aiosmtpd server with STARTTLS and AUTH. The server stores the second message and the
process is SIGKILLed before it hears "250": exactly the window SMTP cannot close. The test pins
down what the channel promises there: nobody already logged gets the release again, the one
message in the window is re-sent with the **same** Message-ID (so clients can fold the copy),
and nobody is left out.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter

from tests.syndicate.channels.conftest import SMTP_PASSWORD
from tests.syndicate.gitkit import IDENTITY, clone, protected_server
from tests.syndicate.harness import SyndicateProcess, run_pregon, run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project, sending_lines

RECIPIENTS = ["ana@emisora.example", "mesa@agencia.example", "redaccion@diario.example"]


def test_killed_mid_mailing_then_rerun_reaches_everyone_once_or_with_the_same_message_id(
    tmp_path, smtp_server, smtp_tls
):
    spec = Spec("correo-crash", title="Vacunación casa a casa en la comuna 4")
    site = HandSite(tmp_path / "site")
    manifest = site.write([spec])
    manifest["items"][0]["press_lists"] = ["periodistas"]
    (site.root / "pregon" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    private = tmp_path / "privado"
    private.mkdir()
    (private / "listas.yml").write_text(json.dumps({"periodistas": RECIPIENTS}), encoding="utf-8")
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "email": {
                    "host": "127.0.0.1",
                    "port": smtp_server.port,
                    "username": "prensa@alcaldia.test",
                    "sender": "Prensa <prensa@alcaldia.test>",
                    "ca_file": str(smtp_tls["ca"]),
                    "recipients_file": str(private / "listas.yml"),
                    "unsubscribe_mailto": "baja@alcaldia.test",
                }
            }
        },
    )
    approve(project, spec.digest)
    env = {"PREGON_SMTP_PASSWORD": SMTP_PASSWORD, "PREGON_SENT_LOG_SECRET": "clave-del-registro"}

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
    assert [line["state"] for line in sending_lines(project)] == ["intent", "intent", "confirmed"]
    per_recipient = Counter(d.rcpt_tos[0] for d in smtp_server.messages)
    assert set(per_recipient) == set(RECIPIENTS)
    first_one, in_the_window = (d.rcpt_tos[0] for d in smtp_server.messages[:2])
    assert per_recipient[first_one] == 1
    assert per_recipient[in_the_window] == 2
    copies = {d.message["Message-ID"] for d in smtp_server.messages if d.rcpt_tos[0] == in_the_window}
    assert len(copies) == 1
    confirmed = sending_lines(project)[-1]
    assert "@emisora" not in json.dumps(confirmed) and "@agencia" not in json.dumps(confirmed)
    # The sent log is part of the records (never a temporary folder), and public-safe: no address,
    # no Message-ID (it is derived from the address), only keyed hashes.
    sent_log = "".join(p.read_text() for p in (project / "records" / "email").glob("*.jsonl"))
    assert len(sent_log.splitlines()) == 3
    records = "".join(p.read_text() for p in (project / "records").rglob("*.jsonl"))
    assert not any(address in records for address in RECIPIENTS)
    assert not any(d.message["Message-ID"].strip("<>") in records for d in smtp_server.messages)
    assert not (private / "pregon-enviados.jsonl").exists()
    for result in (first, again):
        assert SMTP_PASSWORD not in result.output


def test_a_job_killed_mid_mailing_on_a_forge_gives_at_most_k_second_copies(tmp_path, smtp_server, smtp_tls):
    """The CI case: the records live on the records branch of a forge with a protected main
    (tests/syndicate/gitkit.py), the killed job's disk is gone, the next job starts from a fresh
    clone. The sent log was pushed every K = 3 recipients, so of the 5 messages the server took
    before the kill, only the 2 after the last push go out again — with the same Message-ID."""
    recipients = [f"periodista{n}@medio{n}.example" for n in range(7)]
    spec = Spec("correo-forja", title="Cierre de la vía a la costa")
    site = HandSite(tmp_path / "site")
    manifest = site.write([spec])
    manifest["items"][0]["press_lists"] = ["periodistas"]
    (site.root / "pregon" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    private = tmp_path / "privado"
    private.mkdir()
    (private / "listas.yml").write_text(json.dumps({"periodistas": recipients}), encoding="utf-8")
    content = make_project(
        tmp_path / "contenido",
        {
            "channels": {
                "email": {
                    "host": "127.0.0.1",
                    "port": smtp_server.port,
                    "username": "prensa@alcaldia.test",
                    "sender": "Prensa <prensa@alcaldia.test>",
                    "ca_file": str(smtp_tls["ca"]),
                    "recipients_file": str(private / "listas.yml"),
                    "unsubscribe_mailto": "baja@alcaldia.test",
                    "sent_log_every": 3,
                }
            }
        },
    )
    approve(content, spec.digest)
    server = protected_server(tmp_path, content)
    env = {"PREGON_SMTP_PASSWORD": SMTP_PASSWORD, "PREGON_SENT_LOG_SECRET": "clave-del-registro", **IDENTITY}

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
