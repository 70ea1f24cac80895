"""``pregon pendiente``: does a scheduled run need to build and deploy the portal?

Every build publishes ``/pregon/next.json`` (written by ``pregon.plugins.schedule``)::

    {"format": "pregon-next", "version": 1, "generated_at": "2026-11-20T10:00:00-05:00",
     "next_change": "2026-11-25T09:00:00-05:00" | null, "commit": "<sha>" | null}

``next_change`` is the first moment at which the deployed portal would change without an edit
(an embargo lifts, a release expires or stops being featured, a live update written ahead
comes due, the announcement expires). A run is due when that moment has come, when the commit
to publish is not the deployed one, or when the file cannot be read (then building is the
safe answer). Standard library only: the scheduled job runs it before installing anything
(``python -m pregon.pendiente --site URL``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from .clock import ClockError, fixed_now
from .json_input import loads as json_loads
from .site_url import check_site

NEXT_PATH = "pregon/next.json"
TIMEOUT = 20  # seconds for the deployed portal to answer


@dataclass(frozen=True)
class Decision:
    due: bool
    reason: str  # Spanish, for the job's log


def decide(document: bytes | None, now: datetime, commit: str | None) -> Decision:
    """The decision for the deployed ``document`` (None: it could not be fetched)."""
    if document is None:
        return Decision(True, f"no se pudo leer {NEXT_PATH} del portal publicado: se construye")
    try:
        doc = json_loads(document)
        if not isinstance(doc, dict) or doc.get("format") != "pregon-next" or doc.get("version") != 1:
            raise ValueError("formato desconocido")
        moment = doc.get("next_change")
        next_change = datetime.fromisoformat(moment) if moment else None
        if next_change is not None and next_change.tzinfo is None:
            raise ValueError("fecha sin zona horaria")
    except (ValueError, TypeError):
        return Decision(True, f"{NEXT_PATH} del portal publicado no es válido: se construye")
    if commit and doc.get("commit") != commit:
        return Decision(
            True, f"el portal publicado es de otro commit ({doc.get('commit') or 'desconocido'}): se construye"
        )
    if next_change is not None and next_change <= now:
        return Decision(True, f"hay un cambio programado para {next_change.isoformat()}: se construye")
    when = f"el próximo es {next_change.isoformat()}" if next_change else "no hay ninguno programado"
    return Decision(False, f"nada pendiente ({when}): no se construye ni se despliega")


def fetch(site: str) -> bytes | None:
    url = site.rstrip("/") + "/" + NEXT_PATH
    request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read(1_000_000)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def head_commit() -> str | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def run(site: str, commit: str | None, now: datetime | None = None) -> Decision:
    """Decide, print ``pendiente=true|false`` (and add it to ``$GITHUB_OUTPUT`` when set)."""
    if now is None:
        now = fixed_now() or datetime.now(UTC)  # the build's own clock override, for rehearsals
    decision = decide(fetch(site), now, commit or head_commit())
    line = f"pendiente={'true' if decision.due else 'false'}"
    print(line)
    print(f"pregon pendiente: {decision.reason}", file=sys.stderr)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    return decision


# argparse's own words (it looks them up through gettext as it runs), in Spanish: this module
# runs before anything is installed, so click and its translation (pregon.click_es) are not there.
_ARGPARSE_ES = {
    "usage: ": "uso: ",
    "options": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "the following arguments are required: %s": "faltan los argumentos: %s",
    "unrecognized arguments: %s": "argumentos desconocidos: %s",
    "expected one argument": "se esperaba un valor",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "opción ambigua: %(option)s puede ser %(matches)s",
    "ignored explicit argument %r": "se ignoró el valor %r",
}


def main(argv: list[str] | None = None) -> int:
    setattr(argparse, "_", lambda text: _ARGPARSE_ES.get(text, text))  # noqa: B010 - argparse reads its module global
    parser = argparse.ArgumentParser(
        prog="pregon pendiente",
        description="¿Hay algo que publicar? Compara /pregon/next.json del portal con la hora y el commit.",
    )
    parser.add_argument("--site", required=True, metavar="URL", help="dirección del portal publicado")
    parser.add_argument("--commit", metavar="COMMIT", help="commit que se publicaría (por omisión: el HEAD de git)")
    parser.add_argument("--exit-code", action="store_true", help="termina con 0 si hay que construir y con 3 si no")
    args = parser.parse_args(argv)
    try:
        site = check_site(args.site)
    except ValueError as exc:
        print(f"pregon pendiente: --site: {exc}", file=sys.stderr)
        return 2
    try:
        decision = run(site, args.commit)
    except ClockError as exc:
        print(f"pregon pendiente: {exc}", file=sys.stderr)
        return 2
    return 3 if args.exit_code and not decision.due else 0


if __name__ == "__main__":
    sys.exit(main())
