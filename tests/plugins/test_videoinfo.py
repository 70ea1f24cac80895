"""Frame size, rotation and duration of local videos, as the build reads them (plugins/videoinfo.py)."""

from __future__ import annotations

import os

import pytest
from pregon.plugins.videoinfo import UNKNOWN, video_info

from tests.mp4 import mp4


@pytest.mark.parametrize(
    ("width", "height", "rotation", "seen"),
    [
        (1080, 1920, 0, (1080, 1920)),
        (1920, 1080, 0, (1920, 1080)),
        (1920, 1080, 90, (1080, 1920)),  # a phone's vertical video: landscape frames, rotated
        (1920, 1080, 270, (1080, 1920)),
        (1920, 1080, 180, (1920, 1080)),
    ],
)
def test_size_is_what_viewers_see(width: int, height: int, rotation: int, seen: tuple[int, int]) -> None:
    info = video_info(mp4(width, height, 42.5, rotation=rotation))
    assert (info.width, info.height) == seen
    assert info.duration == pytest.approx(42.5)


def test_unreadable_bytes_are_unknown_not_an_error() -> None:
    assert video_info(os.urandom(50_000)) == UNKNOWN
    assert video_info(b"") == UNKNOWN
