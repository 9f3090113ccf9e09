#pragma once
/// Distribution functions the statistics need, implemented here so `results/` carries no
/// statistics dependency: the standard normal, Student's t and the exact binomial test behind
/// McNemar's test. Pure functions; thread-safe. Accuracy: ~1e-10 relative for the CDFs in the
/// ranges used (|x| < 40, df ≥ 1), ~1e-9 for quantiles.

#include <cstdint>

namespace assay {

/// P(Z ≤ x) for a standard normal Z.
double normal_cdf(double x);

/// The x with normal_cdf(x) = p, for 0 < p < 1.
double normal_quantile(double p);

/// P(T ≤ t) for Student's t with `df` > 0 degrees of freedom.
double student_t_cdf(double t, double df);

/// The t with student_t_cdf(t, df) = p, for 0 < p < 1.
double student_t_quantile(double p, double df);

/// Regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
double regularized_incomplete_beta(double x, double a, double b);

/// Two-sided exact binomial test of H0: p = 1/2 with `k` successes in `n` trials:
/// min(1, 2·P(X ≤ min(k, n−k))). For McNemar's test, k and n−k are the discordant pairs.
double binomial_two_sided_half(int64_t k, int64_t n);

}  // namespace assay
