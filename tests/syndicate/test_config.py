"""Loading the ``syndicate:`` section of mkdocs.yml: !ENV, foreign tags, Spanish errors, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pregon.syndicate.config import ConfigError, load_config

from tests.syndicate.sitekit import make_project

ROOT = Path(__file__).resolve().parents[2]


def test_repository_config_loads() -> None:
    config = load_config(ROOT / "mkdocs.yml")
    assert config.approvals.provider == "auto"  # github on GitHub Actions, records for the demo
    assert "outbox" in config.channels
    assert config.records == ROOT / "records"


def test_env_tag_fills_secrets_and_they_never_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_value_123")
    project = make_project(
        tmp_path / "p",
        {
            "approvals": {
                "provider": "github",
                "github": {"repository": "org/repo", "token": "__T__"},
            },
        },
        env_tags={"__T__": "GITHUB_TOKEN"},
    )
    config = load_config(project / "mkdocs.yml")
    assert config.approvals.github is not None
    assert config.approvals.github.token is not None
    assert config.approvals.github.token.get_secret_value() == "ghp_secret_value_123"
    assert "ghp_secret_value_123" not in repr(config) and "ghp_secret_value_123" not in str(config)


def test_errors_name_file_and_key_without_echoing_values(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "p",
        {
            "approvals": {
                "provider": "github",
                "github": {"repository": "no-slash", "token": "tok_123"},
            },
            "channels": {"outbox": {}},
            "colour": "x",
        },
    )
    with pytest.raises(ConfigError) as raised:
        load_config(project / "mkdocs.yml")
    message = str(raised.value)
    assert str(project / "mkdocs.yml") in message
    assert "approvals → github → repository: formato inválido" in message
    assert "syndicate → colour: campo desconocido" in message
    assert "tok_123" not in message


def test_github_provider_without_settings_says_what_is_missing(tmp_path: Path) -> None:
    """On GitHub Actions the repository and token come from the run; elsewhere the gate says so."""
    from pregon.syndicate.approvals import ApprovalUnavailable, provider_for

    project = make_project(tmp_path / "p", {"approvals": {"provider": "github"}})
    config = load_config(project / "mkdocs.yml")
    gate = provider_for(config.approvals, config.records, {})
    with pytest.raises(ApprovalUnavailable, match="falta el repositorio o el token"):
        gate.decide(None)  # type: ignore[arg-type]


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no se puede leer"):
        load_config(tmp_path / "nada.yml")
    bad = tmp_path / "mkdocs.yml"
    bad.write_text("plugins:\n  - pregon: {syndicate: [}\n")
    with pytest.raises(ConfigError, match=r"mkdocs.yml:2: YAML inválido \(falta un valor"):
        load_config(bad)
