#!/usr/bin/env bash
# The soak with faults (docs/quality.md, Reliability, "dropped connections"); see README.md.
# Builds jobscope-sandbox and jobscope-soak through the shared build lock, runs the soak in a
# fresh folder under /tmp, prints its counts line, and exits non-zero on any loss (1) or when the
# run could not be made (2). Loopback only; ends by itself (SOAK_DEADLINE_S, default 540 s).
# Usage: bash tests/soak/run.sh            (1,000 jobs)
#        SOAK_JOBS=100 bash tests/soak/run.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SOAK_BUILD_DIR:-$root/build}
lock=${SOAK_BUILD_LOCK:-/tmp/jobscope-build.lock}

if [ ! -f "$build/build.ninja" ] || ! grep -q 'jobscope-soak' "$build/build.ninja"; then
  (cd "$root" && flock "$lock" cmake --preset default >/dev/null) || { echo "soak: cmake configure failed" >&2; exit 2; }
fi
if ! flock "$lock" cmake --build "$build" --target jobscope-sandbox jobscope-soak -j2 >"${TMPDIR:-/tmp}/jobscope-soak-build.log" 2>&1; then
  tail -30 "${TMPDIR:-/tmp}/jobscope-soak-build.log" >&2
  echo "soak: build failed (full log: ${TMPDIR:-/tmp}/jobscope-soak-build.log)" >&2
  exit 2
fi

given=${SOAK_DIR:+1}
work=${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/jobscope-soak.XXXXXX")}
mkdir -p "$work"
export SOAK_SANDBOX_BIN="$build/app/main/jobscope-sandbox" SOAK_DIR="$work" QT_QPA_PLATFORM=offscreen
deadline=${SOAK_DEADLINE_S:-540}
export SOAK_DEADLINE_S=$deadline
start=$(date +%s)
# The app's own log lines (warnings; info too with SOAK_VERBOSE=1) go to soak.log in the work
# folder with everything else; the terminal shows the soak's progress, findings and counts.
if [ -z "${SOAK_VERBOSE:-}" ]; then export QT_LOGGING_RULES="${QT_LOGGING_RULES:-jobscope.*.debug=false;jobscope.*.info=false}"; fi
timeout --kill-after=10 $((deadline + 30)) "$build/tests/soak/jobscope-soak" \
  2> >(tee "$work/soak.log" | grep --line-buffered -E '^(soak:|jobscope-soak:|  finding:)' >&2)
rc=$?
sleep 0.2 # let the log pipe drain
echo "soak: exit $rc after $(( $(date +%s) - start )) s; work folder $work" >&2
if [ "$rc" -eq 0 ] && [ -z "${SOAK_KEEP:-}" ] && [ -z "$given" ]; then
  rm -rf "$work"
fi
exit "$rc"
