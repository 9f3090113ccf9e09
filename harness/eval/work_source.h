#pragma once
/// Where a run's (sample, epoch) pairs come from: a suite's SampleStream, filtered to this
/// process's shard and to the pairs a resumed run has not stored yet, one chunk at a time, so a
/// run never holds its whole dataset.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "harness/core/result.h"
#include "harness/core/sample.h"
#include "suites/sample_stream.h"

namespace assay {

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

/// One (sample, epoch) to evaluate.
struct WorkItem {
  std::shared_ptr<const Sample> owner;  ///< keeps `sample` alive
  const Sample* sample = nullptr;       ///< the sample as sent and scored for this epoch
  int epoch = 0;
  /// The rendered messages as stored and keyed (messages_to_json), shared with the calls that
  /// send them.
  std::shared_ptr<const std::string> input_json;
};

/// Supplies a run's work items in order. The pipeline pulls items only as it has room for them,
/// so a run holds the items in flight, not the whole dataset. Called from one thread.
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
  Result<std::optional<WorkItem>> next() override;

 private:
  std::vector<WorkItem> items_;
  size_t next_ = 0;
};

/// Yields every (sample, epoch) of `stream` that is in `shard` and not in `done` (keys of
/// sample_epoch_key(), as SqliteStore::completed_sample_keys() gives them), in dataset
/// order, with its rendered input. Owns none of its arguments; all must outlive it. `size` is
/// the number it will yield (for progress).
class SuiteWorkSource final : public WorkSource {
 public:
  SuiteWorkSource(SampleStream& stream, int repeats, Shard shard,
                  const std::unordered_set<std::string>* done, size_t size);
  size_t size() const override { return size_; }
  Result<std::optional<WorkItem>> next() override;

 private:
  SampleStream& stream_;
  int repeats_;
  Shard shard_;
  const std::unordered_set<std::string>* done_;
  size_t size_;
  std::shared_ptr<const Sample> current_;
  std::shared_ptr<const std::string> current_input_;
  int epoch_ = 0;
};

}  // namespace assay
