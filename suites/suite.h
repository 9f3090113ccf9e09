#pragma once
/// Turning a suite spec plus its dataset files into rendered Samples.

#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/core/sample.h"
#include "harness/core/sample_coverage.h"
#include "suites/suite_spec.h"

namespace assay {

/// A suite ready to run.
struct LoadedSuite {
  SuiteSpec spec;
  std::vector<Sample> samples;        ///< in dataset order, cut to the limit
  std::string dataset_sha256;         ///< one file: its digest; several: digest of digests
  std::vector<std::string> files;     ///< resolved paths, in load order
  size_t total_records = 0;           ///< before the limit
  std::vector<std::string> warnings;  ///< e.g. a record count that differs from the spec
  SampleCoverage coverage;            ///< what the selection covers of the suite
};

/// Loads and renders every sample of `spec` into memory (SampleStream streams them). Relative
/// dataset paths resolve against the spec's base_dir or, for built-ins, `data_dir`. `limit` keeps
/// the first N samples in dataset order (after a subset selection). `epochs` is how many repeats
/// will run: suites that shuffle options per repeat render that many variants per sample. Errors
/// are kInvalidInput/kNotFound naming the suite, file, row and field.
Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               std::optional<size_t> limit, int epochs = 1);

/// As above with any selection: --limit's first N or --sample's stratified N (see
/// SampleSelection); both at once is kInvalidInput.
Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               const SampleSelection& selection, int epochs = 1);

/// "suite 'NAME' (ORIGIN)", the way messages name a suite.
std::string suite_label(const SuiteSpec& spec);

/// Resolves the spec's dataset file patterns to existing paths (globs expanded, sorted).
Result<std::vector<std::string>> resolve_dataset_files(const SuiteSpec& spec,
                                                       const std::string& data_dir);

}  // namespace assay
