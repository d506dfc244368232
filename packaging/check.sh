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
exec ctest --output-on-failure -j2 --timeout 300 "$@"
