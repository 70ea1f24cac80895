"""The most frequent terms of each class: what people talk about when they praise or complain."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .lexicon import TOKEN, fold, normalise

# Function words and the placeholders left by pseudonymisation; written for this project.
STOPWORDS = frozenset(
    """
    a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual
    cuales cuando de del desde donde dos e el ella ellas ello ellos en entre era eran es esa esas
    ese eso esos esta estaba estado estamos estan estar estas este esto estos fue fueron ha habia
    han hasta hay hoy la las le les lo los mas me mi mis mucho muy nos nosotros o os otra otro para
    pero por porque que quien se ser si sido sin sobre son su sus tambien te tiene tienen todo
    todos tu tus un una uno unos usted ustedes vez y ya yo va van hace hacer ser sera seran solo
    cuanta cuanto estoy soy eres fui ademas mientras segun the rt
    usuario enlace correo telefono nombre
    """.split()  # noqa: SIM905 - a word list reads best as plain text
)


def tokens(text: str) -> list[str]:
    """Content words of ``text``: folded, without stopwords, numbers or one-letter tokens."""
    return [t for t in TOKEN.findall(fold(normalise(text))) if len(t) > 2 and t not in STOPWORDS]


def top_terms(texts: Iterable[str], limit: int = 15) -> list[tuple[str, int]]:
    """The ``limit`` most frequent content words, counting each word once per text."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokens(text)))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
