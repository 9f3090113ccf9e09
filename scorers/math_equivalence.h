#pragma once
/// Deciding whether two math answers are equal: normalise (math_normalize), parse
/// (math_expression), then compare structure (tuples and intervals in order, sets and comma
/// lists in any order, ± expanded, equations up to a constant factor, matrices cell by cell) and
/// values: exactly as rationals where possible, else numerically (relative tolerance
/// kMathRelativeTolerance) at fixed sample points for free variables. Answers that do not parse
/// are compared as text (and by Hendrycks' normalisation). Bounded time for any input. Pure;
/// thread-safe.

#include <string>
#include <string_view>

namespace assay {

/// Two numeric values are equal when |a − b| ≤ kMathRelativeTolerance·max(|a|, |b|) + 1e-15.
inline constexpr double kMathRelativeTolerance = 1e-9;

/// A verdict and why.
struct MathEquivalence {
  bool equal = false;
  std::string explanation;  ///< e.g. "exact: 3/8 = 3/8", "numeric at 6 points"
  /// False when the rules could not really decide: the answers differ as text because one of
  /// them is not a formula assay parses (a judge may still find them equal). Cascades ask a
  /// judge exactly then.
  bool certain = true;
};

/// Whether the bare answer `candidate` equals the bare answer `gold`.
MathEquivalence math_answers_equivalent(std::string_view candidate, std::string_view gold);

}  // namespace assay
