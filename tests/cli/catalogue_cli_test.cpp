// The catalogue through the real binary: every built-in suite whose data is in ../shared/data
// scores exactly 100% with `oracle` and lands within its 95% CI of chance with `random`; results
// are stored like any other run; `assay data`, `assay suites` and `assay index` report on them.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "harness/core/json.h"
#include "suites/builtin.h"
#include "suites/suite.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

const std::vector<std::string> kRunnable = {
    "mmlu",  "mmlu-stem", "mmlu-clinical", "mmlu-pro",  "medqa",     "medmcqa", "pubmedqa",
    "gsm8k", "math-500",  "math",          "aime-2024", "aime-2025", "amc-2023"};
const std::vector<std::string> kMultipleChoice = {"mmlu",  "mmlu-stem", "mmlu-clinical", "mmlu-pro",
                                                  "medqa", "medmcqa",   "pubmedqa"};

std::vector<std::string> run_args(const std::string& model, const std::vector<std::string>& suites,
                                  const std::string& db) {
  std::vector<std::string> a = {assay_binary(), "run", "--model",    model,
                                "--db",         db,    "--data-dir", shared_data_dir()};
  for (const auto& s : suites) {
    a.push_back("--suite");
    a.push_back(s);
  }
  return a;
}

}  // namespace

TEST_CASE("oracle scores 100% on every built-in suite with data, random sits at chance",
          "[integration][catalogue][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("catalogue.db");
  ProcessResult oracle = run(run_args("oracle", kRunnable, db), {}, "", 600);
  INFO(oracle.err);
  REQUIRE(oracle.exit_code == 0);
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items().size() == kRunnable.size());
  for (const auto& r : runs.items()) {
    std::string suite = r.find("suite")->as_string();
    INFO(suite);
    CHECK(r.find("status")->as_string() == "completed");
    CHECK(r.find("n_errors")->as_int() == 0);
    CHECK(r.find("n_scored")->as_int() == r.find("n_samples")->as_int());
    CHECK(r.find("score")->as_double() == 1.0);
    auto spec = find_builtin_suite(suite);
    REQUIRE(spec);
    CHECK(r.find("n_samples")->as_int() == spec->expected_records * spec->repeats);
  }

  // The default seed. Seven independent 95% intervals: some seed will put one suite just
  // outside (seed 11 puts mmlu-stem at z = 2.0), which is chance, not bias.
  std::string rdb = dir.file("random.db");
  ProcessResult random = run(run_args("random", kMultipleChoice, rdb), {}, "", 600);
  INFO(random.err);
  REQUIRE(random.exit_code == 0);
  JsonValue random_runs = runs_json(rdb);
  REQUIRE(random_runs.items().size() == kMultipleChoice.size());
  for (const auto& r : random_runs.items()) {
    std::string suite = r.find("suite")->as_string();
    INFO(suite);
    // Chance is the mean of 1/options over the samples (MMLU-Pro has 3 to 10 options).
    auto loaded = load_suite(*find_builtin_suite(suite), shared_data_dir(), std::nullopt);
    REQUIRE(loaded);
    double chance = 0;
    for (const auto& s : loaded->samples) chance += 1.0 / static_cast<double>(s.choices.size());
    chance /= static_cast<double>(loaded->samples.size());
    double score = r.find("score")->as_double();
    double se = r.find("stderr")->as_double();
    INFO("score " << score << " chance " << chance << " se " << se);
    CHECK(std::abs(score - chance) <= 1.96 * se);
    CHECK(r.find("n_scored")->as_int() == static_cast<int64_t>(loaded->samples.size()));
  }
}

TEST_CASE("baselines that cannot answer and bad subsets stop before any request with exit 2",
          "[integration][catalogue][errors][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("x.db");
  ProcessResult math = run(run_args("random", {"math-500"}, db));
  CHECK(math.exit_code == 2);
  CHECK(math.err.find("suite 'math-500': random") != std::string::npos);
  CHECK(math.err.find("no finite answer set") != std::string::npos);
  ProcessResult code = run(run_args("random", {"humaneval"}, db));
  CHECK(code.exit_code == 2);
  CHECK(code.err.find("suite 'humaneval': random") != std::string::npos);
  ProcessResult subset = run(run_args("oracle", {"mmlu:anatomyy"}, db));
  CHECK(subset.exit_code == 2);
  CHECK(subset.err.find("did you mean 'anatomy'") != std::string::npos);
  CHECK(sql_scalar(db, "SELECT count(*) FROM samples").find_first_not_of("0") == std::string::npos);
}

TEST_CASE("an index run runs what it can, reports the rest missing, and `assay index` agrees",
          "[integration][catalogue][index][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("index.db");
  std::vector<std::string> args = run_args("oracle", {"index:aa-v2"}, db);
  args.push_back("--limit");
  args.push_back("20");
  ProcessResult r = run(args, {}, "", 300);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // HLE is gated: without its file the member is skipped with the reason, and reported missing.
  CHECK(r.err.find("skipping 'hle'") != std::string::npos);
  CHECK(r.err.find("'scicode' is not shipped") != std::string::npos);
  // ../shared/data holds GPQA Diamond since round 2: the member runs, so the members covered
  // are mmlu-pro and gpqa-diamond (1/6 each) and aime-2024 and math-500 (1/8 each).
  REQUIRE(std::filesystem::exists(shared_data_dir() + "/gpqa/gpqa_diamond.csv"));
  CHECK(r.err.find("skipping 'gpqa-diamond'") == std::string::npos);
  CHECK(r.out.find("gpqa-diamond") != std::string::npos);
  CHECK(r.out.find("index aa-v2 · oracle:oracle") != std::string::npos);
  CHECK(r.out.find("no value, members with scores cover 58.3% of the weight") != std::string::npos);
  CHECK(r.out.find("partial aa-v2 over the members present (58.3% of the weight, re-normalised) "
                   "= 100.0") != std::string::npos);
  CHECK(r.out.find("  hle (16.67%): not run") != std::string::npos);
  ProcessResult idx = run({assay_binary(), "index", "aa-v2", "--db", db, "--json"});
  REQUIRE(idx.exit_code == 0);
  auto v = parse_json(idx.out);
  REQUIRE(v);
  REQUIRE(v->items().size() == 1);
  CHECK(v->items()[0].find("score")->is_null());
  CHECK(v->items()[0].find("covered_weight")->as_double() == Approx(2.0 / 6 + 2.0 / 8));
  ProcessResult unknown = run({assay_binary(), "index", "aa-v3", "--db", db});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("did you mean 'aa-v2'") != std::string::npos);
}

TEST_CASE("aa-v4 on an oracle run: 100 on the member present, its weight, every missing member",
          "[integration][catalogue][index][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("v4.db");
  ProcessResult r = run(run_args("oracle", {"gpqa-diamond"}, db), {}, "", 300);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  ProcessResult idx = run({assay_binary(), "index", "aa-v4", "--db", db});
  INFO(idx.out);
  REQUIRE(idx.exit_code == 0);
  CHECK(idx.out.find("index aa-v4: no value, members with scores cover 6.2% of the weight") !=
        std::string::npos);
  CHECK(idx.out.find("partial aa-v4 over the members present (6.2% of the weight, "
                     "re-normalised) = 100.0") != std::string::npos);
  for (const char* missing :
       {"gdpval-aa (16.67%): not shipped", "tau2-telecom (8.33%)", "terminal-bench-hard (16.67%)",
        "scicode (8.33%)", "aa-omniscience (12.50%)", "aa-lcr (6.25%)", "ifbench (6.25%): not run",
        "hle (12.50%): not run", "critpt (6.25%)"}) {
    CHECK(idx.out.find(missing) != std::string::npos);
  }
  ProcessResult json = run({assay_binary(), "index", "aa-v4", "--db", db, "--json"});
  REQUIRE(json.exit_code == 0);
  Result<JsonValue> v = parse_json(json.out);
  REQUIRE(v);
  const JsonValue& o = v->items().at(0);
  CHECK(o.find("score")->is_null());
  CHECK(o.find("covered_weight")->as_double() == Approx(0.0625));
  CHECK(o.find("partial_index")->find("score")->as_double() == Approx(1.0));
  // Later versions are named, and refused with what is known of them.
  ProcessResult later = run({assay_binary(), "index", "aa-v4.3", "--db", db});
  CHECK(later.exit_code == 2);
  CHECK(later.err.find("is not built") != std::string::npos);
  CHECK(later.err.find("use aa-v4") != std::string::npos);
}

TEST_CASE("assay data verify/path and assay suites report cached, missing and mismatched files",
          "[integration][catalogue][data]") {
  TempDir dir;
  std::string data = dir.path();
  run({"/bin/mkdir", "-p", data + "/gsm8k"});
  write_file(data + "/gsm8k/test.jsonl", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n");
  ProcessResult verify = run({assay_binary(), "data", "verify", "gsm8k", "--data-dir", data});
  CHECK(verify.exit_code == 2);
  CHECK(verify.err.find("checksum mismatch") != std::string::npos);
  CHECK(verify.err.find("3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14") !=
        std::string::npos);
  ProcessResult missing = run({assay_binary(), "data", "verify", "medqa", "--data-dir", data});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("is missing (expected sha256 b0536be0") != std::string::npos);
  ProcessResult path =
      run({assay_binary(), "data", "path", "index:assay-core", "--data-dir", data, "--json"});
  REQUIRE(path.exit_code == 0);
  auto files = parse_json(path.out);
  REQUIRE(files);
  CHECK(files->items().size() > 10);
  ProcessResult suites = run({assay_binary(), "suites", "--data-dir", data, "--json"});
  REQUIRE(suites.exit_code == 0);
  auto listing = parse_json(suites.out);
  REQUIRE(listing);
  for (const auto& s : listing->find("suites")->items()) {
    std::string name = s.find("name")->as_string();
    CHECK(s.find("data")->as_string() == (name == "gsm8k"        ? "mismatch"
                                          : name == "agent-demo" ? "built in"
                                                                 : "missing"));
    CHECK_FALSE(s.find("reference")->as_string().empty());
  }
  CHECK(listing->find("indexes")->items().size() == 3);
  ProcessResult pull = run({assay_binary(), "data", "pull", "--data-dir", data});
  CHECK(pull.exit_code == 2);
  if (shared_data_present()) {
    ProcessResult ok =
        run({assay_binary(), "data", "verify", "all", "--data-dir", shared_data_dir()});
    INFO(ok.err);
    // Everything present verifies, GPQA Diamond against its pinned sha256; only the gated
    // and unpublished files (HealthBench, HLE) are reported missing.
    CHECK(ok.err.find("checksum mismatch") == std::string::npos);
    CHECK(ok.err.find("gpqa") == std::string::npos);
    CHECK(ok.err.find("'hle'") != std::string::npos);
    std::string gpqa_line = ok.out.substr(ok.out.find("gpqa-diamond"));
    gpqa_line = gpqa_line.substr(0, gpqa_line.find('\n'));
    CHECK(gpqa_line.find("41d1213c") != std::string::npos);
    CHECK(gpqa_line.find("unpinned") == std::string::npos);
  }
}
