"""The build cache's packs: many small entries in one data file, and never a wrong hit.

These run the real ``Pack`` and ``BuildCache`` on the real file system (no mocks): damaged bytes,
a cut data file, a foreign index, two builds appending to the same file, and compaction."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pregon.plugins.cache import BuildCache
from pregon.plugins.cache_pack import INDEX, Pack

KEYS = [f"{n:064x}" for n in range(40)]


def _filled(folder: Path, count: int = 10) -> dict[str, bytes]:
    pack = Pack(str(folder))
    stored = {KEYS[n]: f"entrada {n} ".encode() * (n + 1) for n in range(count)}
    for key, payload in stored.items():
        pack.write(key, payload)
    pack.save(set(stored))
    return stored


def _data_file(folder: Path) -> Path:
    [data] = [p for p in folder.iterdir() if p.suffix == ".data"]
    return data


def test_entries_survive_a_new_build(tmp_path: Path) -> None:
    stored = _filled(tmp_path / "release")
    again = Pack(str(tmp_path / "release"))
    assert {key: again.read(key) for key in stored} == stored
    assert again.read(KEYS[30]) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_a_damaged_byte_is_a_miss_never_another_value(tmp_path: Path, position: int, value: int) -> None:
    folder = tmp_path / f"p{position}-{value}"
    stored = _filled(folder)
    target = [_data_file(folder), folder / INDEX][position % 2]
    data = bytearray(target.read_bytes())
    data[position % len(data)] = value
    target.write_bytes(bytes(data))
    again = Pack(str(folder))
    for key, payload in stored.items():
        assert again.read(key) in (payload, None)


def test_a_cut_data_file_or_a_missing_index_only_costs_time(tmp_path: Path) -> None:
    folder = tmp_path / "page"
    stored = _filled(folder)
    data = _data_file(folder)
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    again = Pack(str(folder))
    found = {key: again.read(key) for key in stored}
    assert None in found.values()
    assert all(found[k] in (v, None) for k, v in stored.items())
    (folder / INDEX).unlink()
    assert all(Pack(str(folder)).read(key) is None for key in stored)


def test_two_builds_appending_at_once_never_swap_entries(tmp_path: Path) -> None:
    """Two builds share one data file: each index points at its own records, and a record at an
    offset another build wrote is recognised by its key-bound digest."""
    folder = tmp_path / "crop-plan"
    _filled(folder, count=2)
    first, second = Pack(str(folder)), Pack(str(folder))
    first.write(KEYS[10], b"de la primera")
    second.write(KEYS[11], b"de la segunda")
    first.write(KEYS[12], b"otra de la primera")
    assert first.read(KEYS[12]) == b"otra de la primera"
    assert second.read(KEYS[11]) == b"de la segunda"
    # An index that points a key at another key's record (what a lost race could leave):
    first.entries[KEYS[11]] = first.entries[KEYS[10]]
    assert first.read(KEYS[11]) is None


def test_only_used_entries_are_kept_and_dead_space_is_compacted(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    pack = Pack(str(folder))
    big = os.urandom(300_000)
    for key in KEYS[:10]:
        pack.write(key, big)
    pack.save(set(KEYS[:10]))
    before = _data_file(folder)
    pack = Pack(str(folder))
    assert pack.read(KEYS[0]) == big
    pack.save({KEYS[0]})  # nine of ten are dead now: more than the live size plus the slack
    pack.remove_others(older_than=float("inf"))
    after = _data_file(folder)
    assert after != before and after.stat().st_size == 32 + len(big)
    again = Pack(str(folder))
    assert again.read(KEYS[0]) == big and again.read(KEYS[1]) is None


def test_build_cache_keeps_packed_entries_only_for_a_successful_build(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.put("release", KEYS[0], b"cargado")
    cache.put("crop", KEYS[1], b"recorte")  # not a packed kind: one file
    cache.prune()
    warm = BuildCache(tmp_path)
    assert warm.get("release", KEYS[0]) == b"cargado"
    assert warm.get("crop", KEYS[1]) == b"recorte"
    warm.put("release", KEYS[2], "de una construcción que falla".encode())
    warm.drop_written()  # failing build: its index is not saved
    later = BuildCache(tmp_path)
    assert later.get("release", KEYS[2]) is None
    assert later.get("release", KEYS[0]) == b"cargado"
    later.prune()
    pruned = BuildCache(tmp_path)
    assert pruned.get("release", KEYS[0]) == b"cargado"
    pruned.prune()  # KEYS[0] was used by this build only through get: still there
    assert BuildCache(tmp_path).get("release", KEYS[0]) == b"cargado"
    unused = BuildCache(tmp_path)
    unused.get("release", KEYS[5])  # the kind is used, the old entry is not
    unused.prune()
    assert BuildCache(tmp_path).get("release", KEYS[0]) is None
