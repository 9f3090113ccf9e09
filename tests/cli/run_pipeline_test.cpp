// End-to-end runs of the real `assay` binary against the real mock server over loopback HTTP,
// with a real SQLite file.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <optional>
#include <thread>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

std::vector<std::string> run_args(const std::string& model, const std::string& suite,
                                  const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {assay_binary(), "run", "--model", model,
                                "--suite",      suite, "--db",    db};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("every sample is stored exactly once under 500s, 429s and truncated bodies",
          "[integration][faults]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 2000);
  MockServer mock({"--fail-500", "0.1", "--fail-429", "0.1", "--retry-after", "1", "--truncate",
                   "0.05", "--seed", "11"});
  std::string db = dir.file("r.db");
  ProcessResult r =
      run(run_args("openai:mock@" + mock.base_url(), suite, db, {"--concurrency", "64"}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 2000);
  REQUIRE(sql_count(db, "SELECT COUNT(DISTINCT sample_id) FROM samples") == 2000);
  // Every sample is either scored correct or stored with its error kind.
  int64_t ok = sql_count(db,
                         "SELECT COUNT(*) FROM samples s JOIN scores c USING (run_id, sample_id, "
                         "epoch) WHERE c.metric='gsm8k_flexible' AND c.value=1 AND s.error_kind IS "
                         "NULL");
  int64_t errors = sql_count(db, "SELECT COUNT(*) FROM samples WHERE error_kind IS NOT NULL");
  REQUIRE(ok + errors == 2000);
  REQUIRE(ok >= 1990);
  // The faults really happened, and retries really happened.
  REQUIRE(mock.counter("fault_500") > 100);
  REQUIRE(mock.counter("fault_429") > 100);
  REQUIRE(mock.counter("fault_truncate") > 50);
  REQUIRE(sql_count(db, "SELECT MAX(attempts) FROM samples") >= 2);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "completed");
}

TEST_CASE("hanging connections time out, are retried, and the run finishes",
          "[integration][faults]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 500);
  MockServer mock({"--hang", "0.01", "--seed", "5"});
  std::string db = dir.file("r.db");
  ProcessResult r = run(run_args("openai:mock@" + mock.base_url(), suite, db,
                                 {"--concurrency", "32", "--timeout", "3", "--idle-timeout", "1"}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(mock.counter("fault_hang") > 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE error_kind IS NULL") == 500);
}

TEST_CASE("kill -9 mid-run, then the same command completes without re-asking stored samples",
          "[integration][resume]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 2000);
  MockServer mock({"--latency-ms", "20", "--track-prompts"});
  std::string db = dir.file("r.db");
  auto args = run_args("openai:mock@" + mock.base_url(), suite, db, {"--concurrency", "16"});
  {
    Process p(args);
    for (int i = 0; i < 3000 && sql_count(db, "SELECT COUNT(*) FROM samples") < 400; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    p.signal(SIGKILL);
    REQUIRE(p.wait(10).exit_code == 128 + SIGKILL);
  }
  std::vector<std::string> stored =
      sql_column(db, "SELECT input FROM samples WHERE error_kind IS NULL");
  REQUIRE(stored.size() >= 400);
  REQUIRE(stored.size() < 2000);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "started");

  ProcessResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.find("resuming run 1") != std::string::npos);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM runs") == 1);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "completed");
  REQUIRE(sql_count(db, "SELECT COUNT(DISTINCT sample_id) FROM samples WHERE error_kind IS NULL") ==
          2000);
  JsonValue counters = mock.counters();
  const JsonValue* prompts = counters.find("prompts");
  REQUIRE(prompts);
  for (const auto& input : stored) {
    auto msgs = parse_json(input);
    REQUIRE(msgs);
    std::string content = msgs->items().back().find("content")->as_string();
    const JsonValue* c = prompts->find(content);
    REQUIRE(c);
    INFO(content);
    REQUIRE(c->find("ok")->as_int() == 1);  // answered once, before the kill; never again
  }
}

TEST_CASE("Ctrl-C stops sending, marks the run interrupted, and the next run resumes it",
          "[integration][resume]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 300);
  MockServer mock({"--latency-ms", "100"});
  std::string db = dir.file("r.db");
  auto args = run_args("openai:mock@" + mock.base_url(), suite, db, {"--concurrency", "4"});
  {
    Process p(args);
    for (int i = 0; i < 3000 && sql_count(db, "SELECT COUNT(*) FROM samples") < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    p.signal(SIGINT);
    ProcessResult r = p.wait(30);
    INFO(r.err);
    REQUIRE(r.exit_code == 130);
    REQUIRE(r.err.find("interrupted") != std::string::npos);
  }
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "interrupted");
  int64_t before = sql_count(db, "SELECT COUNT(*) FROM samples");
  REQUIRE(before < 300);
  int64_t requests_before = mock.counter("requests_total");
  ProcessResult r = run(args);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 300);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "completed");
  // Only the missing samples were asked for (+1 for our own /counters call).
  REQUIRE(mock.counter("requests_total") - requests_before == 300 - before + 1);
}

TEST_CASE("a bad API key ends the run quickly with one clear message", "[integration][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 1000);
  MockServer mock({"--require-key", "right-key"});
  std::string db = dir.file("r.db");
  ProcessResult r =
      run(run_args("openai:mock@" + mock.base_url() + "?api_key_env=ASSAY_IT_KEY", suite, db),
          {{"ASSAY_IT_KEY", "wrong-key"}});
  REQUIRE(r.exit_code == 1);
  REQUIRE(r.err.find("HTTP 401") != std::string::npos);
  REQUIRE(r.err.find("API key") != std::string::npos);
  REQUIRE(r.err.find("wrong-key") == std::string::npos);  // the key is never printed
  REQUIRE(mock.counter("status_401") < 64);               // not thousands of retries
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "failed");
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE instr(input, 'wrong-key') > 0 OR "
                    "instr(COALESCE(error_message,''), 'wrong-key') > 0") == 0);
}

TEST_CASE("an unset api_key_env and a malformed base URL are reported before anything is sent",
          "[integration][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 5);
  MockServer mock({"--require-key", "k"});
  std::string db = dir.file("r.db");
  ProcessResult unset =
      run(run_args("openai:mock@" + mock.base_url() + "?api_key_env=MYKEY", suite, db));
  REQUIRE(unset.exit_code == 2);
  REQUIRE(unset.err.find("?api_key_env=MYKEY names an environment variable that is not set") !=
          std::string::npos);
  REQUIRE(mock.counter("requests_total") == 1);  // our /counters call only
  ProcessResult typo = run(run_args("openai:m@htp://127.0.0.1:1/v1", suite, db));
  REQUIRE(typo.exit_code == 2);
  REQUIRE(typo.err.find("the base URL 'htp://127.0.0.1:1/v1' must start with http://, https:// "
                        "or unix:") != std::string::npos);
  REQUIRE(typo.err.find("OPENAI_API_KEY") == std::string::npos);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM runs") <= 0);  // no run (no database, even)
}

TEST_CASE("an unknown model (404) also trips the breaker", "[integration][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 200);
  MockServer mock({"--models", "real-model"});
  ProcessResult r = run(run_args("openai:typo-model@" + mock.base_url(), suite, dir.file("r.db")));
  REQUIRE(r.exit_code == 1);
  REQUIRE(r.err.find("HTTP 404") != std::string::npos);
  REQUIRE(r.err.find("Check the model name") != std::string::npos);
  REQUIRE(mock.counter("status_404") < 64);
}

TEST_CASE("an unreachable server ends the run with one message", "[integration][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 1000);
  std::string url = "http://127.0.0.1:" + std::to_string(unused_port()) + "/v1";
  ProcessResult r = run(run_args("openai:m@" + url, suite, dir.file("r.db")));
  REQUIRE(r.exit_code == 1);
  REQUIRE(r.err.find("cannot reach") != std::string::npos);
  size_t first = r.err.find("cannot reach");
  REQUIRE(r.err.find("cannot reach", first + 1) == std::string::npos);
}

TEST_CASE(
    "a new run sends every call, another run's answers only when asked, never across "
    "checkpoints",
    "[integration][cache]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 40);
  const std::string port = std::to_string(unused_port());
  std::optional<MockServer> mock(std::in_place, std::vector<std::string>{"--port", port});
  std::string db = dir.file("r.db");
  auto args = [&](const std::string& name, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--name", name});
    return run_args("openai:mock@" + mock->base_url(), suite, db, extra);
  };
  auto model_calls = [&] { return mock->counter("status_200"); };
  ProcessResult monday = run(args("monday"));
  REQUIRE(monday.exit_code == 0);
  REQUIRE(model_calls() == 40);
  REQUIRE(monday.err.find("answers: 40 sent, 0 reused from other runs") != std::string::npos);
  REQUIRE(sql_scalar(db, "SELECT served FROM runs WHERE name='monday'") ==
          "mock root=/models/mock-weights-1");

  // The same command again is a new run, answered afresh (the server may serve new weights).
  ProcessResult tuesday = run(args("tuesday"));
  REQUIRE(tuesday.exit_code == 0);
  REQUIRE(model_calls() == 80);
  REQUIRE(sql_scalar(db,
                     "SELECT calls_fresh || ' ' || calls_reused FROM runs WHERE "
                     "name='tuesday'") == "40 0");

  // Asked to, it reuses the stored answers of a run that served the same weights.
  ProcessResult reuse = run(args("wednesday", {"--reuse-answers"}));
  REQUIRE(reuse.exit_code == 0);
  REQUIRE(model_calls() == 80);
  REQUIRE(reuse.err.find("answers: 0 sent, 40 reused from other runs") != std::string::npos);
  REQUIRE(sql_scalar(db,
                     "SELECT calls_fresh || ' ' || calls_reused FROM runs WHERE "
                     "name='wednesday'") == "0 40");
  // Its tokens count, its speed does not: the timings were measured by another run.
  JsonValue listed = runs_json(db);
  const JsonValue& wed = listed.items()[2];
  REQUIRE(wed.find("name")->as_string() == "wednesday");
  REQUIRE(wed.find("usage")->find("answered")->as_int() == 40);
  REQUIRE(wed.find("usage")->find("timed")->as_int() == 0);
  REQUIRE(wed.find("usage")->find("latency_ms")->find("mean")->is_null());
  REQUIRE(wed.find("usage")->find("latency_ms")->find("median")->is_null());
  REQUIRE(listed.items()[0].find("usage")->find("timed")->as_int() == 40);
  REQUIRE(wed.find("answers")->find("reused")->as_int() == 40);

  // The gate says where each side's answers came from.
  ProcessResult fresh_gate =
      run({assay_binary(), "gate", "--db", db, "--baseline", "monday", "--candidate", "tuesday"});
  REQUIRE(fresh_gate.out.find("answers 40 fresh\n  candidate run 2") != std::string::npos);
  REQUIRE(fresh_gate.out.find("candidate run 2 openai:mock × numbers: 1.000 on 40 scored; "
                              "answers 40 fresh") != std::string::npos);
  ProcessResult reused_gate =
      run({assay_binary(), "gate", "--db", db, "--baseline", "monday", "--candidate", "wednesday"});
  REQUIRE(reused_gate.out.find("answers 40 reused") != std::string::npos);
  REQUIRE(reused_gate.out.find("warning: every candidate answer was reused") != std::string::npos);

  // The server restarted on the same URL with a new checkpoint: nothing is reused.
  mock.reset();
  mock.emplace(std::vector<std::string>{"--port", port, "--checkpoint", "/models/mock-weights-2"});
  ProcessResult thursday = run(args("thursday", {"--cache"}));
  REQUIRE(thursday.exit_code == 0);
  REQUIRE(model_calls() == 40);
  REQUIRE(sql_scalar(db,
                     "SELECT calls_fresh || ' ' || calls_reused || ' ' || served FROM runs "
                     "WHERE name='thursday'") == "40 0 mock root=/models/mock-weights-2");

  auto no_cache = args("friday", {"--no-cache"});
  REQUIRE(run(no_cache).exit_code == 0);
  REQUIRE(model_calls() == 80);
}

TEST_CASE("a run that answered nothing failed, and nothing is compared with it",
          "[integration][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 40);
  std::string db = dir.file("r.db");
  MockServer good;
  MockServer broken({"--fail-500", "1"});
  REQUIRE(
      run(run_args("openai:mock@" + good.base_url(), suite, db, {"--name", "good"})).exit_code ==
      0);
  ProcessResult r = run(run_args("openai:mock@" + broken.base_url(), suite, db,
                                 {"--name", "broken", "--max-retries", "0"}));
  REQUIRE(r.exit_code == 1);
  REQUIRE(r.err.find("run 2 failed: no sample was answered: all 40 failed after retries (most "
                     "often server_error: HTTP 500") != std::string::npos);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs WHERE name='broken'") == "failed");

  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{assay_binary(), "compare", "good", "broken", "--db", db},
        std::vector<std::string>{assay_binary(), "gate", "--baseline", "good", "--candidate",
                                 "broken", "--db", db}}) {
    ProcessResult c = run(cmd);
    INFO(c.out + c.err);
    REQUIRE(c.exit_code == 2);
    REQUIRE(c.err.find("share no scored sample") != std::string::npos);
    REQUIRE(c.err.find("(run 1, completed: 1.000 on 40 scored samples)") != std::string::npos);
    REQUIRE(c.err.find("(run 2, failed: - on 0 scored samples)") != std::string::npos);
  }

  // Errors below --max-error-rate leave the run completed (a warning); above, it failed.
  MockServer flaky({"--fail-500", "0.1", "--seed", "5"});
  ProcessResult some = run(run_args("openai:mock@" + flaky.base_url(), suite, db,
                                    {"--max-retries", "0", "--max-error-rate", "0.5"}));
  REQUIRE(some.exit_code == 0);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs WHERE id=3") == "completed");
}

TEST_CASE("streaming records TTFT and speed, non-streaming does not", "[integration][stream]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 20);
  MockServer mock({"--latency-ms", "30", "--chunk-delay-ms", "5"});
  std::string db = dir.file("r.db");
  REQUIRE(run(run_args("openai:mock@" + mock.base_url(), suite, db)).exit_code == 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE run_id=1 AND ttft_ms >= 30 AND "
                    "output_tps > 0 AND latency_ms > ttft_ms") == 20);
  // Streaming does not change answers, so it is not part of the cache key: force fresh requests.
  REQUIRE(
      run(run_args("openai:mock@" + mock.base_url() + "?stream=false", suite, db, {"--no-cache"}))
          .exit_code == 0);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE run_id=2 AND ttft_ms IS NULL AND "
                    "tokens_out > 0") == 20);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE run_id=2 AND value=1 AND "
                    "metric='gsm8k_flexible'") == 20);
}

TEST_CASE("a response cut by max_tokens is unscored as truncated", "[integration][stream]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 10);
  MockServer mock;
  std::string db = dir.file("r.db");
  ProcessResult r = run(run_args("openai:mock@" + mock.base_url() + "?max_tokens=3", suite, db));
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE unscored_reason='truncated'") == 20);
  ProcessResult runs = run({assay_binary(), "runs", "--db", db, "--json"});
  auto j = parse_json(runs.out);
  REQUIRE(j);
  REQUIRE(j->items()[0].find("unscored")->find("truncated")->as_int() == 10);
}

TEST_CASE("runs --json and show --json carry the documented fields", "[integration][cli]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 30, "[[p:0.5]]");
  MockServer mock;
  std::string db = dir.file("r.db");
  ProcessResult r = run(run_args("openai:mock@" + mock.base_url(), suite, db, {"--name", "first"}));
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find("numbers") != std::string::npos);  // the summary table
  ProcessResult runs = run({assay_binary(), "runs", "--db", db, "--json"});
  auto arr = parse_json(runs.out);
  REQUIRE(arr);
  REQUIRE(arr->items().size() == 1);
  const JsonValue& o = arr->items()[0];
  for (const char* k : {"id", "name", "model", "suite", "status", "n_samples", "n_scored",
                        "n_errors", "score", "ci_low", "ci_high"}) {
    INFO(k);
    REQUIRE(o.find(k) != nullptr);
  }
  REQUIRE(o.find("name")->as_string() == "first");
  REQUIRE(o.find("n_samples")->as_int() == 30);
  double score = o.find("score")->as_double();
  REQUIRE(score > 0.1);
  REQUIRE(score < 0.9);
  REQUIRE(o.find("ci_low")->as_double() < score);
  REQUIRE(o.find("ci_high")->as_double() > score);

  ProcessResult show = run({assay_binary(), "show", "first", "--db", db, "--json"});
  REQUIRE(show.exit_code == 0);
  size_t lines = 0;
  double correct = 0;
  size_t pos = 0;
  while (pos < show.out.size()) {
    size_t eol = show.out.find('\n', pos);
    auto line = parse_json(show.out.substr(pos, eol - pos));
    pos = eol + 1;
    REQUIRE(line);
    for (const char* k : {"sample_id", "epoch", "output", "answer", "score", "error_kind"}) {
      INFO(k);
      REQUIRE(line->find(k) != nullptr);
    }
    if (line->find("score")->is_number()) correct += line->find("score")->as_double();
    ++lines;
  }
  REQUIRE(lines == 30);
  REQUIRE(correct / 30 == Approx(score));
  ProcessResult failed = run({assay_binary(), "show", "1", "--db", db, "--failed"});
  REQUIRE(failed.exit_code == 0);
  REQUIRE(failed.out.find(" 1.00 ") == std::string::npos);
}

TEST_CASE("built-in suites run on the real data", "[integration][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  MockServer mock;
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", "gsm8k", "-s",
           "mmlu", "--limit", "25", "--data-dir", shared_data_dir(), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 50);
  REQUIRE(sql_scalar(db, "SELECT dataset_sha256 FROM runs WHERE suite='gsm8k'") ==
          "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14");
  // The mock answers MMLU in the requested "Answer: X" form, so every answer is extracted.
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=2 AND value IS NOT NULL") == 25);
}

TEST_CASE("a built-in math suite runs end to end and is graded by math_equiv",
          "[integration][shared-data][math]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  // The mock learns each AIME answer from a key matched on the problem's opening words.
  std::ifstream data(shared_data_dir() + "/aime24/test.jsonl");
  std::string key;
  std::string line;
  while (std::getline(data, line)) {
    auto row = assay::parse_json(line);
    REQUIRE(row.is_ok());
    JsonValue entry = JsonValue::object();
    entry.set("contains", JsonValue(row->find("problem")->as_string().substr(0, 80)));
    entry.set("answer", JsonValue(row->find("answer")->as_string()));
    key += assay::to_json(entry) + "\n";
  }
  std::string key_file = dir.file("key.jsonl");
  write_file(key_file, key);
  MockServer mock({"--answer-key", key_file, "--accuracy", "0.6", "--seed", "7"});
  std::string db = dir.file("m.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", "aime-2024",
           "--repeats", "2", "--data-dir", shared_data_dir(), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 60);
  // The mock writes \boxed{X}: every answer is extracted and graded by both scorers.
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='math_equiv' AND value IS NOT "
                    "NULL") == 60);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='math_equiv_hendrycks' AND value "
                    "IS NOT NULL") == 60);
  // Integer answers: a sample is correct exactly when the extracted answer is the gold one.
  int64_t correct =
      sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='math_equiv' AND value=1");
  int64_t matching =
      sql_count(db,
                "SELECT COUNT(*) FROM scores s JOIN samples p ON p.run_id=s.run_id AND "
                "p.sample_id=s.sample_id AND p.epoch=s.epoch WHERE s.metric='math_equiv' "
                "AND s.answer=p.target");
  REQUIRE(correct == matching);
  REQUIRE(correct > 0);
  REQUIRE(correct < 60);
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM scores WHERE metric='math_equiv' AND explanation LIKE "
                    "'boxed %'") == 60);
}

TEST_CASE("a broken run at another URL does not replace the good one in any report format",
          "[integration][report]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 20);
  std::string db = dir.file("r.db");
  MockServer good;
  MockServer broken({"--fail-500", "1"});
  REQUIRE(run(run_args("openai:mock@" + good.base_url(), suite, db)).exit_code == 0);
  REQUIRE(run(run_args("openai:mock@" + broken.base_url(), suite, db, {"--max-retries", "0"}))
              .exit_code == 1);
  ProcessResult md = run({assay_binary(), "report", "--db", db, "--format", "md"});
  REQUIRE(md.exit_code == 0);
  // The good run is shown (its server named, as two servers ran this SPEC); the broken one is
  // listed as not shown, with why.
  REQUIRE(md.out.find("| 20 | 1.000 |") != std::string::npos);
  REQUIRE(md.out.find("- run 2 openai:mock @ 127.0.0.1:") != std::string::npos);
  REQUIRE(md.out.find(": failed: no sample was answered") != std::string::npos);
  ProcessResult json = run({assay_binary(), "report", "--db", db, "--format", "json"});
  Result<JsonValue> doc = parse_json(json.out);
  REQUIRE(doc);
  REQUIRE(doc->find("runs")->items().size() == 1);
  const JsonValue* counted = doc->find("runs")->items()[0].find("summary")->find("n_counted");
  REQUIRE(counted != nullptr);
  REQUIRE(counted->as_int() == 20);
  INFO(json.out);
  REQUIRE(doc->find("superseded") != nullptr);
  REQUIRE(doc->find("superseded")->items().size() == 1);
  ProcessResult csv = run({assay_binary(), "report", "--db", db, "--format", "csv"});
  REQUIRE(std::count(csv.out.begin(), csv.out.end(), '\n') == 2);  // header + the good run
  ProcessResult html = run({assay_binary(), "report", "--db", db, "--out", dir.file("r.html")});
  REQUIRE(html.exit_code == 0);
  REQUIRE(html.err.find("wrote 1 runs") != std::string::npos);
  REQUIRE(html.err.find("(1 not shown: superseded)") != std::string::npos);
  REQUIRE(read_file(dir.file("r.html")).find("Runs not shown (1)") != std::string::npos);
  // `assay runs` lists both, with their servers.
  ProcessResult runs = run({assay_binary(), "runs", "--db", db});
  REQUIRE(runs.out.find(good.base_url()) != std::string::npos);
  REQUIRE(runs.out.find(broken.base_url()) != std::string::npos);
}
