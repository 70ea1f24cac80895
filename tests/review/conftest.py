"""A throwaway copy of the example project where tests write crafted releases and check them."""

from __future__ import annotations

import io
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pregon.review import check as checking
from pregon.review.findings import CheckResult, Finding, ReleaseReport, Severity
from pregon.review.project import Project, load_project

ROOT_EXAMPLE = Path(__file__).resolve().parents[2]
FIXED_NOW = "2026-11-20T10:00:00-05:00"
MONTH = Path("content/prensa/2026/11")

BASE_FRONT_MATTER = {
    "title": '"Jornada de salud en la plaza principal"',
    "date": "2026-11-21 09:00",
    "summary": "La Secretaría de Salud atiende sin costo este sábado en la plaza principal.",
    "dependencia": "salud",
    "image": "prueba.jpg",
    "image_alt": "Personal de salud atiende a una mujer mayor en una carpa blanca en la plaza.",
}
BASE_BODY = "La Secretaría de Salud atiende el sábado de 8 a. m. a 4 p. m. en la plaza principal.\n"


def jpeg(
    width: int = 1200, height: int = 630, *, exif: Image.Exif | None = None, quality: int = 85, noise: bool = False
) -> bytes:
    """A real JPEG with some texture; ``noise`` makes it as heavy as a camera photo."""
    if noise:
        img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        img = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


@dataclass
class Workspace:
    root: Path

    def write(
        self, name: str, fields: dict[str, str | None] | None = None, body: str = BASE_BODY, extra: str = ""
    ) -> Path:
        """Write ``content/prensa/2026/11/<name>.md``; ``None`` in ``fields`` drops a base field."""
        merged = {**BASE_FRONT_MATTER, **(fields or {})}
        lines = [f"{k}: {v}" for k, v in merged.items() if v is not None]
        text = (
            "---\n" + "\n".join(lines) + ("\n" + textwrap.dedent(extra).strip() if extra else "") + "\n---\n\n" + body
        )
        path = self.root / MONTH / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        return path

    def image(self, name: str, data: bytes) -> Path:
        path = self.root / MONTH / name
        path.write_bytes(data)
        return path

    def configure(self, *, channels: str | None = None, review: str | None = None) -> None:
        """Add channel entries (YAML lines under `channels:`) or a `review:` block to mkdocs.yml."""
        config = self.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        if channels:
            text = text.replace(
                "          outbox: {folder: outbox}\n",
                "          outbox: {folder: outbox}\n" + textwrap.indent(textwrap.dedent(channels), " " * 10),
            )
        if review:
            text = text.replace(
                "      syndicate:\n",
                "      review:\n" + textwrap.indent(textwrap.dedent(review), " " * 8) + "      syndicate:\n",
            )
        config.write_text(text, encoding="utf-8")

    def project(self) -> Project:
        return load_project(self.root / "mkdocs.yml")

    def check(self, *paths: Path, strip_exif: bool = False) -> CheckResult:
        return checking.run(self.project(), list(paths), strip_exif=strip_exif)

    def report(self, path: Path, **kw: bool) -> ReleaseReport:
        """The one release's report; the run itself had nothing to say but, at most, the warning
        about secrets a PR does not get (``!ENV`` variables unset here)."""
        result = self.check(path, **kw)
        unexpected = [f for f in result.general if not (f.rule == "configuracion" and f.severity is Severity.WARNING)]
        assert not unexpected, unexpected
        return result.reports[0]


def rules(report: ReleaseReport, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def line_of_text(path: Path, needle: str) -> int:
    """1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture()
def ws(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The example project copied to a temp folder, with the clock fixed and a base image."""
    monkeypatch.setenv("PREGON_NOW", FIXED_NOW)
    monkeypatch.chdir(project_copy)
    workspace = Workspace(project_copy)
    workspace.image("prueba.jpg", jpeg())
    return workspace
