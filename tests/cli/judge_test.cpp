// Judge-graded scoring end to end: a model and a judge (two mock servers with different keys)
// over loopback HTTP; HealthBench-format fixtures with scripted verdicts.

#include <catch2/catch.hpp>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

TEST_CASE("a judge grades each rubric criterion over HTTP and the verdicts are stored",
          "[integration][judge]") {
  TempDir dir;
  std::string suite = write_rubric_suite(dir, "fixture.jsonl");
  MockServer model({"--require-key", "sk-model-123"});
  // The judge rate-limits a third of its requests: they are retried like any other.
  MockServer judge({"--require-key", "sk-judge-456", "--fail-429", "0.3", "--retry-after", "0"});
  std::string db = dir.file("j.db");
  std::vector<std::string> args = {
      assay_binary(), "run",
      "-m",           "openai:mock@" + model.base_url(),
      "-s",           suite,
      "--db",         db,
      "--judge",      "openai:judge@" + judge.base_url() + "?api_key_env=JUDGE_KEY"};
  ProcessResult r = run(args, {{"OPENAI_API_KEY", "sk-model-123"}, {"JUDGE_KEY", "sk-judge-456"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Hand-computed in tests/data/healthbench/README.md.
  REQUIRE(sql_scalar(db,
                     "SELECT value FROM scores WHERE sample_id='hb/ex1' AND "
                     "metric='healthbench'") == "0.125");
  REQUIRE(sql_scalar(db,
                     "SELECT value FROM scores WHERE sample_id='hb/ex2' AND "
                     "metric='healthbench'") == "1.0");
  REQUIRE(sql_scalar(db,
                     "SELECT value FROM scores WHERE sample_id='hb/ex3' AND "
                     "metric='healthbench'") == "-1.5");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='healthbench/axis:accuracy'") ==
          3);
  // The run mean (-0.125) is clipped to 0, with a bootstrap SE; each tag likewise over the
  // examples that carry it.
  REQUIRE(sql_scalar(db, "SELECT aggregations FROM runs") == R"({"healthbench":"clipped_mean"})");
  ProcessResult listed = run({assay_binary(), "runs", "--db", db, "--json"});
  REQUIRE(listed.exit_code == 0);
  Result<JsonValue> runs = parse_json(listed.out);
  REQUIRE(runs);
  const JsonValue& hb = runs->items().at(0);
  REQUIRE(hb.find("score")->as_double() == 0.0);
  REQUIRE(hb.find("raw_score")->as_double() == Approx(-0.125));
  REQUIRE(hb.find("aggregation")->as_string() == "clipped_mean");
  REQUIRE(hb.find("stderr")->as_double() > 0.1);
  REQUIRE(hb.find("ci_low")->as_double() == 0.0);
  const JsonValue* breakdown = hb.find("breakdown");
  REQUIRE(breakdown != nullptr);
  const JsonValue* accuracy = breakdown->find("healthbench/axis:accuracy");
  REQUIRE(accuracy != nullptr);
  REQUIRE(accuracy->find("raw_score")->as_double() == Approx(-0.6111).epsilon(1e-3));
  REQUIRE(accuracy->find("score")->as_double() == 0.0);
  REQUIRE(breakdown->find("healthbench/axis:completeness")->find("score")->as_double() == 1.0);
  REQUIRE(breakdown->find("healthbench/axis:completeness")->find("n")->as_int() == 1);
  REQUIRE(breakdown->find("healthbench/axis:communication")->find("score")->as_double() == 1.0);
  REQUIRE(breakdown->find("healthbench/theme:hedging")->find("score")->as_double() == 0.125);
  REQUIRE(breakdown->find("healthbench/theme:emergency_referrals")->find("score")->as_double() ==
          0.0);
  ProcessResult shown = run({assay_binary(), "show", "1", "--db", db});
  REQUIRE(shown.exit_code == 0);
  REQUIRE(shown.out.find("healthbench/axis:accuracy") != std::string::npos);
  REQUIRE(shown.out.find("clipped (raw mean -0.611)") != std::string::npos);
  REQUIRE(r.out.find("every metric") != std::string::npos);
  // Eight criteria, eight judge answers, each stored with its prompt, reply and verdict.
  REQUIRE(judge.counter("status_200") == 8);
  REQUIRE(judge.counter("fault_429") > 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE role='judge'") == 8);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE role='judge' AND "
                    "json_extract(grading, '$.verdict.criteria_met') IN (0, 1) AND "
                    "messages LIKE '%# Rubric item%' AND output LIKE '%criteria_met%' AND "
                    "seq >= 1") == 8);
  REQUIRE(sql_scalar(db, "SELECT judge FROM runs") ==
          "openai:judge");  // recorded with the run (no key)
  // Neither key is stored anywhere in the database (or its WAL).
  std::string bytes = read_file(db) + read_file(db + "-wal");
  REQUIRE(bytes.find("sk-model-123") == std::string::npos);
  REQUIRE(bytes.find("sk-judge-456") == std::string::npos);
  REQUIRE(r.err.find("sk-judge-456") == std::string::npos);

  // The same command again, asked to reuse answers: a new run answered from storage, judge
  // included.
  args.push_back("--reuse-answers");
  ProcessResult again =
      run(args, {{"OPENAI_API_KEY", "sk-model-123"}, {"JUDGE_KEY", "sk-judge-456"}});
  REQUIRE(again.exit_code == 0);
  REQUIRE(judge.counter("status_200") == 8);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=2 AND metric='healthbench'") ==
          3);
}

TEST_CASE("an unusable judge reply is retried, then the sample is unscored as judge_error",
          "[integration][judge]") {
  TempDir dir;
  std::string suite = write_rubric_suite(dir, "malformed_judge.jsonl");
  MockServer mock;
  std::string db = dir.file("j.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite, "--db", db,
           "--judge", "openai:judge@" + mock.base_url(), "--max-retries", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_scalar(db, "SELECT unscored_reason FROM scores WHERE metric='healthbench'") ==
          "judge_error");
  REQUIRE(sql_scalar(db, "SELECT value IS NULL FROM scores WHERE metric='healthbench'") == "1");
  // The judge call is stored with its error, which quotes the unusable reply.
  REQUIRE(sql_scalar(db, "SELECT error_kind FROM calls WHERE role='judge'") ==
          "malformed_response");
  REQUIRE(sql_scalar(db,
                     "SELECT error_message LIKE '%I think it is met.%' FROM calls WHERE "
                     "role='judge'") == "1");
  REQUIRE(sql_scalar(db, "SELECT attempts FROM calls WHERE role='judge'") == "3");
  // One model request and three judge requests (the first try and two retries).
  REQUIRE(mock.counter("status_200") == 4);
}

TEST_CASE("judge timeouts are retried and a judge-graded suite needs --judge",
          "[integration][judge]") {
  TempDir dir;
  std::string suite = write_rubric_suite(dir, "fixture.jsonl");
  MockServer model;
  ProcessResult missing = run({assay_binary(), "run", "-m", "openai:mock@" + model.base_url(), "-s",
                               suite, "--db", dir.file("a.db")});
  REQUIRE(missing.exit_code == 2);
  REQUIRE(missing.err.find("is graded by a judge model: give one with --judge SPEC") !=
          std::string::npos);
  // A judge that never answers a fifth of its requests: the idle timeout retries them.
  MockServer slow_judge({"--hang", "0.2", "--seed", "3"});
  std::string db = dir.file("t.db");
  ProcessResult r = run({assay_binary(), "run", "-m", "openai:mock@" + model.base_url(), "-s",
                         suite, "--db", db, "--judge", "openai:judge@" + slow_judge.base_url(),
                         "--idle-timeout", "0.5", "--timeout", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(slow_judge.counter("fault_hang") > 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='healthbench' AND value IS NOT "
                    "NULL") == 3);
}
