"""``pregon check`` and ``pregon new``: what editors and reviewers run on a pull request."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from pregon.cli import config_option, dry_run_option, one_line

from .changed import GitError, changed_files, default_base, releases_for
from .findings import Finding, Severity
from .project import ProjectError, load_project


@click.command()
@click.argument("paths", nargs=-1, metavar="[ARCHIVOS]...", type=click.Path(exists=True, path_type=Path))
@click.option("--all", "check_all", is_flag=True, help="Revisar todos los comunicados, no solo los cambiados.")
@click.option("--base", default=None, help="Rama base para saber qué cambió (por defecto origin/main o la del PR).")
@click.option(
    "--format",
    "output",
    type=click.Choice(["terminal", "github", "json"]),
    default="terminal",
    show_default=True,
    help="terminal; github: anotaciones y resumen para GitHub Actions; json.",
)
@click.option("--previews", is_flag=True, help="Mostrar en la terminal el texto completo de cada publicación.")
@click.option("--strip-exif", is_flag=True, help="Quitar los datos EXIF (ubicación GPS) de las imágenes revisadas.")
@config_option
@dry_run_option
def check(
    paths: tuple[Path, ...],
    check_all: bool,
    base: str | None,
    output: str,
    previews: bool,
    strip_exif: bool,
    config_path: Path,
    dry_run: bool,
) -> None:
    """Revisa los comunicados nuevos o modificados (o los ARCHIVOS dados) antes de publicarlos.

    Los errores hacen fallar la revisión (código de salida 1); las advertencias y notas no. Solo
    --strip-exif cambia archivos; con --dry-run dice qué fotos limpiaría, sin tocarlas.
    """
    from . import check as checking
    from . import output as out

    def fail(message: str, path: str) -> NoReturn:
        if output == "github":  # shown on the PR, not only in the log
            click.echo(out.annotation(Finding(Severity.ERROR, "configuracion", path, message)))
        raise click.ClickException(message)

    try:
        project = load_project(config_path)
    except ProjectError as exc:
        fail(str(exc), str(config_path))
    root = project.releases_root
    if check_all:
        targets = sorted(root.rglob("*.md"))
    elif paths:
        targets = sorted({t for p in paths for t in _expand(p.resolve(), root)})
    else:
        try:
            targets = releases_for(changed_files(project.root, base or default_base()), root)
        except GitError as exc:
            fail(str(exc), str(config_path))
    targets = [t for t in targets if project.is_release(t) and t.name != "index.md"]
    result = checking.run(project, targets, strip_exif=strip_exif, dry_run=dry_run)
    if output == "github":
        out.write_github(result, sys.stdout)
    elif output == "json":
        click.echo(out.to_json(result))
    else:
        out.write_terminal(result, previews=previews)
    sys.exit(1 if result.failed else 0)


def _expand(path: Path, releases_root: Path) -> list[Path]:
    """A folder means every release under it; a media file means the releases next to it."""
    if path.is_dir():
        return sorted(path.rglob("*.md"))
    return [path] if path.suffix == ".md" else releases_for([path], releases_root)


@click.command()
@click.argument("title", metavar="TITULO")
@click.option("--dependencia", "-d", required=True, help="Dependencia que emite el comunicado (ver mkdocs.yml).")
@config_option
@dry_run_option
def new(title: str, dependencia: str, config_path: Path, dry_run: bool) -> None:
    """Crea un comunicado nuevo (TITULO) con su encabezado listo para completar."""
    from .new import ReleaseExists, UnknownDependencia, create_release

    title = one_line(title, "TITULO")
    if not title:
        raise click.BadParameter("está vacío: escriba el título del comunicado", param_hint="TITULO")
    try:
        project = load_project(config_path)
        created = create_release(project, title, dependencia, dry_run=dry_run)
    except (ProjectError, ReleaseExists, UnknownDependencia) as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        click.echo(f"Se crearía {created.shown} (y la carpeta {created.shown_folder}/ para sus imágenes):\n")
        click.echo(created.text)
        return
    click.echo(created.instructions())
