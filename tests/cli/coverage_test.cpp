// What a run covered of its suite, through the real binary on the released MMLU data:
// `--sample N --seed S` is a stratified draw that is the same for every model, `--limit N` takes
// the first N, and runs, show, reports and indexes say so.

#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

std::vector<std::string> run_args(const std::string& model, const std::string& suite,
                                  const std::string& db, std::vector<std::string> extra) {
  std::vector<std::string> a = {assay_binary(), "run",  "--model", model,        "--suite",
                                suite,          "--db", db,        "--data-dir", shared_data_dir()};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::set<std::string> sample_ids(const std::string& db, const std::string& run_id) {
  std::set<std::string> ids;
  for (const auto& [id, sample] : show_samples_json(db, run_id)) ids.insert(id);
  return ids;
}

}  // namespace

TEST_CASE("a sample of 50 with seed 1 on mmlu covers most subjects and is the same for two models",
          "[integration][coverage][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("c.db");
  for (const char* model : {"oracle", "random?seed=4"}) {
    ProcessResult r = run(run_args(model, "mmlu", db, {"--sample", "50", "--seed", "1"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // The summary after the run shows the coverage.
    REQUIRE(r.out.find("50/14,042") != std::string::npos);
  }
  std::set<std::string> first = sample_ids(db, "1");
  REQUIRE(first.size() == 50);
  REQUIRE(sample_ids(db, "2") == first);
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  std::smatch m;
  REQUIRE(std::regex_search(show.out, m,
                            std::regex(R"(samples: 50 of 14,042 \(sample 50 seed 1\); subject: )"
                                       R"((\d+) of 57 covered \(partial)")));
  REQUIRE(std::stoi(m[1].str()) >= 40);
  // Another seed draws other questions.
  REQUIRE(run(run_args("oracle", "mmlu", db, {"--sample", "50", "--seed", "2"})).exit_code == 0);
  REQUIRE(sample_ids(db, "3") != first);
  // --limit takes one subject's first 50, and says so.
  REQUIRE(run(run_args("oracle", "mmlu", db, {"--limit", "50", "--name", "lim"})).exit_code == 0);
  ProcessResult limited = run({assay_binary(), "show", "lim", "--db", db});
  REQUIRE(limited.out.find("samples: 50 of 14,042 (first 50); subject: 1 of 57 covered") !=
          std::string::npos);
  ProcessResult listing = run({assay_binary(), "runs", "--db", db});
  REQUIRE(listing.out.find("coverage") != std::string::npos);
  REQUIRE(listing.out.find("50/14,042") != std::string::npos);
  JsonValue runs = runs_json(db);
  const JsonValue* coverage = runs.items()[0].find("coverage");
  REQUIRE(coverage != nullptr);
  REQUIRE(coverage->find("selection")->as_string() == "sample 50 seed 1");
  REQUIRE(coverage->find("partial")->as_bool());
  // Reports: the Markdown table's samples column, the page's partial marks.
  ProcessResult md = run({assay_binary(), "report", "--db", db, "--format", "md"});
  REQUIRE(md.out.find("| 50 of 14,042 (first 50); subject: 1 of 57 covered |") !=
          std::string::npos);
  ProcessResult csv = run({assay_binary(), "report", "--db", db, "--format", "csv"});
  REQUIRE(csv.out.find(",first 50,50,14042,true") != std::string::npos);
  REQUIRE(run({assay_binary(), "report", "--db", db, "--out", dir.file("r.html")}).exit_code == 0);
  std::string html = read_file(dir.file("r.html"));
  REQUIRE(html.find(R"("partial":["science"])") != std::string::npos);
  REQUIRE(html.find("50 of 14,042 (first 50)") != std::string::npos);
}

TEST_CASE("a run with both a limit and a sample is refused before anything runs",
          "[integration][coverage]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 10);
  std::string db = dir.file("c.db");
  ProcessResult r = run({assay_binary(), "run", "--model", "oracle", "--suite", suite, "--db", db,
                         "--limit", "3", "--sample", "3"});
  REQUIRE(r.exit_code == 2);
  REQUIRE(r.err.find("--limit and --sample cannot be combined") != std::string::npos);
  ProcessResult negative = run(
      {assay_binary(), "run", "--model", "oracle", "--suite", suite, "--db", db, "--sample", "-1"});
  REQUIRE(negative.exit_code == 2);
}

TEST_CASE("an index over a partial member run says it is partial", "[integration][coverage]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string db = dir.file("c.db");
  REQUIRE(run(run_args("oracle", "mmlu-pro", db, {"--sample", "30", "--seed", "2"})).exit_code ==
          0);
  ProcessResult index = run({assay_binary(), "index", "aa-v2", "--db", db, "--json"});
  REQUIRE(index.exit_code == 0);
  auto doc = parse_json(index.out);
  REQUIRE(doc);
  bool found = false;
  for (const JsonValue& member : doc->items()[0].find("members")->items()) {
    if (member.find("suite")->as_string() != "mmlu-pro") continue;
    found = true;
    REQUIRE(member.find("partial")->as_bool());
    REQUIRE(member.find("coverage")->find("selected")->as_int() == 30);
  }
  REQUIRE(found);
  REQUIRE(doc->items()[0].find("partial")->as_bool());
  ProcessResult table = run({assay_binary(), "index", "aa-v2", "--db", db});
  REQUIRE(std::regex_search(table.out, std::regex(R"(mmlu-pro .* 30/12,\d{3})")));
}
