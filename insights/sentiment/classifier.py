"""The pluggable classifier interface and how the configured one is loaded.

A stronger local model (a fine-tuned transformer already on disk, an office's own service) plugs in
by naming, in ``mkdocs.yml`` (``syndicate.insights.sentiment.classifier``), a dotted path
``package.module:factory`` to a zero-argument callable that returns a :class:`Classifier`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from .labelled import LABELS, Example

DEFAULT = "pregon.insights.sentiment.classifier:default_classifier"


@runtime_checkable
class Classifier(Protocol):
    def predict(self, texts: Sequence[str]) -> list[str]:
        """One of ``positivo``, ``neutro``, ``negativo`` per text, in order."""
        ...


class ClassifierError(RuntimeError):
    """The configured classifier could not be loaded or answered something else than a class."""


def default_classifier() -> Classifier:
    """The TF-IDF model, trained on the bundled corpus plus the office's labels in the private store."""
    from ..private import PrivateStore
    from .model import cached_classifier

    store = PrivateStore.configured()
    office: Sequence[Example] = store.office_labels() if store else ()
    return cached_classifier(office)


def load_classifier(dotted: str = DEFAULT) -> Classifier:
    """Import ``module:factory`` and call it; errors name the setting and the path in Spanish."""
    module_name, _, attribute = dotted.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ClassifierError(
            f"syndicate.insights.sentiment.classifier: no se pudo cargar {dotted!r} ({exc}); "
            "se espera 'paquete.modulo:funcion'"
        ) from exc
    classifier = factory()
    if not isinstance(classifier, Classifier):
        raise ClassifierError(
            f"syndicate.insights.sentiment.classifier: {dotted!r} no devolvió un objeto con predict()"
        )
    return classifier


def classify(classifier: Classifier, texts: Sequence[str]) -> list[str]:
    """Run ``classifier`` and check it answered one known class per text."""
    labels = classifier.predict(texts)
    if len(labels) != len(texts) or any(label not in LABELS for label in labels):
        raise ClassifierError(
            f"el clasificador devolvió {len(labels)} etiquetas para {len(texts)} textos "
            f"o etiquetas fuera de {', '.join(LABELS)}"
        )
    return list(labels)
