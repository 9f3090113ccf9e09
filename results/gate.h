#pragma once
/// The CI regression gate's decision rule. Pure functions; thread-safe.
///
/// With d = candidate − baseline on the shared questions, SE its paired standard error and
/// t = the (1 − α) quantile of Student's t with n − 1 degrees of freedom:
///   fail         when  d + t·SE < −max_drop   (worse by more than the margin, significant at α)
///   pass         when  d − t·SE ≥ −max_drop   (not worse than the margin, with confidence 1 − α)
///   inconclusive otherwise.
/// Both are one-sided tests at level α (a non-inferiority test and its mirror), so when the true
/// difference is 0 and max_drop ≥ 0, a false failure has probability at most α.

#include <cstddef>
#include <string>

#include "results/paired_comparison.h"

namespace assay {

/// Gate outcome; the values are the exit codes of `assay gate`.
enum class GateVerdict { kPass = 0, kFail = 1, kInconclusive = 3 };

/// "pass", "fail" or "inconclusive".
const char* gate_verdict_name(GateVerdict v);

/// One gate decision with the numbers behind it.
struct GateDecision {
  GateVerdict verdict = GateVerdict::kInconclusive;
  double lower = 0;       ///< d − t·SE
  double upper = 0;       ///< d + t·SE
  double t_quantile = 0;  ///< the t used
  double alpha = 0.05;
  double max_drop = 0;
  /// When inconclusive: shared questions that would decide it at the observed difference and
  /// spread (0 when the observed difference sits exactly on the margin: no size decides it).
  size_t n_to_decide = 0;
  std::string reason;  ///< one sentence for humans
};

/// Applies the rule above to a comparison (baseline = side A, candidate = side B).
GateDecision decide_gate(const PairedComparison& c, double max_drop, double alpha);

/// The same rule for a difference with a normal SE (an index over independent suites).
GateDecision decide_gate_normal(double diff, double se, double max_drop, double alpha);

}  // namespace assay
