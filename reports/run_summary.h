#pragma once
/// The summary printed after `assay run` and by `assay runs`: model × suite with n, scored,
/// unscored by reason, mean and 95% CI.

#include <ostream>
#include <string>
#include <vector>

#include "results/run_info.h"
#include "results/statistics.h"

namespace assay {

/// One run's headline numbers.
struct RunSummary {
  RunInfo run;
  int64_t n_samples = 0;  ///< stored (sample, epoch) rows
  MetricSummary primary;  ///< the suite's primary metric
};

/// Builds the summary of `run` from its stored samples (primary metric only).
RunSummary summarize_run(const RunInfo& run, const std::vector<StoredSample>& samples);

/// "no_answer 3, error:timeout 1" (sorted by reason), or "-" when none.
std::string format_unscored(const MetricSummary& s);

/// Writes the model × suite table.
void write_summary_table(std::ostream& out, const std::vector<RunSummary>& rows);

/// Writes the runs as a JSON array (the `assay runs --json` contract).
void write_runs_json(std::ostream& out, const std::vector<RunSummary>& rows);

}  // namespace assay
