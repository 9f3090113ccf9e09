// The demo's evaluation (scripts/demo.sh: two mock models × gsm8k and mmlu, 200 samples each,
// 2% HTTP 500s, seed 7) gives the numbers the release before sample programs gave: the same
// scores, intervals and unscored counts. The expected values were recorded from that release
// (schema 6, commit 9c08cd9) running these exact commands.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "suites/dataset.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// The demo's answer key for the mock: question text → gold answer, for the first 200 gsm8k
// questions and the first 200 mmlu questions (files in name order), as scripts/demo.sh makes it.
std::string demo_answer_key(const std::string& data, size_t limit) {
  std::string out;
  auto add = [&out](const std::string& question, const std::string& answer) {
    out += to_json(JsonValue::object({{"contains", question}, {"answer", answer}})) + "\n";
  };
  Result<std::string> gsm8k = read_file_maybe_gz(data + "/gsm8k/test.jsonl");
  REQUIRE(gsm8k);
  auto rows = parse_jsonl_rows(*gsm8k, "gsm8k");
  REQUIRE(rows);
  for (size_t i = 0; i < limit && i < rows->size(); ++i) {
    const JsonValue& f = (*rows)[i].fields;
    std::string answer = f.find("answer")->as_string();
    answer = answer.substr(answer.rfind("#### ") + 5);
    answer.erase(std::remove(answer.begin(), answer.end(), ','), answer.end());
    while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) {
      answer.pop_back();
    }
    add(f.find("question")->as_string(), answer);
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(data + "/mmlu/test")) {
    std::string name = e.path().filename().string();
    if (name.size() > 9 && name.substr(name.size() - 9) == "_test.csv") {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  size_t n = 0;
  for (const auto& path : files) {
    if (n >= limit) break;
    Result<std::string> text = read_file_maybe_gz(path);
    REQUIRE(text);
    auto csv = parse_csv_rows(*text, path);
    REQUIRE(csv);
    for (const DataRow& row : *csv) {
      if (n >= limit) break;
      int answer = static_cast<int>(row.fields.find("answer")->as_int());
      if (row.fields.find("answer")->is_string())
        answer = std::stoi(row.fields.find("answer")->as_string());
      add(row.fields.find("question")->to_text(), std::string(1, "ABCD"[answer]));
      ++n;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the demo's numbers are the previous release's", "[integration][demo][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  write_file(dir.file("key.jsonl"), demo_answer_key(shared_data_dir(), 200));
  MockServer mock({"--latency-ms", "20", "--chunk-delay-ms", "3", "--fail-500", "0.02", "--seed",
                   "7", "--answer-key", dir.file("key.jsonl")});
  std::string db = dir.file("demo.db");
  for (const char* model : {"mock-strong-p0.9", "mock-weak-p0.6"}) {
    ProcessResult r = run({assay_binary(), "run", "--model",
                           "openai:" + std::string(model) + "@" + mock.base_url(), "--suite",
                           "gsm8k", "--suite", "mmlu", "--limit", "200", "--data-dir",
                           shared_data_dir(), "--db", db, "--concurrency", "32"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  struct Expected {
    const char* suite;
    const char* model;
    double score, ci_low, ci_high;
  };
  const Expected expected[] = {
      {"gsm8k", "openai:mock-strong-p0.9", 0.885, 0.8333528310151243, 0.9221362676743804},
      {"mmlu", "openai:mock-strong-p0.9", 0.945, 0.9042130012276914, 0.9690146582965411},
      {"gsm8k", "openai:mock-weak-p0.6", 0.55, 0.48075615138475697, 0.6173593159775166},
      {"mmlu", "openai:mock-weak-p0.6", 0.565, 0.49570736259794607, 0.6318427449730093}};
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items().size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    const JsonValue& r = runs.items()[i];
    INFO(expected[i].suite << " " << expected[i].model);
    CHECK(r.find("suite")->as_string() == expected[i].suite);
    CHECK(r.find("model")->as_string() == expected[i].model);
    CHECK(r.find("n_scored")->as_int() == 200);
    CHECK(r.find("n_errors")->as_int() == 0);
    CHECK(r.find("unscored")->members().empty());
    CHECK(r.find("score")->as_double() == Approx(expected[i].score).margin(1e-12));
    CHECK(r.find("ci_low")->as_double() == Approx(expected[i].ci_low).margin(1e-12));
    CHECK(r.find("ci_high")->as_double() == Approx(expected[i].ci_high).margin(1e-12));
  }
  // 800 answers; the mock's seeded 500s were retried.
  CHECK(mock.counter("status_200") == 800);
  CHECK(mock.counter("fault_500") > 0);
}
