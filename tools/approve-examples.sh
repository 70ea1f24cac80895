#!/usr/bin/env bash
# Regenerates the approval records of the example releases (both control points), so the demo
# content ships approved. Run it after editing content/; records already present are kept. After a
# digest format change, delete records/approvals/*.jsonl first: old-format records never match again.
set -euo pipefail
cd "$(dirname "$0")/.."
PREGON="${PREGON:-.venv/bin/pregon}"
"$PREGON" approve --all --by jefa-prensa --role contenido
"$PREGON" approve --all --by disenador --role diseño
