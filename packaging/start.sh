#!/usr/bin/env bash
# Bootstraps (as root), builds, and starts the Jobscope desktop app. With nothing configured it
# starts its embedded sandbox and creates one profile per dialect against it.
# Without a display (a bare server), it starts a virtual one (Xvfb :99) and says so.
# Usage: bash packaging/start.sh [jobscope options, e.g. --no-sandbox]
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target jobscope jobscope-cli jobscope-sandbox
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! pgrep -x Xvfb >/dev/null; then
    Xvfb :99 -screen 0 1440x900x24 >/dev/null 2>&1 &
    sleep 1
  fi
  export DISPLAY=:99
  echo "jobscope: no display found; running on the virtual display :99 (see it with e.g. 'import -window root shot.png')." >&2
fi
exec build/ui/mainwindow/jobscope "$@"
