// The HTML report's pure parts: leaderboard aggregation, escaping, the CSP and sample selection.
// The page's behaviour in a browser is tested in tests/browser/report_test.mjs.

#include <catch2/catch.hpp>

#include <limits>
#include <sstream>

#include "reports/html_assets.h"
#include "reports/html_report.h"
#include "reports/leaderboard.h"
#include "reports/svg_charts.h"

using namespace assay;

namespace {

RunSummary run_of(int64_t id, const std::string& model, const std::string& suite,
                  const std::string& domain, std::vector<double> values) {
  RunSummary r;
  r.run.id = id;
  r.run.model_spec = model;
  r.run.suite = suite;
  r.run.domain = domain;
  r.run.primary_metric = "m";
  r.run.status = RunStatus::kCompleted;
  for (size_t i = 0; i < values.size(); ++i) {
    ScoreObservation o;
    o.sample_id = "s" + std::to_string(i);
    o.value = values[i];
    r.observations.push_back(o);
  }
  r.primary = summarize_metric(r.observations);
  r.n_samples = static_cast<int64_t>(values.size());
  return r;
}

StoredSample stored(const std::string& id, std::optional<double> v, const std::string& output) {
  StoredSample s;
  s.sample_id = id;
  s.input = "prompt " + id;
  s.output = output;
  StoredScore sc;
  sc.metric = "m";
  sc.value = v;
  if (!v) sc.unscored_reason = "no_answer";
  s.scores.push_back(sc);
  return s;
}

}  // namespace

// By hand: model A has math suites at 1.0 and 0.5 (domain 0.75) and science 0.5. The newest
// run of (A, s1) replaces the older one. There is no unnamed index over the domains.
TEST_CASE("the leaderboard averages suites into domains", "[report][html]") {
  std::vector<RunSummary> runs = {
      run_of(1, "A", "s1", "math", {0, 0}), run_of(2, "A", "s1", "math", {1, 1}),
      run_of(3, "A", "s2", "math", {1, 0}), run_of(4, "A", "s3", "science", {0, 1}),
      run_of(5, "B", "s1", "math", {0, 1})};
  auto shown = latest_runs(runs);
  REQUIRE(shown.size() == 4);
  auto board = build_leaderboard(shown, {});
  REQUIRE(board.size() == 2);
  REQUIRE(board[0].model == "A");
  REQUIRE(board[0].domains.at("math").mean == Approx(0.75));
  REQUIRE(board[0].domains.at("science").mean == Approx(0.5));
  REQUIRE(board[0].suites_per_domain.at("math") == 2);
  REQUIRE(board[1].domains.count("science") == 0);
  auto pairs = compare_all_pairs(shown);
  REQUIRE(pairs.size() == 1);  // only s1 has both models
  REQUIRE(pairs[0].paired.diff == Approx(-0.5));
}

// Index "ix": s1 at 3/4 of the weight, s9 (never run) at 1/4. A's page column shows s1's score
// marked as covering 75%, the chart plots it as "partial ix"; domains are only those run.
TEST_CASE("named indexes are columns with their coverage, and no unnamed Index column",
          "[report][html][index]") {
  HtmlReportInput in;
  in.runs = {run_of(1, "A", "s1", "math", {1, 1, 0, 1}), run_of(2, "B", "s2", "science", {1, 0})};
  in.indexes = {IndexDefinition{
      "ix", "d", "r", {{"s1", 0.75, "g", true, ""}, {"s9", 0.25, "g", false, "private"}}}};
  std::ostringstream out;
  write_html_report(out, in);
  std::string html = out.str();
  CHECK(html.find("data-key=\"index:ix\"") != std::string::npos);
  CHECK(html.find("data-key=\"index\"") == std::string::npos);
  CHECK(html.find("data-key=\"math\"") != std::string::npos);
  CHECK(html.find("data-key=\"health\"") == std::string::npos);
  CHECK(html.find("\"covered\":0.75") != std::string::npos);
  CHECK(html.find("\"complete\":false") != std::string::npos);
  CHECK(html.find("\"missing\":\"s9\"") != std::string::npos);
  CHECK(html.find("partial ix with 95% CI") != std::string::npos);
  // Without any index member, the charts plot the suite most models ran, named.
  in.indexes.clear();
  std::ostringstream plain;
  write_html_report(plain, in);
  CHECK(plain.str().find("data-key=\"index:") == std::string::npos);
  CHECK(plain.str().find("suite s1 with 95% CI") != std::string::npos);
}

TEST_CASE("the page escapes hostile text and allows only its own script by hash",
          "[report][html]") {
  HtmlReportInput in;
  in.runs = {run_of(1, "m<b>", "suite</script>", "math", {1, 0})};
  in.db_path = "a\"b.db";
  HtmlSample s;
  s.model = "m<b>";
  s.suite = "suite</script>";
  s.sample_id = "x";
  s.verdict = "wrong";
  s.output = "</script><script>alert(1)</script><!--";
  in.samples.push_back(s);
  std::ostringstream out;
  write_html_report(out, in);
  std::string html = out.str();
  // Exactly two <script> tags (the data block and the code); hostile text stays inside JSON
  // strings with '<' escaped.
  size_t scripts = 0;
  for (size_t p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) {
    ++scripts;
  }
  REQUIRE(scripts == 2);
  REQUIRE(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)") != std::string::npos);
  REQUIRE(html.find("a&quot;b.db") != std::string::npos);
  REQUIRE(html.find("script-src 'sha256-") != std::string::npos);
  REQUIRE(html.find("default-src 'none'") != std::string::npos);
  REQUIRE(html.find("m&lt;b&gt;") != std::string::npos);  // in the SVG chart labels
}

TEST_CASE("sample selection embeds failures first, then an even spread of correct ones",
          "[report][html]") {
  RunInfo run;
  run.id = 1;
  run.primary_metric = "m";
  std::vector<StoredSample> samples;
  for (int i = 0; i < 100; ++i) samples.push_back(stored("c" + std::to_string(i), 1.0, "ok"));
  samples.push_back(stored("w", 0.0, "bad"));
  samples.push_back(stored("u", std::nullopt, "???"));
  StoredSample failed;
  failed.sample_id = "e";
  failed.error_kind = "timeout";
  failed.error_message = "timed out";
  samples.push_back(failed);
  SampleBudget budget;
  budget.max_text_bytes = 4;
  size_t remaining = 2;
  std::vector<HtmlSample> out;
  select_samples(run, samples, budget, 10, remaining, out);
  REQUIRE(remaining == 0);
  REQUIRE(out.size() == 12);  // 2 not-correct (cap), 10 correct
  REQUIRE(out[0].verdict == "wrong");
  REQUIRE(out[1].verdict == "unscored:no_answer");
  REQUIRE(out[2].sample_id == "c0");
  REQUIRE(out[3].sample_id == "c10");
  REQUIRE(out[2].input.find("[") != std::string::npos);  // cut with a marker
  REQUIRE(sample_verdict(failed, "m") == "error:timeout");
}

TEST_CASE("charts escape labels and draw the Pareto frontier", "[report][svg]") {
  std::string bars = svg_bar_chart({{"<x>", 0, 0.5, 0.4, 0.6}}, "t");
  REQUIRE(bars.find("&lt;x&gt;") != std::string::npos);
  REQUIRE(bars.find("<x>") == std::string::npos);
  // Points (cost, score): (1, .5), (2, .4) dominated, (3, .9): frontier has 2 points.
  std::string sc =
      svg_scatter_chart({{"a", 1, 0.5, 0.5, 0.5}, {"b", 2, 0.4, 0.4, 0.4}, {"c", 3, 0.9, 0.9, 0.9}},
                        "t", "cost", XBetter::kLower, false);
  size_t start = sc.find("<polyline points=\"");
  REQUIRE(start != std::string::npos);
  std::string pts = sc.substr(start + 18, sc.find('"', start + 18) - start - 18);
  REQUIRE(std::count(pts.begin(), pts.end(), ',') == 2);
}

TEST_CASE("the provenance data says how each run's code was executed", "[report][html]") {
  HtmlReportInput in;
  in.runs = {run_of(1, "m", "humaneval", "coding", {1, 0}), run_of(2, "m", "gsm8k", "math", {1})};
  in.runs[0].run.scoring_env = "code sandbox: none (--unsafe-no-sandbox)";
  std::ostringstream out;
  write_html_report(out, in);
  std::string html = out.str();
  CHECK(html.find("<th>Scoring</th>") != std::string::npos);
  CHECK(html.find(R"x("scoring_env":"code sandbox: none (--unsafe-no-sandbox)")x") !=
        std::string::npos);
  CHECK(html.find(R"("scoring_env":"")") != std::string::npos);
}

TEST_CASE("the leaderboard data carries each model's speed medians and p90s", "[report][html]") {
  HtmlReportInput in;
  in.runs = {run_of(1, "m", "gsm8k", "math", {1, 0})};
  RunUsage u;
  u.median_latency_ms = 812;
  u.p90_latency_ms = 1430;
  u.median_ttft_ms = std::numeric_limits<double>::quiet_NaN();
  in.model_usage["m"] = u;
  std::ostringstream out;
  write_html_report(out, in);
  std::string html = out.str();
  CHECK(html.find(R"("latency_p50":812,"latency_p90":1430,"ttft_p50":null)") != std::string::npos);
  CHECK(html.find("<th class=\"sortable num\">USD / sample</th>") != std::string::npos);
}
