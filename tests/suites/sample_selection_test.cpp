// --limit and --sample: which samples a run takes, and what it says it covered.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "harness/core/sample_coverage.h"
#include "suites/stratified_sample.h"
#include "suites/suite.h"
#include "suites/suite_spec.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::TempDir;
using assay::testing::write_file;

namespace {

// Subset sizes 40, 20, 10, 5, 3, 1, 1 (80 records) in `topic`.
std::vector<std::string> uneven_strata() {
  std::vector<std::string> s;
  const std::vector<std::pair<std::string, int>> sizes = {
      {"t0", 40}, {"t1", 20}, {"t2", 10}, {"t3", 5}, {"t4", 3}, {"t5", 1}, {"t6", 1}};
  // Interleaved, as rows of several files may be.
  for (int i = 0; i < 40; ++i) {
    for (const auto& [name, n] : sizes) {
      if (i < n) s.push_back(name);
    }
  }
  return s;
}

std::map<std::string, int> count_by_stratum(const std::vector<std::string>& strata,
                                            const std::vector<size_t>& picked) {
  std::map<std::string, int> out;
  for (size_t p : picked) ++out[strata[p]];
  return out;
}

const char* kSubsetSpec = R"(
name = "topics"
domain = "science"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "q{id}"
prompt = "{question}"
target = "{answer}"
metadata = ["topic"]
subset_field = "topic"
[scoring]
scorers = ["exact"]
)";

// 80 rows in the uneven topics above.
std::string write_topic_rows(TempDir& dir) {
  std::string rows;
  std::vector<std::string> strata = uneven_strata();
  for (size_t i = 0; i < strata.size(); ++i) {
    rows += "{\"id\":" + std::to_string(i) + ",\"question\":\"q" + std::to_string(i) +
            "\",\"answer\":\"a\",\"topic\":\"" + strata[i] + "\"}\n";
  }
  write_file(dir.file("rows.jsonl"), rows);
  write_file(dir.file("topics.toml"), kSubsetSpec);
  return dir.file("topics.toml");
}

}  // namespace

TEST_CASE("a stratified sample is deterministic, distinct and covers subsets breadth first",
          "[sample]") {
  std::vector<std::string> strata = uneven_strata();
  std::vector<size_t> a = stratified_sample(strata, 5, 1);
  REQUIRE(a == stratified_sample(strata, 5, 1));
  REQUIRE(a.size() == 5);
  REQUIRE(std::is_sorted(a.begin(), a.end()));
  REQUIRE(std::set<size_t>(a.begin(), a.end()).size() == 5);
  // Fewer than the 7 subsets: 5 subsets, one sample each.
  REQUIRE(count_by_stratum(strata, a).size() == 5);
  // Another seed draws another sample.
  bool differs = false;
  for (uint64_t seed = 2; seed < 6; ++seed) differs |= stratified_sample(strata, 5, seed) != a;
  REQUIRE(differs);
  // At least as many as subsets: every subset once, the other 13 of 20 by size beyond the first
  // (39, 19, 9, 4, 2, 0, 0 of 73): 6.95, 3.38, 1.60, 0.71, 0.36 → 6, 3, 1, 0, 0 plus the
  // largest remainders .95, .71, .60 → 7, 3, 2, 1, 0 beyond the first.
  std::vector<size_t> b = stratified_sample(strata, 20, 7);
  std::map<std::string, int> per = count_by_stratum(strata, b);
  REQUIRE(per.size() == 7);
  CHECK(per["t0"] == 8);
  CHECK(per["t1"] == 4);
  CHECK(per["t2"] == 3);
  CHECK(per["t3"] == 2);
  CHECK(per["t4"] == 1);
  CHECK(per["t5"] == 1);
  CHECK(per["t6"] == 1);
  // All, or more than all: every position.
  REQUIRE(stratified_sample(strata, 80, 1).size() == 80);
  REQUIRE(stratified_sample(strata, 500, 1).size() == 80);
  // Without subsets: a plain random sample.
  std::vector<std::string> flat(30, "");
  std::vector<size_t> c = stratified_sample(flat, 10, 3);
  REQUIRE(c.size() == 10);
  REQUIRE(std::set<size_t>(c.begin(), c.end()).size() == 10);
}

TEST_CASE("a sample or a limit says what it covered of the suite", "[sample][suite]") {
  TempDir dir;
  auto spec = load_suite_spec_file(write_topic_rows(dir));
  REQUIRE(spec);
  SampleSelection sample;
  sample.sample = 20;
  sample.seed = 7;
  auto sampled = load_suite(*spec, "", sample);
  REQUIRE(sampled);
  REQUIRE(sampled->samples.size() == 20);
  const SampleCoverage& c = sampled->coverage;
  REQUIRE(c.known);
  REQUIRE(c.partial());
  REQUIRE(c.selection == "sample 20 seed 7");
  REQUIRE(c.selected == 20);
  REQUIRE(c.records == 80);
  REQUIRE(c.subsets == 7);
  REQUIRE(c.subsets_covered == 7);
  REQUIRE(format_coverage(c) == "20 of 80 (sample 20 seed 7); topic: 7 of 7 covered");
  // The same positions as the sampler's, in dataset order.
  std::vector<size_t> expected = stratified_sample(uneven_strata(), 20, 7);
  for (size_t i = 0; i < expected.size(); ++i) {
    REQUIRE(sampled->samples[i].id == "q" + std::to_string(expected[i]));
  }
  auto again = load_suite(*spec, "", sample);
  REQUIRE(again);
  for (size_t i = 0; i < 20; ++i) REQUIRE(again->samples[i].id == sampled->samples[i].id);

  auto first = load_suite(*spec, "", std::optional<size_t>(5));
  REQUIRE(first);
  REQUIRE(first->coverage.selection == "first 5");
  REQUIRE(format_coverage_cell(first->coverage) == "5/80");
  // A plain JSONL file streams: a limit stops rendering there and only counts the other
  // records, so which subsets the rest holds is not known.
  REQUIRE(first->coverage.subsets == 0);
  REQUIRE(format_coverage(first->coverage) == "5 of 80 (first 5)");

  auto whole = load_suite(*spec, "", std::nullopt);
  REQUIRE(whole);
  REQUIRE_FALSE(whole->coverage.partial());
  REQUIRE(format_coverage(whole->coverage) == "80 (all); topic: 7 of 7 covered");

  SuiteSpec one = *spec;
  one.subset = "t1";
  auto subset = load_suite(one, "", std::nullopt);
  REQUIRE(subset);
  REQUIRE(subset->samples.size() == 20);
  REQUIRE(format_coverage(subset->coverage) == "20 of 80 (topic=t1)");
  SampleSelection three;
  three.sample = 3;
  auto subset_sample = load_suite(one, "", three);
  REQUIRE(subset_sample);
  REQUIRE(subset_sample->samples.size() == 3);
  for (const Sample& s : subset_sample->samples) {
    REQUIRE(s.metadata.find("topic")->as_string() == "t1");
  }

  SampleSelection both;
  both.first = 5;
  both.sample = 5;
  auto refused = load_suite(*spec, "", both);
  REQUIRE_FALSE(refused);
  REQUIRE(refused.error().message.find("--limit and --sample cannot be combined") !=
          std::string::npos);
}

TEST_CASE("a duplicate id outside the sample is still a data error", "[sample][suite]") {
  TempDir dir;
  write_file(dir.file("topics.toml"), kSubsetSpec);
  write_file(dir.file("rows.jsonl"),
             "{\"id\":1,\"question\":\"a\",\"answer\":\"a\",\"topic\":\"x\"}\n"
             "{\"id\":2,\"question\":\"b\",\"answer\":\"a\",\"topic\":\"x\"}\n"
             "{\"id\":1,\"question\":\"c\",\"answer\":\"a\",\"topic\":\"y\"}\n");
  auto spec = load_suite_spec_file(dir.file("topics.toml"));
  REQUIRE(spec);
  SampleSelection one;
  one.sample = 1;
  auto loaded = load_suite(*spec, "", one);
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().message.find("duplicate sample id 'q1'") != std::string::npos);
}

TEST_CASE("coverage reads back what it wrote and formats counts", "[sample]") {
  REQUIRE(format_count(14042) == "14,042");
  REQUIRE(format_count(999) == "999");
  REQUIRE(format_count(1000000) == "1,000,000");
  SampleCoverage c;
  c.known = true;
  c.selection = "sample 50 seed 1";
  c.selected = 50;
  c.records = 14042;
  c.subset_field = "subject";
  c.subsets = 57;
  c.subsets_covered = 50;
  auto back = parse_coverage_json(to_json(coverage_json(c)));
  REQUIRE(back);
  REQUIRE(format_coverage(*back) == "50 of 14,042 (sample 50 seed 1); subject: 50 of 57 covered");
  REQUIRE(parse_coverage_json("")->known == false);
  REQUIRE(format_coverage(SampleCoverage{}, 50) == "first 50");
  REQUIRE(format_coverage(SampleCoverage{}) == "all");
  REQUIRE_FALSE(parse_coverage_json("[1]"));
}
