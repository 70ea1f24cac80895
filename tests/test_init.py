"""``pregon init`` turns the example into a new entity's portal: on a copy of the repository, then
``mkdocs build --strict`` and ``pregon check --all`` pass, and the built site holds none of the
example's texts. The example strings are read from the example itself at test time (every
release title and image, the municipality, its entity data and announcement, «ficticio»), so
the test keeps up with whatever the example content becomes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.utils.yaml import yaml_load

from pregon.cli import main
from pregon.init import EXAMPLE_MARKERS
from tests.conftest import ROOT, build_site
from tests.test_dry_run import snapshot

PREGON = str(Path(sys.executable).parent / "pregon")
OPTIONS = [
    "--nombre", "Alcaldía de Villa Nueva",
    "--url", "https://prensa.villanueva.gov.co",
    "--nit", "890.123.456-7",
    "--direccion", "Calle 10 n.º 5-20",
    "--telefono", "+57 604 444 5566",
    "--correo", "contacto@villanueva.gov.co",
    "--dependencia", "despacho=Despacho de la Alcaldesa",
    "--dependencia", "Secretaría de Movilidad",
    "--red", "facebook=https://www.facebook.com/villanueva.gov",
    "--enlace", "pqrsd=https://www.villanueva.gov.co/pqrsd",
]  # fmt: skip


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def example_strings() -> set[str]:
    """What only the example has, read from the example project as it is now."""
    config = yaml_load((ROOT / "mkdocs.yml").read_bytes())
    options = next(p["pregon"] for p in config["plugins"] if isinstance(p, dict) and "pregon" in p)
    found = {config["site_name"], *EXAMPLE_MARKERS, "ficticio"}
    entity = options["entity"]
    found |= {s for key, v in entity.items() if key != "networks" for s in _strings(v)}
    found |= set(_strings(entity.get("networks", {})))
    found |= set(_strings(options.get("announcement", {}).get("text")))
    releases = ROOT / str(config.get("docs_dir", "docs")) / options.get("releases_dir", "prensa")
    for release in releases.rglob("*.md"):
        front = yaml.safe_load(release.read_text(encoding="utf-8").split("---", 2)[1])
        found.add(front["title"])
    found |= {image.name for image in releases.rglob("*") if image.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"}}
    home = (ROOT / str(config.get("docs_dir", "docs")) / "index.md").read_text(encoding="utf-8")
    found |= {s.strip() for s in re.split(r"(?<=[.:!?])\s", home) if "ficticio" in s}
    found.discard("")
    assert len(found) > 20  # titles, images, entity data: the example was read
    return found


def _init(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PREGON_NOW": "2027-01-15T10:00:00-05:00"}
    return subprocess.run([PREGON, "init", *args], cwd=project, env=env, capture_output=True, text=True, check=False)


def test_init_makes_a_clean_portal_that_builds_and_passes_review(project_copy: Path, tmp_path: Path) -> None:
    strings = example_strings()
    guide = (project_copy / "content" / "guia" / "index.md").read_bytes()
    done = _init(project_copy, *OPTIONS)
    assert done.returncode == 0, done.stderr
    assert "Listo" in done.stdout and "Settings → Pages" in done.stdout and "PREGON_GITLAB_TOKEN" in done.stdout
    assert "content/assets/escudo.png" in done.stdout  # the generic shield is the one example image kept
    assert not (project_copy / "content" / "prensa").exists()
    assert (project_copy / "content" / "guia" / "index.md").read_bytes() == guide  # the editor guide stays
    assert [p for p in (project_copy / "records").rglob("*") if p.is_file()] == []

    config = yaml_load((project_copy / "mkdocs.yml").read_bytes())
    options = next(p["pregon"] for p in config["plugins"] if isinstance(p, dict) and "pregon" in p)
    assert config["site_name"] == "Alcaldía de Villa Nueva"
    assert options["entity"]["links"] == {"pqrsd": "https://www.villanueva.gov.co/pqrsd"}
    assert options["dependencias"] == {
        "despacho": "Despacho de la Alcaldesa",
        "secretaria-de-movilidad": "Secretaría de Movilidad",
    }
    assert "announcement" not in options and options["feeds"]["id_date"] == "2027"

    site = tmp_path / "sitio"
    built = build_site(site, "https://prensa.villanueva.gov.co/", project=project_copy)
    assert built.returncode == 0, built.stdout + built.stderr
    check = subprocess.run([PREGON, "check", "--all"], cwd=project_copy, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    pages = {
        p: p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.suffix in {".html", ".xml", ".json", ".js", ".txt"}
    }
    assert "Alcaldía de Villa Nueva" in pages[site / "index.html"]
    leaks = sorted(
        {(needle, p.relative_to(site).as_posix()) for needle in strings for p, text in pages.items() if needle in text}
    )
    assert leaks == []
    assert not [p for p in site.rglob("*") if p.name in strings]  # no example image copied either


def test_init_refuses_a_second_time_unless_forced(project_copy: Path) -> None:
    assert _init(project_copy, *OPTIONS).returncode == 0
    before = snapshot(project_copy)
    again = _init(project_copy, "--nombre", "Otra", "--url", "https://otra.gov.co/")
    assert again.returncode == 1 and "ya no es el ejemplo de Pregón" in again.stderr and "--forzar" in again.stderr
    assert snapshot(project_copy) == before
    forced = _init(project_copy, "--nombre", "Gobernación del Norte", "--url", "https://norte.gov.co/", "--forzar")
    assert forced.returncode == 0, forced.stderr
    assert yaml_load((project_copy / "mkdocs.yml").read_bytes())["site_name"] == "Gobernación del Norte"


def test_dry_run_lists_the_changes_and_writes_nothing(project_copy: Path) -> None:
    before = snapshot(project_copy)
    result = _init(project_copy, *OPTIONS, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "escribiría mkdocs.yml" in result.stdout and "borraría content/prensa/" in result.stdout
    assert "No se escribió nada." in result.stdout
    assert snapshot(project_copy) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nombre", "X", "--url", "prensa.gov.co"], "Valor inválido para --url: 'prensa.gov.co' no es una dirección web completa"),
        (["--url", "https://x.gov.co/"], "Valor inválido para --nombre: falta"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--correo", "no-es-correo"], "'no-es-correo' no es un correo válido"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--red", "facebook"], "escriba «red=URL»"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--enlace", "blog=https://x.gov.co/b"], "no es privacidad, terminos, pqrsd ni accesibilidad"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--dependencia", "Salud", "--dependencia", "salud=Salud"], "aparece dos veces"),
        (["--nombre", "Alcaldía\nde X", "--url", "https://x.gov.co/"], "Valor inválido para --nombre: contiene un salto de línea o un carácter de control (U+000A)"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--telefono", "601\x07234"], "Valor inválido para --telefono: contiene un salto de línea o un carácter de control (U+0007)"),
        (["--nombre", "X", "--url", "https://x\x1b.gov.co/"], "Valor inválido para --url: contiene un salto"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--red", "facebook=https://fb.com/x\u2028"], "Valor inválido para --red: contiene un salto"),
        (["--nombre", "X", "--url", "https://x.gov.co/", "--dependencia", "salud=Salud\r"], "Valor inválido para --dependencia: contiene un salto"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_in_spanish_and_change_nothing(
    project_copy: Path, args: list[str], message: str
) -> None:
    before = snapshot(project_copy)
    result = CliRunner().invoke(main, ["init", "-f", str(project_copy / "mkdocs.yml"), *args], prog_name="pregon")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(project_copy) == before


def test_what_is_not_given_is_asked_in_a_terminal(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Name, URL, NIT, address, city, hours, phone, e-mail, notifications e-mail, in that order;
    a refused answer is explained and asked again; Enter leaves an optional value out."""
    monkeypatch.setattr("pregon.init.interactive", lambda: True)
    answers = ["Alcaldía de Río Claro", "prensa.rioclaro.gov.co", "https://prensa.rioclaro.gov.co", "", "", "", "",
               "", "correo-malo", "contacto@rioclaro.gov.co", ""]  # fmt: skip
    result = CliRunner().invoke(
        main, ["init", "-f", str(project_copy / "mkdocs.yml")], input="\n".join(answers) + "\n", prog_name="pregon"
    )
    assert result.exit_code == 0, result.output
    assert "Nombre de la entidad:" in result.output and "Correo de contacto (Enter para omitir):" in result.output
    assert "'prensa.rioclaro.gov.co' no es una dirección web completa" in result.output
    assert "'correo-malo' no es un correo válido" in result.output
    config = yaml_load((project_copy / "mkdocs.yml").read_bytes())
    entity = next(p["pregon"] for p in config["plugins"] if isinstance(p, dict) and "pregon" in p)["entity"]
    assert entity == {"name": "Alcaldía de Río Claro", "email": "contacto@rioclaro.gov.co"}
    assert config["site_url"] == "https://prensa.rioclaro.gov.co/"
