#pragma once
/// A suite's samples rendered one at a time, so a run's memory does not grow with its dataset.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/core/sample.h"
#include "harness/core/sample_coverage.h"
#include "suites/suite_spec.h"

namespace assay {

/// Renders a suite's samples in dataset order (after the subset and the selection: --limit's
/// first N or --sample's stratified N). Datasets of
/// plain JSONL files are read line by line and never held in memory; other datasets (JSON, CSV,
/// .gz, archive members, keep_keys_in, options shuffled per repeat) are read whole into rows at
/// open() and rendered lazily. Not thread-safe; use from one thread.
class SampleStream {
 public:
  /// Resolves and checksums the dataset files, then reads every record once to validate it, so
  /// that whatever a run could meet in the data (bad JSON, missing fields, duplicate ids, an
  /// unknown subset) is reported now, naming the suite, file, line and field. `visit` (if set)
  /// sees each selected sample once. A selection with both a limit and a sample is
  /// kInvalidInput. `epochs` is how many repeats will run (suites that shuffle
  /// options per repeat render that many variants). Errors are kInvalidInput/kNotFound/kIo.
  static Result<std::unique_ptr<SampleStream>> open(
      const SuiteSpec& spec, const std::string& data_dir, const SampleSelection& selection,
      int epochs, const std::function<void(const Sample&)>& visit = {});
  ~SampleStream();
  SampleStream(const SampleStream&) = delete;
  SampleStream& operator=(const SampleStream&) = delete;

  /// Starts again at the first sample.
  Status rewind();
  /// The next sample, or nullopt after the last. An error means the files changed since open().
  Result<std::optional<Sample>> next();

  const SuiteSpec& spec() const;
  size_t size() const;  ///< samples, after the subset and the selection
  /// What the selection covers of the suite (counts, subsets), known after open().
  const SampleCoverage& coverage() const;
  size_t total_records() const;                   ///< dataset records, before both
  const std::string& dataset_sha256() const;      ///< one file: its digest; else digest of digests
  const std::vector<std::string>& files() const;  ///< resolved paths, in load order
  const std::vector<std::string>& warnings() const;  ///< e.g. a record count unlike the spec's
  bool streams_from_disk() const;  ///< true when records are read line by line, never held

 private:
  struct State;
  explicit SampleStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace assay
