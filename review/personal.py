"""Personal data that should not be published: cédulas, phone numbers, e-mail, GPS in photos.

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

# A cédula is only told apart from an amount or a population count by the words before it
# ("C.C.", "cédula", "identificado con", "documento"), written with or without thousands dots.
_CEDULA = regex.compile(
    r"(?i:\b(?:c\.\s?c\.?|cc|cédula(?:\s+de\s+ciudadanía)?|documento(?:\s+de\s+identidad)?"
    r"|identificad[oa]\s+con(?:\s+(?:la\s+)?(?:c\.\s?c\.?|cédula(?:\s+de\s+ciudadanía)?))?)"
    r"(?:\s+(?:n\.?[°ºo]\.?|número|no\.?))?\s*:?\s*)"
    r"(?P<number>\d{1,3}(?:\.\d{3}){1,3}|\d{6,10})(?![\d.]*\d)"
)
# Colombian mobiles: 3xx xxx xxxx (optionally +57); landlines: 60X + 7 digits (since 2021), or
# the old 7-digit local numbers written with separators after "tel"/"teléfono".
_PHONE = regex.compile(
    r"(?<![\w+])(?:\+?57[\s.-]?)?(?:\(?3\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}|\(?60\d\)?[\s.-]?\d{3}[\s.-]?\d{4})(?!\d)"
)
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_GPS_IFD = 0x8825


def institutional_domains(addresses: Iterable[str]) -> frozenset[str]:
    """The ``@domain`` parts of the entity's configured addresses (``@entidad.gov.co``)."""
    return frozenset("@" + a.rsplit("@", 1)[1].lower() for a in addresses if "@" in a)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-10:]


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
        for match in _CEDULA.finditer(piece.text):
            report.warning(
                RULE,
                f"`{piece.field}`: «{match.group('number')}» parece un número de cédula; "
                "no publique documentos de identidad (Ley 1581 de 2012)",
                piece.line_at(match.start("number")),
            )
        for match in _PHONE.finditer(piece.text):
            if _digits(match.group(0)) in own_phones:
                continue
            report.warning(
                RULE,
                f"`{piece.field}`: «{match.group(0).strip()}» parece un número de teléfono; "
                "publique solo líneas institucionales, nunca números personales",
                piece.line_at(match.start()),
            )
        for match in _EMAIL.finditer(piece.text):
            address = match.group(0).rstrip(".")
            if address.lower() in accepted or "@" + address.rsplit("@", 1)[1].lower() in accepted:
                continue
            report.warning(
                RULE,
                f"`{piece.field}`: «{address}» es un correo fuera del dominio de la entidad; si es personal, "
                "retírelo (si es institucional, agréguelo a `review.allowed_emails` en mkdocs.yml)",
                piece.line_at(match.start()),
            )


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


def check_images(report: ReleaseReport, images: Iterable[tuple[str, Path, int | None]], *, strip: bool) -> None:
    """Warn about photos with GPS data, or strip their EXIF when ``strip`` is set.

    ``images`` holds (field, file, line) of each local image of the release.
    """
    for field_name, path, line in images:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not has_gps(data):
            continue
        if strip:
            strip_exif(path)
            report.notice(RULE, f"`{field_name}`: se quitaron los datos EXIF (ubicación GPS) de `{path.name}`", line)
        else:
            report.warning(
                RULE,
                f"`{field_name}`: la imagen `{path.name}` contiene la ubicación GPS donde se tomó; "
                "quítela con `pregon check --strip-exif`",
                line,
            )
