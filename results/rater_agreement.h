#pragma once
/// Agreement between two raters (two judges, or a judge and a rule scorer) over the same units
/// (samples, or rubric criteria): raw agreement, Cohen's κ and Krippendorff's α. Pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace assay {

/// One unit both raters rated.
struct RatedPair {
  std::string unit;  ///< e.g. "sample_id#epoch" or "sample_id#epoch: criterion"
  double a = 0;
  double b = 0;
};

/// How much two raters agree.
struct RaterAgreement {
  size_t n = 0;         ///< units both rated
  size_t agreed = 0;    ///< units with equal values
  bool binary = true;   ///< every value is 0 or 1
  double observed = 0;  ///< agreed / n
  /// Cohen's κ = (p_o − p_e) / (1 − p_e) over the categories (binary ratings only); empty when
  /// not binary or p_e = 1 (both raters gave one value throughout).
  std::optional<double> cohen_kappa;
  /// Krippendorff's α for two raters and no missing values: 1 − D_o/D_e with the interval
  /// distance (a − b)², which for 0/1 ratings is the nominal α. Empty when D_e = 0.
  std::optional<double> krippendorff_alpha;
  size_t both_yes = 0, a_only = 0, b_only = 0, both_no = 0;  ///< binary ratings: the 2×2 table
};

/// Agreement over `pairs`.
RaterAgreement rater_agreement(const std::vector<RatedPair>& pairs);

}  // namespace assay
