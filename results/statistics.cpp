#include "results/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_map>

#include "harness/core/json.h"
#include "results/paired_comparison.h"

namespace assay {

namespace {
constexpr double kZ95 = 1.959963984540054;
// Fixed so that a stored run always reports the same bootstrap SE.
constexpr uint64_t kBootstrapSeed = 20250507;

// numpy's default (linear) percentile of sorted values, q in [0, 1].
double percentile_sorted(const std::vector<double>& v, double q) {
  double pos = q * static_cast<double>(v.size() - 1);
  auto lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}
}  // namespace

std::string_view aggregation_name(Aggregation a) {
  return a == Aggregation::kClippedMean ? "clipped_mean" : "mean";
}

std::optional<Aggregation> parse_aggregation(std::string_view name) {
  if (name == "mean") return Aggregation::kMean;
  if (name == "clipped_mean") return Aggregation::kClippedMean;
  return std::nullopt;
}

Aggregation aggregation_of(const std::map<std::string, Aggregation>& aggregations,
                           std::string_view metric) {
  auto it = aggregations.find(std::string(metric));
  if (it == aggregations.end())
    it = aggregations.find(std::string(metric.substr(0, metric.find('/'))));
  return it == aggregations.end() ? Aggregation::kMean : it->second;
}

std::string aggregations_to_json(const std::map<std::string, Aggregation>& aggregations) {
  if (aggregations.empty()) return "";
  JsonValue o = JsonValue::object();
  for (const auto& [metric, a] : aggregations)
    o.set(metric, JsonValue(std::string(aggregation_name(a))));
  return to_json(o);
}

Result<std::map<std::string, Aggregation>> aggregations_from_json(std::string_view json) {
  std::map<std::string, Aggregation> out;
  if (json.empty()) return out;
  Result<JsonValue> v = parse_json(json);
  if (!v || !v->is_object()) {
    return make_error(ErrorKind::kInvalidInput, "runs.aggregations is not a JSON object");
  }
  for (const auto& [metric, name] : v->members()) {
    std::optional<Aggregation> a = parse_aggregation(name.to_text());
    if (!a) {
      return make_error(ErrorKind::kInvalidInput, "runs.aggregations: metric '" + metric +
                                                      "' has unknown aggregation '" +
                                                      name.to_text() + "'");
    }
    out[metric] = *a;
  }
  return out;
}

void apply_clipped_bootstrap(MetricSummary& s,
                             const std::vector<std::pair<double, double>>& cluster_sums) {
  s.aggregation = Aggregation::kClippedMean;
  s.binary = false;
  double total = 0;
  double count = 0;
  for (const auto& [sum, n] : cluster_sums) {
    total += sum;
    count += n;
  }
  if (count <= 0) return;
  s.raw_mean = total / count;
  s.mean = std::clamp(s.raw_mean, 0.0, 1.0);
  // Resample whole samples (their repeats together), as the clustered SE does.
  std::mt19937_64 rng(kBootstrapSeed);
  const uint64_t c = cluster_sums.size();
  std::vector<double> means(kBootstrapResamples);
  double mean_of_means = 0;
  for (double& m : means) {
    double t = 0;
    double k = 0;
    for (uint64_t i = 0; i < c; ++i) {
      const auto& [sum, n] = cluster_sums[rng() % c];
      t += sum;
      k += n;
    }
    m = std::clamp(k > 0 ? t / k : 0.0, 0.0, 1.0);
    mean_of_means += m;
  }
  mean_of_means /= kBootstrapResamples;
  double var = 0;
  for (double m : means) var += (m - mean_of_means) * (m - mean_of_means);
  s.stderr_ = std::sqrt(var / kBootstrapResamples);  // np.std: no Bessel correction
  std::sort(means.begin(), means.end());
  s.ci_low = percentile_sorted(means, 0.025);
  s.ci_high = percentile_sorted(means, 0.975);
}

bool unscored_counts_as_zero(const std::string& reason) {
  return reason.rfind("error:", 0) != 0 && reason != "judge_error" && reason != "missing_output" &&
         reason != "missing_data" && reason != "answered_correctly";
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
  const double n = s.units;
  // A weighted observation is a cluster of units (a prompt's instructions): the SE must be the
  // clustered one even when no sample repeats.
  bool clustered = s.clusters < s.n_counted || n != static_cast<double>(s.n_counted);
  // Every value 0, or every value 1: the variance is 0 and the CLT interval would have no
  // width, claiming certainty 20 questions cannot give. Wilson on the questions (repeats of a
  // question are not independent evidence) instead, its half-width over z as the SE.
  const bool all_same = s.binary || ss <= 1e-12 * std::max(1.0, n);
  const bool at_one = std::abs(s.mean - 1.0) < 1e-12;
  if (s.n_counted > 0 && all_same && (at_one || std::abs(s.mean) < 1e-12)) {
    const double q = static_cast<double>(s.clusters > 0 ? s.clusters : s.n_counted);
    auto [lo, hi] = wilson_interval(at_one ? q : 0.0, q);
    s.ci_low = lo;
    s.ci_high = hi;
    s.stderr_ = (hi - lo) / (2 * kZ95);
    return;
  }
  if (clustered) {
    double c = static_cast<double>(s.clusters);
    double var = clustered_c2 / (n * n) * (c > 1 ? c / (c - 1) : 1.0);
    s.stderr_ = std::sqrt(std::max(0.0, var));
  } else {
    s.stderr_ = n > 1 ? std::sqrt(std::max(0.0, ss) / (n - 1) / n) : 0.0;
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
                            std::string_view reason, double weight) {
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
  s_.units += weight;
  sum_ += weight * v;
  sum_sq_ += weight * v * v;
  if (v != 0.0 && v != 1.0) s_.binary = false;
  cluster_sum_ += weight * v;
  cluster_w_ += weight;
  ++cluster_n_;
  if (v >= 0.5) ++cluster_pass_;
}

void MetricAccumulator::close_cluster() {
  if (cluster_n_ > 0) {
    ++s_.clusters;
    double n = cluster_w_;
    c_ss_ += cluster_sum_ * cluster_sum_;
    c_sn_ += cluster_sum_ * n;
    c_nn_ += n * n;
    if (aggregation_ == Aggregation::kClippedMean) clusters_.emplace_back(cluster_sum_, n);
    for (int k : ks_) {
      if (cluster_n_ < k) continue;
      auto& [total, questions] = pass_sums_[k];
      total += assay::pass_at_k(cluster_n_, cluster_pass_, k);
      ++questions;
    }
  }
  cluster_sum_ = 0;
  cluster_w_ = 0;
  cluster_n_ = 0;
  cluster_pass_ = 0;
}

MetricSummary MetricAccumulator::finish() {
  close_cluster();
  if (s_.n_counted == 0 || s_.units <= 0) return s_;
  const double n = s_.units;
  s_.mean = sum_ / n;
  // Σ_c (S_c − n_c·mean)² expanded, so clusters need not be kept.
  double c2 = c_ss_ - 2 * s_.mean * c_sn_ + s_.mean * s_.mean * c_nn_;
  double ss = sum_sq_ - 2 * s_.mean * sum_ + n * s_.mean * s_.mean;
  finish_interval(s_, sum_, ss, c2);
  s_.raw_mean = s_.mean;
  if (aggregation_ == Aggregation::kClippedMean) {
    apply_clipped_bootstrap(s_, clusters_);
    return s_;
  }
  for (const auto& [k, tq] : pass_sums_) {
    if (tq.second > 0) pass_at_k_[k] = tq.first / tq.second;
  }
  return s_;
}

MetricSummary summarize_metric(const std::vector<ScoreObservation>& obs, Aggregation aggregation) {
  MetricSummary s;
  s.n = obs.size();
  struct Counted {
    const std::string* id;
    double value;
    double weight;
  };
  std::vector<Counted> counted;
  for (const auto& o : obs) {
    if (o.value) {
      ++s.n_scored;
      counted.push_back({&o.sample_id, *o.value, o.weight});
      continue;
    }
    ++s.unscored_by_reason[o.unscored_reason];
    if (unscored_counts_as_zero(o.unscored_reason)) {
      counted.push_back({&o.sample_id, 0.0, o.weight});
    } else {
      ++s.n_errors;
    }
  }
  s.n_counted = counted.size();
  if (counted.empty()) return s;
  double sum = 0;
  for (const Counted& c : counted) {
    sum += c.weight * c.value;
    s.units += c.weight;
    if (c.value != 0.0 && c.value != 1.0) s.binary = false;
  }
  s.mean = sum / s.units;
  // Cluster residuals by sample id (Miller 2024, eq. for clustered SE; protocols.md §3.1).
  std::unordered_map<std::string, double> cluster_sum;
  double ss = 0;
  for (const Counted& c : counted) {
    double r = c.value - s.mean;
    ss += c.weight * r * r;
    cluster_sum[*c.id] += c.weight * r;
  }
  s.clusters = cluster_sum.size();
  double c2 = 0;
  for (const auto& [id, r] : cluster_sum) c2 += r * r;
  finish_interval(s, sum, ss, c2);
  s.raw_mean = s.mean;
  if (aggregation == Aggregation::kClippedMean) {
    // Per-sample (Σ, n) in first-seen order, so the bootstrap draws match the streaming path.
    std::vector<std::pair<double, double>> clusters;
    std::unordered_map<std::string, size_t> index;
    for (const Counted& c : counted) {
      auto [it, fresh] = index.try_emplace(*c.id, clusters.size());
      if (fresh) clusters.emplace_back(0.0, 0.0);
      clusters[it->second].first += c.weight * c.value;
      clusters[it->second].second += c.weight;
    }
    apply_clipped_bootstrap(s, clusters);
  }
  return s;
}

}  // namespace assay
