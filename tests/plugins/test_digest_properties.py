"""Property tests of the digest (format pregon-digest-2): it is bound to everything that is published.

Each example writes a full, valid release (front matter dumped by PyYAML, body, real media files),
changes one published thing and compares digests computed by `release_digest`/`update_digests`
and by `load_release` (the build's path), which must always agree.
"""

from __future__ import annotations

import copy
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image
from pregon.plugins.digest import release_digest, update_digests
from pregon.plugins.release import ReleaseRules, load_release

ROOT = Path(__file__).resolve().parents[2]
FOLDER = "prensa/2026/03"
DEPENDENCIAS = {"salud": "Salud", "cultura": "Cultura", "gobierno": "Gobierno"}
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BASE: dict[str, Any] = {
    "title": "Jornada de vacunación",
    "date": datetime(2026, 3, 10, 9, 30),
    "summary": "Vacunación gratuita en barrios y veredas.",
    "dependencia": "salud",
    "tags": ["salud"],
    "image": "a.jpg",
    "image_alt": "Una enfermera vacuna a un niño.",
    "gallery": [{"src": "b.jpg", "alt": "La fila frente al puesto."}],
    "video": "v1.mp4",
    "video_alt": "Resumen de la jornada.",
    "expires": datetime(2026, 4, 1, 18, 0),
    "featured": False,
    "featured_until": datetime(2026, 3, 20, 0, 0),
    "social": {"x": "Vacúnese gratis."},
    "press_lists": ["medios-locales"],
    "accounts": ["x", "bluesky"],
    "focal_point": {"x": 0.5, "y": 0.5},
    "live": True,
    "updates": [
        {"id": "u0", "time": datetime(2026, 3, 10, 10, 0), "text": "Ya vacunamos a 300 personas."},
        {
            "id": "u1",
            "time": datetime(2026, 3, 10, 12, 0),
            "text": "Quedan vacunas.",
            "image": "u.jpg",
            "image_alt": "Fila.",
        },
    ],
}
BODY = "La Secretaría de Salud vacuna gratis.\n\n![Mapa del barrio](mapa.png)\n"


def _jpeg(seed: int, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (seed % 256, 80, 120)).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    docs = tmp_path / "content"
    folder = docs / FOLDER
    folder.mkdir(parents=True)
    for i, name in enumerate(("a.jpg", "b.jpg", "c.jpg", "u.jpg", "u2.jpg")):
        (folder / name).write_bytes(_jpeg(i))
    (folder / "mapa.png").write_bytes(_jpeg(9, "PNG"))
    (folder / "v1.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"1" * 64)
    (folder / "v2.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"2" * 64)
    return docs


def _write(site: Path, meta: dict[str, Any], body: str = BODY) -> Path:
    path = site / FOLDER / "comunicado.md"
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{text}---\n\n{body}", encoding="utf-8")
    return path


def _rules(site: Path) -> ReleaseRules:
    from zoneinfo import ZoneInfo

    return ReleaseRules(DEPENDENCIAS, ZoneInfo("America/Bogota"), site, root=site.parent)


def _digests(site: Path, meta: dict[str, Any], body: str = BODY) -> tuple[str, dict[str, str]]:
    path = _write(site, meta, body)
    loaded = load_release(path, _rules(site))  # a valid, publishable release …
    item, updates = release_digest(path), update_digests(path)
    assert loaded.digest == item and {u.id: u.digest for u in loaded.updates} == updates  # … and one digest
    return item, updates


words = st.text(st.sampled_from("abcdefghij ñáéíóú ABC0123456789.,¿?¡!«»-"), min_size=1, max_size=30).map(str.strip)
text = words.filter(bool)
slug = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
moment = st.datetimes(datetime(2026, 1, 1), datetime(2026, 3, 10, 8)).map(lambda d: d.replace(second=0, microsecond=0))
later = st.datetimes(datetime(2026, 3, 11), datetime(2027, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0))

FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": text,
    "summary": text,
    "date": moment,
    "expires": later,
    "dependencia": st.sampled_from(["cultura", "gobierno"]),
    "tags": st.lists(text, min_size=0, max_size=3),
    "image": st.sampled_from(["b.jpg", "c.jpg"]),
    "image_alt": text,
    "gallery": st.lists(
        st.fixed_dictionaries({"src": st.sampled_from(["a.jpg", "b.jpg", "c.jpg"]), "alt": text}), max_size=3
    ),
    "video": st.sampled_from(["v2.mp4", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"]),
    "social": st.dictionaries(slug, text, max_size=3),
    "press_lists": st.lists(slug, max_size=3, unique=True),
    "featured": st.just(True),
    "featured_until": later,
    "accounts": st.one_of(st.lists(slug, max_size=3, unique=True), st.none()),
    "focal_point": st.fixed_dictionaries({"x": st.floats(0, 1), "y": st.floats(0, 1)}),
}


@settings(SETTINGS, max_examples=80)
@given(data=st.data())
def test_changing_any_published_field_changes_the_item_digest_only(site: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FIELD_VALUES)), label="field")
    value = data.draw(FIELD_VALUES[name], label=name)
    assume(value != BASE[name])
    before, updates_before = _digests(site, BASE)
    changed = {**copy.deepcopy(BASE), name: value}
    after, updates_after = _digests(site, changed)
    assert after != before
    assert updates_after == updates_before  # the item's fields are not part of an update's digest


@SETTINGS
@given(body=st.text(st.sampled_from("abc ñ\n#*-_![]()."), max_size=80))
def test_changing_the_body_changes_the_item_digest(site: Path, body: str) -> None:
    assume(body != BODY and "![" not in body)  # a new image reference would need its file
    before, _ = _digests(site, BASE)
    after, _ = _digests(site, BASE, body)
    assert after != before


@SETTINGS
@given(
    name=st.sampled_from(["a.jpg", "b.jpg", "v1.mp4", "mapa.png", "u.jpg"]), extra=st.binary(min_size=1, max_size=32)
)
def test_changing_the_bytes_of_a_media_file_changes_exactly_its_digest(site: Path, name: str, extra: bytes) -> None:
    before, updates_before = _digests(site, BASE)
    media = site / FOLDER / name
    original = media.read_bytes()
    media.write_bytes(original + extra)  # trailing bytes: still a valid image for every reader
    try:
        after, updates_after = _digests(site, BASE)
    finally:
        media.write_bytes(original)
    if name == "u.jpg":  # the image of the second update
        assert after == before
        assert [k for k in updates_before if updates_before[k] != updates_after[k]] == ["u1"]
    else:
        assert after != before and updates_after == updates_before


update = st.fixed_dictionaries(
    {
        "time": st.datetimes(datetime(2026, 3, 10, 13), datetime(2026, 3, 30)).map(lambda d: d.replace(second=0)),
        "text": text,
    },
    optional={"image": st.just("u2.jpg"), "image_alt": text},
)


@SETTINGS
@given(new=update)
def test_adding_an_update_changes_only_that_updates_digest(site: Path, new: dict[str, Any]) -> None:
    assume("image" not in new or "image_alt" in new)
    before, updates_before = _digests(site, BASE)
    after, updates_after = _digests(site, {**BASE, "updates": [*BASE["updates"], new]})
    assert after == before
    added = set(updates_after) - set(updates_before)
    assert len(added) == 1 and {k: updates_after[k] for k in updates_before} == updates_before


@SETTINGS
@given(index=st.sampled_from([0, 1]), key=st.sampled_from(["text", "time", "image_alt"]), value=text)
def test_editing_an_update_changes_only_that_updates_digest(site: Path, index: int, key: str, value: str) -> None:
    edited = copy.deepcopy(BASE)
    target = edited["updates"][index]
    if key == "time":
        target["time"] += timedelta(minutes=len(value))
    else:
        assume(key in target and target[key] != value)
        target[key] = value
    before, updates_before = _digests(site, BASE)
    after, updates_after = _digests(site, edited)
    assert after == before
    assert [k for k in updates_before if updates_before[k] != updates_after[k]] == [f"u{index}"]


def test_the_digest_does_not_depend_on_how_equal_values_are_spelled(site: Path) -> None:
    """Block or flow lists, quotes and either date spelling give the same values, hence the same digest."""
    path = _write(site, BASE)
    first = release_digest(path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("date: 2026-03-10 09:30:00", "date: '2026-03-10 09:30'").replace(
        "tags:\n- salud", "tags: [salud]"
    )
    assert "[salud]" in text and "'2026-03-10 09:30'" in text
    path.write_text(text, encoding="utf-8")
    assert release_digest(path) == first


def test_the_example_content_digests_are_format_2() -> None:
    """The shipped digests match what the documented canonical JSON gives (no hidden inputs)."""
    import hashlib
    import json

    from pregon.plugins.source import read_source

    path = ROOT / "content/prensa/2026/06/festival-del-rio.md"
    source = read_source(path)
    meta = {k: v for k, v in source.meta.items() if k != "updates"}
    meta["date"] = "2026-06-29T18:00:00"
    meta["featured_until"] = "2026-07-15T00:00:00"
    files = []
    for role, ref in [("image", meta["image"])] + [("gallery", g["src"]) for g in meta["gallery"]]:
        data = (path.parent / ref).read_bytes()
        files.append({"role": role, "ref": ref, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    document = {"format": "pregon-digest-2", "front_matter": meta, "body": source.body, "files": files}
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert release_digest(path) == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def test_an_approval_recorded_under_format_1_is_not_accepted_and_says_to_re_approve(tmp_path: Path) -> None:
    import json

    from pregon.syndicate.approvals.records import RecordsApprovals
    from pregon.syndicate.manifest import Item

    source = "content/prensa/2026/06/festival-del-rio.md"
    old = "sha256:9590ae04d9da0f285c20bfac86f44b0ddfe9b93b693f013c9e582de9a1b7c0b0"  # shipped format-1 digest
    folder = tmp_path / "approvals"
    folder.mkdir()
    lines = [
        {"v": 1, "at": "2026-11-23T11:21:16Z", "by": who, "role": role, "digest": old, "source": source, "pr": None}
        for who, role in (("jefa-prensa", "contenido"), ("disenador", "diseño"))
    ]
    (folder / "2026-11.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    current = release_digest(ROOT / source)
    assert current != old
    item = Item.model_validate(
        {
            "id": "prensa/2026/06/festival-del-rio",
            "url": "http://portal.example/prensa/2026/06/festival-del-rio/",
            "digest": current,
            "title": "t",
            "summary": "s",
            "date": "2026-06-29T18:00:00-05:00",
            "dependencia": {"slug": "cultura", "name": "Cultura"},
            "source": {"path": source},
        }
    )
    decision = RecordsApprovals(folder, {"contenido": ("jefa-prensa",), "diseño": ("disenador",)}).decide(item)
    assert not decision.approved
    assert "vuelva a aprobarlo" in decision.reason and "pregon-digest-2" in decision.reason
