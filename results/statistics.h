#pragma once
/// Per-metric summary statistics over stored scores (reference/protocols.md §3). Pure functions.
///
/// Scoring policy: an unscored sample whose reason is attributable to the model ("no_answer",
/// "truncated", "missing_output", "safety_block") counts as 0 in the mean, as the reference
/// implementations do, and is reported in the unscored counts. Samples unscored because a
/// request failed ("error:*") are excluded from the mean and reported as errors.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// One observation of one metric.
struct ScoreObservation {
  std::string sample_id;  ///< cluster key: repeats of a sample share it
  int epoch = 0;
  std::optional<double> value;
  std::string unscored_reason;
};

/// Summary of one metric for one run.
struct MetricSummary {
  size_t n = 0;          ///< observations
  size_t n_scored = 0;   ///< with a value
  size_t n_counted = 0;  ///< in the mean (scored + model-attributable unscored)
  size_t n_errors = 0;   ///< excluded because the request failed
  std::map<std::string, size_t> unscored_by_reason;
  size_t clusters = 0;  ///< distinct sample ids among counted observations
  double mean = 0;
  double stderr_ = 0;  ///< CLT SE, clustered by sample id when samples repeat
  double ci_low = 0;   ///< 95% interval (Wilson for one-shot 0/1 scores)
  double ci_high = 0;
  bool binary = true;  ///< every counted value is 0 or 1
};

/// True when an unscored reason counts as a 0 (the model's fault), false for request errors.
bool unscored_counts_as_zero(const std::string& reason);

/// Wilson score interval for k successes in n trials at z (95%: 1.959964).
std::pair<double, double> wilson_interval(double k, double n, double z = 1.959963984540054);

/// Mean, SE (clustered when any sample id repeats), 95% CI and unscored counts.
MetricSummary summarize_metric(const std::vector<ScoreObservation>& observations);

/// summarize_metric (and pass@k) over observations streamed grouped by sample id (every repeat
/// of a sample consecutively), holding one cluster at a time: memory does not grow with the run.
/// Equal to summarize_metric up to floating-point rounding. Not thread-safe.
class MetricAccumulator {
 public:
  /// `ks`: the k of pass@k to compute (pass@k needs binary scores and repeats).
  explicit MetricAccumulator(std::vector<int> ks = {}) : ks_(std::move(ks)) {}
  /// One observation; a sample id different from the previous one closes that cluster.
  void add(std::string_view sample_id, std::optional<double> value, std::string_view reason);
  /// The summary of everything added.
  MetricSummary finish();
  /// Mean unbiased pass@k over questions with at least k counted repeats (after finish()).
  const std::map<int, double>& pass_at_k() const { return pass_at_k_; }

 private:
  void close_cluster();

  std::vector<int> ks_;
  MetricSummary s_;
  std::string cluster_;
  double sum_ = 0;
  double sum_sq_ = 0;
  double cluster_sum_ = 0;  // Σv of the open cluster
  int cluster_n_ = 0;       // counted observations of the open cluster
  int cluster_pass_ = 0;    // of which ≥ 0.5 (pass@k)
  double c_ss_ = 0;         // Σ over clusters of S², S·n and n²: the clustered variance
  double c_sn_ = 0;
  double c_nn_ = 0;
  std::map<int, std::pair<double, int>> pass_sums_;  // k → (Σ pass@k, questions)
  std::map<int, double> pass_at_k_;
};

}  // namespace assay
