// A database written by the release before the calls table (schema 6) opens with this assay,
// upgrades in place (cached responses, votes and judgements become calls), and every stored run
// resumes or repeats without sending a request for what is stored.
// The fixture and how it was made: tests/data/schema_v6/README.md.

#include <catch2/catch.hpp>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

const std::string kFixtureDir = std::string(ASSAY_TEST_DATA_DIR) + "/schema_v6";
// The port the fixture's runs used: part of their identity and of every request key.
constexpr int kFixturePort = 41247;

}  // namespace

TEST_CASE("a schema 6 database upgrades in place and resumes with no request for what is stored",
          "[integration][schema][resume]") {
  TempDir dir;
  std::string db = dir.file("v6.db");
  REQUIRE(sql_script(db, read_file(kFixtureDir + "/fixture.sql")));
  REQUIRE(sql_scalar(db, "PRAGMA user_version") == "6");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM response_cache") == 166);

  // Opening it upgrades it.
  ProcessResult runs = run({assay_binary(), "runs", "--db", db});
  INFO(runs.err);
  REQUIRE(runs.exit_code == 0);
  REQUIRE(sql_scalar(db, "PRAGMA user_version") == "12");
  // A run stored before schema 9 does not know what it covered.
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM runs WHERE coverage != ''") == 0);
  REQUIRE(sql_scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='response_cache'") == "0");
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM pragma_table_info('samples') WHERE name IN "
                    "('votes','judgements')") == 0);
  // Every cached response is one call: plain answers, votes with their scores, judge replies
  // with their verdicts, and the two answered votes no sample named (kept under run 0).
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls") == 166);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE run_id=1 AND role='generate' AND "
                    "seq=0") == 30);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE run_id=2 AND role='vote' AND "
                    "json_extract(grading, '$.scores[0].metric') IS NOT NULL") == 90);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE run_id=3 AND role='judge' AND seq>=1 "
                    "AND json_type(grading, '$.verdict.criteria_met') IN ('true','false') "
                    "AND messages LIKE '%Rubric item%'") == 8);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=4 AND role='vote'") == 33);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=0") == 2);
  REQUIRE(sql_scalar(db,
                     "SELECT group_concat(program, ',') FROM (SELECT program FROM runs ORDER "
                     "BY id)") == "generate,vote=3,generate,vote=3");
  // The stored runs read as before: the votes of run 2 tallied, run 3's judge calls listed.
  ProcessResult show = run({assay_binary(), "show", "2", "--db", db});
  REQUIRE(show.exit_code == 0);
  REQUIRE(show.out.find(" x") != std::string::npos);
  ProcessResult calls = run({assay_binary(), "show", "3", "--db", db, "--calls", "hb/ex1"});
  REQUIRE(calls.exit_code == 0);
  REQUIRE(calls.out.find("judge") != std::string::npos);

  MockServer mock({"--port", std::to_string(kFixturePort)});
  std::string url = "http://127.0.0.1:" + std::to_string(kFixturePort) + "/v1";
  auto assay_run = [&](const std::string& spec, const std::string& suite,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        assay_binary(), "run", "-m", spec, "-s", kFixtureDir + "/" + suite, "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };
  // The interrupted run resumes: its stored samples are not evaluated again and the answered
  // votes of the others (two of them stored by no sample) are reused: 90 - 33 - 2 requests.
  ProcessResult resumed =
      assay_run("openai:mock@" + url + "?temperature=0.9&stream=false&vote=3", "numbers.toml");
  REQUIRE(resumed.err.find("resuming run 4") != std::string::npos);
  REQUIRE(mock.counter("status_200") == 55);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs WHERE id=4") == "completed");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=4 AND role='vote'") == 90);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE run_id=4") == 30);

  // The completed runs' commands again: new runs, whose calls are all sent (schema 8: another
  // run's answers only with --reuse-answers, and stream=false is now part of the request key,
  // so even that would not find the old keys): 30 + 90 + 3 answers + 8 judge questions.
  assay_run("openai:mock@" + url + "?stream=false", "numbers.toml", {"--reuse-answers"});
  assay_run("openai:mock@" + url + "?temperature=0.8&stream=false&vote=3", "numbers.toml");
  assay_run("openai:mock@" + url + "?stream=false", "rubric.toml",
            {"--judge", "openai:judge@" + url + "?stream=false"});
  REQUIRE(mock.counter("status_200") == 55 + 131);
  // ... holding the same samples and metrics as the runs they repeat, every answer fresh.
  for (auto [a, b] : {std::pair{1, 5}, std::pair{2, 6}, std::pair{3, 7}}) {
    std::string keys =
        "SELECT group_concat(sample_id || metric, ',') FROM (SELECT * FROM scores WHERE run_id=";
    REQUIRE(sql_scalar(db, keys + std::to_string(a) + " ORDER BY sample_id, metric)") ==
            sql_scalar(db, keys + std::to_string(b) + " ORDER BY sample_id, metric)"));
    REQUIRE(sql_scalar(db, "SELECT calls_reused FROM runs WHERE id=" + std::to_string(b)) == "0");
  }
  // The upgraded runs say their server was not recorded; the new ones what it served.
  REQUIRE(sql_scalar(db, "SELECT served FROM runs WHERE id=1") == "(not recorded before schema 8)");
  REQUIRE(sql_scalar(db, "SELECT served FROM runs WHERE id=5") ==
          "mock root=/models/mock-weights-1");
}
