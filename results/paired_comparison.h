#pragma once
/// Paired comparison of two runs on their shared samples (reference/protocols.md §3.1 item 4):
/// never an unpaired test. Pure functions; thread-safe.
///
/// Pairing is per question (sample id): each side's counted observations of a sample (all epochs,
/// scoring policy as in statistics.h) are averaged, and the difference d_i = B_i − A_i is taken on
/// the sample ids both sides have. With repeats this is the clustered analysis: the question, not
/// the row, is the unit.

#include <cstddef>
#include <string>
#include <vector>

#include "results/statistics.h"

namespace assay {

/// One sample whose verdict differs between the two sides.
struct FlippedSample {
  std::string sample_id;
  double a = 0;  ///< per-question value on side A (mean over epochs)
  double b = 0;
};

/// The comparison B − A.
struct PairedComparison {
  size_t n = 0;        ///< shared questions
  size_t only_a = 0;   ///< questions counted in A but not in B (dropped)
  size_t only_b = 0;   ///< and the reverse
  bool binary = true;  ///< every per-question value is 0 or 1 (McNemar applies)
  double mean_a = 0;   ///< on the shared questions
  double mean_b = 0;
  double diff = 0;    ///< mean of d_i = B_i − A_i
  double se = 0;      ///< sd(d) / sqrt(n), sd with n − 1
  double ci_low = 0;  ///< 95% t interval (df n − 1)
  double ci_high = 0;
  double t_stat = 0;                   ///< diff / se (0 when se = 0)
  double p_value = 1;                  ///< exact McNemar when binary, else paired t (two-sided)
  std::string test;                    ///< "mcnemar-exact" or "paired-t"
  double correlation = 0;              ///< Pearson r of A_i and B_i (0 when undefined)
  double unpaired_se = 0;              ///< sqrt(SE_A² + SE_B²), for contrast
  size_t b_better = 0;                 ///< questions with B_i > A_i (for 0/1: A wrong, B right)
  size_t a_better = 0;                 ///< questions with A_i > B_i
  double sd_diff = 0;                  ///< sd(d) with n − 1
  double mde = 0;                      ///< minimum detectable |difference| at α = 0.05, power 0.8
  std::vector<FlippedSample> flipped;  ///< every question where A_i ≠ B_i, by sample id
};

/// Compares B against A on their shared questions. Observations as in summarize_metric().
PairedComparison compare_paired(const std::vector<ScoreObservation>& a,
                                const std::vector<ScoreObservation>& b);

/// Unbiased pass@k of one question with c correct of n samples: 1 − C(n−c, k)/C(n, k), in the
/// product form (Chen et al. 2021). Requires 1 ≤ k ≤ n.
double pass_at_k(int n, int c, int k);

/// Mean pass@k over questions: observations grouped by sample id; a value ≥ 0.5 counts as
/// correct; questions with fewer than k counted samples are skipped. NaN when none qualify.
double mean_pass_at_k(const std::vector<ScoreObservation>& observations, int k);

/// One component of a weighted index.
struct IndexComponent {
  double weight = 1;
  double mean = 0;
  double se = 0;
};

/// A weighted mean of independent components with its propagated SE:
/// mean = Σ w·m / Σ w, SE = sqrt(Σ w²·SE²) / Σ w; 95% normal interval.
struct IndexScore {
  double mean = 0;
  double se = 0;
  double ci_low = 0;
  double ci_high = 0;
};

/// Weighted mean of components, SE sqrt(Σ w²·SE²)/Σ w, 95% normal interval clipped to [0, 1];
/// an empty list or zero total weight gives all zeros.
IndexScore combine_index(const std::vector<IndexComponent>& components);

}  // namespace assay
