"""Options of mkdocs.yml that reach the site, the feeds and the manifest carry no control
characters: YAML lets one in as an escape between double quotes (``"\\x07"``), the syndicator
would refuse the manifest that carries it, so the build stops first with the option's name.
The build tests run ``mkdocs build`` on a copy of the project."""

from __future__ import annotations

from pathlib import Path

import pytest
from pregon.plugins.config import invisible_option

from tests.conftest import build_site


def test_the_first_option_with_a_control_character_is_named() -> None:
    options = {
        "entity": {"name": "Alcaldía", "networks": {"x": "https://x.com/a"}},
        "dependencias": {"salud": "Secretaría de Salud", "obras": "Obras\x1b[31m"},
        "iframe_hosts": ["www.youtube.com"],
        "syndicate": {"channels": {"x": {"text": "no publicado\x07"}}},
    }
    assert invisible_option(options) == ("dependencias.obras", "\x1b")
    assert invisible_option({"iframe_hosts": ["a", "b\x00"]}) == ("iframe_hosts[1]", "\x00")
    assert invisible_option({"dependencias": {"x\x85": "X"}}) == ("dependencias.(un nombre)", "\x85")
    assert invisible_option({"syndicate": {"a": "\x07"}, "review": {"b": "\x07"}}) is None
    assert invisible_option({"entity": {"name": "Alcaldía de Ñuñoa\tde los Ríos"}}) is None  # a tab is fine


@pytest.mark.parametrize(
    ("old", "new", "option", "code"),
    [
        ("  name: Alcaldía de San Isidro del Río\n", '  name: "Alcaldía\\e[2J de San Isidro"\n', "entity.name", "001B"),
        ("site_name: Alcaldía de San Isidro del Río\n", 'site_name: "Alcaldía\\x07"\n', "site_name", "0007"),
    ],
)
def test_the_build_stops_naming_the_option(project_copy: Path, old: str, new: str, option: str, code: str) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = build_site(project_copy / "site", "https://portal.example/", project=project_copy)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"la opción `{option}` de mkdocs.yml contiene un carácter invisible (U+{code})" in output
    assert "Traceback" not in output
    assert not (project_copy / "site" / "pregon" / "manifest.json").exists()
