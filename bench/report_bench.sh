#!/usr/bin/env bash
# HTML report generation at scale: builds a database of MODELS × SAMPLES (default 10 × 10,000 =
# 100,000 samples) against the mock server on loopback, then times `assay report` (html and json)
# and the page's load-and-render time in headless Chromium. Needs `npm ci --prefix tests/browser`.
#   bench/report_bench.sh [MODELS] [SAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS=${1:-10}
SAMPLES=${2:-10000}
BUILD=${ASSAY_BENCH_BUILD:-build/bench}
if [ ! -x "$BUILD/harness/cli/assay" ] || [ ! -x "$BUILD/tests/mock_server/mock_model_server" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$BUILD" -j2 assay mock_model_server >/dev/null
ASSAY="$BUILD/harness/cli/assay"
WORK=$(mktemp -d /tmp/assay-report-bench.XXXXXX)
MOCK_PID=""
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
source bench/numeric_suite.sh
SUITE=$(numeric_suite "$WORK" "$SAMPLES" " Some context to make the prompt realistic in length, as benchmark prompts are.")
"$BUILD/tests/mock_server/mock_model_server" --port-file "$WORK/port" >/dev/null 2>&1 &
MOCK_PID=$!
for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.01; done
url="http://127.0.0.1:$(cat "$WORK/port")/v1"
args=()
for m in $(seq 1 "$MODELS"); do args+=(--model "openai:model$m-p0.$((50 + 4 * m))@$url"); done
start=$(date +%s.%N)
"$ASSAY" run "${args[@]}" --suite "$SUITE" --db "$WORK/r.db" --concurrency 64 >/dev/null 2>&1
echo "database: $MODELS models × $SAMPLES samples in $(echo "$(date +%s.%N) - $start" | bc) s"
/usr/bin/time -f "%e %M" -o "$WORK/t_html" "$ASSAY" report --db "$WORK/r.db" --out "$WORK/r.html" 2>/dev/null
/usr/bin/time -f "%e %M" -o "$WORK/t_json" "$ASSAY" report --db "$WORK/r.db" --out "$WORK/r.json" 2>/dev/null
read -r html_s html_kb <"$WORK/t_html"
read -r json_s json_kb <"$WORK/t_json"
load_ms=$(node bench/page_load.mjs "$WORK/r.html")
printf "report html: %.2f s, %.1f MB peak RSS, page %.1f MB\n" "$html_s" "$(echo "$html_kb/1024" | bc -l)" \
  "$(echo "$(stat -c %s "$WORK/r.html")/1048576" | bc -l)"
printf "report json: %.2f s, %.1f MB peak RSS\n" "$json_s" "$(echo "$json_kb/1024" | bc -l)"
echo "page load and render in headless Chromium: ${load_ms} ms"
