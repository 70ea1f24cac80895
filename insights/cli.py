"""``pregon collect``, ``pregon report growth|sentiment``, ``pregon audit``, ``pregon sentiment train``.

Exit status: 0 on success (an empty month is a success with a message), 1 when a channel could
not be read or a report could not be made, 2 for a configuration or input error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from xlsxwriter.exceptions import FileCreateError

from ..cli import config_option, dry_run_option
from ..clock import fixed_now
from ..os_errors import reason as os_reason
from ..syndicate.config import ConfigError
from ..syndicate.jsonlines import RecordError
from ..syndicate.ledger import LedgerError
from .config import load_settings
from .months import Month
from .private import PrivateStore, PrivateStoreError
from .sentiment.classifier import ClassifierError
from .sentiment.labelled import LabelledFileError
from .sentiment.xlsx import CorrectionsError

if TYPE_CHECKING:
    from .sentiment.model import TfidfClassifier  # scikit-learn: imported only when a report is made

F = TypeVar("F", bound=Callable[..., Any])

_MONTH = click.option("--month", "--mes", "month", required=True, help="Mes del informe, AAAA-MM.")
_OUTPUT = click.option("-o", "--salida", "output", type=click.Path(path_type=Path), help="Archivo o carpeta de salida.")


def _now() -> datetime:
    # PREGON_NOW fixes the clock for reproducible tests and demos, as for builds and syndicate.
    return fixed_now() or datetime.now(UTC)


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None


def _errors(func: F) -> F:
    """Turn the expected errors into a Spanish message and an exit status, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, PrivateStoreError, LabelledFileError, CorrectionsError, ClassifierError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except (RecordError, LedgerError) as exc:
            click.echo(f"Error en los registros: {exc}", err=True)
            sys.exit(1)
        except (OSError, FileCreateError) as exc:
            where = getattr(exc, "filename", None) or getattr(exc.__context__, "filename", None) or "un archivo"
            click.echo(f"Error: {where}: {os_reason(exc)}; no se terminó el comando", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.command()
@config_option
@dry_run_option
@_errors
def collect(config_path: Path, dry_run: bool) -> None:
    """Toma la foto diaria de seguidores, métricas por publicación, respuestas y menciones.

    Con --dry-run lee las redes y dice qué guardaría, sin escribir registros ni textos.
    """
    from ..syndicate.accounts import AccountError, accounts
    from ..syndicate.channels import open_account
    from . import best_hours
    from .collect import collect as run_collect
    from .metrics import MetricsStore, PlannedMetrics
    from .posts import syndicated_posts

    settings = load_settings(config_path)
    private = None if dry_run else PrivateStore.configured()
    channels, failures = {}, []
    for name, account in accounts(settings.syndicate):
        try:
            if isinstance(account, AccountError):
                raise account
            channels[name] = open_account(account)
        except AccountError as exc:
            failures.append(f"{name}: la cuenta no se pudo configurar: {exc.message}")
        except Exception as exc:
            failures.append(f"{name}: la cuenta no se pudo configurar ({type(exc).__name__})")
    now = _now()
    posts = syndicated_posts(settings.records)
    metrics = MetricsStore(settings.records / "metrics")
    if dry_run:
        metrics = PlannedMetrics(metrics.folder)
    try:
        result = run_collect(
            channels, posts, metrics, private, now=now, retention_days=settings.insights.retention_days
        )
    finally:
        for channel in channels.values():
            channel.close()
    result.failures[:0] = failures
    if isinstance(metrics, PlannedMetrics):
        click.echo(
            f"Simulación: se guardarían {len(metrics.planned)} líneas de métricas ({result.accounts} cuentas y "
            f"{result.posts} publicaciones); sin carpeta privada no se leen respuestas ni menciones. "
            "No se escribió nada."
        )
        for failure in result.failures:
            click.echo(f"Error: {failure}", err=True)
        sys.exit(1 if result.failures else 0)
    hours = settings.insights.best_hours
    configured = list(settings.syndicate.channels)
    best = best_hours.compute(posts, metrics.posts(), configured, min_posts=hours.min_posts, top=hours.top)
    path = best_hours.write(settings.records, best_hours.to_document(best, now, hours.min_posts))

    click.echo(
        f"Métricas: {result.accounts} cuentas y {result.posts} publicaciones medidas; "
        f"{result.mentions} respuestas o menciones nuevas; {result.purged} textos borrados por antigüedad."
    )
    click.echo(f"Mejores horas: {path} ({len(best.hours)} redes con datos suficientes).")
    for channel, reason in best.insufficient.items():
        click.echo(f"  {channel}: sin mejores horas ({reason}).")
    for note in result.notes:
        click.echo(f"Aviso: {note}")
    for failure in result.failures:
        click.echo(f"Error: {failure}", err=True)
    if result.failures:
        click.echo("Hubo redes que no se pudieron leer; las demás se guardaron.", err=True)
        sys.exit(1)


@click.group()
def report() -> None:
    """Informes mensuales en Excel y PDF: crecimiento en redes y sentimiento."""


@report.command()
@config_option
@_MONTH
@_OUTPUT
@dry_run_option
@_errors
def growth(config_path: Path, month: str, output: Path | None, dry_run: bool) -> None:
    """Crecimiento de seguidores, publicaciones e interacción por red (.xlsx)."""
    from . import growth as figures
    from .growth_page import write_page
    from .growth_xlsx import key_facts, write_growth
    from .metrics import MetricsStore
    from .pdf import write_growth_pdf
    from .posts import syndicated_posts
    from .titles import release_titles

    settings = load_settings(config_path)
    the_month = _month(month)
    metrics = MetricsStore(settings.records / "metrics")
    data = figures.build(
        the_month, metrics, syndicated_posts(settings.records), release_titles(config_path), settings.accounts()
    )
    if data.empty:
        click.echo(
            f"No hay datos de redes para {the_month.name_es}: no se recogieron métricas ni se difundieron "
            "comunicados ese mes (las métricas se toman a diario con `pregon collect`). No se generó el informe."
        )
        return
    path = _target(output, settings.reports_dir(), f"redes-{the_month}.xlsx")
    if dry_run:
        click.echo(f"Simulación: se escribirían {path} y {path.with_suffix('.pdf')}. No se escribió nada.")
        return
    click.echo(f"Informe de crecimiento: {write_growth(data, path, settings.entity)}")
    pdf = write_growth_pdf(data, path.with_suffix(".pdf"), settings.entity, key_facts(data))
    click.echo(f"Versión para imprimir: {pdf}")
    if settings.insights.portal_page:
        click.echo(f"Página del portal: {write_page(data, settings.project, settings.insights.portal_page)}")


@report.command(name="sentiment")
@config_option
@_MONTH
@_OUTPUT
@click.option("--correcciones", "corrections", type=click.Path(path_type=Path),
              help="Informe de sentimiento con la columna etiqueta_corregida llena por una persona.")  # fmt: skip
@dry_run_option
@_errors
def sentiment_report(
    config_path: Path, month: str, output: Path | None, corrections: Path | None, dry_run: bool
) -> None:
    """Sentimiento (positivo, neutro, negativo) de respuestas y menciones (.xlsx, seudonimizado)."""
    from .pdf import write_sentiment_pdf
    from .posts import syndicated_posts
    from .sentiment.classifier import load_classifier
    from .sentiment.report import build
    from .sentiment.xlsx import read_corrections, write_sentiment
    from .titles import release_titles

    settings = load_settings(config_path)
    the_month = _month(month)
    store = PrivateStore.from_env()
    if corrections is not None:
        fixes = read_corrections(corrections)
        if dry_run:
            click.echo(f"Simulación: se guardarían {len(fixes)} correcciones.")
        else:
            store.add_corrections(fixes, _now())
            click.echo(f"Correcciones guardadas: {len(fixes)} (se aplican en este y en los próximos informes).")
    if not store.mentions(the_month) and not store.mentions(the_month.next()):
        click.echo(
            f"No hay respuestas ni menciones recogidas para {the_month.name_es} en la carpeta privada "
            f"{store.root}: `pregon collect` las recoge a diario. No se generó el informe."
        )
        return
    options = settings.insights.sentiment
    classifier = load_classifier(options.classifier)
    data = build(the_month, store, classifier, syndicated_posts(settings.records), release_titles(config_path))
    if data.empty:
        click.echo(f"No hay respuestas ni menciones de {the_month.name_es}. No se generó el informe.")
        return
    if options.classifier.endswith(":default_classifier"):
        from .sentiment.model import TfidfClassifier

        accuracy = ""
        if isinstance(classifier, TfidfClassifier):
            accuracy = _accuracy_note(classifier)
        note = (
            "Clasificador por defecto: TF-IDF + léxico, entrenado con SentiMP-21 (CC BY-SA 4.0) y las etiquetas "
            "propias de la oficina; las preguntas y solicitudes de información sin queja cuentan como neutras."
            + accuracy
            + " Revise las muestras antes de sacar conclusiones."
        )
    else:
        note = f"Clasificador configurado: {options.classifier}."
    # Pseudonymised texts may still carry personal details: by default the report stays private.
    path = _target(output, store.root / "informes", f"sentimiento-{the_month}.xlsx")
    if dry_run:
        click.echo(
            f"Simulación: se escribiría el informe de sentimiento {path} ({len(data.rows)} textos). No se escribió nada."
        )
        return
    write_sentiment(data, path, options.samples, note, settings.entity, settings.accounts())
    write_sentiment_pdf(data, path.with_suffix(".pdf"), settings.entity, note)
    totals = data.totals()
    click.echo(
        f"Informe de sentimiento: {path} y {path.with_suffix('.pdf')} ({len(data.rows)} textos: {totals['positivo']} positivos, "
        f"{totals['neutro']} neutros, {totals['negativo']} negativos; {data.corrections_applied} corregidos)."
    )


@click.command()
@config_option
@_MONTH
@_OUTPUT
@dry_run_option
@_errors
def audit(config_path: Path, month: str, output: Path | None, dry_run: bool) -> None:
    """Registros del mes para los entes de control: decisiones, aprobaciones y publicaciones (.xlsx y .csv)."""
    from . import audit as registers
    from .posts import syndicated_posts
    from .titles import release_titles

    settings = load_settings(config_path)
    the_month = _month(month)
    data = registers.build(the_month, settings.records, syndicated_posts(settings.records), release_titles(config_path))
    if data.empty:
        click.echo(
            f"No hay decisiones de aprobación, aprobaciones ni publicaciones registradas en {the_month.name_es}. "
            "No se generaron archivos."
        )
        return
    folder = output or settings.reports_dir()
    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(
            f"{folder}: debe ser una carpeta (los registros son un .xlsx y varios .csv)", param_hint="--salida"
        )
    if dry_run:
        click.echo(
            f"Simulación: se escribirían los registros del mes en {folder} ({len(data.decisions)} decisiones, "
            f"{len(data.approvals)} aprobaciones, {len(data.posts)} publicaciones). No se escribió nada."
        )
        return
    for path in registers.write(data, folder, settings.entity):
        click.echo(f"Registro: {path}")
    click.echo(
        f"{len(data.decisions)} decisiones, {len(data.approvals)} aprobaciones, {len(data.posts)} publicaciones."
    )


@click.group()
def sentiment() -> None:
    """Modelo de sentimiento: reentrenar con las etiquetas propias de la oficina."""


@sentiment.command()
@click.argument("labelled", metavar="ARCHIVO", type=click.Path(path_type=Path))
@dry_run_option
@_errors
def train(labelled: Path, dry_run: bool) -> None:
    """Reentrena con ARCHIVO (.csv o .xlsx con columnas texto y etiqueta) y mide el macro-F1.

    Con --dry-run mide el macro-F1 sin guardar las etiquetas ni el modelo.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from .sentiment.labelled import read_labelled
    from .sentiment.model import build_pipeline, cached_classifier

    examples = read_labelled(labelled)
    store = PrivateStore.from_env()
    counts = {label: sum(e.label == label for e in examples) for label in sorted({e.label for e in examples})}
    click.echo(f"{labelled}: {len(examples)} textos etiquetados ({', '.join(f'{k}: {v}' for k, v in counts.items())}).")
    folds = min(5, *counts.values())
    if folds >= 2 and len(counts) > 1:
        from sklearn.metrics import f1_score

        from .colombia import decimal

        texts, labels = [e.text for e in examples], [e.label for e in examples]
        predicted = cross_val_predict(
            build_pipeline(), texts, labels, cv=StratifiedKFold(folds, shuffle=True, random_state=1)
        )
        score = f1_score(labels, predicted, average="macro")
        click.echo(f"Macro-F1 con validación cruzada ({folds} particiones, solo sus textos): {decimal(score)}")
    else:
        click.echo("Muy pocos ejemplos por clase para medir el macro-F1 (se necesitan al menos 2 de cada una).")
    if dry_run:
        click.echo("Simulación: no se guardaron las etiquetas ni el modelo.")
        return
    store.set_office_labels(examples)
    cached_classifier(examples)
    click.echo(f"Modelo reentrenado con SentiMP-21 y sus {len(examples)} textos; etiquetas guardadas en {store.root}.")


def _accuracy_note(classifier: TfidfClassifier) -> str:
    """What the report says of the default model's measured accuracy: the project's own replies
    and, above all, the public sets it never saw, whose figures are the honest ones."""
    from .colombia import day, decimal
    from .sentiment.measures import public_measures
    from .sentiment.model import held_out_scores

    macro, neutral, count = held_out_scores(classifier)
    note = (
        f" Exactitud medida: macro-F1 {decimal(macro)} (exhaustividad neutra {decimal(neutral)}) sobre {count} "
        "respuestas ciudadanas escritas para el proyecto y nunca usadas para entrenar"
    )
    measured, public = public_measures()
    if public:
        figures = "; ".join(
            f"{m.name}, {m.texts} textos: macro-F1 {decimal(m.macro_f1)}, exhaustividad neutra "
            f"{decimal(m.neutral_recall)}"
            for m in public
        )
        note += (
            f"; sobre conjuntos públicos de tuits que el modelo nunca vio (medido el {day(measured)}, modelo por "
            f"defecto sin etiquetas de la oficina): {figures}. Con cifras así, cerca de la mitad de las "
            "clasificaciones pueden estar erradas: use los totales como tendencia, no como dato exacto"
        )
    return note + "."


def _target(output: Path | None, default_folder: Path, name: str) -> Path:
    """Where a report goes: ``-o`` a folder (the default name inside) or an ``.xlsx`` file; the
    PDF is written beside it."""
    if output is None:
        return default_folder / name
    if output.is_dir() or not output.suffix:
        return output / name
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output}: use un archivo .xlsx o una carpeta", param_hint="--salida")
    if output.exists() and not output.is_file():
        raise click.BadParameter(f"{output}: no es un archivo", param_hint="--salida")
    return output
