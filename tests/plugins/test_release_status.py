"""A warm build does not read a release file again when the file system says it was not written.

Real files and a real build cache in a temporary folder; the loader's reads are counted by
shadowing ``open`` in its module. The property checked is the one that matters: whatever the
file system's times say, the release returned is the one the file holds now.
"""

from __future__ import annotations

import marshal
import os
import shutil
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pregon.plugins import release_cache
from pregon.plugins.cache import BuildCache, file_status
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import ReleaseRules
from pregon.plugins.release_cache import STATUS_KIND, CachedLoader

TEXT = (
    "---\ntitle: {title}\ndate: 2026-11-10 09:00\nsummary: Resumen del comunicado.\n"
    "dependencia: salud\nimage: vacunas.png\nimage_alt: Una enfermera vacuna a un niño.\n---\n\n"
    "Cuerpo del comunicado.\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ReleaseRules, Path, BuildCache]:
    """A release loaded once (and read) into a fresh build cache."""
    docs = tmp_path / "content"
    folder = docs / "prensa" / "2026" / "11"
    folder.mkdir(parents=True)
    Image.new("RGB", (1200, 630), (30, 90, 160)).save(folder / "vacunas.png")
    (folder / "vacunas.md").write_text(TEXT.format(title="Jornada de vacunación"), encoding="utf-8")
    rules = ReleaseRules({"salud": "Secretaría de Salud"}, ZoneInfo("America/Bogota"), docs, tmp_path)
    cache = BuildCache(tmp_path / "cache")
    assert loads(folder / "vacunas.md", rules, cache, monkeypatch) == ("Jornada de vacunación", True)
    return rules, folder / "vacunas.md", cache


def loads(path: Path, rules: ReleaseRules, cache: BuildCache, monkeypatch: pytest.MonkeyPatch) -> tuple[str, bool]:
    """One build's loading: the title it got and whether the release file was read."""
    read: list[str] = []

    def counting_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(os.fspath(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(release_cache, "open", counting_open, raising=False)
    loader = CachedLoader(cache, "code")
    release = loader(path, rules)
    loader.save()
    monkeypatch.undo()
    assert loader.content_keys[str(path)]
    return release.title, str(path) in read


def test_an_untouched_file_is_not_read_and_an_edit_always_is(
    project: tuple[ReleaseRules, Path, BuildCache], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, path, cache = project
    assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunación", False)

    # Same size, and the modification time put back: only the change time tells, and it does.
    before = os.stat(path)
    path.write_text(TEXT.format(title="Jornada de vacunacióN"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunacióN", True)
    assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunacióN", False)


def test_a_fresh_checkout_reads_every_file(
    project: tuple[ReleaseRules, Path, BuildCache], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, path, cache = project
    old = file_status(str(path))
    copy = path.with_suffix(".tmp")
    shutil.copy2(path, copy)
    os.replace(copy, path)  # the same bytes and times, another inode: what a new clone looks like
    assert file_status(str(path)) != old
    assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunación", True)


def test_damaged_or_foreign_statuses_only_cost_a_read(
    project: tuple[ReleaseRules, Path, BuildCache], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, path, cache = project
    probe = CachedLoader(cache, "code")
    probe._rules_key(rules)
    key = probe._status_key()
    for payload in (b"\x00garbage", b"", marshal.dumps({str(path): ("x", "y", "z")}), marshal.dumps([1, 2])):
        cache.put(STATUS_KIND, key, payload)
        assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunación", True)
    # A status that names a key with no release behind it is a read too, never an error.
    cache.put(STATUS_KIND, key, marshal.dumps({str(path): (file_status(str(path)), "0" * 64)}))
    assert loads(path, rules, cache, monkeypatch) == ("Jornada de vacunación", True)


def test_other_code_or_rules_do_not_share_statuses(
    project: tuple[ReleaseRules, Path, BuildCache], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, path, cache = project
    other = ReleaseRules(
        {"salud": "Secretaría de Salud", "via": "Movilidad"}, rules.timezone, rules.docs_dir, rules.root
    )
    assert loads(path, other, cache, monkeypatch)[1] is True
    assert loads(path, other, cache, monkeypatch)[1] is False


def test_a_loader_that_changes_rules_saves_no_status_of_the_old_ones(
    project: tuple[ReleaseRules, Path, BuildCache],
) -> None:
    """A key computed under some rules is never reused under others (where the file may be invalid)."""
    rules, path, cache = project
    other_path = path.with_name("vias.md")
    other_path.write_text(path.read_text(encoding="utf-8").replace("dependencia: salud", "dependencia: via"), "utf-8")
    other = ReleaseRules({"via": "Movilidad"}, rules.timezone, rules.docs_dir, rules.root)  # no «salud»
    loader = CachedLoader(cache, "code")
    loader(path, rules)
    loader(other_path, other)
    loader.save()
    with pytest.raises(ReleaseError, match="salud"):
        CachedLoader(cache, "code")(path, other)


def test_a_release_stored_in_the_cache_holds_its_texts_once(tmp_path: Path) -> None:
    """Pickling a string keeps a UTF-8 copy of it inside the string (CPython) when it is not
    ASCII, as every Spanish text is: a release kept after being stored would weigh twice."""
    docs = tmp_path / "content"
    folder = docs / "prensa" / "2026" / "11"
    folder.mkdir(parents=True)
    Image.new("RGB", (1200, 630), (30, 90, 160)).save(folder / "vacunas.png")
    body = "La Secretaría de Salud vacunó a niñas y niños en la jornada. " * 40
    (folder / "vacunas.md").write_text(TEXT.format(title="Jornada de vacunación") + body, encoding="utf-8")
    rules = ReleaseRules({"salud": "Secretaría de Salud"}, ZoneInfo("America/Bogota"), docs, tmp_path)
    release = CachedLoader(BuildCache(tmp_path / "cache"), "code")(folder / "vacunas.md", rules)
    assert "niñas" in release.body
    for text in (release.body, release.title, release.meta.summary):
        unshared = "".join(list(text))  # the same characters in a string nothing has encoded
        assert sys.getsizeof(text) == sys.getsizeof(unshared)
