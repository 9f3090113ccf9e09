// Every provider adapter over real loopback HTTP against the mock server speaking that
// provider's wire format: streaming and not, usage, reasoning, stop reasons, safety blocks.

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

std::string base_for(const std::string& provider, const MockServer& mock) {
  std::string root = "http://127.0.0.1:" + std::to_string(mock.port());
  return provider == "gemini" ? root + "/v1beta" : root + "/v1";
}

ProcessResult run_model(const std::string& model, const std::string& suite, const std::string& db,
                        const std::map<std::string, std::string>& env = {},
                        std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {assay_binary(), "run", "--model", model,
                                   "--suite",      suite, "--db",    db};
  args.insert(args.end(), extra.begin(), extra.end());
  return run(args, env);
}

}  // namespace

TEST_CASE("each provider's adapter runs end to end: answers, reasoning, usage, speed",
          "[integration][providers]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 12, " [[cached:5]]");
  MockServer mock({"--require-key", "sk-right", "--chunk-delay-ms", "2"});
  struct Case {
    std::string provider, key_env;
  };
  int run_id = 0;
  for (const Case& c : {Case{"openai", "OPENAI_API_KEY"}, Case{"anthropic", "ANTHROPIC_API_KEY"},
                        Case{"gemini", "GEMINI_API_KEY"}}) {
    for (bool stream : {true, false}) {
      ++run_id;
      std::string model = c.provider + ":mock-model@" + base_for(c.provider, mock) +
                          "?reasoning=low" + (stream ? "" : "&stream=false");
      std::string db = dir.file("r.db");
      // Streaming is not part of the cache key (it does not change answers): ask afresh.
      ProcessResult r = run_model(model, suite, db, {{c.key_env, "sk-right"}}, {"--no-cache"});
      INFO(c.provider << " stream=" << stream << "\n" << r.err);
      REQUIRE(r.exit_code == 0);
      std::string where = " FROM samples WHERE run_id=" + std::to_string(run_id);
      REQUIRE(sql_count(db, "SELECT COUNT(*)" + where +
                                " AND finish_reason='stop' AND "
                                "error_kind IS NULL") == 12);
      // The decoy in the reasoning is stored but never scored: every answer is right.
      REQUIRE(sql_count(
                  db, "SELECT COUNT(*)" + where + " AND reasoning LIKE 'Thinking it over%'") == 12);
      REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=" + std::to_string(run_id) +
                                " AND metric='gsm8k_flexible' AND value=1") == 12);
      REQUIRE(sql_count(db, "SELECT COUNT(*)" + where +
                                " AND tokens_in > 5 AND tokens_cached=5 AND tokens_out > 0") == 12);
      if (c.provider != "anthropic") {  // Anthropic folds thinking into output_tokens
        REQUIRE(sql_count(db, "SELECT COUNT(*)" + where +
                                  " AND tokens_reasoning > 0 AND tokens_out > tokens_reasoning") ==
                12);
      }
      REQUIRE(sql_count(db, "SELECT COUNT(*)" + where + " AND ttft_ms IS NOT NULL") ==
              (stream ? 12 : 0));
      REQUIRE(sql_count(db, "SELECT COUNT(*)" + where + " AND output_tps > 0") ==
              (stream ? 12 : 0));
    }
  }
  REQUIRE(mock.counter("status_401") == 0);
  REQUIRE(mock.counter("reasoning") == 6 * 12);
}

TEST_CASE("each provider's length stop is truncated and its safety stop is blocked",
          "[integration][providers]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 4);
  TempDir blocked_dir;
  std::string blocked_suite = write_numeric_suite(blocked_dir, 3, " [[block]]");
  MockServer mock;
  for (const std::string provider : {"openai", "anthropic", "gemini"}) {
    INFO(provider);
    std::string db = dir.file(provider + ".db");
    std::string base = provider + ":m@" + base_for(provider, mock);
    ProcessResult cut = run_model(base + "?max_tokens=3", suite, db);
    REQUIRE(cut.exit_code == 0);
    REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE finish_reason='length'") == 4);
    REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE unscored_reason='truncated'") == 8);
    ProcessResult blocked = run_model(base, blocked_suite, db);
    REQUIRE(blocked.exit_code == 0);
    REQUIRE(sql_count(db,
                      "SELECT COUNT(*) FROM samples WHERE run_id=2 AND "
                      "finish_reason LIKE 'content_filter%'") == 3);
    REQUIRE(sql_count(db,
                      "SELECT COUNT(*) FROM scores WHERE run_id=2 AND "
                      "unscored_reason='blocked'") == 6);
    ProcessResult runs = run({assay_binary(), "runs", "--db", db, "--json"});
    auto j = parse_json(runs.out);
    REQUIRE(j);
    REQUIRE(j->items()[1].find("unscored")->find("blocked")->as_int() == 3);
  }
}

TEST_CASE("a provider's wrong key trips the breaker with its own error and no key in sight",
          "[integration][providers][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 200);
  MockServer mock({"--require-key", "sk-right"});
  for (const auto& [provider, env] : std::vector<std::pair<std::string, std::string>>{
           {"anthropic", "ANTHROPIC_API_KEY"}, {"gemini", "GEMINI_API_KEY"}}) {
    std::string db = dir.file(provider + ".db");
    ProcessResult r = run_model(provider + ":m@" + base_for(provider, mock), suite, db,
                                {{env, "sk-wrong-secret"}});
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    REQUIRE(r.err.find("HTTP 401") != std::string::npos);
    REQUIRE(r.err.find("sk-wrong-secret") == std::string::npos);
  }
  REQUIRE(mock.counter("status_401") < 128);
}

TEST_CASE("API keys appear in no output of a run: database, reports, logs, error messages",
          "[integration][providers][keys]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 30);
  const std::string key = "sk-LEAKCHECK-7f3a9c21d";
  MockServer good({"--require-key", key, "--fail-500", "0.2", "--malformed", "0.1", "--seed", "3"});
  MockServer echo({"--require-key", "sk-other", "--echo-key"});
  std::string db = dir.file("keys.db");
  std::string everything;  // every byte a user could see
  auto keep = [&](const ProcessResult& r) { everything += r.out + r.err; };
  for (const auto& [provider, env] :
       std::vector<std::pair<std::string, std::string>>{{"openai", "OPENAI_API_KEY"},
                                                        {"anthropic", "ANTHROPIC_API_KEY"},
                                                        {"gemini", "GEMINI_API_KEY"}}) {
    ProcessResult ok = run_model(provider + ":m@" + base_for(provider, good), suite, db,
                                 {{env, key}}, {"--max-retries", "0", "--max-error-rate", "1"});
    REQUIRE(ok.exit_code == 0);
    keep(ok);
    // A server that quotes the (wrong) key back in its 401 body.
    ProcessResult bad =
        run_model(provider + ":m@" + base_for(provider, echo), suite, db, {{env, key}});
    REQUIRE(bad.exit_code == 1);
    REQUIRE(bad.err.find("[redacted]") != std::string::npos);
    keep(bad);
  }
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE error_kind IS NOT NULL") > 0);
  keep(run({assay_binary(), "runs", "--db", db, "--json"}));
  keep(run({assay_binary(), "runs", "--db", db}));
  for (int id = 1; id <= 6; ++id) {
    keep(run({assay_binary(), "show", std::to_string(id), "--db", db, "--json"}));
  }
  for (const std::string format : {"html", "md", "csv", "json"}) {
    std::string out = dir.file("report." + format);
    keep(run({assay_binary(), "report", "--db", db, "--out", out, "--format", format}));
    everything += read_file(out);
  }
  keep(run({assay_binary(), "compare", "1", "3", "--db", db}));
  for (const std::string suffix : {"", "-wal", "-journal"}) {
    std::ifstream f(db + suffix, std::ios::binary);
    if (f) everything += std::string(std::istreambuf_iterator<char>(f), {});
  }
  REQUIRE(everything.size() > 10000);
  REQUIRE(everything.find(key) == std::string::npos);
  REQUIRE(everything.find("LEAKCHECK") == std::string::npos);
}

TEST_CASE("a price file gives each sample its cost, a bad one names the field",
          "[integration][providers][cost]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 10, " [[cached:2]]");
  MockServer mock;
  write_file(dir.file("prices.toml"), R"([models."anthropic:priced"]
input = 3.0
cached_input = 0.3
output = 15.0
)");
  std::string db = dir.file("r.db");
  ProcessResult r = run_model("anthropic:priced@" + base_for("anthropic", mock), suite, db, {},
                              {"--prices", dir.file("prices.toml")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.find("blended 3:1: 6") != std::string::npos);  // (3*3 + 15) / 4
  // cost = ((in - cached) * 3 + cached * 0.3 + out * 15) / 1e6, to the last bit.
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM samples WHERE cost > 0 AND "
                    "abs(cost - ((tokens_in - tokens_cached) * 3.0 + tokens_cached * 0.3 + "
                    "tokens_out * 15.0) / 1e6) < 1e-15") == 10);
  // Per-run usage in runs --json: total cost, and speed as mean, median and p90.
  auto runs = parse_json(run({assay_binary(), "runs", "--db", db, "--json"}).out);
  REQUIRE(runs);
  const JsonValue& usage = *runs->items()[0].find("usage");
  REQUIRE(usage.find("cost_usd")->as_double() ==
          Approx(std::stod(sql_scalar(db, "SELECT SUM(cost) FROM samples"))));
  REQUIRE(usage.find("tokens_cached")->as_int() == 20);
  const JsonValue& ttft = *usage.find("ttft_ms");
  REQUIRE(ttft.find("median")->is_number());
  REQUIRE(ttft.find("p90")->as_double() >= ttft.find("median")->as_double());
  REQUIRE(usage.find("latency_ms")->find("p90")->is_number());
  ProcessResult unpriced = run_model("anthropic:other@" + base_for("anthropic", mock), suite, db);
  REQUIRE(unpriced.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE run_id=2 AND cost IS NULL") == 10);

  write_file(dir.file("bad.toml"), "[models.\"openai:x\"]\ninput = 1\nouptut = 2\n");
  ProcessResult bad = run_model("anthropic:priced@" + base_for("anthropic", mock), suite, db, {},
                                {"--prices", dir.file("bad.toml")});
  REQUIRE(bad.exit_code == 2);
  REQUIRE(bad.err.find("bad.toml: models.\"openai:x\": unknown field 'ouptut'") !=
          std::string::npos);
}
