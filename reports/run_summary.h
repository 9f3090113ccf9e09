#pragma once
/// The summary printed after `assay run` and by `assay runs`: model × suite with n, scored,
/// unscored by reason, mean and 95% CI.

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "results/calibration.h"
#include "results/run_info.h"
#include "results/sqlite_store.h"
#include "results/statistics.h"

namespace assay {

/// One run's headline numbers.
struct RunSummary {
  RunInfo run;
  int64_t n_samples = 0;                       ///< stored (sample, epoch) rows
  MetricSummary primary;                       ///< the suite's primary metric
  std::vector<ScoreObservation> observations;  ///< the primary metric per (sample, epoch)
  std::map<int, double> pass_at_k;  ///< k → mean pass@k, for runs with repeats and 0/1 scores
  std::optional<RunUsage> usage;    ///< tokens, cost and speed, when the caller read them
  /// The run's other metrics (sorted by name; e.g. HealthBench's per-axis and per-theme scores),
  /// when the caller read them (add_metric_breakdown).
  std::vector<std::pair<std::string, MetricSummary>> breakdown;
  /// HLE's RMS calibration error, for runs whose primary metric M (0/1) comes with the stated
  /// confidence `M_confidence` (hle_judge); read by add_metric_breakdown. nullopt when the run
  /// has no such metric or too few answers (results/calibration.h).
  std::optional<CalibrationError> calibration;
};

/// Summarizes every metric of the run other than the primary into `summary.breakdown`, each
/// with its aggregation, and the calibration error where the run states confidences. A per-tag
/// metric ("METRIC/TAG") is over the samples that have the tag; other metrics are over all samples
/// as the primary is. kIo on SQLite errors.
Status add_metric_breakdown(SqliteStore& store, RunSummary& summary);

/// Writes the breakdown as a table (metric, n, score, 95% CI, aggregation), then the calibration
/// error when there is one; nothing when the breakdown is empty.
void write_metric_breakdown(std::ostream& out, const RunSummary& summary);

/// A calibration error as JSON: {value (0-1), answers, measured, bin_size}.
JsonValue calibration_json(const CalibrationError& c);

/// The k values of pass@k reported for a run with `repeats` samples per question: `wanted`
/// when given (values above `repeats` dropped), else 1 and `repeats`.
std::vector<int> pass_k_values(int repeats, const std::vector<int>& wanted);

/// Builds the summary of `run` from its stored samples (primary metric only). pass@k (unbiased
/// estimator) is computed for runs with repeats and 0/1 scores, for pass_k_values(repeats, ks).
RunSummary summarize_run(const RunInfo& run, const std::vector<StoredSample>& samples,
                         const std::vector<int>& ks = {});

/// The summary of a stored run read as a stream (observations are not kept: `observations` is
/// empty), so summarizing a run of millions of samples takes constant memory. kIo on SQLite errors.
Result<RunSummary> summarize_stored_run(SqliteStore& store, const RunInfo& run,
                                        const std::vector<int>& ks = {});

/// Builds the summary from observations already extracted (e.g. read from a JSON report).
RunSummary summarize_observations(const RunInfo& run, std::vector<ScoreObservation> observations,
                                  int64_t n_samples, const std::vector<int>& ks = {});

/// Writes "pass@k (unbiased, per question over its repeats):" and one line per run that has
/// pass@k values; nothing when none has.
void write_pass_at_k(std::ostream& out, const std::vector<RunSummary>& rows);

/// "no_answer 3, error:timeout 1" (sorted by reason), or "-" when none.
std::string format_unscored(const MetricSummary& s);

/// Where a run's answers came from: "40 fresh", "40 reused" or "10 fresh, 30 reused" (model
/// calls sent, and answered from another run's stored calls with --reuse-answers).
std::string format_answers(const RunInfo& run);

/// Writes the model × suite table; `listing` (assay runs) adds name, created and server. A
/// coverage column ("50/14,042") is there in listings and whenever a run is partial.
void write_summary_table(std::ostream& out, const std::vector<RunSummary>& rows,
                         bool listing = false);

/// Adds a summary's counts and headline statistics to a JSON object: n_scored, n_errors,
/// unscored (by reason), score, stderr, ci_low, ci_high (null when nothing was counted).
void add_metric_json(JsonValue& object, const MetricSummary& m);

/// One metric's summary as a JSON object: `n` (counted samples) and add_metric_json's fields.
JsonValue metric_summary_json(const MetricSummary& m);

/// Writes the runs as a JSON array (the `assay runs --json` contract).
void write_runs_json(std::ostream& out, const std::vector<RunSummary>& rows);

}  // namespace assay
