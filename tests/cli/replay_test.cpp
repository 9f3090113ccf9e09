// replay: re-scoring generations produced elsewhere. TIGER-Lab's released MMLU-Pro outputs go
// through the mmlu-pro suite and must reproduce each file's own accuracy, recomputed here from
// its `pred` field.

#include <catch2/catch.hpp>

#include <map>

#include "harness/core/json.h"
#include "suites/archive_reader.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

struct PredAccuracy {
  int64_t rows = 0;
  int64_t correct = 0;  ///< pred == answer, the file's own key
};

JsonValue released_rows(const std::string& zip, const std::string& member) {
  Result<std::string> text = read_archive_member(zip, member);
  REQUIRE(text);
  Result<JsonValue> doc = parse_json(*text);
  REQUIRE(doc);
  return std::move(doc).value();
}

PredAccuracy pred_accuracy(const JsonValue& rows) {
  PredAccuracy a;
  for (const auto& row : rows.items()) {
    ++a.rows;
    const JsonValue* pred = row.find("pred");
    if (pred != nullptr && pred->is_string() &&
        pred->as_string() == row.find("answer")->as_string()) {
      ++a.correct;
    }
  }
  return a;
}

}  // namespace

TEST_CASE("replay reproduces TIGER-Lab's released MMLU-Pro accuracies from their pred fields",
          "[integration][replay][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("r.db");
  std::string base = shared_data_dir() + "/model_outputs/mmlu_pro/model_outputs_";
  struct Case {
    std::string model, metric;
    int64_t allowed_row_differences;  // see docs/adapters.md: two Mistral rows
  };
  int run_id = 0;
  for (const Case& c : {Case{"Meta-Llama-3_1-70B-Instruct", "mmlu_pro_tiger", 0},
                        Case{"Meta-Llama-3_1-8B-Instruct", "mmlu_pro_tiger", 0},
                        Case{"Mistral-7B-Instruct-v0.2", "mmlu_pro_tiger_v0", 2}}) {
    ++run_id;
    std::string zip = base + c.model + "_5shots.zip";
    std::string member = "model_outputs_" + c.model + "_5shots.json";
    PredAccuracy want = pred_accuracy(released_rows(zip, member));
    ProcessResult r =
        run({assay_binary(), "run", "--model",
             "replay:" + zip + "#" + member + "?id=mmlu-pro/{question_id}&output=generated_text",
             "--suite", "mmlu-pro", "--data-dir", shared_data_dir(), "--db", db});
    INFO(c.model << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    std::string where =
        " FROM scores WHERE run_id=" + std::to_string(run_id) + " AND metric='" + c.metric + "'";
    REQUIRE(sql_count(db, "SELECT COUNT(*)" + where) == want.rows);
    int64_t got = sql_count(db, "SELECT COUNT(*)" + where + " AND value=1");
    INFO("assay " << got << " vs pred field " << want.correct << " of " << want.rows);
    REQUIRE(std::llabs(got - want.correct) <= c.allowed_row_differences);
  }

  // Gemini's file was made on a later revision of the test set (30 answers re-keyed): through
  // the built-in suite it scores under the suite's key; as its own dataset it reproduces its
  // own number exactly. 12 questions it lacks are missing_output, not wrong.
  std::string zip = base + "gemini-1.5-pro-002_5shots.zip";
  std::string member = "model_outputs_gemini-1.5-pro-002_5shots.json";
  JsonValue rows = released_rows(zip, member);
  PredAccuracy want = pred_accuracy(rows);
  std::string model =
      "replay:" + zip + "#" + member + "?id=mmlu-pro/{question_id}&output=model_outputs";
  ProcessResult builtin = run({assay_binary(), "run", "--model", model, "--suite", "mmlu-pro",
                               "--data-dir", shared_data_dir(), "--db", db});
  REQUIRE(builtin.exit_code == 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE run_id=4 AND "
                    "unscored_reason='missing_output' AND metric='mmlu_pro_tiger'") == 12);
  std::map<int64_t, std::string> suite_key;
  JsonValue suite_rows = released_rows(base + "Meta-Llama-3_1-8B-Instruct_5shots.zip",
                                       "model_outputs_Meta-Llama-3_1-8B-Instruct_5shots.json");
  for (const auto& row : suite_rows.items()) {
    suite_key[row.find("question_id")->as_int()] = row.find("answer")->as_string();
  }
  int64_t under_suite_key = 0;
  for (const auto& row : rows.items()) {
    const JsonValue* pred = row.find("pred");
    if (pred->is_string() && pred->as_string() == suite_key[row.find("question_id")->as_int()]) {
      ++under_suite_key;
    }
  }
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE run_id=4 AND metric='mmlu_pro_tiger' AND "
                    "value=1") == under_suite_key);

  write_file(dir.file("gemini-suite.toml"), R"(name = "mmlu-pro-gemini-release"
domain = "science"
[dataset]
files = [")" + zip + "#" + member + R"("]
[sample]
id = "mmlu-pro/{question_id}"
prompt = "{question}"
choices_field = "options"
target = "{answer}"
[scoring]
scorers = ["mmlu_pro_tiger"]
)");
  ProcessResult own = run({assay_binary(), "run", "--model", model, "--suite",
                           dir.file("gemini-suite.toml"), "--db", db});
  INFO(own.err);
  REQUIRE(own.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=5") == want.rows);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=5 AND value=1") == want.correct);
}

TEST_CASE("replay maps fields, places epochs, and reports missing outputs and bad files",
          "[integration][replay]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 4);
  // q/0 right, q/1 wrong, q/2 null output, q/3 absent; two epochs of q/0 via repeats.
  write_file(dir.file("out.jsonl"),
             "{\"qid\": 0, \"text\": \"#### 0\", \"why\": \"#### 99\"}\n"
             "{\"qid\": 1, \"text\": \"#### 5\"}\n"
             "{\"qid\": 2, \"text\": null}\n");
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "--model",
           "replay:" + dir.file("out.jsonl") + "?id=q/{qid}&output=text&reasoning_field=why",
           "--suite", suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") ==
          1);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=0") ==
          1);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND "
                    "unscored_reason='missing_output'") == 2);
  REQUIRE(sql_scalar(db, "SELECT reasoning FROM samples WHERE sample_id='q/0'") == "#### 99");
  // Missing outputs are not the model's fault: the mean is over the two that exist.
  ProcessResult runs = run({assay_binary(), "runs", "--db", db, "--json"});
  auto j = parse_json(runs.out);
  REQUIRE(j);
  REQUIRE(j->items()[0].find("unscored")->find("missing_output")->as_int() == 2);

  ProcessResult wrong_field =
      run({assay_binary(), "run", "--model", "replay:" + dir.file("out.jsonl") + "?id=q/{qid}",
           "--suite", suite, "--db", db});
  REQUIRE(wrong_field.exit_code == 2);
  REQUIRE(wrong_field.err.find("no row has an output field") != std::string::npos);
  REQUIRE(wrong_field.err.find("qid, text, why") != std::string::npos);
  write_file(dir.file("bad.jsonl"), "{\"sample_id\": \"q/0\", \"output\": \"1\"}\n{oops\n");
  ProcessResult bad = run({assay_binary(), "run", "--model", "replay:" + dir.file("bad.jsonl"),
                           "--suite", suite, "--db", db});
  REQUIRE(bad.exit_code == 2);
  REQUIRE(bad.err.find("bad.jsonl:2") != std::string::npos);
}
