"""Sentiment: pseudonymisation, the report's numbers, corrections, retraining and the pluggable model."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner
from pregon.insights.private import PrivateStore, PrivateStoreError
from pregon.insights.pseudonym import mask, pseudonym
from pregon.insights.sentiment.classifier import default_classifier
from pregon.insights.sentiment.labelled import LABELS

from pregon.cli import main as pregon

BOGOTA = ZoneInfo("America/Bogota")
MONTH = "2026-02"


def always_neutral() -> object:
    """A stand-in "stronger model" for the pluggable-classifier test."""

    class Neutral:
        def predict(self, texts: Sequence[str]) -> list[str]:
            return ["neutro"] * len(texts)

    return Neutral()


def test_mask_removes_handles_emails_phones_links_and_the_authors_name() -> None:
    text = (
        "@alcaldia_ejemplo @ana.perez gracias! escríbanme a ana.perez@correo.com.co o al "
        "+57 300 555 1234, (601) 234-5678 https://bsky.app/profile/ana.bsky.social Saludos, AnaPerez"
    )
    masked = mask(text + " mañana", names=("AnaPerez", "ana"))
    assert masked == (
        "@usuario @usuario gracias! escríbanme a [correo] o al [teléfono], [teléfono] [enlace] Saludos, [nombre] mañana"
    )
    assert not re.search(r"\d{3}", masked)


def test_pseudonyms_are_stable_and_depend_on_the_secret_salt() -> None:
    one = pseudonym(b"sal-1", "autor", "bluesky", "ana.bsky.social")
    assert one == pseudonym(b"sal-1", "autor", "bluesky", "ana.bsky.social")
    assert one != pseudonym(b"sal-2", "autor", "bluesky", "ana.bsky.social")
    assert "ana" not in one and len(one) == 12


def test_default_model_reads_obvious_polarity() -> None:
    labels = default_classifier().predict(
        ["Gracias, excelente trabajo, felicitaciones al equipo 👏", "Pésimo servicio, qué vergüenza, nadie responde 😡"]
    )
    assert labels == ["positivo", "negativo"]


def _raw_mentions(private: Path, month: str) -> list[dict]:
    lines = []
    for path in (private / "menciones").glob("*.jsonl"):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            created = datetime.fromisoformat(line["created_at"]).astimezone(BOGOTA)
            if created.strftime("%Y-%m") == month:
                lines.append(line)
    return lines


def _samples(path: Path) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)["Muestras"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _report(config: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        pregon, ["report", "sentiment", "-f", str(config), "--month", MONTH, "-o", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture()
def own_private(year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the year's private store this test may change (corrections)."""
    copy = tmp_path / "privado"
    shutil.copytree(year.private, copy)
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(copy))
    return copy


def test_report_counts_every_mention_of_the_month_pseudonymised(year, private_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "sentimiento.xlsx"
    _report(year.config, out)
    raw = _raw_mentions(private_env, MONTH)
    samples = _samples(out)
    assert len(samples) == min(200, len(raw))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Resumen", "Por cuenta", "Por semana", "Por comunicado", "Términos", "Muestras", "Base de datos"
    ]  # fmt: skip
    summary = {r[0]: r[1] for r in book["Resumen"].iter_rows(values_only=True) if r[0] in LABELS}
    assert sum(summary.values()) == len(raw)
    # Samples are balanced across the model's classes: a rare class is not drowned by a frequent one.
    for label, total in summary.items():
        assert sum(1 for s in samples if s["etiqueta_modelo"] == label) >= min(total, 200 // 3)
    by_network = list(book["Por cuenta"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(by_network) if r[0] == "Cuenta")
    totals = {r[0]: r[4] for r in by_network[header + 1 :] if r[0]}
    expected = {
        channel: sum(1 for m in raw if m["channel"] == channel) for channel in ("bluesky", "facebook", "mastodon", "x")
    }
    assert totals == expected
    # The database the procedures ask for: every comment of the month, not a sample.
    database = list(book["Base de datos"].iter_rows(values_only=True))
    rows = [dict(zip(database[0], r, strict=True)) for r in database[1:]]
    assert len(rows) == len(raw)
    assert {r["red"] for r in rows} == {"Bluesky", "Facebook", "Mastodon", "X"}
    assert all(0 < r["confianza"] <= 1 and r["etiqueta_final"] in LABELS for r in rows)
    # Most replies answer one of our posts: the release column names it from the ledger.
    assert sum(1 for s in samples if s["comunicado"].startswith("2026-0")) > len(samples) / 2

    # Nothing that identifies a person: no handles, e-mails, phone numbers or author names.
    with zipfile.ZipFile(out) as archive:
        everything = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for line in raw:
        assert line["author"] not in everything
        assert line["remote_id"] not in everything
    assert not re.search(r"@vecina_\d|vecino\d+@|300 555", everything)
    assert all(re.fullmatch(r"[0-9a-f]{10}", s["autor_seudonimo"]) for s in samples)


def test_charts_in_the_sentiment_workbook(year, private_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    _report(year.config, out)
    with zipfile.ZipFile(out) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert any("<c:pieChart>" in c for c in charts)
    assert any('<c:grouping val="stacked"/>' in c for c in charts)


def test_corrections_are_honoured_now_and_on_later_runs(year, own_private: Path, tmp_path: Path) -> None:
    first = tmp_path / "primero.xlsx"
    _report(year.config, first)
    book = openpyxl.load_workbook(first)
    sheet = book["Muestras"]
    header = [c.value for c in sheet[1]]
    model, fix = header.index("etiqueta_modelo") + 1, header.index("etiqueta_corregida") + 1
    corrected = {}
    for row in range(2, 12):
        label = sheet.cell(row, model).value
        new = next(x for x in LABELS if x != label)
        sheet.cell(row, fix).value = new.upper()  # analysts type as they like
        corrected[sheet.cell(row, 1).value] = new
    book.save(tmp_path / "corregido.xlsx")

    second = tmp_path / "segundo.xlsx"
    output = _report(year.config, second, "--correcciones", str(tmp_path / "corregido.xlsx"))
    assert "Correcciones guardadas: 10" in output and "10 corregidos" in output
    third = tmp_path / "tercero.xlsx"
    _report(year.config, third)  # no file given: the stored corrections still apply
    for path in (second, third):
        rows = {s["id"]: s for s in _samples(path)}
        for sample_id, label in corrected.items():
            assert rows[sample_id]["etiqueta_corregida"] == label
    before = {
        r[0]: r[1] for r in openpyxl.load_workbook(first)["Resumen"].iter_rows(values_only=True) if r[0] in LABELS
    }
    after = {r[0]: r[1] for r in openpyxl.load_workbook(third)["Resumen"].iter_rows(values_only=True) if r[0] in LABELS}
    assert before != after and sum(before.values()) == sum(after.values())
    # Corrections live in the private store, by pseudonymous id only.
    stored = (own_private / "sentimiento" / "correcciones.jsonl").read_text()
    assert set(corrected) <= {json.loads(x)["id"] for x in stored.splitlines()}


def test_a_bad_correction_names_file_row_and_column(year, own_private: Path, tmp_path: Path) -> None:
    first = tmp_path / "r.xlsx"
    _report(year.config, first)
    book = openpyxl.load_workbook(first)
    book["Muestras"].cell(3, 8).value = "regular"
    book.save(first)
    result = CliRunner().invoke(pregon, ["report", "sentiment", "-f", str(year.config), "--month", MONTH,
                                         "-o", str(tmp_path / "x.xlsx"), "--correcciones", str(first)])  # fmt: skip
    assert result.exit_code == 2
    assert f"{first}, hoja «Muestras», fila 3, columna etiqueta_corregida: 'regular'" in result.output


def test_configured_classifier_is_used(year, private_env: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    config = (
        year.config.read_text()
        .replace("records: records", f"records: {year.records}")
        .replace(
            "        insights:\n",
            f"        insights:\n          sentiment: {{classifier: '{__name__}:always_neutral'}}\n",
        )
    )
    (project / "mkdocs.yml").write_text(config)
    out = tmp_path / "n.xlsx"
    _report(project / "mkdocs.yml", out)
    assert {s["etiqueta_modelo"] for s in _samples(out)} == {"neutro"}


def test_empty_month_message(year, private_env: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(pregon, ["report", "sentiment", "-f", str(year.config), "--month", "2024-05",
                                         "-o", str(tmp_path / "v.xlsx")])  # fmt: skip
    assert result.exit_code == 0
    assert "No hay respuestas ni menciones recogidas para mayo de 2024" in result.output
    assert not (tmp_path / "v.xlsx").exists()


def test_private_store_refuses_a_folder_inside_a_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    with pytest.raises(PrivateStoreError, match="Ley 1581"):
        PrivateStore(repo / "privado")


def test_train_from_an_office_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(tmp_path / "privado"))
    rows = ["texto;etiqueta"]
    for i in range(6):
        rows += [f"Gracias por el parque del barrio {i};Positivo", f"Sigue el hueco de la calle {i};negativo",
                 f"¿Horario de atención de la sede {i}?;neutro"]  # fmt: skip
    labelled = tmp_path / "etiquetas.csv"
    labelled.write_text("\n".join(rows), encoding="utf-8")
    result = CliRunner().invoke(pregon, ["sentiment", "train", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "18 textos etiquetados" in result.output and "Macro-F1 con validación cruzada" in result.output
    store = PrivateStore(tmp_path / "privado")
    assert len(store.office_labels()) == 18
    # The retrained default model now knows the office's own wording.
    assert default_classifier().predict(["Sigue el hueco de la calle 40"]) == ["negativo"]


def test_train_rejects_a_file_without_the_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREGON_PRIVATE_DIR", str(tmp_path / "privado"))
    labelled = tmp_path / "malo.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["comentario", "sentimiento"])
    book.active.append(["hola", "positivo"])
    book.save(labelled)
    result = CliRunner().invoke(pregon, ["sentiment", "train", str(labelled)])
    assert result.exit_code == 2
    assert f"{labelled}: faltan las columnas texto, etiqueta" in result.output


def test_samples_keep_corrections_and_balance_the_classes() -> None:
    from pregon.insights.months import Month
    from pregon.insights.sentiment.report import Row, SentimentReport

    start = datetime(2026, 2, 1, tzinfo=BOGOTA)
    counts = {"negativo": 100, "neutro": 30, "positivo": 6}
    rows = [
        Row(f"{label}-{i}", "x", start + timedelta(hours=i), "a", "t", "r", label, None)
        for label, n in counts.items()
        for i in range(n)
    ]
    rows[5] = Row("corregida", "x", start, "a", "t", "r", "negativo", "positivo")
    picked = SentimentReport(Month(2026, 2), rows, 1).samples(31)
    assert len(picked) == 31 and "corregida" in {r.id for r in picked}
    by_class = {label: sum(1 for r in picked if r.predicted == label and not r.corrected) for label in counts}
    assert by_class == {"negativo": 12, "neutro": 12, "positivo": 6}
    negatives = [r for r in picked if r.predicted == "negativo" and not r.corrected]
    assert negatives[-1].created - negatives[0].created > timedelta(hours=80)  # spread over the month


def test_lexicon_cues_handle_negation_accents_and_emoji() -> None:
    from pregon.insights.sentiment.lexicon import FEATURES, cues

    def named(text: str) -> dict[str, float]:
        return dict(zip(FEATURES, cues(text), strict=True))

    assert named("Excelente gestión")["positivas"] == 1
    assert named("no es nada bueno")["negativas"] == 1 and named("no es nada bueno")["positivas"] == 0
    assert named("PÉSIMO servicio")["negativas"] == 1  # case and accents do not matter
    assert named("llegó el agua 🙌")["emoji_pos"] > 0 and named("otra vez 😡")["emoji_neg"] > 0
    assert named("jajaja qué oso")["risa"] == 1
    # Typed emoticons count like emoji; a clock time or a link is not one.
    assert named("llegó el agua :)")["emoji_pos"] > 0 and named("otra vez :'(")["emoji_neg"] > 0
    assert named("a las 10:30 (hoy) en http://x.example:8080/(a)")["emoji_pos"] == 0
    assert named("a las 10:30 (hoy) en http://x.example:8080/(a)")["emoji_neg"] == 0
    # General emotion words, with their inflections, beside the city-hall vocabulary.
    assert named("Qué tristes noticias, me da asco")["negativas"] == 2
    assert named("Me encantó, qué ganas de volver")["positivas"] == 2
    assert named("sin ganas")["negativas"] == 1  # negated
    # A set phrase counts for its own tone, not its words': "menos mal" is relief, not "mal".
    assert (named("Menos mal llegó el agua")["positivas"], named("Menos mal llegó el agua")["negativas"]) == (1, 0)
    assert named("Qué mamera esa fila, ¡qué oso!")["negativas"] == 2
    assert (named("no vale la pena")["positivas"], named("no vale la pena")["negativas"]) == (0, 1)  # negated
    # Links and @handles carry no polarity: "@buenvecino" is not the word "buen".
    assert named("@buenvecino https://mal.example/x")["positivas"] == named("x")["positivas"] == 0
    # A stem reaches only its own family: «descarado», not «descargar»; «precioso», not «precios».
    assert named("¿Dónde descargo el formulario? Es una descarga rápida")["negativas"] == 0
    assert named("Los precios y los dichos del concejal")["positivas"] == 0
    assert named("Qué descarados, preciosa la plaza")["negativas"] == 1 == named("preciosa la plaza")["positivas"]


def test_a_reply_made_only_of_emoji_is_read_by_its_emoji() -> None:
    """With no words the model has nothing to read and called every such reply neutral; their
    emoji decide (newer ones such as 🤬 and 🤡 included), and a neutral one stays neutral."""
    model = default_classifier()
    replies = ["👏👏👏", "😍", "@alcaldia 🙏", "😡😡", "🤬", "🤡🤡", "🤔", "https://x.example/a 👍"]
    assert model.predict(replies) == [
        "positivo", "positivo", "positivo", "negativo", "negativo", "negativo", "neutro", "positivo",
    ]  # fmt: skip
    # A text with words is still the model's call (the emoji are one of its cues), even when its
    # only words are a link or a handle's placeholder and something else.
    from pregon.insights.sentiment.lexicon import emoji_only_label

    assert emoji_only_label("Otra vez sin agua en el barrio 👏") is None
    assert emoji_only_label("@alcaldia 👏") == "positivo" and emoji_only_label("sí 👏") is None


def test_office_labels_accept_the_usual_spellings() -> None:
    from pregon.insights.sentiment.labelled import canonical_label

    assert [canonical_label(v) for v in ("Positivo", "NEGATIVA", "neutral", 1, -1, 0.0, "1.0", "x", None)] == [
        "positivo", "negativo", "neutro", "positivo", "negativo", "neutro", "positivo", None, None,
    ]  # fmt: skip


def test_questions_and_requests_for_information_are_neutral() -> None:
    from pregon.insights.sentiment.lexicon import asks_for_information

    assert asks_for_information("¿Ese subsidio aplica para el estrato 2?")
    assert asks_for_information("Quisiera saber si el curso es gratuito")
    assert not asks_for_information("¿Hasta cuándo vamos a seguir sin alumbrado?")
    assert not asks_for_information("¿Por qué no han arreglado el puente?")
    assert not asks_for_information("Pésimo servicio, ¿nadie atiende?")
    assert not asks_for_information("Bravo por el nuevo horario de la biblioteca")


def test_held_out_replies_reach_the_goal() -> None:
    """Trained on SentiMP-21 only, scored on citizens' replies it never saw (shipped beside it)."""
    from pregon.insights.sentiment.labelled import bundled_corpus
    from pregon.insights.sentiment.model import TfidfClassifier, held_out_scores

    macro, neutral, count = held_out_scores(TfidfClassifier.train(bundled_corpus()))
    assert count >= 50
    assert macro >= 0.60 and neutral >= 0.50, (macro, neutral)


class _Probabilities:
    """A fitted pipeline's face (classes and probabilities), to test the decision rule alone."""

    classes_ = ("negativo", "neutro", "positivo")

    def __init__(self, rows: list[tuple[float, float, float]]) -> None:
        self.rows = rows

    def predict_proba(self, texts: list[str]) -> list[tuple[float, float, float]]:
        return self.rows[: len(texts)]


def test_an_unsure_polar_call_and_an_information_request_are_neutral() -> None:
    from pregon.insights.sentiment.model import POLAR_AT_LEAST, TfidfClassifier

    rows = [
        (0.80, 0.10, 0.10),  # sure: negative
        (POLAR_AT_LEAST - 0.01, 0.30, 0.26),  # most likely negative, but below the bar: neutral
        (0.05, 0.15, 0.80),  # sure, but a question without complaint: neutral
        (0.20, 0.30, POLAR_AT_LEAST),  # exactly at the bar: positive
    ]
    texts = ["Pésimo", "Regular", "¿Ese subsidio aplica para el estrato 2?", "Bien"]
    model = TfidfClassifier(_Probabilities(rows))  # type: ignore[arg-type]
    assert model.predict(texts) == ["negativo", "neutro", "neutro", "positivo"]
    # The confidence is the probability of the class given, not of the model's first choice.
    assert model.confidences(texts) == [0.80, 0.30, 0.15, POLAR_AT_LEAST]


def test_the_public_held_out_figures_describe_the_shipped_model() -> None:
    """bench/sentiment_f1.py --retenido … --guardar must be run again whenever the model or its
    corpus changes: reports quote these figures only while they describe the model in use."""
    from pregon.insights.sentiment.measures import public_measures

    measured, sets = public_measures()
    assert len(sets) >= 2 and all(m.texts >= 500 for m in sets)
    assert all(0 < m.macro_f1 < 1 and 0 < m.neutral_recall < 1 for m in sets)
    assert measured.year >= 2026


def test_the_published_figures_stop_applying_when_the_lexicon_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word added to the lexicon (or another threshold) is another model: neither the cached
    model nor the figures measured for the shipped one may be used for it."""
    from pregon.insights.sentiment import lexicon, model
    from pregon.insights.sentiment.measures import public_measures

    before = model.rules_digest()
    assert public_measures()[1]
    monkeypatch.setattr(lexicon, "POSITIVE", [*lexicon.POSITIVE, "chimba"])
    assert model.rules_digest() != before
    assert public_measures()[1] == []
    monkeypatch.undo()
    monkeypatch.setattr(model, "POLAR_AT_LEAST", model.POLAR_AT_LEAST + 0.01)
    assert model.rules_digest() != before and public_measures()[1] == []


def test_the_report_states_the_public_held_out_figures(year, private_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "medidas.xlsx"
    _report(year.config, out)
    notes = " ".join(str(r[0]) for r in openpyxl.load_workbook(out)["Resumen"].iter_rows(values_only=True) if r[0])
    assert "respuestas ciudadanas escritas para el proyecto" in notes
    assert "InterTASS 2017" in notes and "EmoEvent 2019" in notes
    assert re.search(r"macro-F1 0,\d\d, exhaustividad neutra 0,\d\d", notes)
    assert "tendencia, no como dato exacto" in notes
