#!/usr/bin/env bash
# Sharded evaluation on a real scheduler: installs Debian's Slurm and munge if absent, starts a
# throwaway single-node cluster (../shared/notes/slurm-single-node.md), submits the documented
# array recipe (examples/slurm/assay_shards.sbatch) as 4 tasks against the project's mock model
# server on 127.0.0.1, waits, merges the shard databases with `assay merge`, and checks the merged
# run equals a single-process run sample for sample. Tears everything down on exit.
#   tests/cluster/slurm_shards_test.sh ASSAY_BINARY MOCK_SERVER_BINARY
# Needs root (slurmctld, slurmd and munged are started by hand); exits 77 (skipped) otherwise.
set -euo pipefail
ASSAY=$(realpath "$1")
MOCK=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T0=$(date +%s)
say() { echo "[slurm-test $(($(date +%s) - T0))s] $*"; }
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: starting slurmctld, slurmd and munged needs root"
  exit 77
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

WORK=$(mktemp -d /tmp/assay-slurm.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out" "$WORK/shards"
export SLURM_CONF="$WORK/slurm.conf"
HOST=$(hostname -s)
MOCK_PID=""
STARTED_MUNGE=0

teardown() {
  local rc=$? p f
  scancel --full $(squeue -h -o %A 2>/dev/null | sort -u) 2>/dev/null || true
  for _ in $(seq 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 1; done
  for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid"; do
    [ -s "$f" ] || continue
    p=$(cat "$f")
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  done
  [ "$STARTED_MUNGE" = 1 ] && { runuser -u munge -- /usr/sbin/munged --stop >/dev/null 2>&1 || true; }
  [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
  if [ "$rc" != 0 ]; then
    for f in "$WORK"/*.log "$WORK"/out/*; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
    done
  fi
  rm -rf "$WORK"
}
trap teardown EXIT

# munge: reuse a running munged (e.g. a host that runs Slurm already), else start one.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  STARTED_MUNGE=1
  munge -n | unmunge >/dev/null || fail "munged does not answer"
fi

cat >"$SLURM_CONF" <<CONF
ClusterName=assayci
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
$(slurmd -C | head -n1) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
slurmd
for _ in $(seq 60); do
  [ "$(sinfo -h -n "$HOST" -o %t 2>/dev/null)" = idle ] && break
  sleep 1
done
[ "$(sinfo -h -n "$HOST" -o %t)" = idle ] || fail "node $HOST is not idle: $(sinfo 2>&1)"
say "cluster up: $(slurmctld -V), node $HOST idle"

"$MOCK" --port-file "$WORK/port" >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 200); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] || fail "mock server did not start"
MODEL="openai:mock@http://127.0.0.1:$(cat "$WORK/port")/v1"
source "$ROOT/bench/numeric_suite.sh"
SUITE=$(numeric_suite "$WORK" 300)

# The documented recipe, as documented; one CPU per task so two tasks run at once here.
JOB=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --chdir "$WORK" -o "$WORK/out/%A_%a.out" \
  --export=ALL,ASSAY="$ASSAY" "$ROOT/examples/slurm/assay_shards.sbatch" \
  "$MODEL" "$SUITE" "$WORK/shards" --repeats 2 --concurrency 8)
say "submitted array job $JOB"
for _ in $(seq 180); do
  [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h -j "$JOB")" ] || fail "array job $JOB not done after 180 s"
completed=$(scontrol -o show job "$JOB" | grep -c 'JobState=COMPLETED' || true)
[ "$completed" -eq 4 ] || fail "$completed of 4 array tasks completed: $(scontrol -o show job "$JOB")"
say "array job $JOB: 4 tasks completed"

"$ASSAY" merge --out "$WORK/all.db" "$WORK"/shards/shard-*.db
"$ASSAY" run -m "$MODEL" -s "$SUITE" --repeats 2 --db "$WORK/single.db" >/dev/null 2>&1 ||
  fail "the single-process run failed"

python3 - "$WORK" <<'PY'
import sqlite3, sys, glob
work = sys.argv[1]
def q(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
shard_counts = [q(f, "SELECT COUNT(*) FROM samples")[0][0] for f in sorted(glob.glob(work + "/shards/shard-*.db"))]
assert len(shard_counts) == 4 and all(n > 0 for n in shard_counts), shard_counts
assert sum(shard_counts) == 600, shard_counts
run_fields = "identity, status, n_planned, shard, suite, model_spec, dataset_sha256"
merged_run = q(work + "/all.db", f"SELECT {run_fields} FROM runs")
single_run = q(work + "/single.db", f"SELECT {run_fields} FROM runs")
assert len(merged_run) == 1 and merged_run == single_run, (merged_run, single_run)
assert merged_run[0][1] == "completed" and merged_run[0][2] == 600, merged_run
samples = ("SELECT sample_id, epoch, input, target, output, finish_reason, request_key, error_kind "
           "FROM samples ORDER BY sample_id, epoch")
scores = ("SELECT sample_id, epoch, metric, value, answer, explanation, unscored_reason FROM scores "
          "ORDER BY sample_id, epoch, metric")
for sql in (samples, scores):
    a, b = q(work + "/all.db", sql), q(work + "/single.db", sql)
    assert len(a) >= 600 and a == b, (len(a), len(b), [x for x, y in zip(a, b) if x != y][:3])
print("slurm-test: shards", shard_counts, "merged into", merged_run[0][2],
      "samples, equal to the single-process run sample for sample")
PY
say "passed"
