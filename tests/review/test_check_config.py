"""`pregon check` validates the `syndicate` configuration of every account and previews each one.

Run as a real process on a copy of the example project, like a PR's CI job (no secrets set).
"""

from __future__ import annotations

from .conftest import Workspace, line_of_text
from .test_output import run_cli


def test_an_invalid_account_fails_the_check_with_an_annotation_on_its_line(ws: Workspace) -> None:
    ws.configure(
        channels="""\
        x-alcalde: {network: x, consumer_key: !ENV X_ALCALDE_KEY, consumer_secret: !ENV X_ALCALDE_SECRET,
                    access_token: !ENV X_ALCALDE_TOKEN, access_token_secret: !ENV X_ALCALDE_TOKEN_SECRET}
        telegram:
          bot_token: !ENV TELEGRAM_BOT_TOKEN
          chat_idd: "@alcaldia"
        """
    )
    release = ws.write("cuentas")
    result = run_cli(ws.root, "check", "--format", "github", str(release), env={"X_ALCALDE_KEY": ""})
    config = ws.root / "mkdocs.yml"
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    typo = line_of_text(config, "chat_idd")
    assert f"::error file=mkdocs.yml,line={typo},title=Pregón%3A configuracion::" in result.stdout
    assert "channels.telegram.chat_idd: opción desconocida" in result.stdout
    assert "channels.telegram.chat_id: falta esta opción" in result.stdout
    # Unset variables are warnings in a PR (it has no secrets), on the line of each !ENV.
    assert f"::warning file=mkdocs.yml,line={line_of_text(config, 'TELEGRAM_BOT_TOKEN')}," in result.stdout
    assert "la variable de entorno X_ALCALDE_SECRET no está definida" in result.stdout


def test_a_valid_configuration_with_unset_secrets_passes(ws: Workspace) -> None:
    ws.configure(channels="mastodon: {instance: 'https://social.example', access_token: !ENV MASTODON_TOKEN}\n")
    result = run_cli(ws.root, "check", "--format", "github", str(ws.write("valida")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::warning file=mkdocs.yml" in result.stdout and "MASTODON_TOKEN" in result.stdout


def test_each_account_is_previewed_and_one_that_does_not_take_the_release_says_why(ws: Workspace) -> None:
    ws.configure(
        channels="""\
        mastodon: {instance: 'https://social.example', template: "{title} (cuenta principal)"}
        mastodon-alcalde: {network: mastodon, instance: 'https://social.example', template: "{title} — alcalde"}
        mastodon-destacados: {network: mastodon, instance: 'https://social.example', featured: true}
        """
    )
    report = ws.report(ws.write("previa"))
    previews = {p.channel: p for p in report.previews}
    assert previews["mastodon"].text.endswith("(cuenta principal)")
    assert previews["mastodon-alcalde (mastodon)"].text.endswith("— alcalde")
    assert (
        previews["mastodon-destacados (mastodon)"].skipped == "mastodon-destacados solo publica comunicados destacados"
    )
