#!/usr/bin/env bash
# Where a row's gateway CPU goes: runs one row of the benchmark and records the gateway process with
# `perf record` (cpu-clock, call graphs) while it is under load, then prints the share of CPU by
# binary (kernel, JIT-compiled .NET code, runtime, OpenSSL) and the hottest symbols.
#
#   bench/profile.sh ROW [--seconds S] [--out DIR] [--no-build]
#
# Needs `perf` (Debian: linux-perf; installed with apt-get if missing). JIT-compiled frames are named
# through the runtime's perf map (DOTNET_PerfMapEnabled=1, W^X off so the map stays valid); these
# settings reach the gateway process only. The perf.data file is kept for `perf report -i`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
WORK=${BENCH_WORK:-$HERE/.run}
ROW=${1:-}
[[ -n $ROW && $ROW != -* ]] || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
shift
SECONDS_RECORDED=12
OUT="$WORK/profile-$ROW"
BUILD=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_RECORDED=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=(--no-build); shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

if ! command -v perf >/dev/null; then
  echo "[profile] installing perf with apt-get" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq linux-perf >/dev/null
fi
mkdir -p "$OUT"
LOG="$OUT/bench.log"

# One long measured window: priming first, then perf attaches while the row is measured.
BENCH_GATEWAY_ENV="${BENCH_GATEWAY_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0" \
  "$HERE/run.sh" "${BUILD[@]}" --rows "$ROW" --runs 1 --warmup 2 --prime 3 \
  --duration $((SECONDS_RECORDED + 10)) --out "$OUT" > "$LOG" 2>&1 &
BENCH=$!
trap 'kill $BENCH 2>/dev/null || true' EXIT

for _ in $(seq 600); do
  grep -q "^primed $ROW" "$LOG" 2>/dev/null && break
  kill -0 $BENCH 2>/dev/null || { cat "$LOG" >&2; echo "[profile] the benchmark stopped early" >&2; exit 1; }
  sleep 0.5
done
sleep 4
PID=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['gatewayPid'])" "$WORK/env.json")
echo "[profile] recording gateway pid $PID for ${SECONDS_RECORDED}s" >&2
perf record -F 999 -g -p "$PID" -o "$OUT/perf.data" -- sleep "$SECONDS_RECORDED" > /dev/null 2>&1
wait $BENCH || true
trap - EXIT

grep -E "^run 1/1" "$LOG" || true
echo
echo "CPU by binary:"
perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E "^ +[0-9]" | head -8
echo
echo "Hottest symbols (self):"
perf report -i "$OUT/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E "^ +[0-9]" | head -25 | cut -c1-160
echo
echo "perf data: $OUT/perf.data (perf report -i $OUT/perf.data --children --sort sym)"
