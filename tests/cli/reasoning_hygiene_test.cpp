// Reasoning left inside the answer text (`<think>…</think>` from servers without a reasoning
// parser) is split out before grading, end to end through the mock server: each answer below is
// what the mock sends verbatim, with a decoy answer inside the reasoning.

#include <catch2/catch.hpp>

#include <map>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// id → the reply the mock sends; every target is 4.
const std::vector<std::pair<std::string, std::string>> kReplies = {
    {"stripped", "<think>Maybe 5?\\n#### 5</think>So it is 4.\\n#### 4"},
    {"nested", "<think>a <think>b #### 9</think> c #### 8</think>\\n#### 4"},
    {"close_only", "Reasoning that the template opened. #### 6</think>\\n#### 4"},
    {"unterminated", "<think>Still thinking, perhaps #### 4"},
    {"empty", "<think>Done thinking, #### 4</think>"},
    {"code_block", "Here: ```\\n<think>#### 7</think>\\n``` so #### 4"},
    {"bracket", "[THINK]#### 3[/THINK]#### 4"},
    {"custom", "<r>#### 2</r>#### 4"},
};

std::string write_reply_suite(const TempDir& dir) {
  std::string rows;
  for (const auto& [id, reply] : kReplies) {
    rows += "{\"id\":\"" + id + "\",\"question\":\"What is 2+2? [[reply:" + reply +
            "]]\",\"answer\":\"4\"}\n";
  }
  write_file(dir.file("rows.jsonl"), rows);
  write_file(dir.file("suite.toml"), R"(name = "think"
domain = "math"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "{id}"
prompt = "{question}"
target = "{answer}"
[baseline]
answer = "#### {answer}"
[scoring]
scorers = ["gsm8k"]
)");
  return dir.file("suite.toml");
}

}  // namespace

TEST_CASE("reasoning inside the answer is split out before grading, through the mock server",
          "[integration][reasoning]") {
  TempDir dir;
  std::string suite = write_reply_suite(dir);
  std::string db = dir.file("t.db");
  MockServer mock;
  ProcessResult r = run({assay_binary(), "run", "--model", "openai:m@" + mock.base_url(), "--suite",
                         suite, "--db", db, "--max-error-rate", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto s = show_samples_json(db, "1");
  auto score = [&](const char* id) { return s.at(id).find("score"); };
  auto reason = [&](const char* id) { return s.at(id).find("unscored_reason")->as_string(); };
  CHECK(score("stripped")->as_double() == 1.0);
  CHECK(s.at("stripped").find("output")->as_string() == "So it is 4.\n#### 4");
  CHECK(s.at("stripped").find("reasoning")->as_string() == "Maybe 5?\n#### 5");
  CHECK(score("nested")->as_double() == 1.0);
  CHECK(score("close_only")->as_double() == 1.0);
  CHECK(score("bracket")->as_double() == 1.0);
  CHECK(score("unterminated")->is_null());
  CHECK(reason("unterminated") == "truncated_reasoning");
  CHECK(score("empty")->is_null());
  CHECK(reason("empty") == "empty_answer");
  // Tags inside the answer's code block are the answer's: nothing is split out.
  CHECK(s.at("code_block").find("output")->as_string().find("<think>#### 7</think>") !=
        std::string::npos);
  CHECK(s.at("code_block").find("reasoning")->as_string().empty());
  // <r> is not a known marker: graded as sent (the reasoning's "#### 2" is the strict answer).
  CHECK(s.at("custom").find("reasoning")->as_string().empty());
  // The summary counts the two unscored reasons.
  CHECK(r.out.find("truncated_reasoning 1") != std::string::npos);
  CHECK(r.out.find("empty_answer 1") != std::string::npos);

  // ?think_tags=none keeps every answer as sent; ?think_tags=<r>,</r> splits only that pair. Both
  // are other runs (the parameter is in the run's parameters).
  REQUIRE(run({assay_binary(), "run", "--model", "openai:m@" + mock.base_url() + "?think_tags=none",
               "--suite", suite, "--db", db, "--max-error-rate", "1"})
              .exit_code == 0);
  auto kept = show_samples_json(db, "2");
  CHECK(kept.at("stripped").find("output")->as_string().rfind("<think>Maybe 5?", 0) == 0);
  CHECK(kept.at("unterminated").find("unscored_reason")->as_string().empty());
  REQUIRE(
      run({assay_binary(), "run", "--model", "openai:m@" + mock.base_url() + "?think_tags=<r>,</r>",
           "--suite", suite, "--db", db, "--max-error-rate", "1"})
          .exit_code == 0);
  auto custom = show_samples_json(db, "3");
  CHECK(custom.at("custom").find("reasoning")->as_string() == "#### 2");
  CHECK(custom.at("custom").find("score")->as_double() == 1.0);
  CHECK(custom.at("stripped").find("reasoning")->as_string().empty());
  CHECK(sql_count(db, "SELECT COUNT(*) FROM runs WHERE params_json LIKE '%think_tags%'") == 2);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM runs WHERE model_spec = 'openai:m?think_tags=none'") ==
        1);
  // Providers that replay outputs split nothing by default, and say nothing about it.
  REQUIRE(
      run({assay_binary(), "run", "--model", "oracle", "--suite", suite, "--db", db}).exit_code ==
      0);
  CHECK(sql_count(db,
                  "SELECT COUNT(*) FROM runs WHERE model_spec = 'oracle:oracle' AND "
                  "params_json NOT LIKE '%think_tags%'") == 1);

  ProcessResult bad =
      run({assay_binary(), "run", "--model", "openai:m@" + mock.base_url() + "?think_tags=<think>",
           "--suite", suite, "--db", db});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("think_tags='<think>': expected none or OPEN,CLOSE") != std::string::npos);
}
