"""`pregon check` shows the crops the portal will publish for each image, with the names, sizes
and shapes the build gives them, and notes a main image too small for a large link card."""

from __future__ import annotations

from pregon.plugins import derivatives
from pregon.review.findings import Severity
from pregon.review.preview import CROPS_PREVIEW

from .conftest import MONTH, Workspace, jpeg, line_of_text, rules


def test_the_preview_lists_the_crops_the_build_publishes(ws: Workspace) -> None:
    data = jpeg(1000, 2000)
    ws.image("torre.jpg", data)
    path = ws.write("torre", {"image": "torre.jpg", "focal_point": "{x: 0.5, y: 0.2}"})
    report = ws.report(path)
    [crops] = [p for p in report.previews if p.channel == CROPS_PREVIEW]
    planned, _ = derivatives.plan(data, f"{MONTH.as_posix().removeprefix('content/')}/torre.jpg", (0.5, 0.2))
    assert [url for url, _ in crops.media] == [f"{ws.project().site_url}{c.path}" for c in planned]
    assert crops.text.splitlines()[0] == "torre.jpg (1000×2000):"
    assert "1.91:1 · 1000×523 · tarjetas de enlace" in crops.text and "9:16 · 1000×1778" in crops.text
    assert not [f for f in rules(report, "redes") if "tarjeta" in f.message]  # 1000×523 is large enough


def test_a_main_image_too_small_for_a_large_card_is_a_notice_on_its_line(ws: Workspace) -> None:
    ws.image("pequena.jpg", jpeg(500, 400))
    path = ws.write("pequena", {"image": "pequena.jpg"})
    report = ws.report(path)
    [notice] = [f for f in rules(report, "redes") if "tarjeta de enlace de 500×262" in f.message]
    assert notice.severity is Severity.NOTICE and "no agranda" in notice.message
    assert notice.line == line_of_text(path, "image: pequena.jpg")
