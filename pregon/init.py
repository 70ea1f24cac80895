"""``pregon init``: turn the example project into the portal of a real entity.

The repository ships as the portal of a fictitious municipality (San Isidro del Río) so that
``make demo`` works at once. ``pregon init`` makes it the office's own:

* ``mkdocs.yml``: ``site_name``, ``site_description``, ``site_url``, the plugin's ``entity`` block
  (name, NIT, address, phone, e-mail, networks, legal links), ``dependencias``; the example's
  announcement is removed and ``feeds.id_date`` becomes the current year (the feeds' entry ids
  start with it and never change afterwards). Everything else — comments included — is kept, the
  sections are replaced as text blocks;
* ``content/``: the example releases and their images are deleted, the home page gets a short
  text made from :data:`HOME_TEMPLATE` (its front matter, if any, is kept: the home layout is the
  theme's business), the editor guide stays;
* ``records/``: the example approvals and ledger are deleted; ``outbox/`` and ``site/`` (what the
  demo wrote) too.

Every text that only the example has is listed once, in :data:`EXAMPLE_MARKERS`: a project that
still contains one is the example; after ``init`` none is left (a last scan says where, if an
edited file still has one). Run on a project that is no longer the example, ``init`` refuses
unless ``--forzar``. Everything is computed and checked first, then written: an error leaves
the project untouched, and ``--dry-run`` lists what would change without writing.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import yaml

from .cli import config_option, dry_run_option, one_line
from .clock import fixed_now
from .config_file import ConfigFileError, load_config_document
from .yaml_es import yaml_reason
from .yaml_limits import safe_load as bounded_safe_load

EXAMPLE_MARKERS: tuple[str, ...] = (
    "San Isidro del Río",
    "San Isidro del Rio",
    "sanisidrodelrio",
    "ficticio",  # "Este municipio es ficticio", "NIT 000.000.000-0 (ficticio)", "municipio ficticio"
    "ficticia",
)
"""Texts that only the example project has (its municipality, its domain, the word «ficticio»)."""

HOME_TEMPLATE = """\
{name}: comunicados de prensa oficiales, con las noticias, los avisos y las convocatorias de sus
dependencias, publicados primero en este portal.

Cada comunicado indica la dependencia que lo emite y la fecha de publicación; las correcciones se
señalan en el mismo comunicado.
"""
"""The home page's text after ``init`` (Markdown; ``{name}`` is the entity's name)."""

LINK_KEYS = {"privacidad": "privacy", "terminos": "terms", "pqrsd": "pqrsd", "accesibilidad": "accessibility"}
TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".html", ".css", ".js", ".json", ".svg", ".txt", ".xml"}


class InitError(click.ClickException):
    """A reason not to change anything (Spanish)."""


@dataclass(frozen=True)
class Entity:
    name: str
    url: str
    nit: str | None = None
    address: str | None = None
    city: str | None = None
    hours: str | None = None
    phone: str | None = None
    email: str | None = None
    notifications_email: str | None = None
    networks: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    dependencias: dict[str, str] = field(default_factory=dict)

    def entity_block(self) -> dict[str, Any]:
        block: dict[str, Any] = {"name": self.name}
        for key in ("nit", "address", "city", "hours", "phone", "email", "notifications_email"):
            value = getattr(self, key)
            if value:
                block[key] = value
        if self.networks:
            block["networks"] = dict(self.networks)
        if self.links:
            block["links"] = dict(self.links)
        return block


@dataclass
class Plan:
    """What ``init`` would write and delete, relative to the project root."""

    root: Path
    writes: dict[Path, str] = field(default_factory=dict)
    deletes: list[Path] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"escribiría {self._shown(p)}" for p in sorted(self.writes)]
        lines += [f"borraría {self._shown(p)}{'/' if p.is_dir() else ''}" for p in sorted(self.deletes)]
        return lines

    def _shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def apply(self) -> None:
        for path in sorted(self.deletes):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
        for path, text in sorted(self.writes.items()):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".pregon-init")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)


# ---------------------------------------------------------------- values


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def check_url(value: str, option: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"https?://[^\s/?#]+\.[^\s/?#]+(/[^\s]*)?", value):
        raise click.BadParameter(
            f"{value!r} no es una dirección web completa (p. ej. https://prensa.entidad.gov.co/)", param_hint=option
        )
    return value


def check_email(value: str, option: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(f"{value!r} no es un correo válido ({exc})", param_hint=option) from None


def parse_pairs(values: tuple[str, ...], option: str, *, what: str) -> list[tuple[str, str]]:
    """``clave=valor`` pairs (``--red facebook=https://…``); each key once."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        key, sep, rest = one_line(value, option).partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise click.BadParameter(f"{value!r}: escriba {what}", param_hint=option)
        key = key.strip().lower()
        if key in {k for k, _ in pairs}:
            raise click.BadParameter(f"{key!r} aparece dos veces", param_hint=option)
        pairs.append((key, rest.strip()))
    return pairs


def parse_dependencias(values: tuple[str, ...]) -> dict[str, str]:
    """``slug=Nombre`` or just ``Nombre`` (the slug is made from it)."""
    out: dict[str, str] = {}
    for value in values:
        slug, sep, name = one_line(value, "--dependencia").partition("=")
        if not sep:
            slug, name = slugify(value), value
        slug, name = slug.strip(), name.strip()
        if not name or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            raise click.BadParameter(
                f"{value!r}: escriba «slug=Nombre» (slug en minúsculas, sin tildes ni espacios) o solo el nombre",
                param_hint="--dependencia",
            )
        if slug in out:
            raise click.BadParameter(f"la dependencia {slug!r} aparece dos veces", param_hint="--dependencia")
        out[slug] = name
    return out


# ---------------------------------------------------------------- mkdocs.yml as text


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _block(lines: list[str], key: str) -> tuple[int, int, int] | None:
    """(first line, end line, indent) of the mapping ``key:`` (the first one), or None."""
    pattern = re.compile(rf"^(\s*){re.escape(key)}:\s*(#.*)?$")
    for start, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        indent = len(match.group(1))
        end = start + 1
        last = start + 1
        while end < len(lines):
            text = lines[end]
            if text.strip():
                if len(text) - len(text.lstrip()) <= indent:
                    break
                last = end + 1
            end += 1
        return start, last, indent
    return None


def _dump(key: str, value: dict[str, Any], indent: int) -> list[str]:
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return [" " * indent + line for line in text.splitlines()]


def _replace_block(lines: list[str], key: str, value: dict[str, Any] | None, config: Path) -> list[str]:
    found = _block(lines, key)
    if found is None:
        if value is None:
            return lines
        raise InitError(f"{config}: no se encontró la sección «{key}:» del plugin pregon; no se cambió nada")
    start, end, indent = found
    return lines[:start] + (_dump(key, value, indent) if value is not None else []) + lines[end:]


def _set_scalar(lines: list[str], key: str, value: str, config: Path) -> list[str]:
    pattern = re.compile(rf"^(\s*){re.escape(key)}:(\s.*)?$")
    for number, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            return [*lines[:number], f"{match.group(1)}{key}: {value}", *lines[number + 1 :]]
    raise InitError(f"{config}: no se encontró «{key}:»; no se cambió nada")


def rewrite_config(text: str, entity: Entity, year: int, config: Path) -> str:
    lines = text.splitlines()
    header = f"# Portal de prensa — {entity.name}: configuración de Pregón (creada con `pregon init`)."
    lines = [line for line in lines if not (line.lstrip().startswith("#") and has_marker(line))]
    if not lines or lines[0] != header:
        lines.insert(0, header)
    lines = _set_scalar(lines, "site_name", _quote(entity.name), config)
    lines = _set_scalar(lines, "site_description", _quote(f"{entity.name}: comunicados de prensa oficiales."), config)
    url = entity.url if entity.url.endswith("/") else entity.url + "/"
    lines = _set_scalar(lines, "site_url", f"!ENV [PREGON_SITE_URL, {_quote(url)}]", config)
    lines = _replace_block(lines, "entity", entity.entity_block(), config)
    if entity.dependencias:
        lines = _replace_block(lines, "dependencias", dict(entity.dependencias), config)
    lines = _replace_block(lines, "announcement", None, config)
    if _block(lines, "feeds") is not None:
        lines = [re.sub(r"^(\s*)id_date:.*$", rf"\g<1>id_date: {_quote(str(year))}", line) for line in lines]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the project


def has_marker(text: str) -> bool:
    folded = text.casefold()
    return any(marker.casefold() in folded for marker in EXAMPLE_MARKERS)


def _text_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


def is_example(root: Path, config: Path, docs: Path) -> bool:
    return any(has_marker(p.read_text(encoding="utf-8", errors="replace")) for p in [config, *_text_files(docs)])


def _home(index: Path, name: str) -> str:
    """The home page: its front matter kept (the theme's layout keys), the text from the template."""
    front: dict[str, Any] = {"title": "Inicio"}
    if index.is_file():
        text = index.read_text(encoding="utf-8")
        match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, re.S)
        if match:
            try:
                loaded = bounded_safe_load(match.group(1))
            except (yaml.YAMLError, RecursionError):
                loaded = None
            if isinstance(loaded, dict):
                front = {
                    k: v for k, v in loaded.items() if not has_marker(json.dumps(v, ensure_ascii=False, default=str))
                }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000) if front else ""
    return f"---\n{head}---\n\n" + HOME_TEMPLATE.format(name=name)


def _read_config(config: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    try:
        load_config_document(config)
    except ConfigFileError as exc:
        raise InitError(str(exc)) from None
    try:
        with config.open("rb") as handle:
            loaded = yaml_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise InitError(f"no se pudo leer {config}: {exc}") from None
    if not isinstance(loaded, dict):
        raise InitError(f"{config} no es una configuración de MkDocs")
    return loaded


def _pregon_options(loaded: dict[str, Any]) -> dict[str, Any]:
    for plugin in loaded.get("plugins") or []:
        if isinstance(plugin, dict) and "pregon" in plugin:
            return plugin["pregon"] or {}
    return {}


def plan_init(config: Path, entity: Entity, *, force: bool, year: int) -> Plan:
    if not config.is_file():
        raise InitError(f"no existe {config}: ejecute `pregon init` en la carpeta del proyecto (o use -f)")
    root = config.resolve().parent
    loaded = _read_config(config)
    docs = root / str(loaded.get("docs_dir") or "docs")
    options = _pregon_options(loaded)
    if not options and "pregon" not in (loaded.get("plugins") or []):
        raise InitError(f"{config} no usa el plugin pregon: no es un proyecto de Pregón")
    if not is_example(root, config, docs) and not force:
        raise InitError(
            "este proyecto ya no es el ejemplo de Pregón (no queda ningún texto del municipio de ejemplo): "
            "`pregon init` ya se ejecutó o la entidad ya lo adaptó. Use --forzar para rehacerlo; "
            "borrará todos los comunicados y los registros."
        )
    plan = Plan(root)
    new_config = rewrite_config(config.read_text(encoding="utf-8"), entity, year, config)
    check = _pregon_options(_check_yaml(new_config, config))
    if (check.get("entity") or {}).get("name") != entity.name:
        raise InitError(f"{config}: la configuración resultante no tiene la entidad esperada; no se cambió nada")
    plan.writes[config.resolve()] = new_config
    releases = docs / str(options.get("releases_dir") or "prensa")
    if releases.exists():
        plan.deletes.append(releases)
    plan.writes[docs / "index.md"] = _home(docs / "index.md", entity.name)
    records = root / str((options.get("syndicate") or {}).get("records") or "records")
    if records.is_dir():
        plan.deletes += [p for p in sorted(records.iterdir()) if p.name not in {".git", ".gitattributes", ".gitignore"}]
    for generated in ("outbox", "site"):
        if (root / generated).exists():
            plan.deletes.append(root / generated)
    plan.leftovers = _leftovers(plan, docs)
    return plan


def _check_yaml(text: str, config: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    try:
        loaded = yaml_load(text)
    except yaml.YAMLError as exc:
        raise InitError(
            f"{config}: la configuración resultante no es YAML válido ({yaml_reason(exc)}); no se cambió nada"
        ) from None
    return loaded if isinstance(loaded, dict) else {}


def _leftovers(plan: Plan, docs: Path) -> list[str]:
    """Files that would still hold an example text after the plan (to revise by hand)."""
    out = []
    gone = [p.resolve() for p in plan.deletes]
    for path in _text_files(docs):
        resolved = path.resolve()
        if any(resolved == g or g in resolved.parents for g in gone):
            continue
        text = plan.writes.get(path, None) or plan.writes.get(resolved, None)
        if text is None:
            text = path.read_text(encoding="utf-8", errors="replace")
        if has_marker(text):
            out.append(path.relative_to(plan.root).as_posix())
    return out


def env_variables(config_text: str) -> list[str]:
    """The environment variables ``mkdocs.yml`` reads with ``!ENV`` (secrets go there)."""
    names = re.findall(r"!ENV\s+\[?\s*([A-Za-z_][A-Za-z0-9_]*)", config_text)
    return sorted({n for n in names if n != "PREGON_SITE_URL"})


def next_steps(entity: Entity, config_text: str) -> str:
    secrets = env_variables(config_text)
    listed = ", ".join(secrets) if secrets else "ninguno todavía (el canal outbox no los necesita)"
    return f"""\
Listo: el proyecto es ahora el portal de prensa — {entity.name} ({entity.url}).

Qué sigue:
 1. Revise mkdocs.yml: datos de la entidad, dependencias, redes y la sección syndicate con las
    cuentas que use (una entrada por cuenta; ver docs/canales.md). Nunca escriba contraseñas ni
    tokens en el archivo: solo `!ENV VARIABLE`. Cambie content/assets/escudo.png (el escudo
    genérico del ejemplo) por el escudo de la entidad: PNG cuadrado de al menos 512 px; es el
    ícono del navegador y de los feeds y el logo del publicador para los buscadores.
 2. Pruébelo en su equipo: `pregon check --all`, `mkdocs build --strict` y `mkdocs serve`.
    Cree el primer comunicado con `pregon new "Título" --dependencia SLUG`.
 3. Guarde el cambio en git (`git add -A` y `git commit`) y súbalo a la forja de la entidad.
 4. Secretos que pide hoy mkdocs.yml: {listed}. Si envía correo, además
    PREGON_SMTP_PASSWORD, PREGON_PRESS_LISTS y PREGON_SENT_LOG_SECRET (un texto largo al azar
    que no se cambia nunca).

En GitHub (README, «Puesta en marcha en GitHub»):
 - Settings → Pages: fuente «GitHub Actions».
 - Settings → Secrets and variables → Actions: un secreto por cada variable del punto 4.
 - syndicate.approvals.control_points: quién aprueba contenido y diseño (usuarios u org/equipo;
   con equipos, la GitHub App y sus secretos PREGON_APP_ID y PREGON_APP_PRIVATE_KEY).
 - Settings → Rules → Rulesets: proteja main con las verificaciones «pregon/aprobación» y
   «revisar». No proteja la rama pregon-registros.
 - syndicate.alerts: el correo de la oficina y el SMTP para los avisos.

En GitLab (README, «Puesta en marcha en GitLab»):
 - Proteja la rama principal; no proteja pregon-registros.
 - Settings → Access tokens: PREGON_GITLAB_TOKEN (read_api) y PREGON_RECORDS_TOKEN
   (write_repository); los secretos como variables enmascaradas y las listas de prensa como
   variable de tipo File PREGON_PRESS_LISTS_FILE.
 - CI/CD → Schedules: una cada 15 minutos (publicar) y otra diaria con PREGON_TAREA=recoger.
 - Aprobaciones: una regla por punto de control (contenido, diseño); ver docs/aprobaciones.md."""


# ---------------------------------------------------------------- the command


def interactive() -> bool:
    """Whether questions can be asked (a person at a terminal, not a CI job or a pipe)."""
    return sys.stdin.isatty()


def _ask(
    value: str | None,
    option: str,
    question: str,
    *,
    required: bool,
    check: Callable[[str, str], str] | None = None,
) -> str | None:
    """The option's value, or the answer to ``question`` in a terminal (asked again while
    ``check`` refuses it); None when optional and left blank."""
    if value is not None and value.strip():
        value = one_line(value, option)
        return check(value, option) if check else value
    while interactive():
        answer = str(click.prompt(question, default="" if not required else None, show_default=False)).strip()
        if not answer and not required:
            return None
        if not answer:
            continue
        try:
            answer = one_line(answer, option)
            return check(answer, option) if check else answer
        except click.BadParameter as exc:
            click.echo(f"Valor inválido: {exc.message}", err=True)
    if required:
        raise click.BadParameter(
            "falta (escríbalo con la opción o ejecute el comando en una terminal)", param_hint=option
        )
    return None


@click.command()
@click.option("--nombre", help="Nombre de la entidad (p. ej. «Alcaldía de Villa Nueva»).")
@click.option("--url", help="Dirección pública del portal (p. ej. https://prensa.villanueva.gov.co/).")
@click.option("--nit", help="NIT de la entidad.")
@click.option("--direccion", help="Dirección de la sede principal.")
@click.option("--ciudad", help="Municipio o ciudad (y departamento).")
@click.option("--horario", help="Horario de atención.")
@click.option("--telefono", help="Teléfono de atención.")
@click.option("--correo", help="Correo de contacto.")
@click.option("--correo-notificaciones", help="Correo de notificaciones judiciales.")
@click.option(
    "--dependencia",
    "dependencias",
    multiple=True,
    help="Dependencia, «slug=Nombre» o solo el nombre; repítala una vez por dependencia (si no se da, quedan las del ejemplo).",
)
@click.option("--red", "redes", multiple=True, help="Perfil oficial, «red=URL» (p. ej. facebook=https://…); repetible.")
@click.option(
    "--enlace",
    "enlaces",
    multiple=True,
    help="Página legal, «privacidad|terminos|pqrsd|accesibilidad=URL»; repetible.",
)
@click.option(
    "--forzar", is_flag=True, help="Rehacerlo aunque el proyecto ya no sea el ejemplo (borra comunicados y registros)."
)
@config_option
@dry_run_option
def init(
    nombre: str | None,
    url: str | None,
    nit: str | None,
    direccion: str | None,
    ciudad: str | None,
    horario: str | None,
    telefono: str | None,
    correo: str | None,
    correo_notificaciones: str | None,
    dependencias: tuple[str, ...],
    redes: tuple[str, ...],
    enlaces: tuple[str, ...],
    forzar: bool,
    config_path: Path,
    dry_run: bool,
) -> None:
    """Convierte el portal de ejemplo en el de su entidad: nombre, dirección, datos, dependencias y redes.

    Borra los comunicados, imágenes y registros de ejemplo, deja la guía para editores y dice qué
    hacer después (secretos, GitHub o GitLab). Pregunta en la terminal lo que no se dé como opción.
    Se niega a repetirse sobre un proyecto que ya no es el ejemplo, salvo con --forzar.
    """
    # What only options can give is checked first: nobody answers questions to then be refused.
    networks = {k: check_url(v, "--red") for k, v in parse_pairs(redes, "--red", what="«red=URL»")}
    links = {}
    for key, value in parse_pairs(enlaces, "--enlace", what="«privacidad|terminos|pqrsd|accesibilidad=URL»"):
        if key not in LINK_KEYS:
            raise click.BadParameter(
                f"{key!r} no es privacidad, terminos, pqrsd ni accesibilidad", param_hint="--enlace"
            )
        links[LINK_KEYS[key]] = check_url(value, "--enlace")
    offices = parse_dependencias(dependencias)
    name = _ask(nombre, "--nombre", "Nombre de la entidad", required=True) or ""
    site = _ask(url, "--url", "Dirección pública del portal (https://…)", required=True, check=check_url) or ""
    entity = Entity(
        name=name,
        url=site if site.endswith("/") else site + "/",
        nit=_ask(nit, "--nit", "NIT (Enter para omitir)", required=False),
        address=_ask(direccion, "--direccion", "Dirección de la sede (Enter para omitir)", required=False),
        city=_ask(ciudad, "--ciudad", "Municipio o ciudad (Enter para omitir)", required=False),
        hours=_ask(horario, "--horario", "Horario de atención (Enter para omitir)", required=False),
        phone=_ask(telefono, "--telefono", "Teléfono de atención (Enter para omitir)", required=False),
        email=_ask(correo, "--correo", "Correo de contacto (Enter para omitir)", required=False, check=check_email),
        notifications_email=_ask(
            correo_notificaciones,
            "--correo-notificaciones",
            "Correo de notificaciones judiciales (Enter para omitir)",
            required=False,
            check=check_email,
        ),
        networks=networks,
        links=links,
        dependencias=offices,
    )
    if has_marker(entity.name):
        raise click.BadParameter(f"{entity.name!r} es el nombre del ejemplo", param_hint="--nombre")
    year = (fixed_now() or datetime.now()).year
    plan = plan_init(config_path, entity, force=forzar, year=year)
    if dry_run:
        click.echo(f"Simulación de `pregon init` para {entity.name}:")
        for line in plan.describe():
            click.echo(f"  {line}")
        for path in plan.leftovers:
            click.echo(f"  aviso: {path} seguiría con texto del ejemplo; revíselo a mano")
        click.echo("No se escribió nada.")
        return
    plan.apply()
    for path in plan.leftovers:
        click.echo(f"Aviso: {path} sigue con texto del ejemplo; revíselo a mano.", err=True)
    click.echo(next_steps(entity, plan.writes[config_path.resolve()]))
