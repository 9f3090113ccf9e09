#pragma once
/// What the store keeps about a run and its samples (DESIGN §5), as plain values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model_call.h"
#include "harness/core/sample_coverage.h"
#include "harness/core/score.h"

namespace assay {

/// Where a run is: started (or resumed and running), or how it ended.
enum class RunStatus { kStarted, kCompleted, kInterrupted, kFailed };

/// "started", "completed", "interrupted" or "failed" (stored in runs.status).
std::string_view run_status_name(RunStatus status);

/// The RunStatus named `name`; kStarted for anything else.
RunStatus parse_run_status(std::string_view name);

/// runs.served of runs stored before schema 8, which did not ask.
inline constexpr const char* kServedNotRecorded = "(not recorded before schema 8)";

/// One row of `runs`.
struct RunInfo {
  int64_t id = 0;
  std::string name;
  std::string identity;  ///< hash of everything that defines the run; equal ⇒ resumable
  std::string created_at;
  std::string finished_at;
  RunStatus status = RunStatus::kStarted;
  std::string status_message;
  std::string provider;
  std::string model;
  std::string model_spec;  ///< display SPEC without credentials
  std::string base_url;    ///< without credentials
  std::string params_json;
  std::string suite;
  std::string suite_version;
  std::string suite_hash;
  std::string dataset_sha256;
  std::string domain;
  std::string primary_metric;
  std::string harness_version;
  std::string git_revision;
  int64_t seed = 0;
  std::string shard;  ///< "I/N" or ""
  int repeats = 1;
  int64_t limit = -1;
  int64_t n_planned = 0;    ///< (sample, epoch) pairs the run should hold
  std::string scoring_env;  ///< how scorers graded, e.g. "code sandbox: bubblewrap (...)"
  int votes = 1;            ///< answers sampled per (sample, epoch) and majority-voted (--vote)
  /// The sample program: "generate", "vote=K" or "synthesize=K" (schema 7; older runs are
  /// generate or vote=K).
  std::string program = "generate";
  std::string judge;  ///< the judge's display SPEC for judge-scored suites (--judge), else ""
  /// Metrics whose scorer aggregates them other than by the plain mean (absent = kMean); a
  /// per-tag metric "METRIC/TAG" follows METRIC (aggregation_of).
  std::map<std::string, Aggregation> aggregations;
  /// What the server said it serves when the run started ("" = it could not tell;
  /// kServedNotRecorded for runs stored before schema 8).
  std::string served;
  /// The run's model calls (judges aside) that were sent to the model, and that were answered
  /// from another run's stored call (--reuse-answers); stored at the end of each invocation.
  int64_t calls_fresh = 0;
  int64_t calls_reused = 0;
  /// What the run's selection (--limit, --sample) covered of its suite (schema 9; unknown for
  /// older runs, whose `limit` is all that is known).
  SampleCoverage coverage;
};

/// True when the run covered only part of its suite: fewer samples than it has (--limit,
/// --sample, a SUITE:VALUE subset), or, for a run stored before coverage was recorded, a limit.
bool is_partial(const RunInfo& run);

/// Usage and speed of a run's answered requests (samples stored without an error). Tokens and
/// cost are over every answered sample; speed (means, medians, p90s of latency, TTFT and
/// tokens per second) only over the fresh ones (`n_timed`: answered by a call this run sent, not
/// from storage), so a reused answer never counts its first run's timing twice. NaN when no
/// sample carries the value.
struct RunUsage {
  int64_t n_answered = 0;
  int64_t n_timed = 0;  ///< answered samples whose timings were measured by this run
  int64_t tokens_in = 0;
  int64_t tokens_out = 0;
  int64_t tokens_reasoning = 0;
  double cost = 0;             ///< sum of per-sample cost (NaN when none is priced)
  double mean_latency_ms = 0;  ///< NaN when none
  double mean_ttft_ms = 0;     ///< streaming only; NaN when none
  double mean_output_tps = 0;  ///< streaming only; NaN when none
  /// Medians and 90th percentiles (linear interpolation between order statistics); NaN when
  /// no sample carries the value.
  double median_latency_ms = 0, p90_latency_ms = 0;
  double median_ttft_ms = 0, p90_ttft_ms = 0;
  double median_output_tps = 0, p90_output_tps = 0;
  int64_t tokens_cached = 0;
};

/// One stored score.
struct StoredScore {
  std::string metric;
  std::optional<double> value;
  std::string answer;
  std::string explanation;
  std::string unscored_reason;
  double weight = 1.0;  ///< Score::weight
};

/// One stored (sample, epoch) with its scores.
struct StoredSample {
  std::string sample_id;
  int epoch = 0;
  std::string input;
  std::string target;
  std::string output;
  std::string reasoning;
  std::string finish_reason;
  int64_t tokens_in = -1;
  int64_t tokens_out = -1;
  int64_t tokens_reasoning = -1;
  int64_t tokens_cached = -1;
  double latency_ms = 0;
  double ttft_ms = -1;
  double output_tps = -1;
  int attempts = 0;
  bool cached = false;
  std::string error_kind;
  std::string error_message;
  std::string request_key;
  int turns = -1;  ///< agent samples: turns, tool calls, tool errors (-1 = not an agent sample)
  int tool_calls = -1;
  int tool_errors = -1;
  std::vector<StoredScore> scores;
};

/// One stored model call (a row of `calls`).
struct StoredCall {
  std::string sample_id;
  int epoch = 0;
  int seq = 0;
  std::string role;  ///< call_role_name()
  std::string label;
  std::string request_key;
  std::string messages;  ///< the request's messages as JSON; "" = the sample's input
  std::string tools;
  std::string output;
  std::string reasoning;
  std::string tool_calls;
  std::string finish_reason;
  int64_t tokens_in = -1;
  int64_t tokens_out = -1;
  int64_t tokens_reasoning = -1;
  int64_t tokens_cached = -1;
  double cost = -1;
  double latency_ms = 0;
  double ttft_ms = -1;
  double output_tps = -1;
  int attempts = 0;
  bool cached = false;  ///< answered from a stored call, not sent by the run
  std::string error_kind;
  std::string error_message;
  std::string grading;  ///< JSON: {"verdict":...} or {"scores":[...]}; "" = none
};

/// A stored answer to a call, found by its request key: what it says and where it is stored.
struct StoredAnswer {
  Completion completion;
  int64_t run_id = 0;
  std::string sample_id;
  int epoch = 0;
  int seq = 0;
};

}  // namespace assay
