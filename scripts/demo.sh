#!/usr/bin/env bash
# The README's main job: builds assay (Release), runs a real evaluation of two models on the
# built-in gsm8k and mmlu suites end to end, stores every sample in SQLite and prints the results.
#
#   scripts/demo.sh                              mock models on loopback (says so loudly)
#   ASSAY_MODELS="openai:gpt-4o-mini" scripts/demo.sh       your own models (SPEC syntax, space-separated;
#                                                keys from the environment, e.g. OPENAI_API_KEY)
#   ASSAY_DATA_DIR=DIR   dataset copies laid out like ../shared/data (default: ../shared/data)
#   ASSAY_DEMO_LIMIT=N   samples per suite (default 200)
# Output: out/demo/assay.db (SQLite), leaderboard.html, report.json/report.md, gate.xml/gate.md,
# tables on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${ASSAY_DEMO_LIMIT:-200}
DATA_DIR=${ASSAY_DATA_DIR:-$ROOT/../shared/data}
OUT=$ROOT/out/demo
BUILD=$ROOT/build/release

bash scripts/install-deps.sh
echo "== build (Release) into $BUILD"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DASSAY_BUILD_TESTS=ON >/dev/null
ninja -C "$BUILD" -j"${ASSAY_JOBS:-2}" assay mock_model_server
ASSAY=$BUILD/harness/cli/assay

for f in gsm8k/test.jsonl mmlu/test/anatomy_test.csv; do
  if [ ! -f "$DATA_DIR/$f" ]; then
    echo "demo: no dataset copy at $DATA_DIR/$f; set ASSAY_DATA_DIR to a directory laid out like" >&2
    echo "      ../shared/data (see its MANIFEST.md)" >&2
    exit 2
  fi
done

rm -rf "$OUT"
mkdir -p "$OUT"
MOCK_PID=""
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ -n "${ASSAY_MODELS:-}" ]; then
  read -r -a models <<<"$ASSAY_MODELS"
  echo "== evaluating your models: ${models[*]}"
else
  cat <<'NOTE'
======================================================================================
 No model configured (ASSAY_MODELS is unset), so this demo starts the project's own
 MOCK model server on 127.0.0.1. Its answers are SIMULATED: "mock-strong" answers
 correctly with probability 0.9 and "mock-weak" with 0.6, and 2% of its responses are
 HTTP 500s that assay retries. The numbers below measure the harness, not a model.
 To evaluate a real model: ASSAY_MODELS="openai:MODEL@http://127.0.0.1:8000/v1" scripts/demo.sh
======================================================================================
NOTE
  # The mock learns the gold answers from an answer key: question text → answer.
  python3 - "$DATA_DIR" "$LIMIT" >"$OUT/answer-key.jsonl" <<'PY'
import csv, glob, json, os, sys
data, limit = sys.argv[1], int(sys.argv[2])
with open(os.path.join(data, "gsm8k/test.jsonl")) as f:
    for line in list(f)[:limit]:
        row = json.loads(line)
        gold = row["answer"].split("#### ")[-1].replace(",", "").strip()
        print(json.dumps({"contains": row["question"], "answer": gold}))
n = 0
for path in sorted(glob.glob(os.path.join(data, "mmlu/test/*_test.csv"))):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if n >= limit:
                break
            print(json.dumps({"contains": row["question"], "answer": "ABCD"[int(row["answer"])]}))
            n += 1
PY
  "$BUILD/tests/mock_server/mock_model_server" --latency-ms 20 --chunk-delay-ms 3 --fail-500 0.02 --seed 7 \
      --answer-key "$OUT/answer-key.jsonl" --port-file "$OUT/mock.port" >"$OUT/mock.log" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 300); do [ -s "$OUT/mock.port" ] && break; sleep 0.01; done
  url="http://127.0.0.1:$(cat "$OUT/mock.port")/v1"
  models=("openai:mock-strong-p0.9@$url" "openai:mock-weak-p0.6@$url")
fi

echo "== assay run (${#models[@]} models × gsm8k, mmlu; first $LIMIT samples each)"
for i in "${!models[@]}"; do
  "$ASSAY" run --model "${models[$i]}" --suite gsm8k --suite mmlu --limit "$LIMIT" \
      --data-dir "$DATA_DIR" --db "$OUT/assay.db" --name "model-$i" --concurrency 32
done
if [ -f "$DATA_DIR/humaneval/HumanEval.jsonl.gz" ]; then
  echo
  echo "== code execution: HumanEval's canonical solutions (the oracle baseline) run in the"
  echo "   bubblewrap sandbox; every one should pass (docs/code-execution.md)"
  "$ASSAY" run --model oracle --suite humaneval --data-dir "$DATA_DIR" --db "$OUT/assay.db" \
      --name oracle-humaneval
fi
echo
echo "== assay runs"
"$ASSAY" runs --db "$OUT/assay.db"
echo
echo "== assay show 1 --failed (first lines)"
"$ASSAY" show 1 --db "$OUT/assay.db" --failed | head -n 12 || true
if [ "${#models[@]}" -ge 2 ]; then
  echo
  echo "== assay compare model-0 model-1 (paired, on shared samples)"
  "$ASSAY" compare model-0 model-1 --db "$OUT/assay.db"
  echo
  echo "== assay gate --baseline model-0 --candidate model-1 (exit 0 pass, 1 fail, 3 inconclusive)"
  set +e
  "$ASSAY" gate --baseline model-0 --candidate model-1 --db "$OUT/assay.db" --max-flips 5 \
      --junit "$OUT/gate.xml" --markdown "$OUT/gate.md"
  echo "(gate exit code: $?)"
  set -e
fi
"$ASSAY" report --db "$OUT/assay.db" --out "$OUT/report.json"
"$ASSAY" report --db "$OUT/assay.db" --out "$OUT/report.md"
echo
echo "== results stored in $OUT/assay.db (SQLite); e.g."
echo "   sqlite3 $OUT/assay.db 'SELECT suite, model, status FROM runs'"
"$ASSAY" report --db "$OUT/assay.db" --out "$OUT/leaderboard.html" --title "assay demo"
echo "== HTML leaderboard (self-contained; open it in a browser): $OUT/leaderboard.html"
