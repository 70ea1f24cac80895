"""Macro-F1 of the default sentiment classifier on held-out labelled text.

Repeated stratified k-fold cross-validation: every text is scored by a model that never saw it.
Prints, from the same folds, the majority-class baseline and the lexicon-only rule (sign of the
lexicon/emoji balance), so the classifier's score can be read against both.

    python bench/sentiment_f1.py                 # the bundled SentiMP-21 corpus, then the held-out replies
    python bench/sentiment_f1.py etiquetas.xlsx  # an office's own labelled file (texto, etiqueta)
    python bench/sentiment_f1.py --retenido "InterTASS 2017=intertass.csv" --retenido "EmoEvent=emoevent.csv" --guardar

``--retenido NOMBRE=ARCHIVO`` scores the model trained on the whole bundled corpus on a public set
it never saw (CSV or XLSX with texto, etiqueta), against the same baselines. Such sets cannot be
shipped (their licences do not allow it): docs/informes.md says where they come from and how to
rebuild them. ``--guardar`` writes the figures into the package (``data/medidas.json``), where
each monthly sentiment report quotes them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pregon.insights.sentiment.labelled import Example, bundled_corpus, read_labelled
from pregon.insights.sentiment.lexicon import cues
from pregon.insights.sentiment.measures import Measure, save_measures
from pregon.insights.sentiment.model import TfidfClassifier, held_out_scores
from sklearn.metrics import f1_score, recall_score
from sklearn.model_selection import RepeatedStratifiedKFold


def lexicon_rule(text: str) -> str:
    positive, negative, _, emoji_pos, emoji_neg, *_ = cues(text)
    score = positive - negative + emoji_pos - emoji_neg
    return "positivo" if score > 0 else "negativo" if score < 0 else "neutro"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archivo", nargs="?", type=Path, help="CSV/XLSX con columnas texto, etiqueta")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--retenido", action="append", default=[], metavar="NOMBRE=ARCHIVO", help="conjunto público externo"
    )
    parser.add_argument("--guardar", action="store_true", help="guardar las cifras de --retenido en el paquete")
    args = parser.parse_args()
    if args.retenido:
        score_public_sets([_named(raw) for raw in args.retenido], save=args.guardar)
        return

    examples = read_labelled(args.archivo) if args.archivo else bundled_corpus()
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    counts = {label: labels.count(label) for label in sorted(set(labels))}
    print(f"datos: {args.archivo or 'SentiMP-21 (es)'}; {len(examples)} textos; clases {counts}")

    splitter = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats, random_state=21)
    scores: dict[str, list[float]] = {"mayoritaria": [], "léxico": [], "modelo": []}
    started = time.perf_counter()
    for train, test in splitter.split(texts, labels):
        truth = [labels[i] for i in test]
        train_labels = [labels[i] for i in train]
        majority = max(set(train_labels), key=train_labels.count)
        model = TfidfClassifier.train([examples[i] for i in train])
        predictions = {
            "mayoritaria": [majority] * len(test),
            "léxico": [lexicon_rule(texts[i]) for i in test],
            "modelo": model.predict([texts[i] for i in test]),
        }
        for name, predicted in predictions.items():
            scores[name].append(f1_score(truth, predicted, average="macro", zero_division=0))
    elapsed = time.perf_counter() - started

    folds = args.folds * args.repeats
    print(f"validación cruzada estratificada: {args.folds} particiones × {args.repeats} repeticiones")
    baseline = statistics.mean(scores["mayoritaria"])
    for name, values in scores.items():
        mean, sd = statistics.mean(values), statistics.stdev(values)
        print(f"  macro-F1 {name:<12} {mean:.3f} ± {sd:.3f}   ({mean / baseline:.2f}× la línea base)")
    print(f"entrenamiento y evaluación: {elapsed / folds:.2f} s por partición")
    if not args.archivo:
        # Held out: trained on the whole corpus, scored on replies it never saw (another domain:
        # Colombian citizens writing to a city hall, not Spanish MPs). Goal: macro-F1 ≥ 0.60 and
        # neutral recall ≥ 0.50.
        macro, neutral, count = held_out_scores(TfidfClassifier.train(examples))
        print(f"retenido (respuestas ciudadanas, {count} textos, nunca entrenadas): macro-F1 {macro:.3f} "
              f"(meta ≥ 0.60), exhaustividad neutra {neutral:.3f} (meta ≥ 0.50)")  # fmt: skip


def _named(raw: str) -> tuple[str, Path]:
    name, sep, path = raw.partition("=")
    if not sep or not name.strip() or not path:
        raise SystemExit(f"--retenido {raw!r}: escríbalo como NOMBRE=ARCHIVO")
    return name.strip(), Path(path)


def score_public_sets(sets: list[tuple[str, Path]], save: bool) -> None:
    """Train on the whole bundled corpus; score each public set, with the two baselines."""
    corpus = bundled_corpus()
    model = TfidfClassifier.train(corpus)
    train_labels = [e.label for e in corpus]
    majority = max(set(train_labels), key=train_labels.count)
    measures = []
    for name, path in sets:
        examples: list[Example] = read_labelled(path)
        truth = [e.label for e in examples]
        texts = [e.text for e in examples]
        predicted = model.predict(texts)
        macro = float(f1_score(truth, predicted, average="macro", zero_division=0))
        neutral = float(recall_score(truth, predicted, labels=["neutro"], average="macro", zero_division=0))
        lexicon = f1_score(truth, [lexicon_rule(t) for t in texts], average="macro", zero_division=0)
        base = f1_score(truth, [majority] * len(truth), average="macro", zero_division=0)
        counts = {label: truth.count(label) for label in sorted(set(truth))}
        print(f"{name}: {len(examples)} textos {counts}")
        print(f"  macro-F1 modelo {macro:.3f} (meta ≥ 0.60), exhaustividad neutra {neutral:.3f} (meta ≥ 0.50)")
        print(f"  macro-F1 léxico solo {lexicon:.3f}; clase mayoritaria ({majority}) {base:.3f}")
        measures.append(Measure(name, len(examples), macro, neutral))
    if save:
        print(f"cifras guardadas en {save_measures(measures)}")


if __name__ == "__main__":
    main()
