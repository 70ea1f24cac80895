#!/usr/bin/env bash
# Regenerates the approval records of the example releases (both control points), so the demo
# content ships approved. Run it after editing content/; records already present are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
PREGON="${PREGON:-.venv/bin/pregon}"
"$PREGON" approve --all --by jefa-prensa --role contenido
"$PREGON" approve --all --by disenador --role diseño
