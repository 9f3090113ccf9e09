#!/usr/bin/env bash
# `assay merge` at scale: SHARDS shard databases of one evaluation of N samples, each made by a
# real `assay run --shard I/SHARDS` against the mock server on loopback, then merged; reports the
# merge's wall time, CPU and peak RSS, merges again (idempotence: nothing may change) and checks
# the merged run holds N samples.
#   bench/merge_bench.sh [SHARDS] [N]      default 8 1000000 (8 shards of 125,000)
# Needs a Release build in build/bench (made if absent). Loopback only; bounded and self-stopping.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARDS=${1:-8}
N=${2:-1000000}
BUILD=${ASSAY_BENCH_BUILD:-build/bench}
if [ ! -x "$BUILD/harness/cli/assay" ] || [ ! -x "$BUILD/tests/mock_server/mock_model_server" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD" -j2 assay mock_model_server >/dev/null
fi
ASSAY="$BUILD/harness/cli/assay"
MOCK="$BUILD/tests/mock_server/mock_model_server"
WORK=$(mktemp -d /tmp/assay-merge-bench.XXXXXX)
MOCK_PID=""
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
source bench/numeric_suite.sh
suite=$(numeric_suite "$WORK" "$N")
"$MOCK" --port-file "$WORK/port" >/dev/null 2>&1 &
MOCK_PID=$!
for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.01; done
model="openai:mock@http://127.0.0.1:$(cat "$WORK/port")/v1"
start=$(date +%s.%N)
for ((i = 0; i < SHARDS; i++)); do
  "$ASSAY" run -m "$model" -s "$suite" --shard "$i/$SHARDS" --db "$WORK/shard-$i.db" \
    --concurrency 256 >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
done
echo "made $SHARDS shard databases of $N samples in $(echo "$(date +%s.%N) - $start" | bc) s" \
  "($(du -ch "$WORK"/shard-*.db | tail -1 | cut -f1) in all)"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$ASSAY" merge --out "$WORK/all.db" \
  "$WORK"/shard-*.db >"$WORK/merge.out"
read -r wall user sys rss <"$WORK/time"
tail -1 "$WORK/merge.out"
held=$(sqlite3 "$WORK/all.db" "SELECT COUNT(*) FROM samples")
[ "$held" = "$N" ] || { echo "merged run holds $held samples, expected $N"; exit 1; }
before=$(sqlite3 "$WORK/all.db" "SELECT COUNT(*), SUM(length(output)), MAX(status) FROM samples JOIN runs ON runs.id = run_id")
/usr/bin/time -f "%e" -o "$WORK/time2" "$ASSAY" merge --out "$WORK/all.db" "$WORK"/shard-*.db >/dev/null
after=$(sqlite3 "$WORK/all.db" "SELECT COUNT(*), SUM(length(output)), MAX(status) FROM samples JOIN runs ON runs.id = run_id")
[ "$before" = "$after" ] || { echo "a second merge changed the database: $before vs $after"; exit 1; }
printf "merge of %d shards (%d samples): wall %.2f s, CPU %.2f s, peak RSS %.0f MB; again (idempotent): %.2f s\n" \
  "$SHARDS" "$N" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)" "$(cat "$WORK/time2")"
