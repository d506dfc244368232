#!/usr/bin/env bash
# Runs one reference-client script (Node) against a freshly started jobscope-sandbox.
# Usage: run_interop.sh SANDBOX_BIN SCRIPT [sandbox args...]
# The sandbox is started on a free loopback port, its JSON line handed to the script in
# JOBSCOPE_SANDBOX_INFO, and the sandbox stopped (SIGTERM) whatever the script's outcome.
set -euo pipefail
bin=$1; script=$2; shift 2
out=$(mktemp); trap 'rm -f "$out"' EXIT
"$bin" --port 0 "$@" >"$out" 2>/dev/null &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  [[ -s $out ]] && break
  sleep 0.05
done
info=$(head -n1 "$out")
if [[ -z $info ]]; then echo "jobscope-sandbox did not start" >&2; exit 1; fi
case $script in
  *.mjs) JOBSCOPE_SANDBOX_INFO=$info timeout 60 node "$script" ;;
  *) JOBSCOPE_SANDBOX_INFO=$info timeout 60 bash "$script" ;;
esac
