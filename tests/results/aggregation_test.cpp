// Per-metric aggregation: HealthBench's clipped mean with a bootstrap SE, how a run records it,
// and the per-metric breakdown read back from the store.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "reports/run_summary.h"
#include "results/calibration.h"
#include "results/paired_comparison.h"
#include "results/sqlite_store.h"
#include "results/statistics.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::TempDir;

namespace {

ScoreObservation obs(const std::string& id, std::optional<double> v) {
  ScoreObservation o;
  o.sample_id = id;
  o.value = v;
  if (!v) o.unscored_reason = "judge_error";
  return o;
}

// The exact bootstrap distribution of the clipped mean of `values` (every one of n^n resamples
// equally likely): its population SD, what kBootstrapResamples draws estimate.
double exact_bootstrap_sd(const std::vector<double>& values) {
  const size_t n = values.size();
  size_t total = 1;
  for (size_t i = 0; i < n; ++i) total *= n;
  double sum = 0;
  double sum_sq = 0;
  for (size_t code = 0; code < total; ++code) {
    double t = 0;
    for (size_t c = code, i = 0; i < n; ++i, c /= n) t += values[c % n];
    double m = std::clamp(t / static_cast<double>(n), 0.0, 1.0);
    sum += m;
    sum_sq += m * m;
  }
  double mean = sum / static_cast<double>(total);
  return std::sqrt(sum_sq / static_cast<double>(total) - mean * mean);
}

SampleRecord scored(const std::string& id, std::vector<std::pair<std::string, double>> scores) {
  SampleRecord r;
  r.sample_id = id;
  r.input = "[]";
  r.request_key = "key-" + id;
  r.completion.text = "answer " + id;
  for (auto& [metric, v] : scores) {
    Score s;
    s.metric = metric;
    s.value = v;
    r.scores.push_back(s);
  }
  return r;
}

}  // namespace

TEST_CASE("the clipped mean clips the run mean, not each sample", "[stats][aggregation]") {
  // tests/data/healthbench/README.md: example scores 0.125, 1 and -1.5.
  std::vector<ScoreObservation> o = {obs("ex1", 0.125), obs("ex2", 1.0), obs("ex3", -1.5)};
  MetricSummary plain = summarize_metric(o);
  REQUIRE(plain.mean == Approx(-0.125));
  MetricSummary clipped = summarize_metric(o, Aggregation::kClippedMean);
  REQUIRE(clipped.aggregation == Aggregation::kClippedMean);
  REQUIRE(clipped.raw_mean == Approx(-0.125));
  REQUIRE(clipped.mean == 0.0);
  REQUIRE(clipped.n_counted == 3);
  // 1,000 draws estimate the SD of the exact 27-resample distribution to within a few percent.
  double exact = exact_bootstrap_sd({0.125, 1.0, -1.5});
  REQUIRE(exact > 0.1);
  REQUIRE(clipped.stderr_ == Approx(exact).epsilon(0.1));
  REQUIRE(clipped.ci_low == 0.0);
  REQUIRE(clipped.ci_high > 0.3);
  REQUIRE(clipped.ci_high <= 1.0);
  // Deterministic: a stored run always reports the same SE.
  REQUIRE(summarize_metric(o, Aggregation::kClippedMean).stderr_ == clipped.stderr_);
}

TEST_CASE("the bootstrap SE of an unclipped mean matches the closed form", "[stats][aggregation]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.2, 0.8);
  std::vector<ScoreObservation> o;
  for (int i = 0; i < 400; ++i) o.push_back(obs("s" + std::to_string(i), u(rng)));
  MetricSummary plain = summarize_metric(o);
  MetricSummary clipped = summarize_metric(o, Aggregation::kClippedMean);
  REQUIRE(clipped.mean == Approx(plain.mean));
  // The bootstrap SD of a mean is the population SD / sqrt(n) = CLT SE * sqrt((n-1)/n).
  REQUIRE(clipped.stderr_ == Approx(plain.stderr_ * std::sqrt(399.0 / 400.0)).epsilon(0.08));
  REQUIRE(clipped.ci_low < clipped.mean);
  REQUIRE(clipped.ci_high > clipped.mean);
}

TEST_CASE("judge errors stay out of the clipped mean and repeats resample together",
          "[stats][aggregation]") {
  std::vector<ScoreObservation> o = {obs("a", 0.5), obs("a", 0.7), obs("b", std::nullopt),
                                     obs("c", 0.9)};
  MetricSummary s = summarize_metric(o, Aggregation::kClippedMean);
  REQUIRE(s.n_errors == 1);
  REQUIRE(s.n_counted == 3);
  REQUIRE(s.clusters == 2);
  REQUIRE(s.mean == Approx(0.7));
  MetricAccumulator acc({}, Aggregation::kClippedMean);
  for (const auto& x : o) acc.add(x.sample_id, x.value, x.unscored_reason);
  MetricSummary streamed = acc.finish();
  REQUIRE(streamed.mean == Approx(s.mean));
  REQUIRE(streamed.stderr_ == Approx(s.stderr_));
  REQUIRE(streamed.ci_low == Approx(s.ci_low));
  REQUIRE(streamed.ci_high == Approx(s.ci_high));
}

TEST_CASE("aggregations: per-tag metrics follow their parent, stored as JSON",
          "[stats][aggregation]") {
  std::map<std::string, Aggregation> a = {{"healthbench", Aggregation::kClippedMean}};
  REQUIRE(aggregation_of(a, "healthbench") == Aggregation::kClippedMean);
  REQUIRE(aggregation_of(a, "healthbench/axis:accuracy") == Aggregation::kClippedMean);
  REQUIRE(aggregation_of(a, "choice") == Aggregation::kMean);
  REQUIRE(aggregation_of(a, "healthbenchx") == Aggregation::kMean);
  REQUIRE(aggregations_to_json(a) == R"({"healthbench":"clipped_mean"})");
  REQUIRE(aggregations_to_json({}).empty());
  REQUIRE(*aggregations_from_json(aggregations_to_json(a)) == a);
  REQUIRE(aggregations_from_json("")->empty());
  auto bad = aggregations_from_json(R"({"m":"median"})");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("unknown aggregation 'median'") != std::string::npos);
}

TEST_CASE("a run's aggregation is stored and its breakdown read per metric",
          "[store][aggregation]") {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("a.db"));
  REQUIRE(store);
  RunInfo run;
  run.identity = "hb";
  run.model_spec = "openai:m";
  run.suite = "healthbench";
  run.primary_metric = "healthbench";
  run.aggregations = {{"healthbench", Aggregation::kClippedMean}};
  auto id = (*store)->create_run(run);
  REQUIRE(id);
  // Only ex1 and ex3 carry the tag: the tag's mean is over those two.
  REQUIRE((*store)->write_batch(
      *id, {scored("ex1", {{"healthbench", 0.125}, {"healthbench/axis:accuracy", -1.0}}),
            scored("ex2", {{"healthbench", 1.0}}),
            scored("ex3", {{"healthbench", -1.5}, {"healthbench/axis:accuracy", 0.5}})}));
  auto found = (*store)->find_run(std::to_string(*id));
  REQUIRE(found);
  REQUIRE(found->aggregations == run.aggregations);
  auto summary = summarize_stored_run(**store, *found);
  REQUIRE(summary);
  REQUIRE(summary->primary.mean == 0.0);
  REQUIRE(summary->primary.raw_mean == Approx(-0.125));
  REQUIRE(add_metric_breakdown(**store, *summary));
  REQUIRE(summary->breakdown.size() == 1);
  const auto& [metric, tag] = summary->breakdown[0];
  REQUIRE(metric == "healthbench/axis:accuracy");
  REQUIRE(tag.n == 2);
  REQUIRE(tag.raw_mean == Approx(-0.25));
  REQUIRE(tag.mean == 0.0);
  std::ostringstream table;
  write_metric_breakdown(table, *summary);
  REQUIRE(table.str().find("healthbench/axis:accuracy") != std::string::npos);
  REQUIRE(table.str().find("clipped (raw mean -0.250)") != std::string::npos);
}

TEST_CASE("weighted scores average over their units with a clustered SE",
          "[stats][aggregation][weights]") {
  // Three prompts with 1, 2 and 3 instructions; 1, 1 and 2 of them followed.
  std::vector<ScoreObservation> weighted;
  std::vector<ScoreObservation> units;  // the same data, one observation per instruction
  auto add = [&](const std::string& id, int followed, int total) {
    ScoreObservation o = obs(id, static_cast<double>(followed) / total);
    o.weight = total;
    weighted.push_back(o);
    for (int i = 0; i < total; ++i) units.push_back(obs(id, i < followed ? 1.0 : 0.0));
  };
  add("p1", 1, 1);
  add("p2", 1, 2);
  add("p3", 2, 3);
  MetricSummary w = summarize_metric(weighted);
  MetricSummary u = summarize_metric(units);
  CHECK(w.mean == Approx(4.0 / 6));
  CHECK(w.units == 6.0);
  CHECK(w.n_counted == 3);
  // Clustered by prompt, it is the same estimate as the instruction-level observations.
  CHECK(w.stderr_ == Approx(u.stderr_));
  CHECK(w.ci_low == Approx(u.ci_low));
  MetricAccumulator acc;
  for (const auto& o : weighted) acc.add(o.sample_id, o.value, o.unscored_reason, o.weight);
  MetricSummary streamed = acc.finish();
  CHECK(streamed.mean == Approx(w.mean));
  CHECK(streamed.stderr_ == Approx(w.stderr_));
  CHECK(streamed.units == 6.0);
  // A paired comparison weighs questions the same way: its means are the runs' means.
  std::vector<ScoreObservation> better = weighted;
  better[1].value = 1.0;
  PairedComparison c = compare_paired(weighted, better);
  CHECK(c.mean_a == Approx(4.0 / 6));
  CHECK(c.mean_b == Approx(5.0 / 6));
  CHECK(c.diff == Approx(1.0 / 6));
}

TEST_CASE("a score's weight is stored and read back", "[stats][aggregation][weights]") {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("w.db"));
  REQUIRE(store);
  REQUIRE((*store)->exec(
      "INSERT INTO runs (identity, created_at, status, provider, model, model_spec, suite) "
      "VALUES ('x', 'now', 'completed', 'p', 'm', 'p:m', 's');"
      "INSERT INTO samples (run_id, sample_id, epoch, input, target, request_key, stored_at) "
      "VALUES (1, 'a', 0, '', '', 'k', 'now'), (1, 'b', 0, '', '', 'k2', 'now');"
      "INSERT INTO scores (run_id, sample_id, epoch, metric, value, weight) "
      "VALUES (1, 'a', 0, 'm', 1.0, 3), (1, 'b', 0, 'm', 0.0, 1);"));
  MetricAccumulator acc;
  REQUIRE((*store)->for_each_observation(1, "m", [&](const ObservationRow& r) {
    acc.add(r.sample_id, r.value, r.unscored_reason, r.weight);
  }));
  MetricSummary m = acc.finish();
  CHECK(m.mean == Approx(0.75));
  CHECK(m.units == 4.0);
  Result<std::vector<StoredSample>> samples = (*store)->samples(1);
  REQUIRE(samples);
  CHECK(samples->front().scores.front().weight == 3.0);
}

TEST_CASE("HLE's RMS calibration error: bins of 100 by confidence and the last bin skipped",
          "[calibration]") {
  std::vector<std::pair<double, double>> pairs;
  // 100 answers stated at 30% of which 60 are right, then 150 at 90% all right.
  for (int i = 0; i < 100; ++i) pairs.emplace_back(0.3, i < 60 ? 1.0 : 0.0);
  for (int i = 0; i < 150; ++i) pairs.emplace_back(0.9, 1.0);
  std::reverse(pairs.begin(), pairs.end());  // the sort, not the input order, makes the bins
  std::optional<CalibrationError> c = rms_calibration_error(pairs);
  REQUIRE(c);
  // Bin 0: confidence 0.3, accuracy 0.6; bin 1 (the last, 150 answers) is not counted, but the
  // weights are over all 250: sqrt(100/250 · 0.3²).
  CHECK(c->value == Approx(std::sqrt(100.0 / 250 * 0.09)));
  CHECK(c->answers == 250);
  CHECK(c->measured == 100);
  // Perfectly calibrated bins: 0.
  std::vector<std::pair<double, double>> calibrated;
  for (int i = 0; i < 300; ++i) calibrated.emplace_back(i < 100 ? 0.5 : 1.0, i < 50 || i >= 100);
  CHECK(rms_calibration_error(calibrated)->value == Approx(0.0).margin(1e-12));
  // Fewer than two bins: the reference measures nothing.
  CHECK_FALSE(rms_calibration_error(std::vector<std::pair<double, double>>(199, {1.0, 1.0})));
}
