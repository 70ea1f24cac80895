"""Text length exactly as each network counts it.

One function per counting rule, and :data:`RULES` mapping a network name to its rule and default
limit. Channels and ``pregon check`` both count through here, so the PR preview and the real post
can never disagree. Sources are in ``../shared/reference/networks.md`` §12.

* Bluesky: grapheme clusters (``maxGraphemes`` 300), URLs at full length.
* X: twitter-text v3 weighting: code points in a few Latin/punctuation ranges weigh 1, everything
  else 2; every emoji (ZWJ sequences and flags included) weighs 2; every URL weighs 23, also one
  written without ``https://``; NFC first.
* Mastodon: grapheme clusters, every URL 23, a mention counts as ``@user`` without its domain.
* Threads: characters, with emoji counted as their UTF-8 bytes (the documented worst case).
* LinkedIn: characters (code points).
* Telegram: UTF-16 code units (what entity offsets and the caption limit use).
* TikTok: UTF-16 code units ("UTF-16 runes", JavaScript's ``length``): video caption 2200, photo
  title 90 and description 4000.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

URL_RE = regex.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]}'»”]")
"""A URL as editors write it: scheme, then no spaces; trailing punctuation is not part of it."""

# twitter-text also counts links written without a scheme ("www.alcaldia.gov.co/pqrsd",
# "alcaldia.gov.co") as 23. It knows every TLD; lower-case two-letter country codes plus the
# common generic ones cover what press releases contain. Never after "@" (e-mail addresses).
_X_URL = regex.compile(
    URL_RE.pattern
    + r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2}|com|org|net|edu|gov|int|mil|info|biz|app|dev)"
    r"(?![\w@-])(?::\d+)?(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]}'»”])?"
)

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)")
_MASTODON_MENTION = regex.compile(r"(?<![\w@])@(\w+)@[\w.-]+\w", regex.UNICODE)

# twitter-text v3 (config/v3.json): ranges of weight 100 (=1); all else weighs 200 (=2).
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
X_URL_WEIGHT = 23
MASTODON_URL_WEIGHT = 23


def graphemes(text: str) -> int:
    """Number of user-perceived characters (extended grapheme clusters)."""
    return len(_GRAPHEME.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_emoji(cluster: str) -> bool:
    return bool(_EMOJI.match(cluster))


def _x_weight_plain(text: str) -> int:
    weight = 0
    for cluster in _GRAPHEME.findall(text):
        if _is_emoji(cluster):
            weight += 2
            continue
        for ch in cluster:
            cp = ord(ch)
            weight += 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT_RANGES) else 2
    return weight


def x_weighted(text: str) -> int:
    """X (Twitter) weighted length: the number compared with 280."""
    text = unicodedata.normalize("NFC", text)
    total, last = 0, 0
    for match in _X_URL.finditer(text):
        total += _x_weight_plain(text[last : match.start()]) + X_URL_WEIGHT
        last = match.end()
    return total + _x_weight_plain(text[last:])


def mastodon_length(text: str, url_weight: int = MASTODON_URL_WEIGHT) -> int:
    """Mastodon's StatusLengthValidator: graphemes, URLs as 23, remote mentions without domain."""
    text = URL_RE.sub("x" * url_weight, text)
    text = _MASTODON_MENTION.sub(lambda m: "@" + m.group(1), text)
    return graphemes(text)


def threads_length(text: str) -> int:
    """Threads: characters, but an emoji counts as many as its UTF-8 bytes (worst case)."""
    total = 0
    for cluster in _GRAPHEME.findall(text):
        total += len(cluster.encode("utf-8")) if _is_emoji(cluster) else len(cluster)
    return total


def code_points(text: str) -> int:
    return len(text)


@dataclass(frozen=True)
class Rule:
    """How one network counts, and its default limit."""

    count: Callable[[str], int]
    limit: int
    unit: str
    """Spanish name of the unit, for messages ("grafemas", "caracteres ponderados"…)."""


RULES: dict[str, Rule] = {
    "bluesky": Rule(graphemes, 300, "grafemas"),
    "x": Rule(x_weighted, 280, "caracteres ponderados (URL = 23)"),
    "mastodon": Rule(mastodon_length, 500, "caracteres (URL = 23)"),
    "threads": Rule(threads_length, 500, "caracteres"),
    "linkedin": Rule(code_points, 3000, "caracteres"),
    "telegram": Rule(utf16_units, 1024, "unidades UTF-16 (pie de foto)"),
    "telegram_text": Rule(utf16_units, 4096, "unidades UTF-16"),
    "facebook": Rule(code_points, 63206, "caracteres"),
    "instagram": Rule(code_points, 2200, "caracteres"),
    "youtube_title": Rule(code_points, 100, "caracteres"),
    "tiktok": Rule(utf16_units, 2200, "unidades UTF-16 (un emoji cuenta 2)"),
    "tiktok_photo_title": Rule(utf16_units, 90, "unidades UTF-16 (un emoji cuenta 2)"),
    "tiktok_photo_description": Rule(utf16_units, 4000, "unidades UTF-16 (un emoji cuenta 2)"),
    "outbox": Rule(graphemes, 100_000, "grafemas"),
}


def count(network: str, text: str) -> int:
    """Length of ``text`` by ``network``'s rule (a key of :data:`RULES`)."""
    return RULES[network].count(text)


def too_long_message(network: str, length: int, limit: int) -> str:
    """The Spanish problem message used everywhere a post is over its limit."""
    unit = RULES[network].unit if network in RULES else "caracteres"
    return (
        f"{network}: el texto tiene {length} {unit} y el límite es {limit}; "
        f"acórtelo o escriba una versión para esta red en `social.{network}`"
    )
