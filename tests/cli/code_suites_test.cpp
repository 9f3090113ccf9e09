// The coding suites through the real binary, SQLite and the bubblewrap sandbox: every canonical
// HumanEval and MBPP+ solution passes; GPT-4's released HumanEval/MBPP generations (Reflexion
// logs) are re-scored and compared with their is_solved labels; runs record their sandbox;
// pass@k is printed for the requested k; a machine without bubblewrap gets a clear refusal.

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// sample_id → value of `metric` in run `run_id`.
std::map<std::string, double> metric_values(const std::string& db, int64_t run_id,
                                            const std::string& metric) {
  std::vector<std::string> ids =
      sql_column(db, "SELECT sample_id FROM scores WHERE run_id=" + std::to_string(run_id) +
                         " AND metric='" + metric + "' ORDER BY sample_id");
  std::vector<std::string> values = sql_column(
      db, "SELECT COALESCE(value, -1) FROM scores WHERE run_id=" + std::to_string(run_id) +
              " AND metric='" + metric + "' ORDER BY sample_id");
  std::map<std::string, double> out;
  for (size_t i = 0; i < ids.size(); ++i) out[ids[i]] = std::stod(values[i]);
  return out;
}

// A user suite replaying released generations: the `oracle` baseline answers with `field`.
std::string replay_suite(const TempDir& dir, const std::string& name, const std::string& file,
                         const std::string& id_field) {
  std::string path = dir.file(name + ".toml");
  write_file(path,
             "name = \"" + name + "\"\ndomain = \"coding\"\n[dataset]\nfiles = [\"" + file +
                 "\"]\n[sample]\nid = \"{" + id_field +
                 "}\"\nprompt = \"{prompt}\"\ntarget = \"{solution}\"\n"
                 "metadata = [\"entry_point\", \"test\", \"prompt\"]\n"
                 "[baseline]\nanswer = \"{_answer}\"\n[scoring]\nscorers = [\"code_exec\"]\n");
  return path;
}

// id → is_solved from a Reflexion log.
std::map<std::string, bool> released_labels(const std::string& file, const std::string& id_field) {
  std::ifstream in(file);
  std::map<std::string, bool> out;
  std::string line;
  while (std::getline(in, line)) {
    auto v = parse_json(line);
    REQUIRE(v);
    out[v->find(id_field)->as_string()] = v->find("is_solved")->as_bool();
  }
  return out;
}

std::string tiny_suite(const TempDir& dir) {
  write_file(dir.file("tiny.jsonl"),
             "{\"id\": \"ok\", \"code\": \"def solve():\\n    return 42\\n\"}\n"
             "{\"id\": \"bad\", \"code\": \"def solve():\\n    return 0\\n\"}\n");
  write_file(
      dir.file("tiny.toml"),
      "name = \"tiny-code\"\ndomain = \"coding\"\n[dataset]\nfiles = [\"tiny.jsonl\"]\n"
      "[sample]\nid = \"{id}\"\nprompt = \"Write solve().\"\ntarget = \"{code}\"\n"
      "metadata = [\"test=def check(f):\\n    assert f() == 42\\n\", \"entry_point=solve\"]\n"
      "[baseline]\nanswer = \"```python\\n{_answer}```\"\n"
      "[scoring]\nscorers = [\"code_exec\"]\n");
  return dir.file("tiny.toml");
}

}  // namespace

TEST_CASE("every canonical HumanEval and MBPP+ solution passes in the sandbox",
          "[integration][code][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("code.db");
  ProcessResult r = run({assay_binary(), "run", "-m", "oracle", "-s", "humaneval", "-s",
                         "mbpp-plus", "--db", db, "--data-dir", shared_data_dir()},
                        {}, "", 900);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items().size() == 2);
  for (const auto& run_json : runs.items()) {
    int64_t id = run_json.find("id")->as_int();
    std::string suite = run_json.find("suite")->as_string();
    INFO(suite);
    CHECK(run_json.find("scoring_env")->as_string().find("code sandbox: bubblewrap") == 0);
    size_t n = suite == "humaneval" ? 164 : 399;
    for (const char* metric : {"code_exec", "code_exec_base"}) {
      std::map<std::string, double> v = metric_values(db, id, metric);
      REQUIRE(v.size() == n);
      std::vector<std::string> failing;
      for (const auto& [sid, value] : v) {
        if (value != 1.0) failing.push_back(sid);
      }
      INFO(metric << " failing: " << failing.size());
      CHECK(failing.empty());
    }
  }
}

TEST_CASE("GPT-4's released HumanEval and MBPP generations re-scored against is_solved",
          "[integration][code][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string he =
      shared_data_dir() + "/model_outputs/humaneval/reflexion_simple_gpt-4_humaneval_py.jsonl";
  std::string mb = shared_data_dir() + "/model_outputs/mbpp/reflexion_simple_gpt-4_mbpp_py.jsonl";
  std::string db = dir.file("replay.db");
  ProcessResult r = run({assay_binary(), "run", "-m", "oracle", "-s",
                         replay_suite(dir, "gpt4-humaneval", he, "task_id"), "-s",
                         replay_suite(dir, "gpt4-mbpp", mb, "name"), "--db", db},
                        {}, "", 600);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Every disagreement is explained in docs/code-execution.md: HumanEval/133 imports math only
  // inside a shadowed definition (NameError under plain python3 too); the six MBPP programs pass
  // the tests stored in their own records under plain python3 as well.
  const std::map<std::string, std::set<std::string>> expected_differences = {
      {"gpt4-humaneval", {"HumanEval/133"}},
      {"gpt4-mbpp",
       {"mbpp_67_bell_number", "mbpp_170_sum_range_list", "mbpp_798__sum",
        "mbpp_724_power_base_sum", "mbpp_419_round_and_sum", "mbpp_598_armstrong_number"}}};
  JsonValue runs = runs_json(db);
  for (const auto& run_json : runs.items()) {
    std::string suite = run_json.find("suite")->as_string();
    bool is_he = suite == "gpt4-humaneval";
    std::map<std::string, bool> labels =
        released_labels(is_he ? he : mb, is_he ? "task_id" : "name");
    std::map<std::string, double> ours =
        metric_values(db, run_json.find("id")->as_int(), "code_exec");
    REQUIRE(ours.size() == labels.size());
    std::set<std::string> differences;
    for (const auto& [id, solved] : labels) {
      if (solved != (ours.at(id) == 1.0)) differences.insert(id);
    }
    INFO(suite);
    CHECK(differences == expected_differences.at(suite));
  }
}

TEST_CASE("code runs record their sandbox and --unsafe-no-sandbox is a separate labelled run",
          "[integration][code]") {
  TempDir dir;
  std::string suite = tiny_suite(dir);
  std::string db = dir.file("t.db");
  ProcessResult safe = run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", db,
                            "--repeats", "3", "--pass-k", "1,2,5"});
  INFO(safe.err);
  REQUIRE(safe.exit_code == 0);
  // pass@5 is skipped (only 3 repeats); one of the two programs is right every time.
  CHECK(safe.out.find("pass@1 0.500 pass@2 0.500\n") != std::string::npos);
  CHECK(safe.out.find("pass@5") == std::string::npos);
  ProcessResult unsafe =
      run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", db, "--unsafe-no-sandbox"});
  INFO(unsafe.err);
  REQUIRE(unsafe.exit_code == 0);
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items().size() == 2);
  CHECK(runs.items()[0].find("scoring_env")->as_string().find("code sandbox: bubblewrap") == 0);
  CHECK(runs.items()[1].find("scoring_env")->as_string() ==
        "code sandbox: none (--unsafe-no-sandbox)");
  ProcessResult show = run({assay_binary(), "show", "2", "--db", db});
  CHECK(show.out.find("code sandbox: none (--unsafe-no-sandbox)") != std::string::npos);
  ProcessResult runs_text = run({assay_binary(), "runs", "--db", db, "--pass-k", "2"});
  CHECK(runs_text.out.find("pass@2 0.500") != std::string::npos);
}

TEST_CASE("without bubblewrap a code suite stops before any request and names the fix",
          "[integration][code]") {
  TempDir dir;
  std::string suite = tiny_suite(dir);
  std::string db = dir.file("none.db");
  // An empty PATH hides bwrap (assay looks it up in PATH).
  ProcessResult r =
      run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", db}, {{"PATH", dir.path()}});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("needs bubblewrap, which is not installed") != std::string::npos);
  CHECK(r.err.find("--unsafe-no-sandbox") != std::string::npos);
  CHECK(sql_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='runs'") != "1");
  // `assay score` refuses the same way.
  ProcessResult score = run({assay_binary(), "score", "--scorer", "code_exec"},
                            {{"PATH", dir.path()}}, "{\"output\": \"x\", \"target\": \"\"}\n");
  CHECK(score.exit_code == 2);
  CHECK(score.err.find("apt-get install bubblewrap") != std::string::npos);
}

TEST_CASE(
    "assay score grades code lines in parallel, in input order, and keeps lines before a "
    "bad one",
    "[integration][code]") {
  std::string input;
  for (int answer : {42, 0, 42, 42, 7}) {
    input +=
        R"({"output": "```python\ndef solve():\n    return )" + std::to_string(answer) +
        R"(\n```", "target": "", "metadata": {"test": "def check(f):\n    assert f() == 42\n", "entry_point": "solve"}})" +
        "\n";
  }
  input += "{not json}\n";
  ProcessResult r = run({assay_binary(), "score", "--scorer", "code_exec"}, {}, input);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("<stdin>:6") != std::string::npos);
  std::vector<double> scores;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto v = parse_json(line);
    REQUIRE(v);
    scores.push_back(v->find("score")->as_double());
    CHECK(v->find("metrics")->find("code_exec_base") != nullptr);
  }
  CHECK(scores == std::vector<double>{1, 0, 1, 1, 0});
}
