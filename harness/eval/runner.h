#pragma once
/// The runner: sends every pending (sample, epoch) through an adapter with bounded concurrency,
/// retries transient failures, scores completions on a worker pool and hands every outcome to a
/// SampleSink. It owns no I/O of its own beyond the Transport it is given.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/core/adapter.h"
#include "harness/core/pricing.h"
#include "harness/core/scorer.h"
#include "harness/core/transport.h"
#include "harness/core/types.h"
#include "harness/eval/outcome_scoring.h"
#include "harness/runtime/progress.h"
#include "harness/runtime/retry_policy.h"
#include "harness/runtime/thread_pool.h"

namespace assay {

/// One (sample, epoch) to evaluate.
struct WorkItem {
  const Sample* sample = nullptr;       ///< the sample as sent for this epoch; kept alive by owner
  std::shared_ptr<const Sample> owner;  ///< owns *sample when the source streams (may be null)
  int epoch = 0;
  std::string key;                   ///< request key (request_key())
  std::string input_json;            ///< the rendered messages as stored
  std::optional<Completion> cached;  ///< a stored response for `key`: scored without sending
  /// Under `--vote K`: this item is vote `vote` (0..K-1) of its (sample, epoch), and `key` is
  /// vote_request_key() of the unvoted key. The source yields the K votes of a pair together.
  int vote = 0;
  int votes = 1;
};

/// Supplies a run's work items in order. The runner pulls items only as it has room for them,
/// so a run holds the items in flight, not the whole dataset. Called from the runner's thread.
class WorkSource {
 public:
  virtual ~WorkSource() = default;
  /// How many items the source yields in all (progress and messages).
  virtual size_t size() const = 0;
  /// The next item, or nullopt when exhausted. An error ends the run as failed.
  virtual Result<std::optional<WorkItem>> next() = 0;
};

/// A WorkSource over items held in memory (tests, small runs); yields them in order.
class VectorWorkSource final : public WorkSource {
 public:
  explicit VectorWorkSource(std::vector<WorkItem> items) : items_(std::move(items)) {}
  size_t size() const override { return items_.size(); }
  Result<std::optional<WorkItem>> next() override {
    if (next_ == items_.size()) return std::optional<WorkItem>();
    return std::optional<WorkItem>(std::move(items_[next_++]));
  }

 private:
  std::vector<WorkItem> items_;
  size_t next_ = 0;
};

/// Knobs for one run.
struct RunnerOptions {
  int concurrency = 32;
  RetryPolicy retry;
  int breaker_threshold = 5;
  double grace_ms = 10'000;  ///< after a stop request, wait this long for in-flight requests
  uint64_t seed = 0;         ///< seeds backoff jitter
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop sending
  Progress* progress = nullptr;
  /// Prices the model's tokens (samples.cost); unset = no cost recorded.
  std::optional<ModelPrice> price;
  /// Under `--vote K`: the metric whose majority answer picks the vote stored as the sample's
  /// output (see combine_votes); other metrics vote independently.
  std::string primary_metric;
  /// The judge model of judge-scored scorers (not owned; null = none). Its requests share the
  /// transport, the in-flight bound, retries and the breaker with the model's; their keys are
  /// request_key(judge spec, judge_params_json, judge messages, "judge", 0).
  const ModelAdapter* judge = nullptr;
  GenerationParams judge_params;
  std::string judge_params_json;
  /// Stored responses for request keys (the judge's replies; absent keys are left out), called
  /// on the runner's thread once per judged sample; unset = nothing is cached.
  std::function<std::unordered_map<std::string, Completion>(const std::vector<std::string>& keys)>
      cached_responses;
};

enum class RunStatus { kCompleted, kInterrupted, kFailed };

/// How a run ended.
struct RunOutcome {
  RunStatus status = RunStatus::kCompleted;
  std::string message;       ///< why it failed or was interrupted
  size_t requests_sent = 0;  ///< HTTP attempts, including retries
  size_t stored = 0;         ///< records handed to the sink
  size_t errors = 0;         ///< records stored with an error
  size_t from_cache = 0;
};

/// Runs the items of `source` to completion, interruption or a tripped breaker. Blocks; uses
/// the calling thread as the event loop. Scoring runs on `pool`; every record reaches `sink`
/// before return. Items with votes > 1 are sent in parallel and stored as one record per
/// (sample, epoch) once all K are final (combine_votes); when a run stops first, the answered
/// votes of unfinished pairs reach the sink as cache_only records so a resume reuses them. Memory
/// is bounded by the concurrency, not by the number of items: items are pulled as requests finish,
/// and pulling pauses while scoring or the sink fall behind.
RunOutcome run_work(const ModelAdapter& adapter, Transport* transport,
                    const GenerationParams& params, WorkSource& source,
                    const std::vector<const Scorer*>& scorers, SampleSink& sink, ThreadPool& pool,
                    const RunnerOptions& options);

/// The cache/resume key: SHA-256 over provider, model, base URL, parameters, messages, sample
/// id and epoch (DESIGN §3).
std::string request_key(const ModelSpec& spec, const std::string& params_json,
                        const std::string& messages_json, const std::string& sample_id, int epoch);

/// Messages as the JSON array stored in `samples.input`.
std::string messages_to_json(const std::vector<Message>& messages);

}  // namespace assay
