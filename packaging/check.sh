#!/usr/bin/env bash
# Bootstraps (as root), builds, and runs every test through CTest.
# Usage: bash packaging/check.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)"
# The reference clients (eventsource, pusher-js) live in a folder of the build, never committed.
bash packaging/npm-reference-clients.sh build/node
cd build
# Every test runs on a private session bus with a fresh gnome-keyring, created and unlocked with a
# throw-away password in a temporary folder: keychain code meets a real Secret Service and the
# user's own keyring (or a running daemon) is never touched. The password is random, made here,
# handed over in the environment only and never printed. See docs/keys.md.
keyring_home=$(mktemp -d)
JOBSCOPE_KEYRING_PASSWORD=$(head -c 24 /dev/urandom | base64)
export JOBSCOPE_KEYRING_PASSWORD
trap 'rm -rf "$keyring_home"' EXIT
mkdir -m 700 "$keyring_home/run"
XDG_RUNTIME_DIR="$keyring_home/run" dbus-run-session -- bash -c '
  printf %s "$JOBSCOPE_KEYRING_PASSWORD" | XDG_DATA_HOME="$0/data" gnome-keyring-daemon --unlock --components=secrets >/dev/null \
    || { echo "check: gnome-keyring-daemon did not start" >&2; exit 1; }
  unset JOBSCOPE_KEYRING_PASSWORD
  exec ctest --output-on-failure -j2 --timeout 300 "$@"' "$keyring_home" "$@"
