"""The default sentiment classifier: TF-IDF n-grams plus lexicon cues into a logistic regression.

No model file is shipped: the pipeline is trained from the bundled corpus (and the office's own
labels, when it has some) on first use, in a few seconds, and cached in the user's cache directory
under a key made of the scikit-learn version, the rules (:func:`rules_digest`: this module's
revision, the neutral threshold and the lexicon) and the training data. A new scikit-learn, an
edited word list or new labels simply train a new model; a stale pickle is never loaded.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import joblib
import platformdirs
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from ..colombia import decimal
from .labelled import Example, bundled_corpus, corpus_bytes
from .lexicon import LexiconFeatures, asks_for_information, emoji_only_label, fold, normalise

REVISION = "5"
"""Bump when the pipeline below changes, so cached models trained by older code are not used (a
change to the lexicon or the threshold is caught by :func:`rules_digest` without it)."""


POLAR_AT_LEAST = 0.47
"""Below this probability a positive or negative call is too unsure to count: the text is neutral."""


def rules_digest() -> str:
    """SHA-256 of what decides a call besides the trained weights: the pipeline revision, the
    neutral threshold and the lexicon (words, phrases, negators, emoticons, request patterns). A
    cached model and the published held-out figures belong to one value of it."""
    from . import lexicon

    h = hashlib.sha256()
    for part in (
        REVISION,
        repr(POLAR_AT_LEAST),
        " ".join(lexicon.POSITIVE),
        " ".join(lexicon.NEGATIVE),
        " ".join(sorted(lexicon.NEGATORS)),
        repr(sorted(lexicon.PHRASES.items())),
        repr(lexicon.EMOTICON_SCORE),
        repr(sorted(lexicon.NEWER_EMOJI.items())),
        repr(lexicon.EMOJI_ONLY_AT_LEAST),
        *(pattern.pattern for pattern in lexicon.PATTERNS),
    ):
        h.update(part.encode("utf-8") + b"\x1e")
    return h.hexdigest()


def preprocess(text: str) -> str:
    """What the n-gram vectorizers see: links and @mentions replaced, lower case, no accents."""
    return fold(normalise(text))


def build_pipeline() -> Pipeline:
    """The untrained pipeline (word 1–2-grams + char 2–5-grams + lexicon/emoji cues)."""
    features = FeatureUnion(
        [
            ("palabras", TfidfVectorizer(preprocessor=preprocess, ngram_range=(1, 2), sublinear_tf=True)),
            (
                "caracteres",
                TfidfVectorizer(
                    preprocessor=preprocess, analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
            ),
            ("lexico", LexiconFeatures()),
        ]
    )
    # Stronger regularisation than the in-domain optimum: the corpus is small and political, and
    # a looser fit learns its topics rather than its tone (held-out scores in docs/informes.md).
    classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
    return Pipeline([("rasgos", features), ("clasificador", classifier)])


class TfidfClassifier:
    """A trained pipeline behind the :class:`~.classifier.Classifier` protocol."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    @classmethod
    def train(cls, examples: Sequence[Example]) -> TfidfClassifier:
        pipeline = build_pipeline()
        pipeline.fit([e.text for e in examples], [e.label for e in examples])
        return cls(pipeline)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Positive or negative only when the model gives that class at least
        :data:`POLAR_AT_LEAST`, and never for a question or request with no complaint; neutral
        otherwise. The training corpus (political speech) has few neutral texts, and the bare
        model calls most neutral replies negative, which would overstate negativity in a
        monthly report."""
        return [label for label, _ in self._decide(texts)]

    def confidences(self, texts: Sequence[str]) -> list[float]:
        """The model's probability for the class :meth:`predict` gives, per text (0–1)."""
        return [confidence for _, confidence in self._decide(texts)]

    def _decide(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        classes = [str(c) for c in self.pipeline.classes_]
        decided = []
        for text, row in zip(texts, self.pipeline.predict_proba(list(texts)), strict=True):
            probability = dict(zip(classes, map(float, row), strict=True))
            label = max(probability, key=lambda c: probability[c])
            if label != "neutro" and (probability[label] < POLAR_AT_LEAST or asks_for_information(text)):
                label = "neutro"
            label = emoji_only_label(text) or label
            decided.append((label, probability.get(label, 0.0)))
        return decided


def cache_dir() -> Path:
    """Where trained models are cached: ``PREGON_CACHE_DIR`` or the user's cache directory."""
    return Path(os.environ.get("PREGON_CACHE_DIR") or platformdirs.user_cache_dir("pregon")) / "sentimiento"


def cached_classifier(office: Sequence[Example] = ()) -> TfidfClassifier:
    """The classifier trained on the bundled corpus plus ``office`` examples, from cache if possible."""
    key = hashlib.sha256()
    for part in (sklearn.__version__, rules_digest(), corpus_bytes()):
        key.update(part if isinstance(part, bytes) else part.encode())
    for example in office:
        key.update(f"\x1e{example.label}\x1f{example.text}".encode())
    path = cache_dir() / f"modelo-{key.hexdigest()[:20]}.joblib"
    if path.is_file():
        try:
            return TfidfClassifier(joblib.load(path))
        except Exception:
            path.unlink(missing_ok=True)
    # Tens of seconds on a small machine: say what is happening, step by step, instead of staying silent.
    progress = TrainingProgress(sys.stderr)
    progress.start("leyendo el corpus de entrenamiento")
    examples = [*bundled_corpus(), *office]
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    pipeline = build_pipeline()
    (_, features), (_, model) = pipeline.steps
    progress.step(f"calculando los rasgos de {len(texts)} textos (palabras, caracteres, léxico)")
    matrix = features.fit_transform(texts, labels)
    progress.step("ajustando la regresión logística")
    model.fit(matrix, labels)
    progress.step(f"guardando el modelo en {path.parent}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump(pipeline, tmp)
    tmp.replace(path)
    progress.done()
    return TfidfClassifier(pipeline)


class TrainingProgress:
    """Numbered steps of the first-use training on stderr (Spanish), each with its elapsed time.

    Plain lines rather than a redrawn bar: they read the same in a terminal and in a CI log.
    """

    STEPS = 4

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.number = 0
        self.began = self.last = time.monotonic()

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def start(self, first: str) -> None:
        self._say("Entrenando el modelo de sentimiento (solo la primera vez; puede tardar unos segundos)…")
        self.step(first)

    def step(self, what: str) -> None:
        now = time.monotonic()
        if self.number:
            self._say(f"  listo en {decimal(now - self.last, 1)} s")
        self.number += 1
        self.last = now
        self._say(f"  paso {self.number} de {self.STEPS}: {what}…")

    def done(self) -> None:
        now = time.monotonic()
        self._say(f"  listo en {decimal(now - self.last, 1)} s")
        self._say(
            f"Modelo de sentimiento entrenado en {decimal(now - self.began, 1)} s; las próximas veces se usa el guardado."
        )


HELD_OUT = "respuestas_retenidas.csv"
"""Citizens' replies labelled by hand for this project and never trained on: the report's yardstick."""


def held_out_scores(classifier: TfidfClassifier) -> tuple[float, float, int]:
    """(macro-F1, neutral recall, number of texts) of ``classifier`` on the held-out replies."""
    import csv
    import io
    from importlib import resources

    from sklearn.metrics import f1_score, recall_score

    text = resources.files(__package__).joinpath("data", HELD_OUT).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    truth = [r["etiqueta"] for r in rows]
    predicted = classifier.predict([r["texto"] for r in rows])
    macro = float(f1_score(truth, predicted, average="macro", zero_division=0))
    neutral = float(recall_score(truth, predicted, labels=["neutro"], average="macro", zero_division=0))
    return macro, neutral, len(rows)
