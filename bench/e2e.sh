#!/usr/bin/env bash
# End-to-end harness overhead: `assay run` against the project's mock model server on loopback.
# For each (requests, latency, concurrency) it reports wall time against the ideal
# requests × latency / concurrency, requests/s, harness CPU µs per request (user+sys of the
# assay process / requests) and peak RSS of the assay process.
#   bench/e2e.sh                      the default set (see BENCHMARKS.md)
#   bench/e2e.sh "N:LAT:CONC" ...     custom cases
#   bench/e2e.sh "mmlu:LAT:CONC"      real prompts: all 14,042 MMLU questions from
#                                     $ASSAY_DATA_DIR (default ../shared/data), the whole
#                                     process from start to summary
#   ASSAY_BENCH_PROGRAM="vote=5"      evaluate with a sample program (vote=K, synthesize=K);
#                                     requests then count every call
# Needs a Release build in build/bench (made if absent). Loopback only; bounded and self-stopping.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ASSAY_BENCH_BUILD:-build/bench}
if [ ! -x "$BUILD/harness/cli/assay" ] || [ ! -x "$BUILD/tests/mock_server/mock_model_server" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD" -j2 assay mock_model_server >/dev/null
fi
ASSAY="$BUILD/harness/cli/assay"
MOCK="$BUILD/tests/mock_server/mock_model_server"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=("2000:0:64" "2000:50:64" "2000:50:16" "2000:200:64" "20000:0:64")

WORK=$(mktemp -d /tmp/assay-bench.XXXXXX)
MOCK_PID=""
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

source bench/numeric_suite.sh

DATA_DIR=${ASSAY_DATA_DIR:-../shared/data}
PROGRAM=${ASSAY_BENCH_PROGRAM:-}
calls_per_sample=1
case "$PROGRAM" in
  vote=*) calls_per_sample=${PROGRAM#vote=} ;;
  synthesize=*) calls_per_sample=$(( ${PROGRAM#synthesize=} + 1 )) ;;
esac
printf "%-8s %-8s %-6s %9s %9s %7s %9s %12s %9s\n" requests lat_ms conc wall_s ideal_s ratio req_per_s cpu_us_per_req rss_mb
for c in "${cases[@]}"; do
  IFS=: read -r n lat conc <<<"$c"
  extra=()
  if [ "$n" = mmlu ]; then
    suite=mmlu
    extra=(--data-dir "$DATA_DIR")
    n=14042
  else
    suite=$(numeric_suite "$WORK" "$n")
  fi
  spec="openai:mock@http://127.0.0.1:PORT/v1"
  [ -n "$PROGRAM" ] && spec="$spec?temperature=0.7&$PROGRAM"
  n=$(( n * calls_per_sample ))
  "$MOCK" --latency-ms "$lat" --port-file "$WORK/port" >/dev/null 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.01; done
  port=$(cat "$WORK/port")
  rm -f "$WORK"/run.db*
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" \
    "$ASSAY" run -m "${spec/PORT/$port}" -s "$suite" "${extra[@]}" \
    --db "$WORK/run.db" --concurrency "$conc" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true; MOCK_PID=""; rm -f "$WORK/port"
  read -r wall user sys rss_kb <"$WORK/time"
  awk -v n="$n" -v lat="$lat" -v conc="$conc" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss_kb" 'BEGIN {
    ideal = n * lat / conc / 1000.0
    ratio = ideal > 0 ? sprintf("%.3f", wall / ideal) : "-"
    printf "%-8d %-8d %-6d %9.2f %9.3f %7s %9.0f %12.1f %9.1f\n", n, lat, conc, wall, ideal, ratio, n / wall, (user + sys) / n * 1e6, rss / 1024.0 }'
done
