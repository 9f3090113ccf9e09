#include "results/sqlite_schema.h"

namespace assay {
namespace {

// v12: agent samples' turns, tool calls and tool calls that came back as errors (NULL for
// samples not run by the agent program).
constexpr const char* kSchemaV12 = R"sql(
ALTER TABLE samples ADD COLUMN turns INTEGER;
ALTER TABLE samples ADD COLUMN tool_calls INTEGER;
ALTER TABLE samples ADD COLUMN tool_errors INTEGER;
)sql";

// v10: scores.weight, how many units a score's value averages (Score::weight): IFEval's
// instruction-level metric weighs a prompt by its instruction count. 1 for every earlier score.
// v11: a sample's input over 64 KiB (a long-context prompt) is stored zlib-compressed as a BLOB
// (stored_text.h); nothing changes in the tables, but an older assay would read those inputs as
// garbage, so it must refuse the database.
constexpr const char* kSchemaV11 = R"sql(
SELECT 1;
)sql";

constexpr const char* kSchemaV10 = R"sql(
ALTER TABLE scores ADD COLUMN weight REAL NOT NULL DEFAULT 1;
)sql";

// v9: what a run's selection (--limit, --sample) covered of its suite, as JSON
// (coverage_json: selection, selected, records, subset field and value, subsets and subsets
// covered); '' for runs stored before, whose limit_n is all that is known.
constexpr const char* kSchemaV9 = R"sql(
ALTER TABLE runs ADD COLUMN coverage TEXT NOT NULL DEFAULT '';
)sql";

// v8: what a run's answers are and where they came from. runs.served is what the server said it
// serves when the run started (e.g. "mock (root=/models/ckpt-2)" from /v1/models; '' when it
// could not tell; kServedNotRecorded for runs stored before); answers are reused across runs only
// between equal served identities.
// runs.calls_fresh and runs.calls_reused count the run's model calls (judges aside) that were
// sent, and that were answered from another run's stored call (--reuse-answers); earlier runs
// get them from their calls.
constexpr const char* kSchemaV8 = R"sql(
ALTER TABLE runs ADD COLUMN served TEXT NOT NULL DEFAULT '';
UPDATE runs SET served = '(not recorded before schema 8)';
ALTER TABLE runs ADD COLUMN calls_fresh INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN calls_reused INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET
  calls_fresh = (SELECT COUNT(*) FROM calls c WHERE c.run_id = runs.id AND c.role != 'judge'
                 AND c.cached = 0),
  calls_reused = (SELECT COUNT(*) FROM calls c WHERE c.run_id = runs.id AND c.role != 'judge'
                  AND c.cached = 1);
)sql";

// v7: one `calls` table holds every model call of every sample (DESIGN §5): role, request key,
// messages (NULL = the sample's input), tools, the response, usage, cost, timing, attempts,
// error and how it was graded. It replaces the response cache (the request key of a call is its
// cache key) and the vote and judgement JSON of sample rows, which move into it here: a plain
// sample's answer becomes call 0 (generate), vote v becomes call v (vote, its scores as grading),
// judge question j follows the model's calls (judge, its verdict as grading). Cached responses no
// sample row names (answered votes of samples a stopped run left) become calls of run 0, found by
// their key like any other. runs.program names the sample program.
constexpr const char* kSchemaV7 = R"sql(
CREATE TABLE calls (
  run_id INTEGER NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  request_key TEXT NOT NULL,
  messages TEXT,
  tools TEXT,
  output TEXT,
  reasoning TEXT,
  tool_calls TEXT,
  provider_state TEXT,
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
  grading TEXT,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch, seq)
) WITHOUT ROWID;
INSERT INTO calls (run_id, sample_id, epoch, seq, role, label, request_key, output, reasoning,
  finish_reason, tokens_in, tokens_out, tokens_reasoning, tokens_cached, cost, latency_ms, ttft_ms,
  output_tps, attempts, cached, error_kind, error_message, stored_at)
SELECT run_id, sample_id, epoch, 0, 'generate', '', request_key, output, reasoning, finish_reason,
  tokens_in, tokens_out, tokens_reasoning, tokens_cached, cost, latency_ms, ttft_ms, output_tps,
  attempts, cached, error_kind, error_message, stored_at
FROM samples WHERE votes IS NULL;
INSERT INTO calls (run_id, sample_id, epoch, seq, role, label, request_key, output, reasoning,
  finish_reason, tokens_in, tokens_out, tokens_reasoning, tokens_cached, cost, latency_ms, ttft_ms,
  output_tps, attempts, cached, error_kind, error_message, grading, stored_at)
SELECT s.run_id, s.sample_id, s.epoch, CAST(v.value ->> '$.vote' AS INTEGER), 'vote',
  'vote ' || (v.value ->> '$.vote'), v.value ->> '$.request_key', v.value ->> '$.output',
  v.value ->> '$.reasoning', v.value ->> '$.finish_reason', v.value ->> '$.tokens_in',
  v.value ->> '$.tokens_out', v.value ->> '$.tokens_reasoning', v.value ->> '$.tokens_cached',
  v.value ->> '$.cost', COALESCE(v.value ->> '$.latency_ms', 0), v.value ->> '$.ttft_ms',
  v.value ->> '$.output_tps', COALESCE(v.value ->> '$.attempts', 0),
  COALESCE(v.value ->> '$.cached', 0), v.value ->> '$.error_kind', v.value ->> '$.error_message',
  json_object('scores', json(v.value -> '$.scores')), s.stored_at
FROM samples s, json_each(s.votes) v WHERE s.votes IS NOT NULL;
INSERT OR REPLACE INTO calls (run_id, sample_id, epoch, seq, role, label, request_key, messages,
  output, tokens_in, tokens_out, latency_ms, attempts, cached, error_kind, error_message, grading,
  stored_at)
SELECT s.run_id, s.sample_id, s.epoch,
  (CASE WHEN s.votes IS NULL THEN 1 ELSE json_array_length(s.votes) END) + j.key, 'judge',
  COALESCE(j.value ->> '$.label', ''), j.value ->> '$.request_key', j.value ->> '$.prompt',
  j.value ->> '$.reply', j.value ->> '$.tokens_in', j.value ->> '$.tokens_out',
  COALESCE(j.value ->> '$.latency_ms', 0), COALESCE(j.value ->> '$.attempts', 0),
  COALESCE(j.value ->> '$.cached', 0), j.value ->> '$.error_kind', j.value ->> '$.error_message',
  CASE WHEN COALESCE(json_type(j.value, '$.verdict'), 'null') = 'null' THEN NULL
       ELSE json_object('verdict', json(j.value -> '$.verdict')) END,
  s.stored_at
FROM samples s, json_each(s.judgements) j WHERE s.judgements IS NOT NULL;
CREATE INDEX calls_request_key ON calls(request_key);
INSERT OR IGNORE INTO calls (run_id, sample_id, epoch, seq, role, label, request_key, output,
  reasoning, finish_reason, tokens_in, tokens_out, tokens_reasoning, tokens_cached, latency_ms,
  ttft_ms, output_tps, attempts, cached, stored_at)
SELECT 0, r.request_key, 0, 0, 'generate', 'from the schema 6 response cache', r.request_key,
  r.output, r.reasoning, r.finish_reason, r.tokens_in, r.tokens_out, r.tokens_reasoning,
  r.tokens_cached, r.latency_ms, r.ttft_ms, r.output_tps, 0, 1, r.stored_at
FROM response_cache r
WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_key = r.request_key);
DROP TABLE response_cache;
ALTER TABLE samples DROP COLUMN votes;
ALTER TABLE samples DROP COLUMN judgements;
ALTER TABLE runs ADD COLUMN program TEXT NOT NULL DEFAULT 'generate';
UPDATE runs SET program = 'vote=' || votes WHERE votes > 1;
)sql";

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
  static const std::vector<const char*> kSteps = {kSchemaV1, kSchemaV2,  kSchemaV3,  kSchemaV4,
                                                  kSchemaV5, kSchemaV6,  kSchemaV7,  kSchemaV8,
                                                  kSchemaV9, kSchemaV10, kSchemaV11, kSchemaV12};
  return kSteps;
}

}  // namespace assay
