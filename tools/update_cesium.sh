#!/usr/bin/env bash
# Reproduce the CesiumJS files shipped with the replay page
# (src/iads/report/replay/static/cesium/) from the npm package `cesium`, trimmed to what
# the page uses: Cesium.js, its Workers, the Widgets CSS and images, and the assets the
# page loads (the bundled NaturalEarthII imagery, the widget images, the approximate
# terrain heights, the IAU 2006 Earth-orientation tables Cesium reads for the time-tagged
# scene). Left out: the unminified build, the ES-module copies (index.js, index.cjs),
# ThirdParty (Draco, Basis, KTX2 decoders: glTF models and 3D tiles only), and the sky
# box, Moon, lens flare and water textures (the page shows none of them).
# Usage: tools/update_cesium.sh [VERSION]   (needs npm; default: the version below)
set -euo pipefail
VERSION="${1:-1.145.0}"
cd "$(dirname "$0")/.."
DEST=src/iads/report/replay/static/cesium
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "cesium@${VERSION}" >/dev/null && tar xzf "cesium-${VERSION}.tgz")
PKG="$TMP/package"
SRC="$PKG/Build/Cesium"
rm -rf "$DEST"
mkdir -p "$DEST/Assets/Textures"
cp "$SRC/Cesium.js" "$DEST/"
cp -r "$SRC/Workers" "$SRC/Widgets" "$DEST/"
cp -r "$SRC/Assets/Textures/NaturalEarthII" "$DEST/Assets/Textures/"
cp -r "$SRC/Assets/Images" "$SRC/Assets/IAU2006_XYS" "$DEST/Assets/"
cp "$SRC/Assets/approximateTerrainHeights.json" "$DEST/Assets/"
# Licence and notices: CesiumJS is Apache-2.0; LICENSE.md also carries the third-party
# notices (Natural Earth imagery, bundled libraries).
cp "$PKG/LICENSE.md" "$DEST/LICENSE.md"
cp "$PKG/ThirdParty.json" "$DEST/ThirdParty.json"
cat > "$DEST/README.md" <<TXT
CesiumJS ${VERSION} (npm package \`cesium\`, Apache-2.0; see LICENSE.md and
ThirdParty.json), trimmed by tools/update_cesium.sh to what the iads replay page uses.
TXT
du -sh "$DEST"
