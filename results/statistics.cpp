#include "results/statistics.h"

#include <cmath>
#include <unordered_map>

namespace assay {

namespace {
constexpr double kZ95 = 1.959963984540054;
}

bool unscored_counts_as_zero(const std::string& reason) {
  return reason.rfind("error:", 0) != 0 && reason != "judge_error";
}

std::pair<double, double> wilson_interval(double k, double n, double z) {
  if (n <= 0) return {0, 0};
  double p = k / n;
  double z2 = z * z;
  double denom = 1 + z2 / n;
  double centre = (p + z2 / (2 * n)) / denom;
  double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

MetricSummary summarize_metric(const std::vector<ScoreObservation>& obs) {
  MetricSummary s;
  s.n = obs.size();
  std::vector<std::pair<const std::string*, double>> counted;
  for (const auto& o : obs) {
    if (o.value) {
      ++s.n_scored;
      counted.emplace_back(&o.sample_id, *o.value);
      continue;
    }
    ++s.unscored_by_reason[o.unscored_reason];
    if (unscored_counts_as_zero(o.unscored_reason)) {
      counted.emplace_back(&o.sample_id, 0.0);
    } else {
      ++s.n_errors;
    }
  }
  s.n_counted = counted.size();
  if (counted.empty()) return s;
  double sum = 0;
  for (const auto& [id, v] : counted) {
    sum += v;
    if (v != 0.0 && v != 1.0) s.binary = false;
  }
  const double n = static_cast<double>(counted.size());
  s.mean = sum / n;
  // Cluster residuals by sample id (Miller 2024, eq. for clustered SE; protocols.md §3.1).
  std::unordered_map<std::string, double> cluster_sum;
  double ss = 0;
  for (const auto& [id, v] : counted) {
    double r = v - s.mean;
    ss += r * r;
    cluster_sum[*id] += r;
  }
  s.clusters = cluster_sum.size();
  bool clustered = s.clusters < counted.size();
  if (clustered) {
    double c2 = 0;
    for (const auto& [id, r] : cluster_sum) c2 += r * r;
    double c = static_cast<double>(s.clusters);
    double var = c2 / (n * n) * (c > 1 ? c / (c - 1) : 1.0);
    s.stderr_ = std::sqrt(var);
  } else {
    s.stderr_ = counted.size() > 1 ? std::sqrt(ss / (n - 1) / n) : 0.0;
  }
  if (s.binary && !clustered) {
    auto [lo, hi] = wilson_interval(sum, n);
    s.ci_low = lo;
    s.ci_high = hi;
  } else {
    s.ci_low = s.mean - kZ95 * s.stderr_;
    s.ci_high = s.mean + kZ95 * s.stderr_;
  }
  return s;
}

}  // namespace assay
