#pragma once
/// Per-metric summary statistics over stored scores (reference/protocols.md §3). Pure functions.
///
/// Scoring policy: an unscored sample whose reason is attributable to the model ("no_answer",
/// "truncated", "blocked", "context_exceeded", ...) counts as 0 in the mean, as the reference
/// implementations do, and is reported in the unscored counts. Samples unscored because a
/// request failed ("error:*"), the judge failed ("judge_error") or the data lacks what they
/// need ("missing_output", "missing_data"), and answers outside a rate's denominator
/// ("answered_correctly": the hallucination rate's) are excluded from the mean and reported.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"
#include "harness/core/score.h"

namespace assay {

/// One observation of one metric.
struct ScoreObservation {
  std::string sample_id;  ///< cluster key: repeats of a sample share it
  int epoch = 0;
  std::optional<double> value;
  std::string unscored_reason;
  double weight = 1.0;  ///< Score::weight: the units this value averages
};

/// Summary of one metric for one run.
struct MetricSummary {
  size_t n = 0;          ///< observations
  size_t n_scored = 0;   ///< with a value
  size_t n_counted = 0;  ///< in the mean (scored + model-attributable unscored)
  size_t n_errors = 0;   ///< excluded because the request failed
  std::map<std::string, size_t> unscored_by_reason;
  size_t clusters = 0;  ///< distinct sample ids among counted observations
  /// Σ weight of the counted observations: the units the mean is over (n_counted when every
  /// weight is 1; IFEval's instruction-level metrics: the instructions).
  double units = 0;
  double mean = 0;
  double stderr_ = 0;  ///< CLT SE, clustered by sample id when samples repeat or weigh > 1
  double ci_low = 0;   ///< 95% interval (Wilson for one-shot 0/1 scores)
  double ci_high = 0;
  bool binary = true;  ///< every counted value is 0 or 1
  Aggregation aggregation = Aggregation::kMean;
  /// kClippedMean: the mean before clipping (`mean` is clipped to [0, 1]); else equal to mean.
  double raw_mean = 0;
};

/// Resamples drawn for bootstrap standard errors (simple-evals' HealthBench uses 1,000).
inline constexpr int kBootstrapResamples = 1000;

/// "mean" or "clipped_mean" (the stored spelling).
std::string_view aggregation_name(Aggregation a);
/// The Aggregation spelled `name`, if any.
std::optional<Aggregation> parse_aggregation(std::string_view name);
/// How `metric` is aggregated: its own entry, else that of the metric before the first '/'
/// ("healthbench/axis:accuracy" follows "healthbench"), else kMean.
Aggregation aggregation_of(const std::map<std::string, Aggregation>& aggregations,
                           std::string_view metric);
/// The aggregations as stored in runs.aggregations: a JSON object metric → name ("" when empty).
std::string aggregations_to_json(const std::map<std::string, Aggregation>& aggregations);
/// Parses aggregations_to_json's output; unknown names are kInvalidInput ("" → empty map).
Result<std::map<std::string, Aggregation>> aggregations_from_json(std::string_view json);

/// Clipped-mean statistics from per-sample (Σ value, count) clusters: `mean` = clip(Σ/N, 0, 1),
/// `stderr_` = population SD of the clipped means of kBootstrapResamples resamples of clusters
/// (deterministic seed), CI = their 2.5th and 97.5th percentiles. Counts in `s` are kept.
void apply_clipped_bootstrap(MetricSummary& s,
                             const std::vector<std::pair<double, double>>& cluster_sums);

/// True when an unscored reason counts as a 0 (the model's fault), false for request errors,
/// judge errors and missing data.
bool unscored_counts_as_zero(const std::string& reason);

/// Wilson score interval for k successes in n trials at z (95%: 1.959964).
std::pair<double, double> wilson_interval(double k, double n, double z = 1.959963984540054);

/// Mean (Σ weight·value / Σ weight), SE (clustered when any sample id repeats or any weight is
/// not 1), 95% CI and unscored counts; under kClippedMean the clipped mean with its bootstrap SE
/// and interval.
MetricSummary summarize_metric(const std::vector<ScoreObservation>& observations,
                               Aggregation aggregation = Aggregation::kMean);

/// summarize_metric (and pass@k) over observations streamed grouped by sample id (every repeat
/// of a sample consecutively), holding one cluster at a time: memory does not grow with the run.
/// Equal to summarize_metric up to floating-point rounding. Not thread-safe.
class MetricAccumulator {
 public:
  /// `ks`: the k of pass@k to compute (pass@k needs binary scores and repeats). kClippedMean
  /// keeps one (Σ, n) pair per sample for the bootstrap.
  explicit MetricAccumulator(std::vector<int> ks = {}, Aggregation aggregation = Aggregation::kMean)
      : ks_(std::move(ks)), aggregation_(aggregation) {}
  /// One observation of `weight` units; a sample id different from the previous one closes
  /// that cluster.
  void add(std::string_view sample_id, std::optional<double> value, std::string_view reason,
           double weight = 1.0);
  /// The summary of everything added.
  MetricSummary finish();
  /// Mean unbiased pass@k over questions with at least k counted repeats (after finish()).
  const std::map<int, double>& pass_at_k() const { return pass_at_k_; }

 private:
  void close_cluster();

  std::vector<int> ks_;
  Aggregation aggregation_;
  std::vector<std::pair<double, double>> clusters_;  // kClippedMean: (Σ, n) per sample
  MetricSummary s_;
  std::string cluster_;
  double sum_ = 0;
  double sum_sq_ = 0;
  double cluster_sum_ = 0;  // Σ w·v of the open cluster
  double cluster_w_ = 0;    // Σ w of the open cluster
  int cluster_n_ = 0;       // counted observations of the open cluster
  int cluster_pass_ = 0;    // of which ≥ 0.5 (pass@k)
  double c_ss_ = 0;         // Σ over clusters of S², S·n and n²: the clustered variance
  double c_sn_ = 0;
  double c_nn_ = 0;
  std::map<int, std::pair<double, int>> pass_sums_;  // k → (Σ pass@k, questions)
  std::map<int, double> pass_at_k_;
};

}  // namespace assay
