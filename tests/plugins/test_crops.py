"""Crops of each image for the networks (issue 13.5): the focal point kept in view, never enlarged,
the same bytes for the same input, published on the portal, listed in the manifest, and the
page's og:image is the 1.91:1 one.

Images are made with Pillow: a grey field with one red marker, so a test can tell from the
pixels whether the part the editor asked for survived the crop. Build tests run real
``mkdocs build`` runs of a copy of the example project.
"""

from __future__ import annotations

import hashlib
import io
import json
import marshal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pregon.plugins import derivatives
from pregon.plugins.cache import BuildCache
from pregon.plugins.derivatives import LINK_CARD, PORTRAIT, RATIOS, SQUARE, STORY, crop_box, plan, render
from pregon.plugins.problems import ReleaseError
from pregon.plugins.release import load_release, load_rules
from pregon.syndicate.manifest import parse_manifest

from tests.conftest import build_site

from .conftest import head, meta_content
from .test_build_cache import assert_same_site, build, clean_build

GREY = (128, 128, 128)
RED = (230, 20, 20)


def photo(size: tuple[int, int], marker: tuple[float, float] | None = None, fmt: str = "JPEG", **save: object) -> bytes:
    """A grey picture of ``size`` with a red square centred at ``marker`` (fractions of the size)."""
    img = Image.new("RGB", size, GREY)
    if marker is not None:
        side = max(4, min(size) // 12)
        cx, cy = round(marker[0] * size[0]), round(marker[1] * size[1])
        img.paste(RED, (cx - side // 2, cy - side // 2, cx + side // 2, cy + side // 2))
    out = io.BytesIO()
    img.save(out, fmt, quality=95, **save)
    return out.getvalue()


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 180 and pixel[1] < 90 and pixel[2] < 90


def red_pixels(img: Image.Image) -> int:
    data = img.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if is_red((data[i], data[i + 1], data[i + 2])))


def cut(data: bytes, ratio: derivatives.Ratio, focus: derivatives.Focus) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        box, size = crop_box(img.width, img.height, ratio, focus)
    made = Image.open(io.BytesIO(render(data, box, size)))
    assert made.format == "JPEG" and made.size == size
    return made


# --- the cut itself -----------------------------------------------------------------------------


def test_a_vertical_photo_keeps_its_focal_point_in_the_link_card() -> None:
    tower = photo((1000, 2000), marker=(0.5, 0.1))
    card = cut(tower, LINK_CARD, (0.5, 0.1))
    assert card.size == (1000, 523)  # the full width, at 1.91:1; narrower than 1200, so not enlarged
    assert is_red(card.getpixel((500, 200)))  # the marker, 200 px from the top of the photo and the crop
    centred = cut(tower, LINK_CARD, None)  # without the point: the middle of the tower, no marker
    assert red_pixels(centred) == 0


def test_a_panorama_cut_around_a_point_near_its_edge_slides_back_inside() -> None:
    panorama = photo((4000, 500), marker=(0.97, 0.5))
    square = cut(panorama, SQUARE, (0.97, 0.5))
    assert square.size == (500, 500)
    # The 500 px square cannot be centred at x = 3880: it ends at the right edge instead.
    assert is_red(square.getpixel((380, 250)))
    story = cut(panorama, STORY, (0.97, 0.5))
    assert story.size == (281, 500) and red_pixels(story) > 0
    assert red_pixels(cut(panorama, STORY, None)) == 0


@pytest.mark.parametrize(
    "size", [(40, 30), (30, 40), (1, 1), (3000, 2000), (1200, 630), (2000, 3000), (5000, 90), (7, 4000)]
)
def test_no_crop_is_ever_larger_than_its_source_or_its_network_size(size: tuple[int, int]) -> None:
    data = photo(size, fmt="PNG")
    crops, _ = plan(data, "prensa/foto.png", None)
    assert [c.ratio for c in crops] == ["1.91:1", "1:1", "4:5", "9:16"]
    for crop, ratio in zip(crops, RATIOS, strict=True):
        assert 1 <= crop.width <= min(size[0], ratio.width)
        assert 1 <= crop.height <= min(size[1], ratio.height)
        if crop.width > 10 and crop.height > 10:  # the ratio, to the rounding of one side to a pixel
            r = ratio.width / ratio.height
            assert min(abs(crop.width - crop.height * r), abs(crop.height - crop.width / r)) <= 0.5
        assert cut(data, ratio, None).size == (crop.width, crop.height)


def test_a_large_photo_is_shrunk_to_each_networks_size() -> None:
    crops, _ = plan(photo((3000, 2000)), "prensa/grande.jpg", None)
    assert {c.ratio: (c.width, c.height) for c in crops} == {
        "1.91:1": (1200, 628),
        "1:1": (1080, 1080),
        "4:5": (1080, 1350),
        "9:16": (1080, 1920),
    }


def test_the_same_input_gives_the_same_bytes_in_another_process() -> None:
    data = photo((1600, 900), marker=(0.2, 0.7))
    box, size = crop_box(1600, 900, PORTRAIT, (0.2, 0.7))
    here = hashlib.sha256(render(data, box, size)).hexdigest()
    assert hashlib.sha256(render(data, box, size)).hexdigest() == here
    code = (
        "import hashlib, sys; from pregon.plugins.derivatives import render; "
        f"print(hashlib.sha256(render(sys.stdin.buffer.read(), {box!r}, {size!r})).hexdigest())"
    )
    other = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True)
    assert other.stdout.decode().strip() == here


def test_names_follow_the_bytes_and_the_focal_point_not_the_folder() -> None:
    data = photo((1600, 900))
    a, _ = plan(data, "prensa/2026/01/Foto Río.JPG", None)
    b, _ = plan(data, "prensa/2026/02/foto-rio.jpg", None)
    moved, _ = plan(data, "prensa/2026/01/Foto Río.JPG", (0.1, 0.5))
    assert a[0].path.startswith("pregon/recortes/foto-r-o.tarjeta-1200x628.")
    assert a[0].path.rsplit(".", 2)[1] == b[0].path.rsplit(".", 2)[1]  # same bytes and point: same hash
    assert moved[1].path != a[1].path  # the square moves with the point
    other, _ = plan(photo((1600, 900), marker=(0.5, 0.5)), "prensa/x.jpg", None)
    assert other[0].path.rsplit(".", 2)[1] != a[0].path.rsplit(".", 2)[1]


def test_a_large_jpeg_decoded_at_a_fraction_of_its_size_still_gives_exact_crops() -> None:
    data = photo((4000, 4000), marker=(0.5, 0.5))  # every crop at most half its region: draft decode
    crops, jobs = plan(data, "prensa/grande.jpg", None)
    assert jobs[0].draft is not None and all(j.draft == jobs[0].draft for j in jobs)
    for crop, job in zip(crops, jobs, strict=True):
        made = Image.open(io.BytesIO(render(data, job.box, job.size, job.draft)))
        assert made.size == (crop.width, crop.height)
        assert is_red(made.getpixel((made.width // 2, made.height // 2)))  # the marker at the centre


def test_a_photo_taken_sideways_is_cut_as_it_is_seen() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view": stored 2000×1000, seen 1000×2000
    data = photo((2000, 1000), exif=exif.tobytes())
    crops, jobs = plan(data, "prensa/lado.jpg", None)
    assert (crops[0].width, crops[0].height) == (1000, 523)
    assert Image.open(io.BytesIO(render(data, jobs[0].box, jobs[0].size))).size == (1000, 523)


def test_transparency_becomes_white_and_every_crop_is_a_jpeg_without_metadata() -> None:
    img = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    img.paste((200, 0, 0, 255), (300, 300, 500, 500))
    out = io.BytesIO()
    img.save(out, "PNG")
    made = cut(out.getvalue(), SQUARE, None)
    assert made.getpixel((10, 10)) == (255, 255, 255)
    assert is_red(made.getpixel((400, 400)))
    assert not made.getexif()


# --- the build --------------------------------------------------------------------------------

TOWER = "prensa/2026/11/torre-del-reloj"


def add_tower(project: Path, focal: str = "{x: 0.5, y: 0.1}") -> None:
    folder = project / "content" / "prensa" / "2026" / "11"
    (folder / "torre.jpg").write_bytes(photo((1000, 2000), marker=(0.5, 0.1)))
    (folder / "panorama.jpg").write_bytes(photo((4000, 500), marker=(0.9, 0.5)))
    (folder / "sello.png").write_bytes(photo((40, 30), fmt="PNG"))
    (folder / "torre-del-reloj.md").write_text(
        "---\ntitle: El reloj de la torre vuelve a sonar\ndate: 2026-11-19 12:00\n"
        "summary: Tras la restauración, el reloj de la torre da de nuevo las horas.\n"
        "dependencia: cultura\nimage: torre.jpg\n"
        "image_alt: La torre del reloj vista desde la plaza, con la esfera arriba.\n"
        f"focal_point: {focal}\n"
        "gallery:\n  - src: panorama.jpg\n    alt: La plaza entera vista desde el atrio.\n"
        "  - src: sello.png\n    alt: El sello de la restauración.\n---\n\n"
        "El reloj suena de nuevo cada hora.\n",
        encoding="utf-8",
    )


def test_the_build_publishes_the_crops_lists_them_and_shares_the_link_card(project_copy: Path, tmp_path: Path) -> None:
    add_tower(project_copy)
    site = tmp_path / "cold"
    build(project_copy, site)
    manifest = parse_manifest((site / "pregon/manifest.json").read_bytes())
    raw = json.loads((site / "pregon/manifest.json").read_bytes())
    item = manifest.item(TOWER)
    assert item is not None and len(item.images) == 3
    for image in item.images:
        assert [c.ratio for c in image.crops] == ["1.91:1", "1:1", "4:5", "9:16"]
        for crop in image.crops:
            published = site / crop.url.removeprefix(manifest.site_url)
            with Image.open(published) as made:
                assert made.format == "JPEG" and made.size == (crop.width, crop.height)
            assert crop.width <= image.width and crop.height <= image.height  # never enlarged
    tiny = item.images[2]
    assert (tiny.crops[0].width, tiny.crops[0].height) == (40, 21)
    # Videos carry an empty list, so a reader can tell "no crops" from an older manifest.
    cine = next(i for i in raw["items"] if i["id"] == "prensa/2026/08/cine-al-parque")
    assert cine["media"][-1]["kind"] == "video" and cine["media"][-1]["crops"] == []

    html = (site / TOWER / "index.html").read_text(encoding="utf-8")
    card = item.images[0].crops[0]
    assert meta_content(head(html), "og:image") == [card.url]
    assert meta_content(head(html), "twitter:image") == [card.url]
    assert meta_content(head(html), "og:image:width") == ["1000"]
    assert meta_content(head(html), "og:image:height") == ["523"]
    assert meta_content(head(html), "og:image:type") == ["image/jpeg"]
    with Image.open(site / card.url.removeprefix(manifest.site_url)) as shared:
        assert is_red(shared.getpixel((500, 200)))  # the clock face the editor pointed at

    # Every release's og:image is a published 1.91:1 crop, and nothing else lands in the folder.
    published = {p.name for p in (site / "pregon/recortes").iterdir()}
    listed = {c.url.rsplit("/", 1)[-1] for i in manifest.items for m in i.images for c in m.crops}
    assert listed <= published


def test_a_warm_build_of_crops_is_a_clean_build_and_a_moved_point_moves_the_card(
    project_copy: Path, tmp_path: Path
) -> None:
    add_tower(project_copy)
    build(project_copy, tmp_path / "cold")
    assert any((project_copy / ".cache/pregon").glob("v*/crop/*/*"))  # crops went into the cache
    build(project_copy, tmp_path / "warm")
    clean_build(project_copy, tmp_path / "clean")
    assert_same_site(tmp_path / "warm", tmp_path / "clean")

    before = meta_content((tmp_path / "clean" / TOWER / "index.html").read_text(encoding="utf-8"), "og:image")
    tower = project_copy / "content" / f"{TOWER}.md"
    tower.write_text(tower.read_text(encoding="utf-8").replace("y: 0.1}", "y: 0.9}"), encoding="utf-8")
    build(project_copy, tmp_path / "moved")
    after = meta_content((tmp_path / "moved" / TOWER / "index.html").read_text(encoding="utf-8"), "og:image")
    assert after != before
    assert not (tmp_path / "moved" / before[0].split("/", 3)[3]).exists()  # the old card is gone
    with Image.open(tmp_path / "moved" / after[0].split("/", 3)[3]) as card:
        assert red_pixels(card) == 0  # the bottom of the tower: the marker at the top is cut away
    clean_build(project_copy, tmp_path / "moved-clean")
    assert_same_site(tmp_path / "moved", tmp_path / "moved-clean")


# --- bad focal points ---------------------------------------------------------------------------

ITEM = "content/prensa/2026/03/biblioteca-amplia-horario.md"


@pytest.mark.parametrize(
    ("focal", "expected"),
    [
        ("focal_point: {x: 0.5}", "falta `focal_point.y`: indique la posición vertical, de 0 a 1"),
        ("focal_point: {x: arriba, y: 0.2}", "`focal_point.x` debe ser un número, por ejemplo 0.5"),
        ("focal_point: {x: 0.5, y: -0.1}", "`focal_point.y` debe ser un número entre 0 y 1"),
        ("focal_point: {x: 0.5, y: 0.5, z: 1}", "campo desconocido `focal_point.z`: bórrelo"),
        ("focal_point: centro", "`focal_point` debe ser un grupo de campos `nombre: valor`"),
    ],
    ids=["missing-y", "text", "negative", "extra-key", "not-a-mapping"],
)
def test_a_bad_focal_point_is_refused_with_file_line_and_field(project_copy: Path, focal: str, expected: str) -> None:
    path = project_copy / ITEM
    path.write_text(path.read_text(encoding="utf-8").replace("tags:", f"{focal}\ntags:", 1), encoding="utf-8")
    with pytest.raises(ReleaseError) as caught:
        load_release(path, load_rules(project_copy / "mkdocs.yml"))
    problem = next((p for p in caught.value.problems if expected in p.message), None)
    assert problem is not None, [p.message for p in caught.value.problems]
    assert problem.line == 6 and problem.field is not None and problem.field.startswith("focal_point")
    assert str(problem).startswith("content/prensa/2026/03/biblioteca-amplia-horario.md:6:")


def test_a_focal_point_without_an_image_stops_the_build(project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "content/prensa/2026/08/cine-al-parque.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("image: "), text.index("video: ")
    path.write_text(text[:start] + "focal_point: {x: 0.5, y: 0.5}\n" + text[end:], encoding="utf-8")
    result = build_site(tmp_path / "site", "http://portal.example/", project=project_copy)
    assert result.returncode != 0
    assert "content/prensa/2026/08/cine-al-parque.md:7: `focal_point` necesita `image`" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- the cached plan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b"\x00garbage",
        # The earlier format: one row per crop, not the image's facts.
        marshal.dumps({"prensa/a.jpg": [("1.91:1", "pregon/recortes/a.jpg", 1, 1, "image/jpeg")]}),
        marshal.dumps({"prensa/a.jpg": ("sha", 1200, 630, 1200, 630, True, "0.5", None)}),
    ],
    ids=["bytes", "rows", "text-point"],
)
def test_a_damaged_or_older_cached_plan_is_planned_again(tmp_path: Path, payload: bytes) -> None:
    """A cached plan is data the next build trusts: any other shape means planning again from
    the image, with the same crops as without a cache, and the entry replaced."""

    docs = tmp_path / "content"
    folder = docs / "prensa" / "2026" / "03"
    folder.mkdir(parents=True)
    (folder / "a.jpg").write_bytes(photo((1200, 630), (0.5, 0.5)))
    (folder / "a.md").write_text(
        "---\ntitle: Un título\ndate: 2026-03-01 09:00\nsummary: Un resumen.\ndependencia: salud\n"
        "image: a.jpg\nimage_alt: Una imagen gris.\nfocal_point: {x: 0.3, y: 0.6}\n---\n\nTexto.\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Prueba\ndocs_dir: content\nplugins:\n  - pregon:\n      dependencias:\n        salud: Salud\n",
        encoding="utf-8",
    )
    release = load_release(folder / "a.md", load_rules(tmp_path / "mkdocs.yml"))
    assert release.image is not None
    expected = derivatives.plan_site([(release, "clave")], docs, None, "código").of(release.image)
    assert [c.ratio for c in expected] == ["1.91:1", "1:1", "4:5", "9:16"]

    planned: list[str] = []

    class Watched(BuildCache):
        def put(self, kind: str, key: str, data: bytes) -> None:
            if kind == "crop-plan":
                planned.append(key)
            super().put(kind, key, data)

    cache = Watched(tmp_path / "cache")
    derivatives.plan_site([(release, "clave")], docs, cache, "código")
    [key] = planned
    cache.put("crop-plan", key, payload)
    again = derivatives.plan_site([(release, "clave")], docs, cache, "código")
    assert again.of(release.image) == expected
    assert len(planned) == 3  # planned, damaged by the test, planned again
    assert cache.get("crop-plan", key) != payload
