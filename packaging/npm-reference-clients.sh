#!/usr/bin/env bash
# Installs the Node reference clients the interop tests run (versions pinned in
# tests/interop/package.json) into the folder given, if they are not there yet.
set -euo pipefail
dest=${1:?usage: npm-reference-clients.sh DEST}
src="$(cd "$(dirname "$0")/../tests/interop" && pwd)"
mkdir -p "$dest"
if ! cmp -s "$src/package.json" "$dest/package.json" || [[ ! -d "$dest/node_modules" ]]; then
  cp "$src/package.json" "$dest/package.json"
  (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "npm: reference clients ready in $dest"
