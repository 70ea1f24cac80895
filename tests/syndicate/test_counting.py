"""Per-network counting on the edge cases editors actually write (networks.md §12).

X is checked against twitter-text-parser, a port of X's own twitter-text library, so the expected
numbers are not ours; the other networks against their documented unit (graphemes, UTF-16 code
units, code points, UTF-8 bytes for Threads emoji).
"""

from __future__ import annotations

import warnings

import pytest
from pregon.syndicate import counting

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # twitter-text-parser imports the deprecated pkg_resources
    from twitter_text import parse_tweet

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦, 7 code points
THUMBS_MEDIUM = "\U0001f44d\U0001f3fd"  # 👍🏽 with a skin-tone modifier
HEALTH_WORKER = "\U0001f469\U0001f3fd\u200d\u2695\ufe0f"  # 👩🏽‍⚕️
FLAG_CO = "\U0001f1e8\U0001f1f4"  # 🇨🇴
COMBINING = "Bogota\u0301"  # "Bogotá" with a combining acute accent
PRECOMPOSED = "Bogotá"
LONG_URL = "https://www.sanisidrodelrio.gov.co/prensa/2026/11/vias-rurales-temporada-de-lluvias/"

X_CASES = [
    FAMILY,
    THUMBS_MEDIUM,
    HEALTH_WORKER,
    FLAG_CO + FLAG_CO,
    COMBINING,
    PRECOMPOSED,
    "¿Año nuevo? ¡Sí! Ñandú, pingüino, corazón",
    "中文字",
    "日本語のテキストと한국어",
    "Vacunación gratis 💉 en la vereda El Alto 🏔️ " + LONG_URL,
    "Más información en www.sanisidrodelrio.gov.co/pqrsd o en sanisidrodelrio.gov.co.",
    "Escriba a prensa@sanisidrodelrio.gov.co (no es un enlace)",
    "(" + LONG_URL + ").",
    "Hola… “comillas” — raya ✔️ ❤️ #️⃣",
    "EE.UU. y p. m.; art.38",
]


@pytest.mark.parametrize("text", X_CASES)
def test_x_weighted_length_matches_twitter_text(text: str) -> None:
    assert counting.x_weighted(text) == parse_tweet(text).weightedLength


def test_x_emoji_sequences_weigh_two_whatever_their_code_points() -> None:
    for emoji in (FAMILY, THUMBS_MEDIUM, HEALTH_WORKER, FLAG_CO):
        assert counting.x_weighted(emoji) == 2
    assert counting.x_weighted("中文字") == 6  # CJK weighs 2 each
    assert counting.x_weighted("ñ¿¡áéíóú") == 8  # Latin-1 weighs 1


def test_urls_cost_23_on_x_and_mastodon_but_full_length_on_bluesky() -> None:
    text = "Lea: " + LONG_URL
    assert counting.x_weighted(text) == 5 + 23
    assert counting.mastodon_length(text) == 5 + 23
    assert counting.graphemes(text) == 5 + len(LONG_URL)
    assert counting.count("bluesky", text) == len(text)


def test_mastodon_counts_graphemes_and_local_part_of_remote_mentions() -> None:
    assert counting.mastodon_length(FAMILY + FLAG_CO) == 2
    assert counting.mastodon_length("Gracias @alcaldia@mastodon.social") == len("Gracias @alcaldia")


def test_combining_accent_and_precomposed_count_the_same_where_networks_normalise() -> None:
    assert counting.graphemes(COMBINING) == counting.graphemes(PRECOMPOSED) == 6  # Bluesky
    assert counting.x_weighted(COMBINING) == counting.x_weighted(PRECOMPOSED) == 6  # X applies NFC
    # Telegram counts UTF-16 code units of the text as sent: the combining mark is one more.
    assert counting.utf16_units(COMBINING) == 7 and counting.utf16_units(PRECOMPOSED) == 6


def test_telegram_counts_utf16_code_units() -> None:
    assert counting.utf16_units(FAMILY) == 11  # 4 astral emoji (2 each) + 3 ZWJ
    assert counting.utf16_units(FLAG_CO) == 4
    assert counting.utf16_units("¿Sí? ñ") == 6


def test_threads_counts_emoji_as_utf8_bytes() -> None:
    assert counting.threads_length("Hola " + FLAG_CO) == 5 + 8
    assert counting.threads_length("Año") == 3


def test_spanish_text_counts_one_per_letter_everywhere() -> None:
    text = "¿Dónde está la niña? ¡Aquí, en Cúcuta!"
    for network in ("bluesky", "x", "mastodon", "threads", "linkedin", "telegram"):
        assert counting.count(network, text) == len(text), network


def test_limits_and_message() -> None:
    assert {n: counting.RULES[n].limit for n in ("bluesky", "x", "mastodon", "threads", "linkedin", "telegram")} == {
        "bluesky": 300,
        "x": 280,
        "mastodon": 500,
        "threads": 500,
        "linkedin": 3000,
        "telegram": 1024,
    }
    message = counting.too_long_message("bluesky", 301, 300)
    assert "301 grafemas" in message and "300" in message and "social.bluesky" in message
