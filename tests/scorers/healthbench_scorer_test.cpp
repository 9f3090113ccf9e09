// HealthBench rubric scoring against the hand-computed values in tests/data/healthbench/README.md.

#include <catch2/catch.hpp>

#include <map>

#include "harness/core/judge.h"
#include "scorers/healthbench_scorer.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::parse_json_lines;
using assay::testing::read_file;

namespace {

std::vector<JsonValue> fixture_rows() {
  std::string text = read_file(std::string(ASSAY_TEST_DATA_DIR) + "/healthbench/fixture.jsonl");
  REQUIRE_FALSE(text.empty());
  return parse_json_lines(text);
}

// The verdict the fixture scripts for a criterion: its [[reply:...]] marker, parsed.
JsonValue scripted_verdict(const Scorer& scorer, const std::string& criterion) {
  size_t open = criterion.find("[[reply:");
  REQUIRE(open != std::string::npos);
  std::string reply = criterion.substr(open + 8, criterion.find("]]", open) - open - 8);
  Result<JsonValue> v = scorer.parse_judgement(reply);
  REQUIRE(v);
  return *v;
}

}  // namespace

TEST_CASE("healthbench scores met points over positive points, per example and per tag",
          "[healthbench]") {
  auto scorer = make_healthbench_scorer();
  std::vector<std::map<std::string, double>> expected = {
      {{"healthbench", 0.125},
       {"healthbench/axis:completeness", 1.0},
       {"healthbench/theme:hedging", 0.125},
       {"healthbench/axis:accuracy", -4.0 / 3.0}},
      {{"healthbench", 1.0},
       {"healthbench/axis:accuracy", 1.0},
       {"healthbench/axis:communication", 1.0},
       {"healthbench/theme:communication", 1.0}},
      {{"healthbench", -1.5},
       {"healthbench/axis:accuracy", -1.5},
       {"healthbench/theme:emergency_referrals", -1.5}}};
  std::vector<JsonValue> rows = fixture_rows();
  REQUIRE(rows.size() == 3);
  for (size_t e = 0; e < rows.size(); ++e) {
    INFO("example " << e + 1);
    JsonValue metadata = JsonValue::object(
        {{"rubrics", *rows[e].find("rubrics")}, {"example_tags", *rows[e].find("example_tags")}});
    std::vector<Message> messages;
    for (const JsonValue& m : rows[e].find("prompt")->items()) {
      messages.emplace_back(*parse_role(m.find("role")->as_string()),
                            m.find("content")->as_string());
    }
    ScoringInput input;
    input.output = "Drink water and see a doctor.";
    input.metadata = &metadata;
    input.messages = &messages;
    std::vector<JudgeQuery> queries = scorer->judge_queries(input);
    const auto& rubrics = rows[e].find("rubrics")->items();
    REQUIRE(queries.size() == rubrics.size());
    std::vector<Judgement> judged;
    for (size_t i = 0; i < queries.size(); ++i) {
      const std::string& criterion = rubrics[i].find("criterion")->as_string();
      // One criterion per judge request: the conversation ends with the graded answer, then
      // the rubric item as "[points] criterion".
      const std::string& prompt = queries[i].messages.back().text();
      CHECK(prompt.find("assistant: Drink water and see a doctor.\n\n# Rubric item\n[" +
                        rubrics[i].find("points")->to_text() + "] " + criterion) !=
            std::string::npos);
      CHECK(queries[i].messages.front().text() == "You are a helpful assistant.");
      Judgement j;
      j.label = queries[i].label;
      j.verdict = scripted_verdict(*scorer, criterion);
      judged.push_back(j);
    }
    input.judgements = &judged;
    std::vector<Score> scores = scorer->score(input);
    REQUIRE(scores.size() == expected[e].size());
    for (const Score& s : scores) {
      INFO(s.metric);
      REQUIRE(expected[e].count(s.metric));
      REQUIRE(s.value);
      CHECK(*s.value == Approx(expected[e].at(s.metric)));
    }
  }
}

TEST_CASE("healthbench reads fenced or bare JSON verdicts and refuses anything else",
          "[healthbench]") {
  auto scorer = make_healthbench_scorer();
  auto met = [&](const std::string& reply) {
    Result<JsonValue> v = scorer->parse_judgement(reply);
    return v ? std::optional<bool>(v->find("criteria_met")->as_bool()) : std::nullopt;
  };
  CHECK(met("```json\n{\"explanation\": \"ok\", \"criteria_met\": true}\n```") == true);
  CHECK(met("{\"criteria_met\": false}") == false);
  CHECK(met("```json {\"criteria_met\": true} ```") == true);
  CHECK_FALSE(met("I think it is met."));
  CHECK_FALSE(met("{\"criteria_met\": \"yes\"}"));
  CHECK_FALSE(met("```json\n{\"explanation\": \"cut off"));
  CHECK(strip_json_fence("  ```json\n{}\n```  ") == "{}");
}

TEST_CASE("healthbench leaves a sample without a usable rubric unscored", "[healthbench]") {
  auto scorer = make_healthbench_scorer();
  JsonValue metadata = JsonValue::object({{"rubrics", JsonValue::array()}});
  std::vector<Judgement> none;
  ScoringInput input;
  input.metadata = &metadata;
  input.judgements = &none;
  std::vector<Score> s = scorer->score(input);
  REQUIRE(s.size() == 1);
  CHECK(s[0].unscored_reason == "no_rubric");
  JsonValue bad = JsonValue::object(
      {{"rubrics", JsonValue::array({JsonValue::object({{"criterion", JsonValue(3)}})})}});
  input.metadata = &bad;
  CHECK(scorer->score(input)[0].explanation.find("rubrics[0] needs a 'criterion'") !=
        std::string::npos);
}
