"""One account with an unset secret stops nothing else: the journalists' e-mail still goes.

``pregon syndicate`` runs as a real subprocess against a hand-made live site and a real SMTP
server (aiosmtpd, STARTTLS and AUTH); the Facebook account's ``!ENV`` variable is not set, as
after a secret was forgotten in the repository settings.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.syndicate.channels.conftest import SMTP_PASSWORD, SMTP_USER
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project, sending_lines


def test_unset_facebook_token_is_named_and_the_press_email_is_still_sent(
    tmp_path: Path, hand_site: HandSite, smtp_server, smtp_tls
) -> None:
    private = tmp_path / "privado"
    private.mkdir()
    (private / "listas.yml").write_text(json.dumps({"medios": ["mesa@agencia.example"]}), encoding="utf-8")
    project = make_project(
        tmp_path / "project",
        {
            "channels": {
                "facebook": {"page_id": "1001", "page_access_token": "@FB"},
                "email": {
                    "host": "127.0.0.1",
                    "port": smtp_server.port,
                    "username": SMTP_USER,
                    "sender": "Prensa <prensa@alcaldia.test>",
                    "ca_file": str(smtp_tls["ca"]),
                    "recipients_file": str(private / "listas.yml"),
                    "unsubscribe_mailto": "baja@alcaldia.test",
                },
            }
        },
        env_tags={"@FB": "FACEBOOK_PAGE_TOKEN"},
    )
    spec = Spec("correo", press_lists=("medios",))
    hand_site.write([spec])
    approve(project, spec.digest)
    with hand_site.serve() as site:
        result = run_syndicate(
            project, site, env={"PREGON_SMTP_PASSWORD": SMTP_PASSWORD, "PREGON_SENT_LOG_SECRET": "clave-del-registro"}
        )

    assert result.returncode == 2, result.output  # documented: a configuration error
    assert "Traceback" not in result.output
    assert "la variable de entorno FACEBOOK_PAGE_TOKEN no está definida" in result.stdout, result.stdout
    assert "mkdocs.yml: falta" not in result.output
    assert [m.rcpt_tos for m in smtp_server.messages] == [["mesa@agencia.example"]]
    assert [(e["channel"], e["state"]) for e in sending_lines(project)] == [("email", "intent"), ("email", "confirmed")]
