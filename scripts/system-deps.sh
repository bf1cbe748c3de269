#!/usr/bin/env bash
# Install the Debian 12 packages the atlas needs. Usage: scripts/system-deps.sh demo|test|bench
# Only missing packages are installed; apt-get update runs only when something is missing.
set -euo pipefail

# qttools5-dev-tools: lrelease compiles the plugin's translations (.ts -> .qm) for the plugin zip.
packages=(python3 python3-venv python3-pip qttools5-dev-tools)
set_name="${1:-demo}"
if [ "$set_name" = "test" ] || [ "$set_name" = "bench" ]; then
  # QGIS Python bindings for the plugin tests, PostgreSQL/PostGIS for the server tests,
  # Chromium for the web tests, Xvfb for desktop screenshots, openssl for the HTTPS test certificates.
  packages+=(python3-qgis qgis-providers qgis xvfb postgresql postgresql-15-postgis-3 chromium openssl)
fi
if [ "$set_name" = "bench" ]; then
  # wrk is the load generator of bench_ogcapi.py; pygeoapi, its comparison, serves a GeoPackage through
  # SpatiaLite, which Debian's python3 loads as an sqlite3 extension.
  packages+=(wrk libsqlite3-mod-spatialite)
fi

# npm installs the web map's JavaScript libraries (Leaflet). Debian's nodejs/npm only when no npm is
# there at all: a Node.js from elsewhere (e.g. NodeSource, which bundles npm) must not be replaced.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
