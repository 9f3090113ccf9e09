// Sample programs end to end over loopback HTTP: synthesize (K attempts, then a synthesis call),
// its resume after kill -9, and a vote over a judge-graded suite.

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

TEST_CASE("synthesize stores K attempts and the synthesis as calls of the sample, in order",
          "[integration][synthesize]") {
  TempDir dir;
  const int n = 30;
  std::string suite = write_numeric_suite(dir, n, " [[p:0.5]]");
  MockServer mock;
  std::string db = dir.file("s.db");
  std::string model = "openai:mock@" + mock.base_url() + "?temperature=0.8&stream=false";
  ProcessResult plain = run({assay_binary(), "run", "-m", model, "-s", suite, "--db", db});
  REQUIRE(plain.exit_code == 0);
  ProcessResult r = run({assay_binary(), "run", "-m", model + "&synthesize=4", "-s", suite, "--db",
                         db, "--reuse-answers"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Attempt 0 is the plain call: asked to, it reuses the stored answer; 3 more attempts and a
  // synthesis are sent per sample.
  REQUIRE(mock.counter("status_200") == n + 4 * n);
  REQUIRE(sql_scalar(db, "SELECT program FROM runs WHERE id=2") == "synthesize=4");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=2") == 5 * n);
  for (int seq = 0; seq < 4; ++seq) {
    REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=2 AND seq=" +
                              std::to_string(seq) + " AND role='generate' AND label='attempt " +
                              std::to_string(seq) + "'") == n);
  }
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE run_id=2 AND seq=4 AND "
                    "role='synthesize' AND messages LIKE '%<response 4>%'") == n);
  // The sample's answer is the synthesis's; its tokens are those of all five calls.
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples s WHERE run_id=2 AND output = (SELECT "
                    "output FROM calls c WHERE c.run_id=2 AND c.sample_id=s.sample_id AND "
                    "c.seq=4)") == n);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples s WHERE run_id=2 AND tokens_out = (SELECT "
                    "SUM(tokens_out) FROM calls c WHERE c.run_id=2 AND "
                    "c.sample_id=s.sample_id)") == n);
  // Its own leaderboard entry.
  JsonValue runs = runs_json(db);
  REQUIRE(runs.items()[1].find("model")->as_string() ==
          runs.items()[0].find("model")->as_string() + "&synthesize=4");
  // The calls of one sample, in order.
  ProcessResult calls = run({assay_binary(), "show", "2", "--db", db, "--calls", "q/3"});
  REQUIRE(calls.exit_code == 0);
  REQUIRE(calls.out.find("synthesis of 4 attempts") != std::string::npos);
  REQUIRE(calls.out.find("attempt 3") != std::string::npos);
  ProcessResult json = run({assay_binary(), "show", "2", "--db", db, "--calls", "q/3", "--json"});
  std::vector<JsonValue> lines = parse_json_lines(json.out);
  REQUIRE(lines.size() == 5);
  REQUIRE(lines[4].find("role")->as_string() == "synthesize");
  REQUIRE(lines[4].find("messages")->is_array());
  REQUIRE(lines[0].find("cached")->as_bool());  // attempt 0: the plain run's answer
}

TEST_CASE("a synthesis prompt of one's own: used, part of the run, and checked",
          "[integration][synthesize]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 5);
  MockServer mock;
  std::string db = dir.file("s.db");
  std::string model = "openai:mock@" + mock.base_url() + "?temperature=0.5&stream=false";
  write_file(dir.file("mine.txt"),
             "Pick the best of {{k}}.\n\nQUESTION: {{question}}\n\n{{responses}}\n");
  ProcessResult r = run({assay_binary(), "run", "-m", model, "-s", suite, "--db", db,
                         "--synthesize", "2", "--synthesis-prompt", dir.file("mine.txt")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE role='synthesize' AND messages LIKE "
                    "'%Pick the best of 2.%QUESTION: Solve it.%<response 2>%'") == 5);
  REQUIRE(sql_scalar(db, "SELECT program FROM runs").rfind("synthesize=2 prompt=sha256:", 0) == 0);
  REQUIRE(sql_scalar(db, "SELECT model_spec FROM runs").find("synthesis_prompt=") !=
          std::string::npos);
  write_file(dir.file("bad.txt"), "No placeholders here.\n");
  ProcessResult bad = run({assay_binary(), "run", "-m",
                           model + "&synthesize=2&synthesis_prompt=" + dir.file("bad.txt"), "-s",
                           suite, "--db", db});
  REQUIRE(bad.exit_code == 2);
  REQUIRE(bad.err.find("bad.txt' has no {{question}}") != std::string::npos);
  ProcessResult both =
      run({assay_binary(), "run", "-m", model + "&vote=3&synthesize=2", "-s", suite, "--db", db});
  REQUIRE(both.exit_code == 2);
  REQUIRE(both.err.find("vote=K and synthesize=K are two programs") != std::string::npos);
  ProcessResult orphan = run({assay_binary(), "run", "-m", model, "-s", suite, "--db", db,
                              "--synthesis-prompt", dir.file("mine.txt")});
  REQUIRE(orphan.exit_code == 2);
}

TEST_CASE("kill -9 after the attempts, then the same command sends only the synthesis calls",
          "[integration][synthesize][resume]") {
  TempDir dir;
  const int n = 10;
  std::string suite = write_numeric_suite(dir, n);
  std::string db = dir.file("k.db");
  int port = 0;
  std::vector<std::string> args;
  {
    // The synthesis calls hang: the run is killed while they are in flight.
    MockServer slow({"--slow-when", "<response 1>=60000"});
    port = slow.port();
    args = {assay_binary(), "run", "-m",   "openai:mock@" + slow.base_url() + "?temperature=0.7",
            "-s",           suite, "--db", db,
            "--synthesize", "3"};
    Process p(args);
    // The attempts are stored as soon as the synthesis that depends on them is sent.
    for (int i = 0; i < 3000 && sql_count(db, "SELECT COUNT(*) FROM calls") < 3 * n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls") == 3 * n);
    p.signal(SIGKILL);
    p.wait(10);
    // The mock counts a request when it takes it: 30 attempts answered, 10 syntheses taken and
    // never answered.
    REQUIRE(slow.counter("status_200") == 4 * n);
  }
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 0);
  MockServer healthy({"--port", std::to_string(port)});
  ProcessResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.find("resuming run 1") != std::string::npos);
  REQUIRE(healthy.counter("status_200") == n);  // only the syntheses
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == n);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE role='synthesize'") == n);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls") == 4 * n);
  // The mock synthesizes the answer most attempts agree on: right here, since it is always
  // right at its default accuracy.
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") ==
          n);
}

TEST_CASE("voting over a judge-graded suite: the judge grades every vote", "[integration][vote]") {
  TempDir dir;
  std::string suite = write_rubric_suite(dir);
  MockServer mock;
  std::string db = dir.file("vj.db");
  std::string judge = "openai:judge@" + mock.base_url();
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url() + "?temperature=0.7", "-s",
           suite, "--db", db, "--judge", judge, "--vote", "3"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 3 conversations × 3 votes; 8 criteria × 3 votes judged.
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls WHERE role='vote'") == 9);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE role='judge' AND grading IS NOT "
                    "NULL") == 24);
  // The scripted verdicts do not depend on the answer: every vote scores what one answer does.
  REQUIRE(sql_scalar(db,
                     "SELECT value FROM scores WHERE sample_id='hb/ex1' AND "
                     "metric='healthbench'") == "0.125");
  REQUIRE(sql_scalar(db,
                     "SELECT value FROM scores WHERE sample_id='hb/ex3' AND "
                     "metric='healthbench'") == "-1.5");
  REQUIRE(sql_scalar(db, "SELECT judge FROM runs") == "openai:judge");
}

TEST_CASE("one model's modes side by side: score, cost, tokens and the difference to the cheapest",
          "[integration][modes]") {
  TempDir dir;
  const int n = 200;
  std::string suite = write_numeric_suite(dir, n, " [[p:0.45]]");
  write_file(dir.file("prices.toml"),
             "[models.\"openai:mock\"]\ninput = 1.0\ncached_input = 0.5\noutput = 2.0\n");
  MockServer mock;
  std::string db = dir.file("m.db");
  std::string model = "openai:mock@" + mock.base_url() + "?temperature=0.8&stream=false";
  for (const char* mode : {"", "&vote=5", "&synthesize=4"}) {
    ProcessResult r = run({assay_binary(), "run", "-m", model + mode, "-s", suite, "--db", db,
                           "--prices", dir.file("prices.toml")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  ProcessResult runs = run({assay_binary(), "runs", "--db", db});
  REQUIRE(runs.exit_code == 0);
  REQUIRE(runs.out.find("modes of openai:mock?stream=false&temperature=0.8") != std::string::npos);
  ProcessResult report = run({assay_binary(), "report", "--db", db, "--format", "json"});
  REQUIRE(report.exit_code == 0);
  Result<JsonValue> doc = parse_json(report.out);
  REQUIRE(doc);
  const JsonValue& groups = *doc->find("modes");
  REQUIRE(groups.items().size() == 1);
  const JsonValue& g = groups.items()[0];
  CHECK(g.find("cheapest_by")->as_string() == "cost");
  const auto& modes = g.find("modes")->items();
  REQUIRE(modes.size() == 3);
  // Cheapest first: one call a sample; then vote=5 (5 calls), then synthesize=4 (5 calls with a
  // longer synthesis prompt).
  CHECK(modes[0].find("mode")->as_string() == "default");
  CHECK(modes[0].find("vs_cheapest") == nullptr);
  CHECK(modes[1].find("mode")->as_string() == "vote=5");
  CHECK(modes[2].find("mode")->as_string() == "synthesize=4");
  double c0 = modes[0].find("cost_per_sample")->as_double();
  CHECK(modes[1].find("cost_per_sample")->as_double() == Approx(5 * c0).epsilon(0.02));
  CHECK(modes[2].find("cost_per_sample")->as_double() >
        modes[1].find("cost_per_sample")->as_double());
  // Both sampled modes beat one sampled answer at p = 0.45: the majority of 5 is right more
  // often, and the mock synthesizes the attempts' majority.
  for (size_t i = 1; i < 3; ++i) {
    const JsonValue& d = *modes[i].find("vs_cheapest");
    CHECK(d.find("n")->as_int() == n);
    CHECK(d.find("diff")->as_double() > 0);
    CHECK(d.find("diff")->as_double() ==
          Approx(modes[i].find("score")->as_double() - modes[0].find("score")->as_double()));
  }
}
