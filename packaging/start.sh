#!/usr/bin/env bash
# Bootstraps (as root), builds, and starts Jobscope against its embedded sandbox.
# For now that is the sandbox itself: it prints where it listens, the keys, and how to try it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target jobscope-sandbox
data="${XDG_DATA_HOME:-$HOME/.local/share}/jobscope/sandbox"
mkdir -p "$data"
exec build/app/main/jobscope-sandbox --data "$data" --port "${JOBSCOPE_SANDBOX_PORT:-8787}" --banner "$@"
