#!/usr/bin/env bash
# Start-up benchmark: `jobscope` with 10,000 jobs in its history against a one-label Qt Widgets
# window, both under the same Xvfb, alternating, N runs each (default 7). Prints each run and the
# medians: time to first paint, time until the list shows the history, and peak RSS.
# Usage: bash tests/bench/startup/run.sh [BUILD_DIR] [RUNS] [JOBS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../../build}" && pwd)"
runs="${2:-7}"
jobs="${3:-10000}"
work="$(mktemp -d)"
trap 'kill "${xvfb:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cmake -S "$here" -B "$work/peer" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$work/peer" >/dev/null

if [ -z "${DISPLAY:-}" ]; then
  Xvfb :97 -screen 0 1440x900x24 >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=:97
  sleep 1
fi
export QT_QPA_PLATFORM=xcb HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
mkdir -p "$HOME"
# The app creates and migrates its history; then the jobs go in with the real schema.
"$build/ui/mainwindow/jobscope" --no-sandbox --quit-after-first-paint >/dev/null
python3 "$here/fill_history.py" "$XDG_DATA_HOME/jobscope/history.sqlite" "$jobs"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: >"$work/app.txt"; : >"$work/peer.txt"
for i in $(seq "$runs"); do
  /usr/bin/time -f "rss-kib %M" "$build/ui/mainwindow/jobscope" --no-sandbox --quit-after-first-paint >>"$work/app.txt" 2>>"$work/app.txt"
  /usr/bin/time -f "rss-kib %M" "$work/peer/minimalwindow" >>"$work/peer.txt" 2>>"$work/peer.txt"
done
grep -h "first-paint-ms\|history-shown-ms\|history-all-ms\|rss-kib" "$work/app.txt" | sed 's/^/jobscope  /'
grep -h "first-paint-ms\|rss-kib" "$work/peer.txt" | sed 's/^/minimal   /'
a_paint=$(grep first-paint-ms "$work/app.txt" | awk '{print $2}' | median)
a_hist=$(grep history-shown-ms "$work/app.txt" | awk '{print $2}' | median)
a_all=$(grep history-all-ms "$work/app.txt" | awk '{print $2}' | median)
a_rss=$(grep rss-kib "$work/app.txt" | awk '{print $2}' | median)
p_paint=$(grep first-paint-ms "$work/peer.txt" | awk '{print $2}' | median)
p_rss=$(grep rss-kib "$work/peer.txt" | awk '{print $2}' | median)
echo "median over $runs runs, $jobs jobs in the history:"
echo "  jobscope: first paint ${a_paint} ms, newest page of the history shown ${a_hist} ms, all ${jobs} in the list ${a_all} ms, peak RSS $((a_rss / 1024)) MiB"
echo "  minimal Qt window: first paint ${p_paint} ms, peak RSS $((p_rss / 1024)) MiB"
awk -v a="$a_paint" -v h="$a_hist" -v l="$a_all" -v p="$p_paint" 'BEGIN { printf "  ratio to the minimal window: first paint %.2fx, newest page shown %.2fx, whole history %.2fx (target <= 1.5x)\n", a / p, h / p, l / p }'
