#!/usr/bin/env bash
# Installs every Debian package the build, the app and the tests need. Idempotent; run as root.
# Only installs what is missing, so a second run costs one dpkg query.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev
  libqt6sql6-sqlite qtkeychain-qt6-dev qt6-svg-dev qt6-image-formats-plugins
  qt6-qpa-plugins libgl-dev
  gnome-keyring dbus dbus-x11 libsecret-tools
  xvfb xauth imagemagick time fonts-dejavu-core
  nginx-light curl clang-format
)
# Node.js (for the reference clients eventsource and pusher-js): use the machine's own if it has
# one (a NodeSource build conflicts with Debian's npm package), otherwise Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing packages: ${missing[*]}; run this script as root" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "bootstrap: all packages present"
