#pragma once
// Fixture suites for integration tests: N questions whose prompts carry the answer in a
// [[answer:X]] marker the mock model server understands.

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "harness/core/json.h"
#include "tests/support/test_support.h"

namespace assay::testing {

/// Writes rows.jsonl (n questions, answer i for question i) and suite.toml into `dir`;
/// returns the suite path. `marker_extra` is appended to every question (e.g. "[[p:0.5]]").
inline std::string write_numeric_suite(const TempDir& dir, int n,
                                       const std::string& marker_extra = "") {
  std::string rows;
  for (int i = 0; i < n; ++i) {
    rows += "{\"id\":" + std::to_string(i) + ",\"question\":\"Question " + std::to_string(i) +
            ": what number is this? [[answer:" + std::to_string(i) + "]]" + marker_extra +
            "\",\"answer\":\"" + std::to_string(i) + "\"}\n";
  }
  write_file(dir.file("rows.jsonl"), rows);
  write_file(dir.file("suite.toml"), R"(name = "numbers"
domain = "math"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "q/{id}"
prompt = """Solve it. End with a line "#### ANSWER".

{question}"""
target = "{answer}"
[generation]
temperature = 0.0
max_tokens = 256
[scoring]
scorers = ["gsm8k"]
)");
  return dir.file("suite.toml");
}

/// Writes rubric.toml into `dir`: a HealthBench-format suite graded by the healthbench
/// (rubric-judge) scorer over tests/data/healthbench/`fixture`; returns its path.
inline std::string write_rubric_suite(const TempDir& dir,
                                      const std::string& fixture = "fixture.jsonl") {
  write_file(dir.file("rubric.toml"), R"toml(name = "rubric-fixture"
domain = "health"
[dataset]
files = [")toml" + std::string(ASSAY_TEST_DATA_DIR) +
                                          "/healthbench/" + fixture + R"toml("]
[sample]
id = "hb/{prompt_id}"
messages_field = "prompt"
target = "(graded by rubric)"
metadata = ["rubrics", "example_tags"]
[scoring]
scorers = ["healthbench"]
)toml");
  return dir.file("rubric.toml");
}

/// The integer an SQL query on `db` returns (-1 when it returns nothing).
inline int64_t sql_count(const std::string& db, const std::string& sql) {
  std::string v = sql_scalar(db, sql);
  return v.empty() ? -1 : std::stoll(v);
}

/// `assay show RUN --db DB --json`: each stored sample's object by sample id (REQUIREs success;
/// one epoch per sample).
inline std::map<std::string, JsonValue> show_samples_json(const std::string& db,
                                                          const std::string& run_id) {
  ProcessResult r = run({assay_binary(), "show", run_id, "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, JsonValue> out;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    if (end > start) {
      auto line = parse_json(r.out.substr(start, end - start));
      REQUIRE(line);
      out[line->find("sample_id")->as_string()] = *line;
    }
    start = end + 1;
  }
  return out;
}

/// `assay runs --db DB --json`, parsed (REQUIREs success).
inline JsonValue runs_json(const std::string& db) {
  ProcessResult r = run({assay_binary(), "runs", "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  auto v = parse_json(r.out);
  REQUIRE(v);
  return *v;
}

}  // namespace assay::testing
