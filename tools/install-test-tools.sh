#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, idempotently, from the registries this
# project may use (Debian packages, PyPI, npm). Each block checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "instalando paquetes Debian: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# --- Browser tests (Chromium driven by Playwright, never a downloaded browser) ---
apt_install chromium

# --- Spelling in `pregon check`: libenchant + Hunspell's Spanish dictionaries (es_CO) ---
apt_install hunspell-es libenchant-2-2
