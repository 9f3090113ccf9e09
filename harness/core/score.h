#pragma once
/// What a scorer says about one output, and how a run aggregates a metric. Plain data.

#include <optional>
#include <string>

namespace assay {

/// One per-sample judgement of one metric. `value` is empty when the sample is unscored.
struct Score {
  std::string metric;  ///< e.g. "choice", "gsm8k_strict"
  std::optional<double> value;
  std::string answer;           ///< what the scorer extracted from the output
  std::string explanation;      ///< why: which rule fired, what was compared
  std::string unscored_reason;  ///< set iff !value: "no_answer", "truncated", "error:timeout", ...
  /// How many units the value averages (IFEval's instruction-level metric: the prompt's
  /// instruction count); a run's mean is Σ weight·value / Σ weight, clustered by sample. 1 for
  /// metrics whose unit is the sample.
  double weight = 1.0;
};

/// How a metric's per-sample values become a run's score (declared by the scorer, stored with
/// the run in `runs.aggregations`).
enum class Aggregation {
  kMean,         ///< mean; CLT SE (clustered by sample when samples repeat), Wilson CI for 0/1
  kClippedMean,  ///< mean clipped to [0, 1]; SE and CI from 1,000 bootstrap resamples of samples
                 ///< (HealthBench: per-sample scores may be negative, the mean is clipped)
};

}  // namespace assay
