// Self-consistency (`--vote K`) end to end over loopback HTTP: K sampled answers per question,
// the majority scored, the votes stored, the cache shared with unvoted runs, the voted model a
// separate leaderboard entry whose cost covers all K answers.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// SQL: the number of vote calls of the `samples` row at hand.
const std::string kVotesOfSample =
    "(SELECT COUNT(*) FROM calls c WHERE c.run_id=samples.run_id AND "
    "c.sample_id=samples.sample_id AND c.epoch=samples.epoch AND c.role='vote')";

// The answer a sample's stored votes agree on for `metric` (ties: the earliest), recomputed
// from `assay show --json`'s votes; "" when no vote was scored.
std::string recount_majority(const JsonValue& votes, const std::string& metric) {
  std::vector<std::pair<std::string, int>> counts;
  for (const JsonValue& v : votes.items()) {
    for (const JsonValue& sc : v.find("grading")->find("scores")->items()) {
      if (sc.find("metric")->as_string() != metric || sc.find("value")->is_null()) continue;
      std::string a = sc.find("answer")->as_string();
      auto it = std::find_if(counts.begin(), counts.end(), [&](auto& c) { return c.first == a; });
      if (it == counts.end()) {
        counts.emplace_back(a, 1);
      } else {
        ++it->second;
      }
    }
  }
  std::string best;
  int n = 0;
  for (const auto& [a, c] : counts) {
    if (c > n) {
      best = a;
      n = c;
    }
  }
  return best;
}

std::vector<JsonValue> show_json(const std::string& db, const std::string& run_id) {
  ProcessResult r = run({assay_binary(), "show", run_id, "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  return parse_json_lines(r.out);
}

}  // namespace

TEST_CASE("voting samples K answers, scores the majority and stores every vote",
          "[integration][vote]") {
  TempDir dir;
  const int n = 40;
  std::string suite = write_numeric_suite(dir, n, " [[p:0.45]]");
  write_file(dir.file("prices.toml"),
             "[models.\"openai:mock\"]\ninput = 1.0\ncached_input = 0.5\noutput = 2.0\n");
  MockServer mock;
  std::string db = dir.file("v.db");
  std::string model = "openai:mock@" + mock.base_url() + "?temperature=0.8&stream=false";
  auto run_with = [&](const std::string& spec, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        assay_binary(), "run",  "-m", spec,       "-s",
        suite,          "--db", db,   "--prices", dir.file("prices.toml")};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };

  run_with(model);  // run 1: one sampled answer per question
  REQUIRE(mock.counter("status_200") == n);
  ProcessResult voted = run_with(model, {"--vote", "5", "--reuse-answers"});  // run 2
  // Vote 0 is the unvoted request: asked to, it reuses run 1's stored answer; four more are
  // sent.
  REQUIRE(mock.counter("status_200") == n + 4 * n);
  REQUIRE(voted.err.find("(a sample costs all its calls)") != std::string::npos);

  REQUIRE(sql_count(db, "SELECT votes FROM runs WHERE id=2") == 5);
  REQUIRE(sql_count(
              db, "SELECT COUNT(*) FROM samples WHERE run_id=2 AND " + kVotesOfSample + "=5") == n);
  // Run 1's samples each have one plain call; vote 0 of run 2 reuses it (stored as cached).
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=1 AND role='generate'") == n);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=2 AND seq=0 AND cached=1") == n);
  // A sample's tokens and cost are those of its five answers.
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE run_id=2 AND tokens_out = (SELECT "
                    "SUM(c.tokens_out) FROM calls c WHERE c.run_id=2 AND "
                    "c.sample_id=samples.sample_id AND c.epoch=samples.epoch)") == n);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE run_id=2 AND abs(cost - (SELECT "
                    "SUM(c.cost) FROM calls c WHERE c.run_id=2 AND c.sample_id=samples.sample_id "
                    "AND c.epoch=samples.epoch)) < 1e-12 AND cost > 0") == n);
  // Every vote's answer is stored under its own key (vote 0's is the plain call's).
  REQUIRE(sql_count(db, "SELECT COUNT(DISTINCT request_key) FROM calls") == 5 * n);

  // The stored score is the majority of the stored votes, recounted here.
  int majority_right = 0;
  int votes_right = 0;
  int disagreements = 0;
  for (const JsonValue& row : show_json(db, "2")) {
    const JsonValue& votes = *row.find("votes");
    REQUIRE(votes.items().size() == 5);
    std::string expect = recount_majority(votes, "gsm8k_strict");
    REQUIRE(row.find("answer")->as_string() == expect);
    bool right = expect == row.find("target")->as_string();
    REQUIRE(row.find("score")->as_double() == (right ? 1.0 : 0.0));
    majority_right += right ? 1 : 0;
    std::set<std::string> distinct;
    for (const JsonValue& v : votes.items()) {
      std::string a = v.find("grading")->find("scores")->items()[0].find("answer")->as_string();
      distinct.insert(a);
      votes_right += a == row.find("target")->as_string() ? 1 : 0;
    }
    disagreements += distinct.size() > 1 ? 1 : 0;
  }
  // Sampling varies the answers, and the majority of five beats a single sampled answer.
  REQUIRE(disagreements > n / 2);
  REQUIRE(majority_right * 5 > votes_right);

  // The voted model is its own leaderboard entry, named with the vote count.
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items().size() == 2);
  std::string plain_name = runs.items()[0].find("model")->as_string();
  REQUIRE(plain_name.find("vote=") == std::string::npos);
  REQUIRE(runs.items()[1].find("model")->as_string() == plain_name + "&vote=5");

  // ?vote=3 in the SPEC: all three votes are stored already, nothing is sent.
  run_with(model + "&vote=3", {"--reuse-answers"});
  REQUIRE(mock.counter("status_200") == 5 * n);
  REQUIRE(sql_count(
              db, "SELECT COUNT(*) FROM samples WHERE run_id=3 AND " + kVotesOfSample + "=3") == n);
  ProcessResult show = run({assay_binary(), "show", "3", "--db", db});
  REQUIRE(show.exit_code == 0);
  REQUIRE(show.out.find("votes") != std::string::npos);
  REQUIRE(show.out.find(" x") != std::string::npos);
}

TEST_CASE("failed votes abstain and are retried on resume, answered ones are not resent",
          "[integration][vote]") {
  TempDir dir;
  const int n = 20;
  std::string suite = write_numeric_suite(dir, n);
  std::string db = dir.file("v.db");
  auto run_against = [&](const std::string& base_url, int exit_code) {
    ProcessResult r =
        run({assay_binary(), "run", "-s", suite, "--db", db, "--vote", "3", "--max-retries", "0",
             "--max-error-rate", "0", "-m", "openai:mock@" + base_url + "?temperature=0.5"});
    INFO(r.err);
    REQUIRE(r.exit_code == exit_code);
    return r;
  };
  int port = 0;
  std::string base_url;
  int64_t answered_first = 0;
  {
    // Which sample a 500 lands on depends on how the scheduler interleaves requests, so the
    // failure rate is high and any sample with all three votes failed fails the run: with 70%
    // of requests failing, a run with none is a 0.657^20 ≈ 2e-4 event, not a timing race.
    MockServer flaky({"--fail-500", "0.7", "--seed", "7"});
    port = flaky.port();
    base_url = flaky.base_url();
    // Samples whose three votes all failed exceed --max-error-rate: the run failed (exit 1).
    ProcessResult r = run_against(base_url, 1);
    REQUIRE(r.err.find("failed after retries, above --max-error-rate 0") != std::string::npos);
    REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "failed");
    answered_first = flaky.counter("status_200");
    REQUIRE(answered_first > 0);
    REQUIRE(answered_first < 3 * n);
  }
  // Samples with some failed votes are scored from the others; all-failed ones are errors.
  int64_t partly_failed =
      sql_count(db,
                "SELECT COUNT(*) FROM samples WHERE error_kind IS NULL AND EXISTS (SELECT 1 "
                "FROM calls c WHERE c.run_id=samples.run_id AND c.sample_id=samples.sample_id "
                "AND c.epoch=samples.epoch AND c.error_kind='server_error')");
  REQUIRE(partly_failed > 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND explanation "
                    "LIKE '%unscored: error:server_error x%'") == partly_failed);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE error_kind IS NULL") == answered_first);

  // The same command against a healthy server on the same address: only failed votes are sent.
  MockServer healthy({"--port", std::to_string(port)});
  REQUIRE(healthy.base_url() == base_url);
  // The failed run resumes: its answered votes come from its own stored calls.
  ProcessResult resumed = run_against(base_url, 0);
  REQUIRE(resumed.err.find("resuming run 1 (failed)") != std::string::npos);
  REQUIRE(healthy.counter("status_200") == 3 * n - answered_first);
  REQUIRE(sql_scalar(db, "SELECT COUNT(*) || ' ' || MAX(status) FROM runs") == "1 completed");
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE run_id=1 AND error_kind IS NULL AND "
                    "NOT EXISTS (SELECT 1 FROM calls c WHERE c.run_id=1 AND "
                    "c.sample_id=samples.sample_id AND c.epoch=samples.epoch AND c.error_kind "
                    "IS NOT NULL)") == n);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE run_id=1 AND metric='gsm8k_strict' "
                    "AND value=1") == n);
}

TEST_CASE("the vote count is checked and a warning says when the votes cannot differ",
          "[integration][vote]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 3);
  MockServer mock;
  std::string db = dir.file("v.db");
  std::string model = "openai:mock@" + mock.base_url();
  ProcessResult zero =
      run({assay_binary(), "run", "-m", model, "-s", suite, "--db", db, "--vote", "0"});
  REQUIRE(zero.exit_code == 2);
  REQUIRE(zero.err.find("--vote and --synthesize must be between 1 and 1000") != std::string::npos);
  ProcessResult bad =
      run({assay_binary(), "run", "-m", model + "?vote=many", "-s", suite, "--db", db});
  REQUIRE(bad.exit_code == 2);
  REQUIRE(bad.err.find("vote=many: expected a whole number from 1 to 1000") != std::string::npos);
  // The suite samples at temperature 0: the warning says how to vary the votes, the run goes on.
  ProcessResult cold =
      run({assay_binary(), "run", "-m", model + "?vote=3", "-s", suite, "--db", db});
  REQUIRE(cold.exit_code == 0);
  REQUIRE(cold.err.find("samples 3 answers at temperature 0") != std::string::npos);
  REQUIRE(mock.counter("status_200") == 9);
}

TEST_CASE("an interrupted voted run resumes without asking any vote twice",
          "[integration][vote][resume]") {
  TempDir dir;
  const int n = 60;
  std::string suite = write_numeric_suite(dir, n);
  MockServer mock({"--latency-ms", "50"});
  std::string db = dir.file("v.db");
  std::vector<std::string> args = {assay_binary(),
                                   "run",
                                   "-m",
                                   "openai:mock@" + mock.base_url() + "?temperature=0.7",
                                   "-s",
                                   suite,
                                   "--db",
                                   db,
                                   "--vote",
                                   "3",
                                   "--concurrency",
                                   "4"};
  {
    Process p(args);
    for (int i = 0; i < 3000 && sql_count(db, "SELECT COUNT(*) FROM samples") < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    p.signal(SIGINT);
    ProcessResult r = p.wait(30);
    INFO(r.err);
    REQUIRE(r.exit_code == 130);
  }
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "interrupted");
  int64_t stored = sql_count(db, "SELECT COUNT(*) FROM samples");
  REQUIRE(stored < n);
  // Answered votes of unfinished samples are kept too (at least the stored samples' votes).
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE error_kind IS NULL") >= 3 * stored);
  ProcessResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "completed");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE " + kVotesOfSample + "=3") == n);
  REQUIRE(mock.counter("status_200") == 3 * n);
}
