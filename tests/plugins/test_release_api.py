"""The functions other tools call without running MkDocs: load_rules, load_release, release_digest."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pregon.plugins.config import AnnouncementConfig
from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.lifecycle import published_updates
from pregon.plugins.media import youtube_id
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release, load_rules
from pregon.plugins.site import current_announcement

ROOT = Path(__file__).resolve().parents[2]
LIVE_SRC = ROOT / "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md"


@pytest.fixture()
def release(project_copy: Path) -> Path:
    return project_copy / "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md"


def test_load_rules_reads_the_plugin_options() -> None:
    rules = load_rules(ROOT / "mkdocs.yml")
    assert rules.dependencias["salud"] == "Secretaría de Salud"
    assert rules.docs_dir == ROOT / "content" and str(rules.timezone) == "America/Bogota"


def test_load_release_and_release_digest_agree(project_copy: Path, release: Path) -> None:
    loaded = load_release(release, load_rules(project_copy / "mkdocs.yml"))
    assert loaded.id == "prensa/2026/11/vias-rurales-temporada-de-lluvias"
    assert loaded.digest == release_digest(release) == release_digest(LIVE_SRC)
    assert loaded.date == datetime(2026, 11, 18, 6, 0, tzinfo=ZoneInfo("America/Bogota"))
    assert {u.id: u.digest for u in loaded.updates} == update_digests(release)


def test_line_ends_do_not_change_the_digest(release: Path) -> None:
    before = release_digest(release)
    release.write_bytes(release.read_bytes().replace(b"\n", b"\r\n"))
    assert release_digest(release) == before


def test_a_new_live_update_keeps_the_item_digest(release: Path) -> None:
    before, updates = release_digest(release), update_digests(release)
    text = release.read_text(encoding="utf-8").replace(
        "updates:\n",
        "updates:\n  - time: 2026-11-20 09:30\n    text: Nueva actualización.\n",
        1,
    )
    release.write_text(text, encoding="utf-8")
    assert release_digest(release) == before
    after = update_digests(release)
    assert set(after) == set(updates) | {"u-20261120T0930"} and all(after[k] == v for k, v in updates.items())


def test_body_and_media_changes_change_the_digest(release: Path) -> None:
    before = release_digest(release)
    image = release.parent / "vias-rurales.jpg"
    image.write_bytes(image.read_bytes() + b"\0")
    after_image = release_digest(release)
    assert after_image != before
    release.write_text(release.read_text(encoding="utf-8") + "\nUna frase más.\n", encoding="utf-8")
    assert release_digest(release) not in (before, after_image)


def test_every_problem_is_reported_at_once(project_copy: Path, release: Path) -> None:
    text = release.read_text(encoding="utf-8")
    text = text.replace("date: 2026-11-18 06:00\n", "date: ayer\n").replace("summary:", "resumen:")
    release.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError) as caught:
        load_release(release, load_rules(project_copy / "mkdocs.yml"))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"date", "summary"}
    assert all(p.path == "content/prensa/2026/11/vias-rurales-temporada-de-lluvias.md" for p in caught.value.problems)
    assert any(p.line == 3 and "no es una fecha válida" in p.message for p in caught.value.problems)


def test_gallery_alt_is_required(project_copy: Path) -> None:
    path = project_copy / "content/prensa/2026/06/festival-del-rio.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    alt: Ilustración de seis bailarinas",
            "    alto: Ilustración de seis bailarinas",
        ),
        encoding="utf-8",
    )
    with pytest.raises(ReleaseError) as caught:
        load_release(path, load_rules(project_copy / "mkdocs.yml"))
    assert "falta `gallery[0].alt` para la imagen `festival-del-rio-danza.jpg`" in str(caught.value)


def test_missing_media_file_is_a_release_error(release: Path) -> None:
    shutil.copy(release, release.parent / "copia.md")
    (release.parent / "vias-rurales.jpg").unlink()
    with pytest.raises(ReleaseError, match=r"no se encuentra el archivo `vias-rurales\.jpg`"):
        release_digest(release.parent / "copia.md")


def test_announcement_disappears_when_it_expires() -> None:
    tz = ZoneInfo("America/Bogota")
    config = AnnouncementConfig()
    config.load_dict({"text": "Aviso", "expires": "2026-12-15 23:59"})
    assert not config.validate()[0]
    assert current_announcement(config, datetime(2026, 11, 20, tzinfo=tz), tz) is not None
    assert current_announcement(config, datetime(2026, 12, 16, tzinfo=tz), tz) is None


def test_youtube_references() -> None:
    for ref in (
        "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "https://youtu.be/aqz-KE-bpKQ",
        "https://www.youtube.com/embed/aqz-KE-bpKQ",
        "https://www.youtube.com/shorts/aqz-KE-bpKQ",
        "https://m.youtube.com/watch?feature=share&v=aqz-KE-bpKQ",
        "aqz-KE-bpKQ",
    ):
        assert youtube_id(ref) == "aqz-KE-bpKQ", ref
    assert youtube_id("https://vimeo.com/123") is None and youtube_id("video.mp4") is None


def test_an_update_written_ahead_waits_for_its_time(project_copy: Path, release: Path) -> None:
    text = release.read_text(encoding="utf-8").replace(
        "updates:\n",
        "updates:\n  - time: 2026-11-20 12:00\n    text: Se publica a mediodía.\n",
        1,
    )
    release.write_text(text, encoding="utf-8")
    loaded = load_release(release, load_rules(project_copy / "mkdocs.yml"))
    tz = ZoneInfo("America/Bogota")
    assert [u.id for u in published_updates(loaded, datetime(2026, 11, 20, 10, 0, tzinfo=tz))] == [
        "u-20261120T0845",
        "u-20261119T1610",
        "u-20261118T0730",
    ]
    assert published_updates(loaded, datetime(2026, 11, 20, 12, 0, tzinfo=tz))[0].id == "u-20261120T1200"
