#pragma once
/// The work of one (model, suite) run, streamed from the suite's SampleStream: shards, resume
/// and the response cache applied a chunk at a time, so a run never holds its whole dataset.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

#include "harness/core/model_spec.h"
#include "harness/eval/runner.h"
#include "results/sqlite_store.h"
#include "suites/sample_stream.h"

namespace assay::cli {

/// Shard I of N of a run (`--shard I/N`); {0, 1} is the whole run.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

/// Parses "I/N" (0 <= I < N); "" is the whole run. kInvalidInput names the flag.
Result<Shard> parse_shard(const std::string& text);

/// Whether (sample, epoch) belongs to `shard`: FNV-1a of "ID#EPOCH" modulo N, stable across
/// machines, builds and runs.
bool in_shard(const Shard& shard, const std::string& sample_id, int epoch);

/// Yields every (sample, epoch) of the stream that is in the shard and not in `done`, in dataset
/// order, with its rendered input, request key and (when `cache` is set) its cached response;
/// with votes > 1, the pair's K vote items one after another (each with its own key and cached
/// response). Holds one chunk of items at a time. Owns none of its arguments; all must outlive
/// it. size() counts (sample, epoch) pairs, not votes.
class SuiteWorkSource final : public WorkSource {
 public:
  SuiteWorkSource(SampleStream& stream, const ModelSpec& model, std::string params_json,
                  int repeats, int votes, Shard shard, const std::unordered_set<std::string>* done,
                  SqliteStore* cache, size_t size);
  size_t size() const override { return size_; }
  Result<std::optional<WorkItem>> next() override;

 private:
  Status refill();

  SampleStream& stream_;
  const ModelSpec& model_;
  std::string params_json_;
  int repeats_;
  int votes_;
  Shard shard_;
  const std::unordered_set<std::string>* done_;
  SqliteStore* cache_;
  size_t size_;
  std::shared_ptr<const Sample> current_;
  std::string current_input_;
  int epoch_ = 0;
  bool exhausted_ = false;
  std::deque<WorkItem> buffer_;
};

}  // namespace assay::cli
