"""Each rule of `pregon check` fires on a crafted release, at the right line, and stays quiet on a
clean one and on the example content."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pregon.plugins.release import Media as PluginMedia
from pregon.review import check as checking
from pregon.review import media
from pregon.review.electoral import load_calendar
from pregon.review.findings import ReleaseReport, Severity
from pregon.review.inclusive import RuleFileError, load_rules
from pregon.review.project import load_project

from .conftest import ROOT_EXAMPLE, Workspace, jpeg, line_of_text, rules


def test_a_clean_release_has_no_findings(ws: Workspace) -> None:
    report = ws.report(ws.write("limpio"))
    assert report.findings == []
    assert report.url == "http://127.0.0.1:8000/prensa/2026/11/limpio/"
    assert [p.channel for p in report.previews] == ["outbox", "recortes para redes"]


def test_example_content_passes_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREGON_NOW", "2026-11-20T10:00:00-05:00")
    project = load_project(ROOT_EXAMPLE / "mkdocs.yml")
    releases = sorted(project.releases_root.rglob("*.md"))
    releases = [r for r in releases if r.name != "index.md"]
    assert len(releases) >= 10
    result = checking.run(project, releases)
    assert result.count(Severity.ERROR) == 0, [str(f) for f in result.findings if f.severity is Severity.ERROR]
    assert result.findings == [], [str(f) for f in result.findings]


# --- Errors -------------------------------------------------------------------------------------


def test_schema_errors_come_from_the_portal_loader_with_their_line(ws: Workspace) -> None:
    path = ws.write("sin-alt", {"image_alt": None, "dependencia": "hacienda"})
    report = ws.report(path)
    errors = rules(report, "esquema")
    assert all(f.severity is Severity.ERROR for f in errors)
    messages = " ".join(f.message for f in errors)
    assert "image_alt" in messages and "hacienda" in messages
    assert any(f.line == line_of_text(path, "dependencia:") for f in errors)


def test_a_release_needs_an_image_or_a_video(ws: Workspace) -> None:
    report = ws.report(ws.write("sin-imagen", {"image": None, "image_alt": None}))
    assert any("imagen o un video" in f.message for f in rules(report, "esquema"))


def test_broken_relative_links_and_images_in_the_body(ws: Workspace) -> None:
    body = "Primer párrafo.\n\nVea [el decreto](../no-existe.md) y el [otro](prueba.jpg).\n\n![Mapa de la vereda.](mapa.png)\n"
    path = ws.write("enlaces", body=body)
    report = ws.report(path)
    found = {(f.line, f.message.split("`")[1]) for f in rules(report, "enlaces")}
    assert found == {(line_of_text(path, "el decreto"), "../no-existe.md"), (line_of_text(path, "![Mapa"), "mapa.png")}
    assert all(f.severity is Severity.ERROR for f in rules(report, "enlaces"))
    assert not rules(report, "esquema")  # the body image is reported once, with its line


def test_post_over_a_network_limit_is_an_error_with_the_channels_own_render(ws: Workspace) -> None:
    ws.configure(
        channels="bluesky: {service: 'https://bsky.social', handle: alcaldia.bsky.social, app_password: !ENV PREGON_TEST_NO_SUCH_SECRET}\n"
    )
    long_text = "Ñandú " * 60  # 360 graphemes
    path = ws.write("largo", extra=f'social:\n  bluesky: "{long_text.strip()}"')
    report = ws.report(path)
    errors = rules(report, "redes")
    assert len(errors) == 1 and errors[0].severity is Severity.ERROR
    assert "bluesky" in errors[0].message and "300" in errors[0].message
    assert errors[0].line == line_of_text(path, "  bluesky:")
    preview = next(p for p in report.previews if p.channel == "bluesky")
    assert preview.note is None  # rendered by BlueskyChannel, without its secret
    assert preview.length is not None and preview.length > 300 and preview.limit == 300


def test_preview_falls_back_to_counting_rules_when_a_channel_cannot_render(ws: Workspace) -> None:
    ws.configure(channels="bluesky: {opcion_inexistente: 1}\n")  # the channel refuses to build
    result = ws.check(ws.write("aprox", extra='social:\n  bluesky: "' + "a" * 301 + '"'))
    [invalid] = result.general  # and the configuration itself fails the check, on its line
    assert invalid.severity is Severity.ERROR and "channels.bluesky.opcion_inexistente" in invalid.message
    assert invalid.path == "mkdocs.yml" and invalid.line == line_of_text(ws.root / "mkdocs.yml", "opcion_inexistente")
    report = result.reports[0]
    preview = next(p for p in report.previews if p.channel == "bluesky")
    assert preview.note and "aproximada" in preview.note
    assert preview.length == 301 + 2 + len(report.url or "")  # override + blank line + URL, full length
    assert rules(report, "redes")


def test_images_against_network_limits(ws: Workspace) -> None:
    ws.configure(channels="instagram: {ig_user_id: '1', access_token: !ENV PREGON_TEST_NO_SUCH_SECRET}\nbluesky: {}\n")
    heavy = jpeg(2400, 800, quality=95, noise=True)  # 3:1, well over 1,000,000 bytes
    assert len(heavy) > 1_000_000
    ws.image("panoramica.jpg", heavy)
    buffer = io.BytesIO()
    Image.new("RGB", (150, 150), "red").save(buffer, "PNG")
    ws.image("icono.png", buffer.getvalue())
    path = ws.write(
        "imagenes", {"image": "panoramica.jpg"}, extra="gallery:\n  - src: icono.png\n    alt: Un cuadrado rojo."
    )
    report = ws.report(path)
    image_line, gallery_line = line_of_text(path, "image: panoramica.jpg"), line_of_text(path, "src: icono.png")
    assert {p.channel: p.note for p in report.previews} == {
        "outbox": None,
        "instagram": None,
        "bluesky": None,
        "recortes para redes": None,
    }

    # Instagram takes the portal's JPEG crops (1:1 for a wide first photo), not the 3:1 photo and
    # the PNG it would refuse: no error, and the review does not repeat the originals' limits.
    instagram = next(p for p in report.previews if p.channel == "instagram")
    assert [url.rsplit("/", 1)[-1].split(".")[:2] for url, _ in instagram.media] == [
        ["panoramica", "cuadrada-800x800"],
        ["icono", "cuadrada-150x150"],
    ]
    assert not [f for f in rules(report, "redes") if f.message.startswith("instagram")]
    assert not [f for f in rules(report, "imagenes") if "instagram" in f.message]
    # Bluesky uploads a copy it fits itself: a warning, with the limit.
    [bluesky] = [f for f in rules(report, "imagenes") if "bluesky" in f.message]
    assert bluesky.severity is Severity.WARNING and "1.000.000 B" in bluesky.message and bluesky.line == image_line
    # Too small for any network.
    [small] = [f for f in rules(report, "imagenes") if "150×150" in f.message]
    assert small.severity is Severity.ERROR and small.line == gallery_line


def test_image_table_stands_in_when_a_channel_cannot_render() -> None:
    png = PluginMedia(
        "image",
        "Un cuadrado azul.",
        src="prensa/2026/11/cuadrada.png",
        mime="image/png",
        width=1200,
        height=1200,
        bytes=50_000,
    )
    report = ReleaseReport("x.md")
    media.check(report, [("image", png, 9)], ["instagram", "x"], rendered={"x"})
    [finding] = report.findings
    assert finding.severity is Severity.ERROR and "instagram" in finding.message and "PNG" in finding.message
    assert finding.line == 9
    report = ReleaseReport("x.md")
    media.check(report, [("image", png, 9)], ["instagram"], rendered={"instagram"})
    assert report.findings == []  # InstagramChannel.render() reports it instead


# --- Warnings -----------------------------------------------------------------------------------


def test_inclusive_language_suggestions(ws: Workspace) -> None:
    body = "Invitamos a los ciudadanos a participar.\n\nHabrá rampas para discapacitados y atención a indigentes.\n"
    path = ws.write("incluyente", body=body, fields={"summary": '"No fue un crimen pasional, fue un feminicidio."'})
    report = ws.report(path)
    found = rules(report, "lenguaje-incluyente")
    assert all(f.severity is Severity.WARNING for f in found)
    text = {f.message.split("«")[1].split("»")[0]: f for f in found}
    assert set(text) == {"los ciudadanos", "discapacitados", "indigentes", "crimen pasional"}
    assert "la ciudadanía" in text["los ciudadanos"].message
    assert "persona con discapacidad" in text["discapacitados"].message
    assert "feminicidio" in text["crimen pasional"].message
    assert text["discapacitados"].line == line_of_text(path, "discapacitados")
    assert text["crimen pasional"].line == line_of_text(path, "summary:")


def test_an_office_rule_file_replaces_the_default(ws: Workspace) -> None:
    (ws.root / "reglas.yml").write_text(
        "rules:\n  - family: estilo\n    terms: [plaza principal]\n    suggest: [Plaza de Bolívar]\n", encoding="utf-8"
    )
    ws.configure(review="inclusive_language: reglas.yml\n")
    report = ws.report(ws.write("oficina", body="Invitamos a los ciudadanos a la plaza principal.\n"))
    assert {f.message.split("«")[1].split("»")[0] for f in rules(report, "lenguaje-incluyente")} == {"plaza principal"}


def test_personal_data_in_text(ws: Workspace) -> None:
    ws.configure(review='allowed_emails: [prensa@aliado.example, "@otro.example"]\n')
    config = ws.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^(\s+phone:).*$", r'\1 "+57 604 444 5566"', text, count=1), encoding="utf-8")
    body = (
        "El ganador, identificado con C.C. 79123456, recibió el premio.\n\n"
        "Su cédula 1.023.456.789 quedó registrada.\n\n"
        "Informes al 310 555 1234, al (601) 555 1234 o a juan.perez@gmail.com.\n\n"
        "Escriba a contactenos@sanisidrodelrio.example o a prensa@sanisidrodelrio.example. "
        "También a prensa@aliado.example, a mesa@otro.example o a juana@aliado.example. "
        "La línea de la Alcaldía es (604) 444 5566. "
        "La obra cuesta $ 1.200.000.000 y dura 2026 días.\n"
    )
    path = ws.write("datos", body=body)
    report = ws.report(path)
    found = [f.message.split("«")[1].split("»")[0] for f in rules(report, "datos-personales")]
    assert sorted(found) == sorted(
        ["79123456", "1.023.456.789", "310 555 1234", "(601) 555 1234", "juan.perez@gmail.com", "juana@aliado.example"]
    )


def test_gps_in_photos_is_reported_and_stripped_on_request(ws: Workspace) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (4.0, 36.0, 0.0), 3: "W", 4: (74.0, 4.0, 0.0)})
    photo = ws.image("gps.jpg", jpeg(1200, 630, exif=exif))
    path = ws.write("gps", {"image": "gps.jpg"})
    report = ws.report(path)
    [finding] = rules(report, "datos-personales")
    assert finding.severity is Severity.WARNING and "--strip-exif" in finding.message
    assert finding.line == line_of_text(path, "image: gps.jpg")

    report = ws.report(path, strip_exif=True)
    assert [f.severity for f in rules(report, "datos-personales")] == [Severity.NOTICE]
    with Image.open(photo) as img:
        assert not img.getexif().get_ifd(0x8825)
        assert img.getexif().get(0x0112) in (None, 1)
        assert img.size == (630, 1200)  # turned upright, so it still displays the same way
    assert rules(ws.report(path), "datos-personales") == []


def test_electoral_periods_use_the_day_the_release_goes_out(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ws.write("garantias", {"date": "2026-02-10 09:00"})
    monkeypatch.setenv("PREGON_NOW", "2026-02-01T10:00:00-05:00")
    found = rules(ws.report(path), "ley-de-garantias")
    # 10 February 2026 is inside both the congressional and the presidential period.
    assert ["Congreso" in f.message for f in found] == [True, False]
    for finding in found:
        assert finding.severity is Severity.WARNING and "2026-02-10" in finding.message and "Ley 996" in finding.message
        assert finding.line == line_of_text(path, "date:")
    monkeypatch.setenv("PREGON_NOW", "2026-11-20T10:00:00-05:00")  # merged later: goes out today
    assert rules(ws.report(path), "ley-de-garantias") == []


def test_spelling_with_office_words(ws: Workspace) -> None:
    (ws.root / "palabras.txt").write_text("# nombres locales\nchiva\n", encoding="utf-8")
    ws.configure(review="words: palabras.txt\n")
    body = "La jornada de vacunacion llega en chiva a la vereda Quebradaseca.\n\nTrae el carnet.\n"
    report = ws.report(ws.write("ortografia", body=body))
    found = {f.message.split("«")[1].split("»")[0]: f for f in rules(report, "ortografia")}
    assert set(found) == {"vacunacion"}  # "chiva" is an office word, "Quebradaseca" a proper name
    assert "vacunación" in found["vacunacion"].message


def test_missing_dictionary_is_one_warning_not_a_crash(ws: Workspace) -> None:
    ws.configure(review="dictionary: xx_XX\n")
    result = ws.check(ws.write("sin-diccionario", body="Texto con herrores.\n"), ws.write("otro"))
    [general] = result.general
    assert general.severity is Severity.WARNING and "hunspell-es" in general.message
    assert not result.failed and len(result.reports) == 2


def test_long_sentences_and_preview_lengths(ws: Workspace) -> None:
    words = " ".join(["palabra"] * 24)
    very_long = " ".join(["palabra"] * 35)
    path = ws.write(
        "largas",
        {"title": '"' + "Título " * 11 + '"', "summary": "Resumen corto."},
        body=f"Frase corta.\n\nUna {words}.\n\nOtra {very_long}.\n",
    )
    report = ws.report(path)
    sentences = rules(report, "lenguaje-claro")
    assert [(f.severity, f.line) for f in sentences] == [
        (Severity.NOTICE, line_of_text(path, "Una palabra")),
        (Severity.WARNING, line_of_text(path, "Otra palabra")),
    ]
    [title] = rules(report, "vista-previa")
    assert title.severity is Severity.WARNING and "76 caracteres" in title.message  # trailing space stripped


def test_rule_file_errors_fail_the_run(ws: Workspace) -> None:
    (ws.root / "calendario.yml").write_text("periods:\n  - name: malo\n    start: 2026-05-01\n", encoding="utf-8")
    ws.configure(review="electoral_calendar: calendario.yml\n")
    result = ws.check(ws.write("x"))
    assert result.failed and "calendario.yml" in result.general[0].message


def test_unknown_fields_are_warnings(ws: Workspace) -> None:
    report = ws.report(ws.write("campo", {"sumary": "typo"}))
    [warning] = rules(report, "esquema")
    assert warning.severity is Severity.WARNING and "summary" in warning.message


def test_paths_outside_releases_are_ignored(ws: Workspace) -> None:
    guide = Path(ws.root / "content" / "guia" / "index.md")
    assert not ws.project().is_release(guide)


def test_review_options_are_validated(ws: Workspace) -> None:
    from pregon.review.project import ProjectError

    ws.configure(review="max_sentence_word: 25\n")
    with pytest.raises(ProjectError, match="review → max_sentence_word: opción desconocida"):
        ws.project()


def test_live_updates_are_previewed_and_checked(ws: Workspace) -> None:
    ws.configure(channels="bluesky: {}\n")
    long_update = "Ñandú " * 60
    path = ws.write(
        "en-vivo",
        extra=f"""
        live: true
        updates:
          - time: 2026-11-21 10:00
            text: La jornada empezó a tiempo.
          - time: 2026-11-21 12:00
            text: "{long_update.strip()}"
        """,
    )
    report = ws.report(path)
    bluesky = [p for p in report.previews if p.channel == "bluesky"]
    assert [p.update for p in bluesky] == [None, "actualización 2026-11-21 10:00", "actualización 2026-11-21 12:00"]
    assert all(p.note is None for p in bluesky)
    assert (
        bluesky[1].text.startswith("La jornada empezó a tiempo.")
        and "#u-20261121T1000" in str(bluesky[1].card) + bluesky[1].text
    )
    [error] = [f for f in rules(report, "redes") if f.message.startswith("bluesky")]
    assert error.line == line_of_text(path, "Ñandú Ñandú")


def test_a_channel_with_nothing_to_send_is_shown_as_skipped(ws: Workspace) -> None:
    ws.configure(channels="youtube: {client_id: x, client_secret: !ENV PREGON_TEST_NO_SUCH_SECRET, refresh_token: y}\n")
    report = ws.report(ws.write("sin-video"))  # a photo, no video: nothing for YouTube
    [youtube] = [p for p in report.previews if p.channel == "youtube"]
    assert youtube.skipped and not youtube.problems and not rules(report, "redes")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (b"- una\n- lista\n", "debe ser un mapa de campos"),
        (b"periods: 2026\n", "`periods` debe ser una lista"),
        (b"periods: [texto]\n", "el periodo 1 necesita `start` y `end`"),
        (b"periods: [{start: 2026-01-01, end: 2025-01-01}]\n", "con `end` después de `start`"),
        (b"periods: [\n", "no es YAML válido (falta un valor; ponga el texto entre comillas)"),
        (b"periods: " + b"[" * 5000 + b"]" * 5000 + b"\n", "demasiados niveles anidados"),
        (b"name: caf\xe9\n", "no está en UTF-8"),
    ],
)  # fmt: skip
def test_a_damaged_electoral_calendar_is_a_spanish_error(tmp_path: Path, text: bytes, says: str) -> None:
    path = tmp_path / "calendario.yml"
    path.write_bytes(text)
    with pytest.raises(RuleFileError) as caught:
        load_calendar(path)
    assert str(caught.value).startswith(f"{path}") and says in str(caught.value)


@pytest.mark.parametrize("text", [b"- a\n", b"rules: [\n", b"rules: " + b"[" * 5000 + b"]" * 5000 + b"\n", b"\xff"])
def test_a_damaged_rule_file_is_a_spanish_error(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "reglas.yml"
    path.write_bytes(text)
    with pytest.raises(RuleFileError, match="el archivo de lenguaje incluyente"):
        load_rules(path)
