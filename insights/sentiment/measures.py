"""The default model's figures on public held-out sets, as measured by ``bench/sentiment_f1.py``.

The sets themselves cannot be shipped (their licences do not allow it; docs/informes.md says where
they come from), so the bench writes what it measured into ``data/medidas.json`` with the model
revision, the digest of its rules (lexicon, threshold) and that of the training corpus, and each
monthly report quotes the figures, but only while they describe the model that classified it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from .labelled import corpus_bytes

FILE = "medidas.json"


@dataclass(frozen=True)
class Measure:
    name: str
    texts: int
    macro_f1: float
    neutral_recall: float


def _model_id() -> dict[str, str]:
    from .model import REVISION, rules_digest

    return {
        "revision": REVISION,
        "rules_sha256": rules_digest(),
        "corpus_sha256": hashlib.sha256(corpus_bytes()).hexdigest(),
    }


def save_measures(measures: list[Measure]) -> Path:
    """Write ``measures`` for the current model into the package's data folder."""
    path = Path(str(resources.files(__package__).joinpath("data", FILE)))
    payload = {**_model_id(), "date": dt.date.today().isoformat(), "sets": [asdict(m) for m in measures]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def public_measures() -> tuple[dt.date, list[Measure]]:
    """(date measured, figures) for the current default model; no figures if they are for another."""
    try:
        data = json.loads(resources.files(__package__).joinpath("data", FILE).read_text(encoding="utf-8"))
        identity = _model_id()
        if {k: data.get(k) for k in identity} != identity:
            return dt.date.min, []
        return dt.date.fromisoformat(data["date"]), [Measure(**m) for m in data["sets"]]
    except (OSError, ValueError, KeyError, TypeError):
        return dt.date.min, []
