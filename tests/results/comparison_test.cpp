// Distributions, paired comparison, pass@k, index propagation, the gate rule and the JSON
// report format. Each expected number says where it came from; none was produced by the code
// under test.

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "reports/comparison_report.h"
#include "reports/report_json.h"
#include "results/distributions.h"
#include "results/gate.h"
#include "results/paired_comparison.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::TempDir;

namespace {

ScoreObservation ob(const std::string& id, std::optional<double> v, int epoch = 0,
                    const std::string& reason = "") {
  ScoreObservation o;
  o.sample_id = id;
  o.epoch = epoch;
  o.value = v;
  o.unscored_reason = reason;
  return o;
}

std::vector<ScoreObservation> series(const std::vector<double>& values) {
  std::vector<ScoreObservation> out;
  for (size_t i = 0; i < values.size(); ++i) out.push_back(ob("s" + std::to_string(i), values[i]));
  return out;
}

// 0/1 series: the first `ones` of `n` samples are correct.
std::vector<ScoreObservation> binary(size_t n, size_t ones, size_t offset = 0) {
  std::vector<ScoreObservation> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(ob("s" + std::to_string(i + offset), i < ones ? 1.0 : 0.0));
  }
  return out;
}

}  // namespace

// Quantiles from printed statistical tables (e.g. NIST/SEMATECH e-Handbook, tables of the normal
// and t distributions): z_0.975 = 1.959964, z_0.8 = 0.841621, t_0.975,9 = 2.262157,
// t_0.975,1 = 12.706205, t_0.95,99 = 1.660391.
TEST_CASE("normal and t quantiles match printed tables", "[stats][dist]") {
  REQUIRE(normal_quantile(0.975) == Approx(1.959964).margin(1e-6));
  REQUIRE(normal_quantile(0.8) == Approx(0.841621).margin(1e-6));
  REQUIRE(normal_quantile(0.025) == Approx(-1.959964).margin(1e-6));
  REQUIRE(normal_quantile(1e-6) == Approx(-4.753424).margin(1e-5));
  REQUIRE(normal_cdf(1.959964) == Approx(0.975).margin(1e-7));
  REQUIRE(student_t_quantile(0.975, 9) == Approx(2.262157).margin(1e-6));
  REQUIRE(student_t_quantile(0.975, 1) == Approx(12.706205).margin(1e-5));
  REQUIRE(student_t_quantile(0.95, 99) == Approx(1.660391).margin(1e-6));
  REQUIRE(student_t_quantile(0.025, 9) == Approx(-2.262157).margin(1e-6));
  // t with 1 df is Cauchy: P(T ≤ 1) = 1/2 + atan(1)/π = 0.75 exactly.
  REQUIRE(student_t_cdf(1.0, 1) == Approx(0.75).margin(1e-12));
  // I_x(1, 1) = x, and I_x(a, 1) = x^a (closed forms).
  REQUIRE(regularized_incomplete_beta(0.3, 1, 1) == Approx(0.3).margin(1e-12));
  REQUIRE(regularized_incomplete_beta(0.5, 3, 1) == Approx(0.125).margin(1e-12));
}

// Exact binomial by hand: b = 10, c = 2 → 2·(C(12,0)+C(12,1)+C(12,2))/2^12 = 2·79/4096.
TEST_CASE("exact McNemar p-value counts discordant pairs", "[stats][dist]") {
  REQUIRE(binomial_two_sided_half(10, 12) == Approx(158.0 / 4096).margin(1e-12));
  REQUIRE(binomial_two_sided_half(2, 12) == Approx(158.0 / 4096).margin(1e-12));
  REQUIRE(binomial_two_sided_half(6, 12) == 1.0);
  REQUIRE(binomial_two_sided_half(0, 0) == 1.0);
  // 0 vs 5: 2 / 32 = 0.0625.
  REQUIRE(binomial_two_sided_half(0, 5) == Approx(0.0625).margin(1e-12));
}

// R's documented example `t.test(extra ~ group, data = sleep, paired = TRUE)` (Student's sleep
// data): t = -4.0621, df = 9, p-value = 0.002833, 95% CI [-2.4598858, -0.7001142], mean
// difference -1.58 for group 1 − group 2. Here A = group 1, B = group 2, so the signs flip.
TEST_CASE("paired t matches R's sleep example", "[stats][paired]") {
  auto a = series({0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0});
  auto b = series({1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4});
  PairedComparison c = compare_paired(a, b);
  REQUIRE(c.n == 10);
  REQUIRE_FALSE(c.binary);
  REQUIRE(c.test == "paired-t");
  REQUIRE(c.diff == Approx(1.58).margin(1e-12));
  REQUIRE(c.t_stat == Approx(4.0621).margin(1e-4));
  REQUIRE(c.p_value == Approx(0.002833).margin(1e-6));
  REQUIRE(c.ci_low == Approx(0.7001142).margin(1e-6));
  REQUIRE(c.ci_high == Approx(2.4598858).margin(1e-6));
  REQUIRE(c.b_better == 9);  // one tie (-0.1, -0.1)
  REQUIRE(c.a_better == 0);
  // MDE = (1.959964 + 0.841621)·SE, SE = 1.58/4.0621.
  REQUIRE(c.mde == Approx(2.801585 * 1.58 / 4.0621).margin(1e-3));
}

// 0/1 scores: 100 questions, A right on 80, B right on 72; discordant: B+ 2, A+ 10 →
// diff −0.08, exact McNemar p = 158/4096 (as above). Paired SE by hand: d has 2 (+1), 10 (−1),
// 88 zeros; mean −0.08; Σ(d−d̄)² = 2·1.08² + 10·0.92² + 88·0.08² = 2.3328 + 8.464 + 0.5632
// = 11.36; var = 11.36/99 = 0.114747;
// SE = sqrt(var/100) = 0.033874.
TEST_CASE("0/1 scores use exact McNemar and count flips", "[stats][paired]") {
  std::vector<ScoreObservation> a;
  std::vector<ScoreObservation> b;
  for (int i = 0; i < 100; ++i) {
    double va = i < 80 ? 1 : 0;
    double vb = va;
    if (i < 10) vb = 0;             // A right, B wrong
    if (i >= 80 && i < 82) vb = 1;  // A wrong, B right
    a.push_back(ob("q" + std::to_string(i), va));
    b.push_back(ob("q" + std::to_string(i), vb));
  }
  PairedComparison c = compare_paired(a, b);
  REQUIRE(c.binary);
  REQUIRE(c.test == "mcnemar-exact");
  REQUIRE(c.mean_a == Approx(0.80));
  REQUIRE(c.mean_b == Approx(0.72));
  REQUIRE(c.diff == Approx(-0.08));
  REQUIRE(c.a_better == 10);
  REQUIRE(c.b_better == 2);
  REQUIRE(c.flipped.size() == 12);
  REQUIRE(c.p_value == Approx(158.0 / 4096).margin(1e-12));
  REQUIRE(c.se == Approx(0.033874).margin(1e-6));
  REQUIRE(c.se < c.unpaired_se);  // positively correlated sides: pairing tightens the SE
}

TEST_CASE("paired comparison uses the intersection and says what it dropped", "[stats][paired]") {
  auto a = binary(10, 5);                                   // s0..s9
  auto b = binary(10, 5, 5);                                // s5..s14
  a.push_back(ob("s3", std::nullopt, 1, "error:timeout"));  // request error: not counted
  PairedComparison c = compare_paired(a, b);
  REQUIRE(c.n == 5);
  REQUIRE(c.only_a == 5);
  REQUIRE(c.only_b == 5);
}

// Repeats are averaged per question before pairing: q1 A = (1,0) → 0.5, B = (1,1) → 1.
TEST_CASE("repeats pair at the question level", "[stats][paired]") {
  std::vector<ScoreObservation> a = {ob("q1", 1.0, 0), ob("q1", 0.0, 1), ob("q2", 1.0, 0),
                                     ob("q2", 1.0, 1)};
  std::vector<ScoreObservation> b = {ob("q1", 1.0, 0), ob("q1", 1.0, 1), ob("q2", 1.0, 0),
                                     ob("q2", std::nullopt, 1, "no_answer")};
  PairedComparison c = compare_paired(a, b);
  REQUIRE(c.n == 2);
  REQUIRE_FALSE(c.binary);
  REQUIRE(c.diff == Approx(0.0));  // q1 +0.5, q2 −0.5
  REQUIRE(c.b_better == 1);
  REQUIRE(c.a_better == 1);
}

// Unbiased pass@k by hand: n=5, c=2, k=2 → 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7;
// n=10, c=3, k=1 → 0.3; c=0 → 0; n−c < k → 1.
TEST_CASE("pass@k uses the unbiased estimator", "[stats][passk]") {
  REQUIRE(pass_at_k(5, 2, 2) == Approx(0.7).margin(1e-12));
  REQUIRE(pass_at_k(10, 3, 1) == Approx(0.3).margin(1e-12));
  REQUIRE(pass_at_k(10, 0, 5) == 0.0);
  REQUIRE(pass_at_k(5, 4, 2) == 1.0);
  // Two questions × 5 samples: q1 has 2 correct, q2 has 5 → pass@2 = (0.7 + 1)/2.
  std::vector<ScoreObservation> v;
  for (int e = 0; e < 5; ++e) {
    v.push_back(ob("q1", e < 2 ? 1.0 : 0.0, e));
    v.push_back(ob("q2", 1.0, e));
  }
  REQUIRE(mean_pass_at_k(v, 2) == Approx(0.85).margin(1e-12));
  REQUIRE(mean_pass_at_k(v, 1) == Approx(0.7).margin(1e-12));  // = the mean of all samples
  REQUIRE(std::isnan(mean_pass_at_k(v, 6)));
}

// By hand: (0.8, SE 0.03) and (0.6, SE 0.04), equal weights → 0.7, SE sqrt(.0009+.0016)/2 = 0.025.
TEST_CASE("an index propagates independent standard errors", "[stats][index]") {
  IndexScore s = combine_index({{1, 0.8, 0.03}, {1, 0.6, 0.04}});
  REQUIRE(s.mean == Approx(0.7));
  REQUIRE(s.se == Approx(0.025));
  REQUIRE(s.ci_low == Approx(0.7 - 1.959964 * 0.025).margin(1e-6));
  IndexScore w = combine_index({{3, 1.0, 0.0}, {1, 0.0, 0.1}});
  REQUIRE(w.mean == Approx(0.75));
  REQUIRE(w.se == Approx(0.025));  // sqrt(1·0.01)/4
}

TEST_CASE("the gate passes, fails and stays inconclusive as specified", "[stats][gate]") {
  // Identical answers on 100 questions: no flip, but the share of questions that could flip is
  // only bounded (Wilson, 0 of 100: ≤ 0.037), so a 1-point drop is not ruled out; 5 points is.
  auto same = binary(100, 80);
  GateDecision undecided = decide_gate(compare_paired(same, same), 0.01, 0.05);
  REQUIRE(undecided.verdict == GateVerdict::kInconclusive);
  REQUIRE(undecided.lower < -0.01);
  GateDecision pass = decide_gate(compare_paired(same, same), 0.05, 0.05);
  REQUIRE(pass.verdict == GateVerdict::kPass);
  REQUIRE(pass.lower < 0);
  // 80% → 70% on 1,000 questions with 100 flips one way: upper bound far below −0.01 → fail.
  GateDecision fail = decide_gate(compare_paired(binary(1000, 800), binary(1000, 700)), 0.01, 0.05);
  REQUIRE(fail.verdict == GateVerdict::kFail);
  REQUIRE(fail.upper < -0.01);
  // 80 vs 79 of 100 with independent-looking flips (5 one way, 4 the other): the one-sided
  // bounds straddle −0.02 → inconclusive, with a sample size that would decide.
  std::vector<ScoreObservation> a;
  std::vector<ScoreObservation> b;
  for (int i = 0; i < 100; ++i) {
    double va = i < 80 ? 1 : 0;
    double vb = va;
    if (i < 5) vb = 0;
    if (i >= 80 && i < 84) vb = 1;
    a.push_back(ob("q" + std::to_string(i), va));
    b.push_back(ob("q" + std::to_string(i), vb));
  }
  PairedComparison c = compare_paired(a, b);
  REQUIRE(c.diff == Approx(-0.01));
  GateDecision inc = decide_gate(c, 0.02, 0.05);
  REQUIRE(inc.verdict == GateVerdict::kInconclusive);
  REQUIRE(inc.lower < -0.02);
  REQUIRE(inc.upper > -0.02);
  // n to decide: (t·sd/(d + m))², sd = sqrt((5·0.99² + 4·1.01² + 91·0.01²)/99) by hand.
  double sd = std::sqrt((5 * 0.99 * 0.99 + 4 * 1.01 * 1.01 + 91 * 0.0001) / 99);
  double t = student_t_quantile(0.95, 99);
  REQUIRE(static_cast<double>(inc.n_to_decide) == Approx(std::ceil(std::pow(t * sd / 0.01, 2))));
  REQUIRE(inc.reason.find("would decide") != std::string::npos);
}

TEST_CASE("the JSON report round-trips and names bad input", "[report][json]") {
  RunSummary r;
  r.run.id = 7;
  r.run.name = "nightly";
  r.run.model_spec = "openai:m";
  r.run.suite = "gsm8k";
  r.run.primary_metric = "gsm8k_flexible";
  r.run.repeats = 1;
  r.observations = {ob("a", 1.0), ob("b", std::nullopt, 0, "no_answer"), ob("c", 0.25)};
  r.primary = summarize_metric(r.observations);
  r.n_samples = 3;
  std::ostringstream out;
  write_report_json(out, {r});
  TempDir dir;
  testing::write_file(dir.file("r.json"), out.str());
  auto back = read_report_json(dir.file("r.json"));
  REQUIRE(back);
  REQUIRE(back->size() == 1);
  const RunSummary& x = back->front();
  REQUIRE(x.run.id == 7);
  REQUIRE(x.run.suite == "gsm8k");
  REQUIRE(x.run.primary_metric == "gsm8k_flexible");
  REQUIRE(x.observations.size() == 3);
  REQUIRE_FALSE(x.observations[1].value.has_value());
  REQUIRE(x.observations[1].unscored_reason == "no_answer");
  REQUIRE(*x.observations[2].value == 0.25);
  REQUIRE(x.primary.mean == Approx(r.primary.mean));

  std::string text = out.str();
  std::string broken = text.replace(text.find("\"sample_id\":\"b\""), 15, "\"sampleid\":\"b\"");
  testing::write_file(dir.file("bad.json"), broken);
  auto bad = read_report_json(dir.file("bad.json"));
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("runs[0].samples[1]: missing 'sample_id'") != std::string::npos);
  testing::write_file(dir.file("other.json"), "{\"runs\": []}");
  auto other = read_report_json(dir.file("other.json"));
  REQUIRE_FALSE(other);
  REQUIRE(other.error().message.find("not an assay JSON report") != std::string::npos);
}

TEST_CASE("gate outputs escape hostile names", "[report][gate]") {
  SuiteComparison s;
  s.a.run.suite = "x<y>&\"z\"";
  s.b.run.suite = s.a.run.suite;
  s.paired = compare_paired(binary(10, 8), binary(10, 2));
  s.gate = decide_gate(s.paired, 0.0, 0.05);
  GateReport rep;
  rep.suites = {s};
  rep.verdict = s.gate->verdict;
  std::ostringstream junit;
  write_gate_junit(junit, rep);
  REQUIRE(junit.str().find("name=\"x&lt;y&gt;&amp;&quot;z&quot;\"") != std::string::npos);
  REQUIRE(junit.str().find("<failure") != std::string::npos);
  std::ostringstream md;
  write_gate_markdown(md, rep, 5);
  REQUIRE(md.str().find("FAIL") != std::string::npos);
}
