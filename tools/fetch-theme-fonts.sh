#!/usr/bin/env bash
# Refreshes the portal's bundled fonts (plugins/theme/assets/fonts/) from npm's Fontsource
# packages: GOV.CO's pair, Montserrat for titles and Work Sans for text, as variable fonts,
# Latin subset (Spanish needs nothing more), with their SIL Open Font License. The files are
# committed: building the site never fetches a font, and visitors never load one from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
MONTSERRAT=5.3.0
WORK_SANS=5.3.0
DEST=plugins/theme/assets/fonts
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "@fontsource-variable/montserrat@$MONTSERRAT" "@fontsource-variable/work-sans@$WORK_SANS" >/dev/null)
mkdir -p "$DEST"
for pkg in montserrat work-sans; do
  mkdir -p "$TMP/$pkg"
  tar -xzf "$TMP"/fontsource-variable-$pkg-*.tgz -C "$TMP/$pkg"
  cp "$TMP/$pkg/package/files/$pkg-latin-wght-normal.woff2" "$DEST/"
  cp "$TMP/$pkg/package/LICENSE" "$DEST/$pkg-OFL.txt"
done
cp "$TMP/work-sans/package/files/work-sans-latin-wght-italic.woff2" "$DEST/"
echo "fuentes actualizadas en $DEST"
