// IFEval end to end: a fixture suite through the mock model server (strict and loose verdicts,
// instruction-level means over instructions, a malformed instruction as an error), and the
// reference's released GPT-4 responses graded by `assay score` and replayed through the suite.
// docs/instruction-following.md explains the four verdicts where assay and the reference differ.

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

std::vector<JsonValue> jsonl(const std::string& text) {
  std::vector<JsonValue> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Result<JsonValue> v = parse_json(line);
    REQUIRE(v);
    out.push_back(std::move(v).value());
  }
  return out;
}

// JSON lines of `path` under ../shared/data.
std::vector<JsonValue> shared_jsonl(const std::string& path) {
  return jsonl(read_file(shared_data_dir() + "/" + path));
}

// `rows` (sample_id, output) as a replay file and (output, metadata) as `assay score` input.
void write_released(const TempDir& dir,
                    const std::vector<std::pair<JsonValue, std::string>>& rows) {
  std::string score_input;
  std::string replay;
  for (const auto& [row, response] : rows) {
    JsonValue meta = JsonValue::object();
    meta.set("instruction_id_list", *row.find("instruction_id_list"));
    meta.set("kwargs", *row.find("kwargs"));
    JsonValue line = JsonValue::object();
    line.set("output", JsonValue(response));
    line.set("metadata", meta);
    score_input += to_json(line) + "\n";
    JsonValue rep = JsonValue::object();
    rep.set("sample_id", JsonValue(row.find("key")->to_text()));
    rep.set("output", JsonValue(response));
    replay += to_json(rep) + "\n";
  }
  write_file(dir.file("score.jsonl"), score_input);
  write_file(dir.file("replay.jsonl"), replay);
}

// The four accuracies of `assay score --scorer NAME` output, as counts.
struct Counts {
  double prompt_strict = 0, prompt_loose = 0, inst_strict = 0, inst_loose = 0, instructions = 0;
  size_t lines = 0;
};

Counts score_counts(const std::string& scorer, const std::string& input) {
  ProcessResult r = run({assay_binary(), "score", "--scorer", scorer, "--input", input});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Counts c;
  for (const JsonValue& s : jsonl(r.out)) {
    const JsonValue& m = *s.find("metrics");
    double n = static_cast<double>(s.find("metadata")->find("instruction_id_list")->items().size());
    c.prompt_strict += m.find(scorer + "_prompt_strict")->as_double();
    c.prompt_loose += m.find(scorer + "_prompt_loose")->as_double();
    c.inst_strict += m.find(scorer + "_inst_strict")->as_double() * n;
    c.inst_loose += m.find(scorer + "_inst_loose")->as_double() * n;
    c.instructions += n;
    ++c.lines;
  }
  return c;
}

// The released GPT-4 responses joined to their prompts' instructions (by prompt text, as the
// reference does); one response answers a prompt that is not in the data and is left out.
std::vector<std::pair<JsonValue, std::string>> released_gpt4() {
  std::map<std::string, JsonValue> by_prompt;
  for (JsonValue& row : shared_jsonl("ifeval/input_data.jsonl")) {
    by_prompt.emplace(row.find("prompt")->as_string(), row);
  }
  std::vector<std::pair<JsonValue, std::string>> out;
  for (const JsonValue& r : shared_jsonl("ifeval/input_response_data_gpt4_20231107_145030.jsonl")) {
    auto it = by_prompt.find(r.find("prompt")->as_string());
    if (it != by_prompt.end()) out.emplace_back(it->second, r.find("response")->as_string());
  }
  return out;
}

}  // namespace

TEST_CASE("ifeval grades strictly and loosely through the mock server, instructions weighted",
          "[integration][ifeval]") {
  TempDir dir;
  write_file(
      dir.file("rows.jsonl"),
      R"({"key":1,"prompt":"No commas, in quotes. [[reply:\"No commas here\"]]","instruction_id_list":["punctuation:no_comma","startend:quotation"],"kwargs":[{},{}]}
{"key":2,"prompt":"In quotes. [[reply:Here it is:\n\"quoted, text\"]]","instruction_id_list":["startend:quotation","punctuation:no_comma"],"kwargs":[{},{}]}
{"key":3,"prompt":"Four words at least. [[reply:Too short]]","instruction_id_list":["length_constraints:number_words"],"kwargs":[{"num_words":4,"relation":"at least"}]}
{"key":4,"prompt":"Broken. [[reply:anything]]","instruction_id_list":["keywords:existance"],"kwargs":[{"keywords":["x"]}]}
)");
  write_file(dir.file("suite.toml"), R"toml(name = "ifeval-fixture"
domain = "instruction following"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "{key}"
prompt = "{prompt}"
target = "(checked by rule)"
metadata = ["instruction_id_list", "kwargs"]
[scoring]
scorers = ["ifeval"]
)toml");
  std::string db = dir.file("i.db");
  MockServer mock;
  ProcessResult r = run({assay_binary(), "run", "--model", "openai:m@" + mock.base_url(), "--suite",
                         dir.file("suite.toml"), "--db", db, "--max-error-rate", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto s = show_samples_json(db, "1");
  CHECK(s.at("1").find("score")->as_double() == 1.0);
  CHECK(s.at("2").find("score")->as_double() == 0.0);
  CHECK(s.at("3").find("score")->as_double() == 0.0);
  CHECK(s.at("4").find("score")->is_null());
  CHECK(s.at("4").find("unscored_reason")->as_string() == "error:invalid_instruction");
  // Loosely, each instruction of prompt 2 finds its own variant, as in the reference: the
  // quotation without the first line, no comma without the last.
  CHECK(sql_scalar(db,
                   "SELECT value FROM scores WHERE sample_id='2' AND "
                   "metric='ifeval_inst_loose/startend:quotation'") == "1.0");
  CHECK(sql_scalar(db,
                   "SELECT value FROM scores WHERE sample_id='2' AND "
                   "metric='ifeval_inst_loose/punctuation:no_comma'") == "1.0");
  CHECK(sql_scalar(db,
                   "SELECT value FROM scores WHERE sample_id='2' AND "
                   "metric='ifeval_prompt_loose'") == "1.0");
  // Instruction level is over the five instructions of the three graded prompts: 2 strictly
  // followed.
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("ifeval_inst_strict ") != std::string::npos);
  std::istringstream lines(show.out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.rfind("ifeval_inst_strict ", 0) != 0) continue;
    found = true;
    CHECK(line.find(" 5 ") != std::string::npos);
    CHECK(line.find("0.400") != std::string::npos);
    CHECK(line.find("mean over units") != std::string::npos);
  }
  CHECK(found);
}

TEST_CASE("the reference's released GPT-4 responses: assay's four IFEval accuracies",
          "[integration][ifeval][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  write_released(dir, released_gpt4());
  Counts c = score_counts("ifeval", dir.file("score.jsonl"));
  REQUIRE(c.lines == 540);
  // The reference run on these responses: 415, 431, 695 and 713 (docs/instruction-following.md);
  // assay differs on four verdicts, each explained there.
  CHECK(c.prompt_strict == 418);
  CHECK(c.prompt_loose == 432);
  CHECK(c.instructions == 832);
  CHECK(std::lround(c.inst_strict) == 698);
  CHECK(std::lround(c.inst_loose) == 714);

  // The same responses replayed through the built-in suite give the same run-level numbers.
  std::string db = dir.file("r.db");
  ProcessResult run_r = run({assay_binary(), "run", "-s", "ifeval", "--data-dir", shared_data_dir(),
                             "-m", "replay:" + dir.file("replay.jsonl"), "--db", db});
  INFO(run_r.err);
  REQUIRE(run_r.exit_code == 0);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM samples") == 541);
  CHECK(sql_count(db,
                  "SELECT CAST(SUM(value) AS INTEGER) FROM scores WHERE "
                  "metric='ifeval_prompt_strict'") == 418);
  CHECK(sql_count(db,
                  "SELECT CAST(ROUND(SUM(value * weight)) AS INTEGER) FROM scores WHERE "
                  "metric='ifeval_inst_loose'") == 714);
  CHECK(sql_scalar(db,
                   "SELECT unscored_reason FROM scores WHERE sample_id='2785' AND "
                   "metric='ifeval_prompt_strict'") == "missing_output");
}

TEST_CASE("IFBench's released sample outputs: assay's four accuracies, replayed through the suite",
          "[integration][ifbench][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  // The sample outputs answer the original 294-prompt revision; prompts match after strip(),
  // as in the reference.
  std::map<std::string, JsonValue> by_prompt;
  for (JsonValue& row : shared_jsonl("ifbench/IFBench_test.v20250702.jsonl")) {
    by_prompt.emplace(std::string(trim(row.find("prompt")->as_string())), row);
  }
  std::vector<std::pair<JsonValue, std::string>> rows;
  for (const JsonValue& r : shared_jsonl("ifbench/sample_output.jsonl")) {
    rows.emplace_back(by_prompt.at(std::string(trim(r.find("prompt")->as_string()))),
                      r.find("response")->as_string());
  }
  TempDir dir;
  write_released(dir, rows);
  Counts c = score_counts("ifbench", dir.file("score.jsonl"));
  REQUIRE(c.lines == 294);
  // The reference's released verdicts (eval/, from its October 2025 code): 77, 88, 93 and 109;
  // docs/instruction-following.md explains the three verdicts where assay differs.
  CHECK(c.prompt_strict == 78);
  CHECK(c.prompt_loose == 89);
  CHECK(c.instructions == 335);
  CHECK(std::lround(c.inst_strict) == 94);
  CHECK(std::lround(c.inst_loose) == 110);

  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "-s", "ifbench:v20250702", "--data-dir", shared_data_dir(), "-m",
           "replay:" + dir.file("replay.jsonl"), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_scalar(db, "SELECT primary_metric FROM runs") == "ifbench_prompt_loose");
  CHECK(sql_count(db,
                  "SELECT CAST(SUM(value) AS INTEGER) FROM scores WHERE "
                  "metric='ifbench_prompt_loose'") == 89);
  CHECK(sql_count(db,
                  "SELECT COUNT(DISTINCT metric) FROM scores WHERE metric LIKE "
                  "'ifbench_inst_strict/%'") >= 50);
}
