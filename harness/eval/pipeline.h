#pragma once
/// The evaluation loop of one run: pulls (sample, epoch) pairs from a WorkSource as the call
/// scheduler has room, runs one SampleProgram per pair, answers each call the program asks for
/// from stored calls when it can (the request key is the cache key) and otherwise sends it
/// through the scheduler, grades finished programs on a worker pool and hands every record to a
/// SampleSink. A call's answer is stored as soon as a later call depends on it, so a killed run
/// resumes from the calls it stored. Memory is bounded by the calls in flight and the scoring
/// backlog, not by the run's size.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/core/adapter.h"
#include "harness/core/pricing.h"
#include "harness/core/records.h"
#include "harness/core/scorer.h"
#include "harness/core/token_estimate.h"
#include "harness/eval/sample_program.h"
#include "harness/eval/work_source.h"
#include "harness/runtime/call_scheduler.h"
#include "harness/runtime/progress.h"
#include "harness/runtime/thread_pool.h"
#include "results/run_info.h"

namespace assay {

/// Answers stored before, by request key (the pipeline's cache). Used from one thread.
class AnswerStore {
 public:
  virtual ~AnswerStore() = default;
  /// The stored answer of each key in `keys` that has one; absent keys are left out.
  virtual Result<std::unordered_map<std::string, StoredAnswer>> find(
      const std::vector<std::string>& keys) = 0;
};

/// A model the pipeline calls: its adapter, the scheduler endpoint it is registered as, and the
/// canonical parameters that key its calls.
struct PipelineModel {
  const ModelAdapter* adapter = nullptr;
  size_t endpoint = 0;
  std::string params_json;
  /// Calls that cannot fit it (estimated prompt plus `max_tokens`) end as kContextExceeded
  /// without being sent; tokens 0 = no check.
  ContextWindow context;
  int64_t max_tokens = 0;  ///< the answer tokens every call asks for (0 = none asked)
};

/// What one run evaluates and how.
struct PipelineOptions {
  int64_t run_id = 0;  ///< stored answers of this run at the same place are not written again
  ProgramSpec program;
  GenerationParams params;  ///< the suite's generation parameters
  PipelineModel model;      ///< the model evaluated (every call but the judge's)
  /// The judge (judge-graded suites): its endpoint and parameters; `judge` holds the scorers.
  std::optional<PipelineModel> judge_model;
  const JudgeSetup* judge = nullptr;
  std::vector<const Scorer*> scorers;
  std::string primary_metric;       ///< picks a vote program's representative answer
  std::optional<ModelPrice> price;  ///< prices the model's calls (not the judge's)
  /// Stored answers to reuse; null = send every call (--no-cache).
  AnswerStore* stored = nullptr;
  /// False when nothing was stored before the run began: only judge calls (which samples share)
  /// are looked up then, the rest cannot be there.
  bool look_up_every_call = true;
  Progress* progress = nullptr;
};

enum class RunEnd { kCompleted, kInterrupted, kFailed };

/// How a run ended.
struct PipelineOutcome {
  RunEnd status = RunEnd::kCompleted;
  std::string message;       ///< why it failed or was interrupted
  size_t requests_sent = 0;  ///< HTTP attempts, retries included
  size_t stored = 0;         ///< samples finished and handed to the sink
  size_t errors = 0;         ///< of those, samples without an answer
  size_t calls = 0;          ///< model calls the programs asked for
  size_t calls_resumed = 0;  ///< of those, answered from this run's own stored calls
  size_t calls_reused = 0;   ///< of those, answered from another run's (--reuse-answers)
  size_t calls_sent = 0;     ///< of those, sent to a model (judges aside)
};

/// Runs every item of `source` through `options.program` to completion, interruption (the
/// scheduler's stop flag) or a failure (the breaker, a broken source). Blocks; the calling thread
/// drives the scheduler. Grading runs on `pool`; every record reaches `sink` before return. A
/// stopped run hands the answered calls of unfinished samples to the sink as calls-only records.
PipelineOutcome run_pipeline(WorkSource& source, CallScheduler& scheduler, SampleSink& sink,
                             ThreadPool& pool, const PipelineOptions& options);

}  // namespace assay
