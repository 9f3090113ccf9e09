#pragma once
/// `evaluate(plan, store, scheduler)`: one (model, suite) run from start to its stored end. It
/// describes the run (its identity decides resumption), resumes the newest unfinished run of the
/// same identity or creates one, streams the pairs that still need evaluating through the
/// pipeline (sample programs on the call scheduler, answers reused from stored calls), stores
/// every call and sample through one writer thread, and records how the run ended.

#include <atomic>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "harness/core/adapter.h"
#include "harness/core/pricing.h"
#include "harness/eval/pipeline.h"
#include "harness/eval/sample_program.h"
#include "harness/eval/suite_preparation.h"
#include "harness/eval/work_source.h"
#include "harness/runtime/call_scheduler.h"
#include "harness/runtime/rate_limiter.h"
#include "results/run_info.h"
#include "results/sqlite_store.h"

namespace assay {

/// A model to evaluate and the harness-level settings its SPEC carried.
struct EvalModel {
  std::unique_ptr<ModelAdapter> adapter;
  ProgramSpec program;
  std::optional<ModelPrice> price;               ///< list price, when known
  RateLimits limits;                             ///< requests/tokens per minute (0 = none)
  ThinkTags think_tags = ThinkTags::defaults();  ///< reasoning split out of answers
  /// The context window prompts are checked against before sending: the SPEC's `?context=`,
  /// else what the server's /v1/models says (asked when the run starts), else the model table's.
  ContextWindow context;

  /// The name runs and leaderboards show: the adapter's display SPEC, plus the program when it
  /// is not generate (vote=K, synthesize=K, a custom synthesis prompt) and think_tags when the
  /// SPEC set it: a model in another mode is another entry.
  std::string display_name() const;
};

/// The run flags that are neither the model's nor the suite's.
struct EvalSettings {
  std::string db_path;  ///< the database the writer thread opens its own connection to
  std::string name;     ///< --name
  int64_t limit = -1;
  int repeats = 0;  ///< 0 = the suite's
  int64_t seed = 0;
  std::string shard_text;  ///< --shard as given ("" = whole run)
  Shard shard;
  bool no_cache = false;  ///< --no-cache: a new run, every call sent
  /// --reuse-answers: calls another run stored (of a server that served the same) answer this
  /// run's; off, only the run's own stored calls do (resume).
  bool reuse_answers = false;
  /// --max-error-rate: a run whose stored samples failed (after retries) more often than this
  /// ends `failed` (exit 1), as does a run with no answered sample at all.
  double max_error_rate = 0.1;
  bool unsafe_no_sandbox = false;  ///< --unsafe-no-sandbox (a different run)
  std::ostream* log = nullptr;     ///< progress and notes (stderr); never null when evaluating
  bool progress_bar = false;       ///< draw a progress bar on `log`
};

/// One (model, suite) run to evaluate.
struct EvalPlan {
  const EvalModel* model = nullptr;
  PreparedSuite* suite = nullptr;
  /// The judge of judge-graded suites (not owned); null when the suite needs none.
  const ModelAdapter* judge = nullptr;
  GenerationParams judge_params;  ///< the judge's defaults (its SPEC overrides them)
  EvalSettings settings;
};

/// How a run went.
struct EvalResult {
  int64_t run_id = 0;
  PipelineOutcome outcome;
  Status store_status;                       ///< the writer's first error, if any
  RunStatus status = RunStatus::kCompleted;  ///< as stored
  std::string message;                       ///< why it failed or was interrupted, as stored
};

/// The program that runs `suite`'s samples for `model`: the agent program for agent suites,
/// else the model's own (generate, vote, synthesize). Pure.
ProgramSpec effective_program(const EvalModel& model, const PreparedSuite& suite);

/// The stored description of `plan`'s run (identity included) with its generation parameters
/// as the adapter sends them (`params_json`) and `repeats` epochs. Pure.
RunInfo describe_run(const EvalPlan& plan, const std::string& params_json, int repeats);

/// Evaluates `plan` (see the file comment). `scheduler` must be fresh (no endpoints); `store`
/// is the caller's connection to settings.db_path. Errors are run-level (the database could
/// not be written); sample-level errors are stored and counted in the outcome.
Result<EvalResult> evaluate(const EvalPlan& plan, SqliteStore& store, CallScheduler& scheduler);

}  // namespace assay
