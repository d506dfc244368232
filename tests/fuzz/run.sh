#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (outside the project's build and CTest) with clang
# and runs each for a fixed budget. See README.md.
#
# Environment:
#   FUZZ_BUILD_DIR   build directory            (default /tmp/jobscope-fuzz-build)
#   FUZZ_WORK_DIR    seeds, corpora, artifacts  (default /tmp/jobscope-fuzz-work)
#   FUZZ_JOBS        parallel compile jobs      (default 2)
#   SSE_RUNS         executions, fuzz_sseparser   (default 10000000)
#   PUSHER_RUNS      executions, fuzz_pusherframe (default 10000000)
#   DIALECTS_RUNS    executions, fuzz_dialects    (default 10000000, capped by DIALECTS_SECONDS)
#   DIALECTS_SECONDS time budget, fuzz_dialects   (default 180)
#   URLPOLICY_RUNS   executions, fuzz_urlpolicy   (default 10000000)
#   HTTPRESPONSE_RUNS executions, fuzz_httpresponseparser (default 10000000)
#   PATHSEGMENT_RUNS executions, fuzz_pathsegment (default 10000000)
#   FUZZ_TARGETS     which targets to run (default "fuzz_sseparser fuzz_pusherframe fuzz_dialects fuzz_urlpolicy fuzz_httpresponseparser fuzz_pathsegment")
#   FUZZ_NO_BUILD=1  skip the build
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${FUZZ_BUILD_DIR:-/tmp/jobscope-fuzz-build}"
work="${FUZZ_WORK_DIR:-/tmp/jobscope-fuzz-work}"
jobs="${FUZZ_JOBS:-2}"
targets="${FUZZ_TARGETS:-fuzz_sseparser fuzz_pusherframe fuzz_dialects fuzz_urlpolicy fuzz_httpresponseparser fuzz_pathsegment}"

# --- compiler: clang with libFuzzer (Debian 12: clang-14, libFuzzer ships in libclang-rt-14-dev)
cxx=""
for c in clang++ clang++-14; do
  if command -v "$c" >/dev/null 2>&1; then cxx="$(command -v "$c")"; break; fi
done
if [[ -z "$cxx" ]]; then
  echo "clang++ not found; installing clang (needs root)" >&2
  apt-get install -y clang
  cxx="$(command -v clang++)"
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long){return 0;}' \
     | "$cxx" -x c++ -fsanitize=fuzzer - -o /tmp/jobscope-fuzz-probe.$$ 2>/dev/null; then
  echo "$cxx cannot link libFuzzer; installing libclang-rt-14-dev (needs root)" >&2
  apt-get install -y libclang-rt-14-dev
fi
rm -f /tmp/jobscope-fuzz-probe.$$

# --- build
if [[ "${FUZZ_NO_BUILD:-0}" != 1 ]]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$jobs"
fi

# --- seed corpora, generated from the examples of docs/dialects.md into $work (never the repo)
mkdir -p "$work"
python3 "$here/make_seeds.py" "$repo/docs/dialects.md" "$work/seeds"

run_target() {
  local name="$1" runs="$2" seconds="$3" maxlen="$4"
  local corpus="$work/corpus/$name" artifacts="$work/artifacts/$name/" log="$work/$name.log"
  mkdir -p "$corpus" "$artifacts"
  local args=(-runs="$runs" -artifact_prefix="$artifacts" -print_final_stats=1 -max_len="$maxlen")
  [[ "$seconds" -gt 0 ]] && args+=(-max_total_time="$seconds")
  echo "=== $name: -runs=$runs -max_len=$maxlen$( [[ $seconds -gt 0 ]] && echo " -max_total_time=$seconds") (log: $log)"
  local start end rc=0
  start=$(date +%s.%N)
  "$build/$name" "${args[@]}" "$corpus" "$work/seeds/$name" >"$log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [[ -z "$execs" ]] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  python3 - "$name" "${execs:-0}" "$start" "$end" "$rc" <<'PY'
import sys
name, execs, start, end, rc = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
t = end - start
print(f"{name}: {execs} executions in {t:.1f} s = {execs / t if t else 0:.0f} exec/s; exit {rc}")
PY
  if [[ $rc -ne 0 ]] && grep -q 'libFuzzer: run interrupted' "$log"; then
    echo "$name: interrupted (no crash)" >&2
  elif [[ $rc -ne 0 ]]; then
    echo "!!! $name failed (exit $rc); crash input(s) in $artifacts:" >&2
    ls -l "$artifacts" >&2 || true
    grep -E 'ERROR|SUMMARY|invariant|#[0-9]+ 0x' "$log" | head -30 >&2 || true
    echo "minimize with: $build/$name -minimize_crash=1 -runs=100000 -artifact_prefix=$artifacts <crash-file>" >&2
  fi
  return $rc
}

status=0
for t in $targets; do
  case "$t" in
    fuzz_sseparser)   run_target "$t" "${SSE_RUNS:-10000000}" 0 1024 || status=1 ;;
    fuzz_pusherframe) run_target "$t" "${PUSHER_RUNS:-10000000}" 0 2048 || status=1 ;;
    fuzz_dialects)    run_target "$t" "${DIALECTS_RUNS:-10000000}" "${DIALECTS_SECONDS:-180}" 4096 || status=1 ;;
    fuzz_urlpolicy)   run_target "$t" "${URLPOLICY_RUNS:-10000000}" 0 1024 || status=1 ;;
    fuzz_httpresponseparser) run_target "$t" "${HTTPRESPONSE_RUNS:-10000000}" 0 2048 || status=1 ;;
    fuzz_pathsegment) run_target "$t" "${PATHSEGMENT_RUNS:-10000000}" 0 1024 || status=1 ;;
    *) echo "unknown target $t" >&2; status=1 ;;
  esac
done
exit $status
