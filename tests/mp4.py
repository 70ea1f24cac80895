"""Minimal MP4 files for tests: the boxes a player or a parser reads to learn the frame size,
the rotation and the duration (``ftyp``, ``moov`` → ``mvhd``, ``trak`` → ``tkhd``, ``mdia`` →
``mdhd``/``hdlr``), then an ``mdat`` of filler bytes. Real enough for header readers and for
networks that only move the bytes; there are no decodable frames."""

from __future__ import annotations

import os
import struct

_ROTATIONS = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _matrix(rotation: int) -> bytes:
    a, b, c, d = _ROTATIONS[rotation]
    fixed = [a << 16, b << 16, 0, c << 16, d << 16, 0, 0, 0, 1 << 30]
    return struct.pack(">9i", *fixed)


def mp4(width: int, height: int, seconds: float, *, rotation: int = 0, filler: int = 4096) -> bytes:
    """An MP4 whose video track is ``width``×``height`` (before ``rotation``) and ``seconds`` long."""
    scale, duration = 1000, int(seconds * 1000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">IIIII", 0, 0, 0, scale, duration)
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\0" * 10
        + _matrix(0)
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    tkhd = _box(
        b"tkhd",
        struct.pack(">IIIIII", 3, 0, 0, 1, 0, duration)
        + b"\0" * 8
        + struct.pack(">hhhH", 0, 0, 0, 0)
        + _matrix(rotation)
        + struct.pack(">II", width << 16, height << 16),
    )
    mdhd = _box(b"mdhd", struct.pack(">IIIIIHH", 0, 0, 0, scale, duration, 0x55C4, 0))
    hdlr = _box(b"hdlr", struct.pack(">II4s", 0, 0, b"vide") + b"\0" * 12 + b"VideoHandler\0")
    moov = _box(b"moov", mvhd + _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr)))
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2mp41")
    return ftyp + moov + _box(b"mdat", os.urandom(filler))
