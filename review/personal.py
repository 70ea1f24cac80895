"""Personal data that should not be published: identity numbers, phone numbers, e-mail, GPS in photos.

Habeas data (Ley 1581 de 2012) makes the office responsible for what it publishes about people.
Text findings are warnings for the reviewer (a published institutional line is fine). Photos'
EXIF GPS tags are reported too and can be removed with ``pregon check --strip-exif``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex
from PIL import Image, ImageOps

from .findings import ReleaseReport
from .prose import Piece

RULE = "datos-personales"

# An identity number is only told apart from an amount or a population count by the words before
# it: the kind of document (every Colombian form: C.C., T.I., NUIP, R.C., C.E., PPT, PEP, passport)
# or "identificado con…", "documento", written with or without dots, with or without "n.º". A PEP
# has 15 digits; a cédula up to 10.
_DOCUMENT_KIND = (
    r"c\.?\s?c\.?|cédula(?:\s+de\s+(?:ciudadanía|extranjería))?|t\.?\s?i\.?|tarjeta\s+de\s+identidad"
    r"|nuip|r\.?\s?c\.?|registro\s+civil(?:\s+de\s+nacimiento)?|c\.?\s?e\.?|ppt|pep"
    r"|permiso\s+(?:por\s+protección\s+temporal|especial\s+de\s+permanencia)|pasaporte"
    r"|documento(?:\s+de\s+identidad|\s+de\s+identificación)?"
)
_NUMBER_WORD = r"(?:\s+(?:n\.?\s?[°ºo]\.?|número|núm\.?|no\.?|nro\.?))?"
_ID_NUMBER = regex.compile(
    r"(?i:(?<![\p{L}])(?:identificad[oa]s?\s+con(?:\s+(?:el|la))?(?:\s+(?:"
    + _DOCUMENT_KIND
    + r"))?"
    + _NUMBER_WORD
    + r"|(?:"
    + _DOCUMENT_KIND
    + r")"
    + _NUMBER_WORD
    + r")\s*[:.]?\s*)"
    r"(?P<number>(?i:[a-z]{1,3}\s?)?\d{1,3}(?:\.\d{3}){1,3}(?:-\d)?|(?i:[a-z]{1,3})?\d{5,15})(?![\d.]*\d)"
)
# Colombian mobiles (3xx xxx xxxx, in groups of 3-3-4 or 3-3-2-2, with spaces, dots, dashes or
# brackets, optionally +57) and landlines (60X + 7 digits since 2021; "(1) 234 5678" before).
_GROUPS = r"\d{3}[\s.-]?\d{2}[\s.-]?\d{2}"
_PHONE = regex.compile(
    r"(?<![\w+$.,])(?:\+?\s?57[\s.-]?)?(?:\(?3\d{2}\)?[\s.-]?"
    + _GROUPS
    + r"|\(?60\d\)?[\s.-]?"
    + _GROUPS
    + r"|\(\d\)\s?"
    + _GROUPS
    + r")(?![\d])"
)
# Seven-digit local numbers only count after a word that says they are a phone.
_LOCAL_PHONE = regex.compile(
    r"(?i:(?<![\p{L}])(?:tel(?:éfono)?s?|cel(?:ular)?|línea|fijo|pbx|whats?app|contacto|llamar\s+al|llame\s+al)\.?\s*:?\s*"
    r"(?:al\s+|n\.?\s?º\s*)?)(?P<number>\d{3}[\s.-]?\d{2}[\s.-]?\d{2}|\d{3}[\s.-]?\d{4})(?![\d])"
)
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_GPS_IFD = 0x8825


def institutional_domains(addresses: Iterable[str]) -> frozenset[str]:
    """The ``@domain`` parts of the entity's configured addresses (``@entidad.gov.co``)."""
    return frozenset("@" + a.rsplit("@", 1)[1].lower() for a in addresses if "@" in a)


def _digits(text: str) -> str:
    """The number without separators nor country code: the last 10 digits (7 for old local lines)."""
    digits = re.sub(r"\D", "", text)
    return digits[-10:] if len(digits) >= 10 else digits[-7:]


def check_text(
    report: ReleaseReport,
    pieces: Iterable[Piece],
    entity: Iterable[str],
    allowed: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> None:
    """Warn about cédulas, phone numbers and e-mail addresses that are not the entity's.

    The domains of the ``entity``'s configured addresses are its own; ``allowed`` adds exact
    addresses (``prensa@aliado.gov.co``) or whole domains (``@aliado.gov.co``). The entity's own
    ``phones`` (``entity.phone``) are not reported.
    """
    accepted = institutional_domains(entity) | {a.lower() for a in allowed}
    own_phones = {_digits(p) for p in phones if _digits(p)}
    for piece in pieces:
        # Each number or address once per field as written, at its first place: a pasted list
        # repeats them (the same number in two notations is still shown in both).
        seen: set[str] = set()
        for match in _ID_NUMBER.finditer(piece.text):
            if _once(seen, "id:" + match.group("number")):
                continue
            report.warning(
                RULE,
                f"`{piece.field}`: «{match.group('number')}» parece un número de documento de identidad; "
                "no publique documentos de identidad (Ley 1581 de 2012)",
                piece.line_at(match.start("number")),
            )
        reported: list[tuple[int, int]] = []
        for match in [*_PHONE.finditer(piece.text), *_LOCAL_PHONE.finditer(piece.text)]:
            span = match.span("number") if "number" in match.groupdict() else match.span()
            number = piece.text[span[0] : span[1]]
            if _digits(number) in own_phones or any(a < span[1] and span[0] < b for a, b in reported):
                continue
            if _once(seen, "tel:" + number.strip()):
                continue
            reported.append(span)
            report.warning(
                RULE,
                f"`{piece.field}`: «{number.strip()}» parece un número de teléfono; "
                "publique solo líneas institucionales, nunca números personales (si es una línea de la "
                "entidad, agréguela a `review.allowed_phones` en mkdocs.yml)",
                piece.line_at(span[0]),
            )
        for match in _EMAIL.finditer(piece.text):
            address = match.group(0).rstrip(".")
            if address.lower() in accepted or "@" + address.rsplit("@", 1)[1].lower() in accepted:
                continue
            if _once(seen, "mail:" + address.lower()):
                continue
            report.warning(
                RULE,
                f"`{piece.field}`: «{address}» es un correo fuera del dominio de la entidad; si es personal, "
                "retírelo (si es institucional, agréguelo a `review.allowed_emails` en mkdocs.yml)",
                piece.line_at(match.start()),
            )


def _once(seen: set[str], key: str) -> bool:
    """True if ``key`` was already reported; else remember it."""
    if key in seen:
        return True
    seen.add(key)
    return False


def has_gps(data: bytes) -> bool:
    """True if the image carries EXIF GPS tags."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return bool(img.getexif().get_ifd(_GPS_IFD))
    except (OSError, ValueError):  # unreadable images are reported by the schema check
        return False


def strip_exif(path: Path) -> None:
    """Rewrite the image at ``path`` without EXIF, turned upright first so orientation is kept."""
    with Image.open(path) as img:
        fmt = img.format
        upright = ImageOps.exif_transpose(img)
    keep: dict[str, Any] = {k: upright.info[k] for k in ("icc_profile", "transparency", "dpi") if k in upright.info}
    if fmt == "JPEG":
        keep["quality"] = 95
    buffer = io.BytesIO()
    upright.save(buffer, format=fmt, exif=b"", **keep)
    path.write_bytes(buffer.getvalue())


def check_images(
    report: ReleaseReport, images: Iterable[tuple[str, Path, int | None]], *, strip: bool, dry_run: bool = False
) -> None:
    """Warn about photos with GPS data, or strip their EXIF when ``strip`` is set (unless ``dry_run``).

    ``images`` holds (field, file, line) of each local image of the release.
    """
    for field_name, path, line in images:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not has_gps(data):
            continue
        if strip and dry_run:
            report.notice(RULE, f"`{field_name}`: se quitarían los datos EXIF (ubicación GPS) de `{path.name}`", line)
        elif strip:
            strip_exif(path)
            report.notice(RULE, f"`{field_name}`: se quitaron los datos EXIF (ubicación GPS) de `{path.name}`", line)
        else:
            report.warning(
                RULE,
                f"`{field_name}`: la imagen `{path.name}` contiene la ubicación GPS donde se tomó; "
                "quítela con `pregon check --strip-exif`",
                line,
            )
