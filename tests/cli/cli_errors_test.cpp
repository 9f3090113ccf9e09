// Bad input gets exit code 2 and a message naming the file, line or field.

#include <catch2/catch.hpp>

#include <filesystem>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

TEST_CASE("a malformed JSONL line stops loading with exit 2 naming file and line",
          "[integration][cli]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 5);
  std::string rows = read_file(dir.file("rows.jsonl"));
  write_file(dir.file("rows.jsonl"), rows + "{\"id\": 99, \"question\": \n");
  ProcessResult r = run({assay_binary(), "run", "-m", "openai:m@http://127.0.0.1:1/v1", "-s", suite,
                         "--db", dir.file("r.db")});
  REQUIRE(r.exit_code == 2);
  REQUIRE(r.err.find(dir.file("rows.jsonl") + ":6: invalid JSON") != std::string::npos);
}

TEST_CASE("a template naming a missing field names the suite file, row and field",
          "[integration][cli]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 3);
  write_file(dir.file("rows.jsonl"),
             "{\"id\":1,\"question\":\"q\",\"answer\":\"1\"}\n{\"id\":2,\"answer\":\"2\"}\n");
  ProcessResult r = run({assay_binary(), "run", "-m", "openai:m@http://127.0.0.1:1/v1", "-s", suite,
                         "--db", dir.file("r.db")});
  REQUIRE(r.exit_code == 2);
  REQUIRE(r.err.find(suite) != std::string::npos);
  REQUIRE(r.err.find("no field 'question'") != std::string::npos);
  REQUIRE(r.err.find("rows.jsonl:2") != std::string::npos);
}

TEST_CASE("a suite file cannot take a built-in suite's name", "[integration][cli]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 3);
  std::string text = read_file(suite);
  size_t at = text.find("name = \"");
  REQUIRE(at != std::string::npos);
  size_t end = text.find('"', at + 8);
  write_file(suite, text.substr(0, at) + "name = \"gpqa-diamond\"" + text.substr(end + 1));
  ProcessResult r =
      run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", dir.file("r.db")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(suite + ": name 'gpqa-diamond' is a built-in suite's") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("r.db")));
}

TEST_CASE("unknown suites, providers and scorers suggest the nearest name", "[integration][cli]") {
  ProcessResult suite =
      run({assay_binary(), "run", "-m", "openai:m@http://127.0.0.1:1/v1", "-s", "gsm8j"});
  REQUIRE(suite.exit_code == 2);
  REQUIRE(suite.err.find("did you mean 'gsm8k'") != std::string::npos);
  TempDir dir;
  std::string path = write_numeric_suite(dir, 2);
  ProcessResult provider = run({assay_binary(), "run", "-m", "opanai:m", "-s", path});
  REQUIRE(provider.exit_code == 2);
  REQUIRE(provider.err.find("did you mean 'openai'") != std::string::npos);
  ProcessResult scorer = run({assay_binary(), "score", "--scorer", "choise"}, {}, "");
  REQUIRE(scorer.exit_code == 2);
  REQUIRE(scorer.err.find("did you mean 'choice'") != std::string::npos);
}

TEST_CASE("bad flags and values are usage errors", "[integration][cli]") {
  REQUIRE(run({assay_binary(), "run", "--bogus"}).exit_code == 2);
  REQUIRE(run({assay_binary()}).exit_code == 2);
  ProcessResult shard = run({assay_binary(), "run", "-m", "openai:m@http://127.0.0.1:1/v1", "-s",
                             "gsm8k", "--shard", "4/4"});
  REQUIRE(shard.exit_code == 2);
  REQUIRE(shard.err.find("--shard '4/4'") != std::string::npos);
  ProcessResult help = run({assay_binary(), "run", "--help"});
  REQUIRE(help.exit_code == 0);
  REQUIRE(help.out.find("--concurrency") != std::string::npos);
  ProcessResult missing = run({assay_binary(), "runs", "--db", "/nonexistent/x.db"});
  REQUIRE(missing.exit_code == 2);
  REQUIRE(missing.err.find("no database") != std::string::npos);
}

TEST_CASE("assay score grades JSONL and names the line of bad input", "[integration][cli]") {
  std::string input =
      "{\"output\":\"Reasoning...\\nAnswer: "
      "B\",\"target\":\"B\",\"choices\":[\"w\",\"x\",\"y\",\"z\"]}\n"
      "{\"output\":\"Answer: D\",\"target\":\"A\",\"metadata\":{\"k\":1}}\n";
  ProcessResult r = run({assay_binary(), "score", "--scorer", "choice"}, {}, input);
  REQUIRE(r.exit_code == 0);
  auto first = parse_json(r.out.substr(0, r.out.find('\n')));
  REQUIRE(first);
  REQUIRE(first->find("score")->as_double() == 1.0);
  REQUIRE(first->find("answer")->as_string() == "B");
  REQUIRE(first->find("explanation")->as_string().find("primary_answer_format") !=
          std::string::npos);
  REQUIRE(r.out.find("\"score\":0") != std::string::npos);

  ProcessResult gsm = run({assay_binary(), "score", "--scorer", "gsm8k"}, {},
                          "{\"output\":\"so 18\",\"target\":\"18\"}\n");
  REQUIRE(gsm.out.find("\"metrics\":{\"gsm8k_flexible\":1,\"gsm8k_strict\":null}") !=
          std::string::npos);

  ProcessResult bad =
      run({assay_binary(), "score", "--scorer", "exact"}, {},
          "{\"output\":\"a\",\"target\":\"a\"}\n{\"output\": 3,\"target\":\"a\"}\n");
  REQUIRE(bad.exit_code == 2);
  REQUIRE(bad.err.find("<stdin>:2: missing string field 'output'") != std::string::npos);
}

TEST_CASE("assay suites lists the catalogue with data status", "[integration][cli]") {
  ProcessResult r = run({assay_binary(), "suites", "--json", "--data-dir", shared_data_dir()});
  REQUIRE(r.exit_code == 0);
  auto listing = parse_json(r.out);
  REQUIRE(listing);
  REQUIRE(listing->find("suites") != nullptr);
  bool gsm = false;
  for (const auto& s : listing->find("suites")->items()) {
    if (s.find("name")->as_string() == "gsm8k") {
      gsm = true;
      REQUIRE(s.find("domain")->as_string() == "math");
      REQUIRE(s.find("records")->as_int() == 1319);
      if (shared_data_present()) REQUIRE(s.find("data")->as_string() == "cached");
    }
  }
  REQUIRE(gsm);
}

TEST_CASE("a command group without its subcommand is a usage error", "[integration][cli]") {
  ProcessResult data = run({assay_binary(), "data"});
  REQUIRE(data.exit_code == 2);
  REQUIRE(data.err.find("subcommand is required") != std::string::npos);
}

TEST_CASE("command-line mistakes are reported in assay's words, with the nearest flag or command",
          "[integration][cli]") {
  ProcessResult typo = run({assay_binary(), "rnu"});
  REQUIRE(typo.exit_code == 2);
  REQUIRE(typo.err.rfind("assay: error: unknown command 'rnu' (did you mean 'run'?)", 0) == 0);
  ProcessResult none = run({assay_binary()});
  REQUIRE(none.exit_code == 2);
  REQUIRE(none.err.find("assay: error: a command is required: run, runs,") == 0);
  ProcessResult flag = run({assay_binary(), "runs", "--jsn"});
  REQUIRE(flag.exit_code == 2);
  REQUIRE(flag.err.find("assay: error: unknown flag '--jsn' for `assay runs` (did you mean "
                        "'--json'?)") == 0);
  REQUIRE(flag.err.find("not expected") == std::string::npos);  // no raw CLI11 text
  ProcessResult missing = run({assay_binary(), "show"});
  REQUIRE(missing.err.find("assay: error: RUN is required (`assay show --help`)") == 0);

  // Help says `assay` (not the binary's path) and no type notation.
  ProcessResult help = run({assay_binary(), "run", "--help"});
  REQUIRE(help.exit_code == 0);
  REQUIRE(help.out.find("Usage: assay run [OPTIONS]") != std::string::npos);
  REQUIRE(help.out.find(assay_binary()) == std::string::npos);
  REQUIRE(help.out.find("INT") == std::string::npos);
  REQUIRE(help.out.find(":POSITIVE") == std::string::npos);
  REQUIRE(help.out.find("--limit N") != std::string::npos);
}

TEST_CASE("report without --out writes Markdown to stdout", "[integration][cli]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 3);
  std::string db = dir.file("r.db");
  MockServer mock;
  ProcessResult made =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite, "--db", db});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  ProcessResult r = run({assay_binary(), "report", "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find("| openai:mock") != std::string::npos);
}
