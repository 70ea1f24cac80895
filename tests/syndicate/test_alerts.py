"""Alerts reach the office by e-mail, and the job still fails: tested against a real SMTP server.

The server is aiosmtpd (``tests/syndicate/channels/smtp_server.py``) with STARTTLS and AUTH
required, as the office's server would. GitHub's API, where a test needs it, is the local fake of
``tests/syndicate/github_fake.py`` (validated against GitHub's OpenAPI description), because no
real GitHub can run here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pregon.syndicate.alerts import AlertsConfig, deliver, run_alert, token_alert
from pregon.syndicate.approvals.github_api import GitHubClient
from pregon.syndicate.report import Outcome, RunReport

from tests.fakes.api_server import Reply
from tests.syndicate.channels.smtp_server import SMTPServer, make_certificates
from tests.syndicate.github_fake import FakeGitHub
from tests.syndicate.harness import run_syndicate
from tests.syndicate.sitekit import HandSite, Spec, approve, make_project

USER, PASSWORD = "pregon@alcaldia.test", "contraseña-de-avisos-77"
OFFICE = "prensa@alcaldia.test"
TOKEN = "ghs_AlertTokenForTests00000"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_certificates(tmp_path_factory.mktemp("alert-tls"))


@pytest.fixture()
def smtp(tls: dict[str, Path]) -> Iterator[SMTPServer]:
    with SMTPServer(tls, USER, PASSWORD) as server:
        yield server


def alerts_section(smtp: SMTPServer, tls: dict[str, Path]) -> dict[str, object]:
    return {
        "email": OFFICE,
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp.port,
            "username": USER,
            "password_env": "PREGON_ALERT_PASSWORD",
            "ca_file": str(tls["ca"]),
            "sender": f"Pregón <{USER}>",
        },
    }


def test_a_failed_run_emails_the_office_and_exits_non_zero(
    tmp_path: Path, hand_site: HandSite, smtp: SMTPServer, tls: dict[str, Path]
) -> None:
    spec = Spec("vacunacion")
    project = make_project(
        tmp_path / "project",
        {"alerts": alerts_section(smtp, tls), "channels": {"outbox": {"folder": "outbox"}, "mastodon": {}}},
    )
    approve(project, spec.digest)
    hand_site.write([spec])
    with hand_site.serve() as site:
        result = run_syndicate(project, site, env={"PREGON_ALERT_PASSWORD": PASSWORD})
    assert result.returncode in (1, 2), result.output  # 2: a channel's configuration is wrong
    assert f"aviso enviado a {OFFICE}" in result.stdout
    [mail] = smtp.messages
    message = mail.message
    assert mail.rcpt_tos == [OFFICE] and mail.authenticated_as == USER
    assert "con error" in str(message["Subject"]) and message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "mastodon" in body and "no se pudo configurar" in body and site in body
    assert PASSWORD not in mail.raw.decode("utf-8", "replace")


def test_a_refused_github_token_is_an_alert(
    tmp_path: Path, hand_site: HandSite, smtp: SMTPServer, tls: dict[str, Path]
) -> None:
    spec = Spec("obras")
    project = make_project(tmp_path / "project", {"alerts": alerts_section(smtp, tls)})
    hand_site.write([spec])
    env = {"PREGON_ALERT_PASSWORD": PASSWORD, "GITHUB_REPOSITORY": "alcaldia/portal", "GITHUB_TOKEN": TOKEN}
    with FakeGitHub() as github:
        github.add_pr(7, author="editora", commits=["d" * 40], head="d" * 40)
        review = github.review(7, "jefa-prensa", "APPROVED", "d" * 40)
        line = json.dumps(
            {
                "v": 2,
                "provider": "github",
                "by": "jefa-prensa",
                "role": "contenido",
                "digest": spec.digest,
                "pr": 7,
                "repository": "alcaldia/portal",
                "review": {"id": review, "user_id": None, "commit": "d" * 40},
            }
        )
        (project / "records" / "approvals").mkdir(parents=True)
        (project / "records" / "approvals" / "2026-11.jsonl").write_text(line + "\n", encoding="utf-8")
        github.fail_next(
            "review", Reply(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        )
        env["GITHUB_API_URL"] = github.url
        with hand_site.serve() as site:
            result = run_syndicate(project, site, env=env)
    assert result.returncode == 1, result.output
    [mail] = smtp.messages
    assert "token o credencial fue rechazado" in str(mail.message["Subject"])
    assert "GitHub rechazó el token" in mail.message.get_content()
    assert TOKEN not in mail.raw.decode("utf-8", "replace") and TOKEN not in result.output


def test_unverified_posts_are_an_alert_through_the_real_server(
    smtp: SMTPServer, tls: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post sent but not confirmed ("por verificar") needs a person: the office is told which one."""
    monkeypatch.setenv("PREGON_ALERT_PASSWORD", PASSWORD)
    report = RunReport("https://portal.example/")
    report.outcomes.append(Outcome("prensa/x", "X", "telegram", "unverified", "enviado sin confirmación"))  # type: ignore[arg-type]
    report.outcomes.append(Outcome("prensa/x", "X", "bluesky", "published", "ok"))
    alert = run_alert(report, report.site)
    assert alert is not None and "por verificar" in alert.subject
    config = AlertsConfig.model_validate(alerts_section(smtp, tls))
    assert deliver(alert, config, {}) == f"aviso enviado a {OFFICE}"
    [mail] = smtp.messages
    body = mail.message.get_content()
    assert "telegram" in body and "bluesky" not in body


def test_nothing_to_say_sends_nothing() -> None:
    report = RunReport("https://portal.example/")
    report.outcomes.append(Outcome("prensa/x", "X", "bluesky", "published", "ok"))
    assert run_alert(report, report.site) is None
    failed_dry_run = RunReport("https://portal.example/", dry_run=True, fatal="sin manifiesto")
    assert run_alert(failed_dry_run, failed_dry_run.site) is None


def test_token_expiry_is_read_from_github_and_warned_days_before() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with FakeGitHub() as github:
        github.add_pr(7, author="editora", commits=[], head="d" * 40)
        pr = github.prs[7]
        github.fail_next("pull", Reply(200, pr, {"github-authentication-token-expiration": "2026-12-04 10:00:00 UTC"}))
        api = GitHubClient(github.url, TOKEN)
        api.get("/repos/alcaldia/portal/pulls/7")
        api.close()
    assert api.expires == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    soon = token_alert("GitHub", api.expires, 7, now)
    assert soon is not None and "vence pronto" in soon.subject
    assert token_alert("GitHub", api.expires, 2, now) is None
    past = token_alert("GitHub", now - timedelta(hours=1), 7, now)
    assert past is not None and "venció" in past.subject


def run_alerta(project: Path, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    """``pregon alerta`` as CI runs it, with only the alert password in the environment."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "pregon"), "alerta", *args],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PREGON_ALERT_PASSWORD": password},
        capture_output=True,
        text=True,
        check=False,
    )


def test_alerta_command_for_a_failed_job(tmp_path: Path, smtp: SMTPServer, tls: dict[str, Path]) -> None:
    project = make_project(tmp_path / "project", {"alerts": alerts_section(smtp, tls)})
    result = run_alerta(project, "--motivo", "la publicación del portal", "--detalle", "desplegar: failure")
    assert result.returncode == 1, result.stderr  # the job that alerts stays red
    [mail] = smtp.messages
    assert str(mail.message["Subject"]) == "Pregón: falló la publicación del portal"
    assert "desplegar: failure" in mail.message.get_content()


def test_a_multi_line_reason_is_one_subject_line_and_no_header(
    tmp_path: Path, smtp: SMTPServer, tls: dict[str, Path]
) -> None:
    """A CI script may pass a reason with line breaks; the alert still goes out, and a line break
    cannot add a header (``Bcc:``) to it."""
    project = make_project(tmp_path / "project", {"alerts": alerts_section(smtp, tls)})
    result = run_alerta(project, "--motivo", "el despliegue\r\nBcc: otro@example.org\x07")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [mail] = smtp.messages
    assert str(mail.message["Subject"]) == "Pregón: falló el despliegue Bcc: otro@example.org"
    assert mail.message["Bcc"] is None and mail.rcpt_tos == [OFFICE]


def test_a_wrong_smtp_password_is_said_and_the_job_fails(
    tmp_path: Path, smtp: SMTPServer, tls: dict[str, Path]
) -> None:
    project = make_project(tmp_path / "project", {"alerts": alerts_section(smtp, tls)})
    result = run_alerta(project, "--motivo", "x", password="otra")
    assert result.returncode == 2
    assert "rechazó el usuario o la contraseña" in result.stderr and "Traceback" not in result.stderr
    assert not smtp.messages
