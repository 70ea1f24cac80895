"""Keys hashed from a shared prefix are the keys hashed in one go.

A warm build plans every crop of the site (80,000 at 20,000 releases), so crop keys hash their
common first parts once (`digest_after`). A crop's key is in its file name: if the two ways ever
disagreed, an upgrade would rename every crop on the portal and re-encode them all.
"""

from __future__ import annotations

import PIL
from hypothesis import given
from hypothesis import strategies as st
from pregon.plugins import derivatives
from pregon.plugins.cache import digest, digest_after

PARTS = st.lists(st.one_of(st.text(max_size=20), st.binary(max_size=20)), max_size=5)


@given(PARTS, PARTS)
def test_a_prefix_hashed_once_gives_the_digest_of_all_the_parts(prefix: list, rest: list) -> None:
    assert digest_after(*prefix)(*rest) == digest(*prefix, *rest)


@given(PARTS, PARTS, PARTS)
def test_the_prefix_is_not_changed_by_the_keys_made_from_it(prefix: list, first: list, second: list) -> None:
    finish = digest_after(*prefix)
    finish(*first)
    assert finish(*second) == digest(*prefix, *second)


def test_a_crop_key_is_the_digest_of_its_source_region_size_and_decode_size() -> None:
    sha = "ab" * 32
    expected = digest("crop", derivatives.ALGORITHM, PIL.__version__, sha, "(0, 0, 800, 800)", "(800, 800)", "None")
    assert derivatives.crop_key(sha, (0, 0, 800, 800), (800, 800), None) == expected
    crops, jobs = derivatives.plan_image((sha, 800, 800, 800, 800, False, None, None), "prensa/foto.jpg")
    square = next(i for i, crop in enumerate(crops) if crop.ratio == "1:1")
    assert jobs[square].key == expected
    assert crops[square].path == f"pregon/recortes/foto.cuadrada-800x800.{expected[:12]}.jpg"
