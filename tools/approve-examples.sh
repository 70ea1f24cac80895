#!/usr/bin/env bash
# Regenerates the approval records of the example releases (both control points), so the demo
# content ships approved. Run it after editing content/; records already present are kept. After a
# digest format change, delete records/approvals/*.jsonl first: old-format records never match again.
# `pregon approve` records the git identity that runs it: each control point is approved here
# under the example approver's identity (GIT_CONFIG_* sets it for this command only).
set -euo pipefail
cd "$(dirname "$0")/.."
PREGON="${PREGON:-.venv/bin/pregon}"
approve_as() {
  GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$1" \
    GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$1@sanisidrodelrio.example" \
    "$PREGON" approve --all --role "$2"
}
approve_as jefa-prensa contenido
approve_as disenador diseño
