"""Sizes and figures in every message read the Colombian way (one helper for all layers)."""

from __future__ import annotations

from pregon.syndicate.channels.instagram import image_problems
from pregon.syndicate.manifest import Media

from pregon.numbers_es import decimal, size_text


def test_decimals_take_a_comma_and_thousands_a_dot() -> None:
    assert decimal(1234.5) == "1.234,50"
    assert decimal(0.4286, 2) == "0,43"
    assert decimal(-3.25, 1) == "-3,2"


def test_sizes_in_mebibytes_from_one_up_else_bytes() -> None:
    assert size_text(60 * 1024 * 1024) == "60,0 MB"
    assert size_text(1024 * 1024) == "1,0 MB"
    assert size_text(1024 * 1024 - 1) == "1.048.575 B"
    assert size_text(12) == "12 B"


def test_instagram_words_a_heavy_image_and_its_ratio_with_commas() -> None:
    image = Media(kind="image", url="https://alcaldia.example/prensa/foto.jpg", alt="Una foto")
    problems = image_problems(image, mime="image/jpeg", size=9 * 1024 * 1024 + 200_000, width=600, height=1400)
    assert "instagram: la imagen `foto.jpg` pesa 9,2 MB; el máximo es 8 MB" in problems
    assert any("mide 600×1400 (proporción 0,43)" in p for p in problems)
