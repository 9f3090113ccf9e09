#include "results/sqlite_schema.h"

namespace assay {
namespace {

// v6: runs.aggregations records how the run's scorers aggregate their metrics when not by the
// plain mean (aggregations_to_json: {"healthbench":"clipped_mean"}; '' = all plain means).
constexpr const char* kSchemaV6 =
    "ALTER TABLE runs ADD COLUMN aggregations TEXT NOT NULL DEFAULT '';";

// v5: model-graded scoring: runs.judge is the judge's display SPEC (empty = none);
// samples.judgements holds the judge's prompts, replies and verdicts (judgements_to_json).
constexpr const char* kSchemaV5 =
    "ALTER TABLE runs ADD COLUMN judge TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE samples ADD COLUMN judgements TEXT;";

// v4: self-consistency (`--vote K`): runs.votes is K; samples.votes holds the K answers as a
// JSON array (votes_to_json), NULL for unvoted samples. JSON rather than a table of its own so
// the per-sample votes travel with their sample row through merges and exports.
constexpr const char* kSchemaV4 =
    "ALTER TABLE runs ADD COLUMN votes INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE samples ADD COLUMN votes TEXT;";

// v3: merged_shards records which shard runs `assay merge` combined into a run.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE IF NOT EXISTS merged_shards (
  run_id INTEGER NOT NULL,
  shard_index INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_run_id INTEGER NOT NULL,
  n_planned INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, shard_index)
) WITHOUT ROWID;
)sql";

// v2: runs.scoring_env records how code was executed (the sandbox, or its absence).
constexpr const char* kSchemaV2 =
    "ALTER TABLE runs ADD COLUMN scoring_env TEXT NOT NULL DEFAULT '';";

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL DEFAULT '',
  identity TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('started','completed','interrupted','failed')),
  status_message TEXT NOT NULL DEFAULT '',
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  model_spec TEXT NOT NULL,
  base_url TEXT NOT NULL DEFAULT '',
  params_json TEXT NOT NULL DEFAULT '{}',
  suite TEXT NOT NULL,
  suite_version TEXT NOT NULL DEFAULT '',
  suite_hash TEXT NOT NULL DEFAULT '',
  dataset_sha256 TEXT NOT NULL DEFAULT '',
  domain TEXT NOT NULL DEFAULT '',
  primary_metric TEXT NOT NULL DEFAULT '',
  harness_version TEXT NOT NULL DEFAULT '',
  git_revision TEXT NOT NULL DEFAULT '',
  seed INTEGER NOT NULL DEFAULT 0,
  shard TEXT NOT NULL DEFAULT '',
  repeats INTEGER NOT NULL DEFAULT 1,
  limit_n INTEGER NOT NULL DEFAULT -1,
  n_planned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_identity ON runs(identity);
CREATE TABLE IF NOT EXISTS samples (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  input TEXT NOT NULL,
  target TEXT NOT NULL,
  output TEXT,
  reasoning TEXT,
  finish_reason TEXT,
  tokens_in INTEGER,
  tokens_out INTEGER,
  tokens_reasoning INTEGER,
  tokens_cached INTEGER,
  cost REAL,
  latency_ms REAL,
  ttft_ms REAL,
  output_tps REAL,
  attempts INTEGER NOT NULL DEFAULT 0,
  cached INTEGER NOT NULL DEFAULT 0,
  error_kind TEXT,
  error_message TEXT,
  request_key TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scores (
  run_id INTEGER NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL,
  answer TEXT NOT NULL DEFAULT '',
  explanation TEXT NOT NULL DEFAULT '',
  unscored_reason TEXT,
  PRIMARY KEY (run_id, sample_id, epoch, metric)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS response_cache (
  request_key TEXT PRIMARY KEY,
  output TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  finish_reason TEXT NOT NULL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  tokens_reasoning INTEGER,
  tokens_cached INTEGER,
  latency_ms REAL,
  ttft_ms REAL,
  output_tps REAL,
  stored_at TEXT NOT NULL
) WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<const char*>& sqlite_schema_steps() {
  static const std::vector<const char*> kSteps = {kSchemaV1, kSchemaV2, kSchemaV3,
                                                  kSchemaV4, kSchemaV5, kSchemaV6};
  return kSteps;
}

}  // namespace assay
