#include "results/paired_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "harness/core/strings.h"
#include "results/distributions.h"

namespace assay {

namespace {

// The value an observation contributes under the scoring policy of statistics.h, or nothing
// when it is excluded (a failed request).
std::optional<double> counted_value(const ScoreObservation& o) {
  if (o.value) return *o.value;
  if (unscored_counts_as_zero(o.unscored_reason)) return 0.0;
  return std::nullopt;
}

// A question's mean over its counted observations, and the units it weighs (Score::weight
// averaged over its repeats: a prompt's instruction count, else 1).
struct QuestionMean {
  double mean = 0;
  double weight = 1;
};

std::map<std::string, QuestionMean> per_question(const std::vector<ScoreObservation>& obs) {
  struct Sums {
    double weighted = 0;
    double weight = 0;
    int n = 0;
  };
  std::map<std::string, Sums> acc;
  for (const auto& o : obs) {
    std::optional<double> v = counted_value(o);
    if (!v) continue;
    Sums& s = acc[o.sample_id];
    s.weighted += o.weight * *v;
    s.weight += o.weight;
    ++s.n;
  }
  std::map<std::string, QuestionMean> out;
  for (const auto& [id, s] : acc)
    out.emplace(id, QuestionMean{s.weighted / s.weight, s.weight / s.n});
  return out;
}

// Variance of a weighted mean's estimate: with question weights w, n/(n−1)·Σ w²(x − mean)² / W²
// (the ratio estimator's linearisation); with every w = 1 it is the sample variance over n.
double variance_of_mean(const std::vector<double>& x, const std::vector<double>& w, double mean) {
  if (x.size() < 2) return 0;
  double ss = 0;
  double total = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    ss += w[i] * w[i] * (x[i] - mean) * (x[i] - mean);
    total += w[i];
  }
  const double n = static_cast<double>(x.size());
  return n / (n - 1) * ss / (total * total);
}

}  // namespace

PairedComparison compare_paired(const std::vector<ScoreObservation>& a,
                                const std::vector<ScoreObservation>& b) {
  PairedComparison r;
  std::map<std::string, QuestionMean> qa = per_question(a);
  std::map<std::string, QuestionMean> qb = per_question(b);
  std::vector<double> va;
  std::vector<double> vb;
  std::vector<double> d;
  std::vector<double> w;
  for (const auto& [id, qx] : qa) {
    auto it = qb.find(id);
    if (it == qb.end()) {
      ++r.only_a;
      continue;
    }
    double x = qx.mean;
    double y = it->second.mean;
    w.push_back(qx.weight);
    va.push_back(x);
    vb.push_back(y);
    d.push_back(y - x);
    if (x != 0 && x != 1) r.binary = false;
    if (y != 0 && y != 1) r.binary = false;
    if (y > x) ++r.b_better;
    if (x > y) ++r.a_better;
    if (x != y) r.flipped.push_back({id, x, y});
  }
  for (const auto& [id, y] : qb) {
    if (qa.count(id) == 0) ++r.only_b;
  }
  std::sort(r.flipped.begin(), r.flipped.end(), [](const FlippedSample& x, const FlippedSample& y) {
    return natural_less(x.sample_id, y.sample_id);
  });
  r.n = d.size();
  r.test = r.binary ? "mcnemar-exact" : "paired-t";
  if (r.n == 0) return r;
  const double n = static_cast<double>(r.n);
  double sa = 0;
  double sb = 0;
  double total = 0;
  for (size_t i = 0; i < r.n; ++i) {
    sa += w[i] * va[i];
    sb += w[i] * vb[i];
    total += w[i];
  }
  r.mean_a = sa / total;
  r.mean_b = sb / total;
  r.diff = r.mean_b - r.mean_a;
  double var_a = variance_of_mean(va, w, r.mean_a) * n;
  double var_b = variance_of_mean(vb, w, r.mean_b) * n;
  double var_d = variance_of_mean(d, w, r.diff) * n;
  r.sd_diff = std::sqrt(var_d);
  r.se = std::sqrt(var_d / n);
  r.unpaired_se = std::sqrt(var_a / n + var_b / n);
  if (var_a > 0 && var_b > 0 && r.n > 1) {
    // On the same scale as var_a and var_b (equal to the sample covariance when every w = 1).
    double cov = 0;
    for (size_t i = 0; i < r.n; ++i) cov += w[i] * w[i] * (va[i] - r.mean_a) * (vb[i] - r.mean_b);
    cov *= n * n / (n - 1) / (total * total);
    r.correlation = cov / std::sqrt(var_a * var_b);
  }
  const double df = std::max(1.0, n - 1);
  const double t975 = student_t_quantile(0.975, df);
  r.ci_low = r.diff - t975 * r.se;
  r.ci_high = r.diff + t975 * r.se;
  if (var_d <= 1e-12) {
    // Every pair differs by the same amount (usually: no pair differs). SE 0 would claim the
    // difference exactly; n pairs only bound the share of pairs that could differ, by Wilson's
    // upper limit for 0 of n, and the difference moves by at most that share.
    const double u = wilson_interval(0, n).second;
    r.ci_low = r.diff - u;
    r.ci_high = r.diff + u;
    r.se = u / normal_quantile(0.975);
  }
  if (r.se > 0) r.t_stat = r.diff / r.se;
  if (r.binary) {
    r.p_value = binomial_two_sided_half(static_cast<int64_t>(r.b_better),
                                        static_cast<int64_t>(r.b_better + r.a_better));
  } else if (r.se > 0) {
    r.p_value = 2 * student_t_cdf(-std::fabs(r.t_stat), df);
  } else {
    r.p_value = r.diff == 0 ? 1.0 : 0.0;
  }
  // Miller (2024) §power: δ = (z_{α/2} + z_β)·SE_d with α = 0.05, power 0.8.
  r.mde = (normal_quantile(0.975) + normal_quantile(0.8)) * r.se;
  return r;
}

double pass_at_k(int n, int c, int k) {
  if (n - c < k) return 1.0;
  // 1 − Π_{i=n−c+1}^{n} (1 − k/i)
  double prod = 1.0;
  for (int i = n - c + 1; i <= n; ++i) prod *= 1.0 - static_cast<double>(k) / i;
  return 1.0 - prod;
}

double mean_pass_at_k(const std::vector<ScoreObservation>& obs, int k) {
  std::map<std::string, std::pair<int, int>> per;  // n, c
  for (const auto& o : obs) {
    std::optional<double> v = counted_value(o);
    if (!v) continue;
    auto& [n, c] = per[o.sample_id];
    ++n;
    if (*v >= 0.5) ++c;
  }
  double sum = 0;
  int count = 0;
  for (const auto& [id, nc] : per) {
    if (nc.first < k) continue;
    sum += pass_at_k(nc.first, nc.second, k);
    ++count;
  }
  return count ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

IndexScore combine_index(const std::vector<IndexComponent>& components) {
  IndexScore s;
  double wsum = 0;
  double m = 0;
  double v = 0;
  for (const auto& c : components) {
    wsum += c.weight;
    m += c.weight * c.mean;
    v += c.weight * c.weight * c.se * c.se;
  }
  if (wsum <= 0) return s;
  s.mean = m / wsum;
  s.se = std::sqrt(v) / wsum;
  double z = normal_quantile(0.975);
  // Scores live in [0, 1] (a clipped mean included): the interval does not reach past them.
  s.ci_low = std::max(0.0, s.mean - z * s.se);
  s.ci_high = std::min(1.0, s.mean + z * s.se);
  return s;
}

}  // namespace assay
