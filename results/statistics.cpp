#include "results/statistics.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "results/paired_comparison.h"

namespace assay {

namespace {
constexpr double kZ95 = 1.959963984540054;
}

bool unscored_counts_as_zero(const std::string& reason) {
  return reason.rfind("error:", 0) != 0 && reason != "judge_error" && reason != "missing_output";
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

namespace {

// Standard error and 95% interval from the sums, shared by the batch and streaming paths.
void finish_interval(MetricSummary& s, double sum, double ss, double clustered_c2) {
  const double n = static_cast<double>(s.n_counted);
  bool clustered = s.clusters < s.n_counted;
  if (clustered) {
    double c = static_cast<double>(s.clusters);
    double var = clustered_c2 / (n * n) * (c > 1 ? c / (c - 1) : 1.0);
    s.stderr_ = std::sqrt(std::max(0.0, var));
  } else {
    s.stderr_ = s.n_counted > 1 ? std::sqrt(std::max(0.0, ss) / (n - 1) / n) : 0.0;
  }
  if (s.binary && !clustered) {
    auto [lo, hi] = wilson_interval(sum, n);
    s.ci_low = lo;
    s.ci_high = hi;
  } else {
    s.ci_low = s.mean - kZ95 * s.stderr_;
    s.ci_high = s.mean + kZ95 * s.stderr_;
  }
}

}  // namespace

void MetricAccumulator::add(std::string_view sample_id, std::optional<double> value,
                            std::string_view reason) {
  if (s_.n == 0 || sample_id != cluster_) {
    close_cluster();
    cluster_.assign(sample_id);
  }
  ++s_.n;
  double v = 0;
  if (value) {
    ++s_.n_scored;
    v = *value;
  } else {
    ++s_.unscored_by_reason[std::string(reason)];
    if (!unscored_counts_as_zero(std::string(reason))) {
      ++s_.n_errors;
      return;
    }
  }
  ++s_.n_counted;
  sum_ += v;
  sum_sq_ += v * v;
  if (v != 0.0 && v != 1.0) s_.binary = false;
  cluster_sum_ += v;
  ++cluster_n_;
  if (v >= 0.5) ++cluster_pass_;
}

void MetricAccumulator::close_cluster() {
  if (cluster_n_ > 0) {
    ++s_.clusters;
    double n = cluster_n_;
    c_ss_ += cluster_sum_ * cluster_sum_;
    c_sn_ += cluster_sum_ * n;
    c_nn_ += n * n;
    for (int k : ks_) {
      if (cluster_n_ < k) continue;
      auto& [total, questions] = pass_sums_[k];
      total += assay::pass_at_k(cluster_n_, cluster_pass_, k);
      ++questions;
    }
  }
  cluster_sum_ = 0;
  cluster_n_ = 0;
  cluster_pass_ = 0;
}

MetricSummary MetricAccumulator::finish() {
  close_cluster();
  if (s_.n_counted == 0) return s_;
  const double n = static_cast<double>(s_.n_counted);
  s_.mean = sum_ / n;
  // Σ_c (S_c − n_c·mean)² expanded, so clusters need not be kept.
  double c2 = c_ss_ - 2 * s_.mean * c_sn_ + s_.mean * s_.mean * c_nn_;
  double ss = sum_sq_ - 2 * s_.mean * sum_ + n * s_.mean * s_.mean;
  finish_interval(s_, sum_, ss, c2);
  for (const auto& [k, tq] : pass_sums_) {
    if (tq.second > 0) pass_at_k_[k] = tq.first / tq.second;
  }
  return s_;
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
  double c2 = 0;
  for (const auto& [id, r] : cluster_sum) c2 += r * r;
  finish_interval(s, sum, ss, c2);
  return s;
}

}  // namespace assay
