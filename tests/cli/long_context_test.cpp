// Long-context suites end to end: documents read into prompts, a missing document stored as
// missing_data without asking, prompts over the model's context window never sent (the window
// from ?context=, from the server's /v1/models, or learned from the server's 400), and AA-LCR on
// the real question set with the mock's equality checker.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// A suite of three questions over documents in DIR/docs/SET/: "short" names one small file,
// "long" a file of `long_words` words, "lost" a file that does not exist.
std::string write_document_suite(const TempDir& dir, int long_words) {
  std::filesystem::create_directories(dir.file("docs/a"));
  write_file(dir.file("docs/a/small.txt"), "The capital of Freedonia is Fredville.\n");
  std::string big;
  for (int i = 0; i < long_words; ++i) big += "lorem ";
  write_file(dir.file("docs/a/big.txt"), big);
  write_file(
      dir.file("qa.jsonl"),
      R"({"id": "short", "set": "a", "files": "small.txt", "q": "Capital? [[answer:Fredville]]", "a": "Fredville"}
{"id": "long", "set": "a", "files": "small.txt;big.txt", "q": "Capital? [[answer:Fredville]]", "a": "Fredville"}
{"id": "lost", "set": "a", "files": "small.txt;gone.txt", "q": "Capital? [[answer:Fredville]]", "a": "Fredville"}
)");
  write_file(dir.file("docs.toml"), R"toml(name = "doc-qa"
domain = "long context"

[dataset]
files = ["qa.jsonl"]

[documents]
dir = "docs/{set}"
files = "{files}"
format = """BEGIN DOCUMENT {_number} ({_name}):
{_text}
END DOCUMENT {_number}"""

[sample]
id = "{id}"
prompt = """{documents}

{q}"""
target = "{a}"

[generation]
max_tokens = 100

[scoring]
scorers = ["exact"]
)toml");
  return dir.file("docs.toml");
}

std::string unscored_reason(const std::string& db, const std::string& id) {
  return sql_scalar(db,
                    "SELECT COALESCE(unscored_reason,'') FROM scores WHERE sample_id='" + id + "'");
}

}  // namespace

TEST_CASE("documents are read into the prompt in order and a sample missing one is never asked",
          "[integration][long-context]") {
  TempDir dir;
  std::string suite = write_document_suite(dir, 20);
  MockServer mock({"--track-prompts"});
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url(), "-s", suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("1 of its samples name documents missing from the data (lost)") !=
        std::string::npos);
  // The two documents of "long", in the order the row names them, each in the format.
  std::string input = sql_scalar(db, "SELECT input FROM samples WHERE sample_id='long'");
  size_t first = input.find("BEGIN DOCUMENT 1 (small.txt):\\nThe capital of Freedonia");
  size_t second = input.find("END DOCUMENT 1\\n\\nBEGIN DOCUMENT 2 (big.txt):\\nlorem");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
  CHECK(unscored_reason(db, "short").empty());
  CHECK(unscored_reason(db, "lost") == "missing_data");
  CHECK(sql_scalar(db, "SELECT explanation FROM scores WHERE sample_id='lost'")
            .find("gone.txt' is missing") != std::string::npos);
  // Two requests (short, long); the sample missing a document never reached the server, and
  // is not a failure: the run completed.
  CHECK(mock.counter("status_200") == 2);
  CHECK(sql_scalar(db, "SELECT status FROM runs") == "completed");
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  CHECK(show.out.find("missing_data") != std::string::npos);
  // `assay data verify` reads the documents too, and names what is missing.
  ProcessResult verify = run({assay_binary(), "data", "verify", suite});
  CHECK(verify.exit_code == 0);
  CHECK(verify.err.find("1 of its samples name documents missing from the data (lost)") !=
        std::string::npos);
  write_file(dir.file("docs/a/big.txt"), std::string("caf\xe9\n"));
  ProcessResult bad = run({assay_binary(), "data", "verify", suite});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("big.txt' (named by the row at") != std::string::npos);
}

TEST_CASE("a document that is not UTF-8 text is a data error naming it",
          "[integration][long-context]") {
  TempDir dir;
  std::string suite = write_document_suite(dir, 5);
  write_file(dir.file("docs/a/small.txt"), std::string("caf\xe9\n"));
  ProcessResult r =
      run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", dir.file("r.db")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("small.txt' (named by the row at") != std::string::npos);
  CHECK(r.err.find("is not UTF-8 text") != std::string::npos);
}

TEST_CASE("a prompt over the context window the SPEC declares is never sent",
          "[integration][long-context]") {
  TempDir dir;
  std::string suite = write_document_suite(dir, 3000);
  MockServer mock;
  std::string db = dir.file("r.db");
  ProcessResult r = run({assay_binary(), "run", "-m",
                         "openai:m@" + mock.base_url() + "?context=1000", "-s", suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(unscored_reason(db, "long") == "context_exceeded");
  std::string why = sql_scalar(db, "SELECT explanation FROM scores WHERE sample_id='long'");
  CHECK(why.find("estimated without the model's tokenizer; at least") != std::string::npos);
  CHECK(why.find("+ max_tokens 100 =") != std::string::npos);
  CHECK(why.find("over the context window of 1,000 tokens (from ?context=): not sent") !=
        std::string::npos);
  CHECK(unscored_reason(db, "short").empty());
  CHECK(mock.counter("status_200") == 1);  // only "short" was sent
  // A model that cannot read the prompt scores 0 on it (counted), unlike missing data.
  CHECK(r.out.find("context_exceeded 1") != std::string::npos);
  // Not part of the model's name or identity: a larger window is the same model, whose next run
  // asks the question this one could not.
  ProcessResult again =
      run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url() + "?context=100000", "-s",
           suite, "--db", db});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(sql_count(db, "SELECT COUNT(DISTINCT identity) FROM runs") == 1);
  CHECK(sql_scalar(db,
                   "SELECT COALESCE(unscored_reason,'') FROM scores WHERE run_id=2 AND "
                   "sample_id='long'")
            .empty());
}

TEST_CASE("a 128k-token model facing a document set over that size sends nothing for it",
          "[integration][long-context]") {
  TempDir dir;
  // 150,000 words: about 150,000 tokens, beyond 128,000 even allowing for the estimate's error.
  std::string suite = write_document_suite(dir, 150000);
  MockServer mock;
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url() + "?context=128000", "-s",
           suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(unscored_reason(db, "long") == "context_exceeded");
  CHECK(sql_scalar(db, "SELECT explanation FROM scores WHERE sample_id='long'")
            .find("over the context window of 128,000 tokens (from ?context=)") !=
        std::string::npos);
  CHECK(sql_count(db,
                  "SELECT COUNT(*) FROM calls WHERE sample_id='long' AND "
                  "error_kind='context_exceeded' AND attempts=0") == 1);
  CHECK(mock.counter("status_200") == 1);  // "short" alone reached the server
}

TEST_CASE("the context window the server gives in /v1/models or in its 400 is honoured",
          "[integration][long-context]") {
  TempDir dir;
  std::string suite = write_document_suite(dir, 3000);
  SECTION("vLLM says max_model_len: nothing too long is sent") {
    MockServer mock({"--context", "1000", "--context-in-models"});
    std::string db = dir.file("r.db");
    ProcessResult r =
        run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url(), "-s", suite, "--db", db});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(unscored_reason(db, "long") == "context_exceeded");
    CHECK(sql_scalar(db, "SELECT explanation FROM scores WHERE sample_id='long'")
              .find("(from the server's /v1/models)") != std::string::npos);
    CHECK(mock.counter("context_rejected") == 0);
    CHECK(mock.counter("status_200") == 1);
  }
  SECTION("the server rejects it: context_exceeded, not a request failure, never a breaker trip") {
    // Six over-long questions in a row: five identical permanent errors would stop a run.
    std::string rows;
    for (int i = 0; i < 6; ++i) {
      rows +=
          R"({"id": "long)" + std::to_string(i) +
          R"(", "set": "a", "files": "big.txt", "q": "Capital? [[answer:Fredville]]", "a": "Fredville"})" +
          "\n";
    }
    write_file(dir.file("qa.jsonl"), rows);
    MockServer mock({"--context", "1000"});
    std::string db = dir.file("r.db");
    ProcessResult r = run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url(), "-s", suite,
                           "--db", db, "--concurrency", "1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(mock.counter("context_rejected") == 6);
    CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE unscored_reason='context_exceeded'") ==
          6);
    CHECK(sql_scalar(db, "SELECT error_message FROM calls LIMIT 1")
              .find("maximum context length is 1000 tokens") != std::string::npos);
    CHECK(sql_scalar(db, "SELECT status FROM runs") == "completed");
  }
}

TEST_CASE("a malformed context window in a SPEC is a usage error naming it",
          "[integration][long-context]") {
  TempDir dir;
  std::string suite = write_document_suite(dir, 5);
  ProcessResult r = run(
      {assay_binary(), "run", "-m", "oracle?context=128k", "-s", suite, "--db", dir.file("r.db")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("model SPEC 'oracle?context=128k': context=128k: expected the model's "
                   "context window as a whole number of tokens") != std::string::npos);
}

TEST_CASE("AA-LCR on the real questions scores the oracle 100% with the mock equality checker",
          "[integration][long-context][shared-data]") {
  if (!shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  TempDir dir;
  MockServer judge;
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "oracle", "-s", "aa-lcr", "--judge",
           "openai:checker@" + judge.base_url(), "--data-dir", shared_data_dir(), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 100 questions × 3 repeats; the two whose document the shared copy lacks are never asked
  // and not counted.
  CHECK(sql_count(db, "SELECT COUNT(*) FROM samples") == 300);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE unscored_reason='missing_data'") == 6);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='equality_judge' AND value=1") ==
        294);
  CHECK(r.out.find("1.000") != std::string::npos);
  CHECK(r.err.find("(aa-lcr/98, aa-lcr/99)") != std::string::npos);
  // The judge sees the question, not the documents.
  CHECK(sql_count(db, "SELECT MAX(LENGTH(messages)) FROM calls WHERE role='judge'") < 5000);
  // Prompts of ~400 kB are stored compressed (120 MB of prompts in about 40 MB) and read back
  // whole.
  CHECK(sql_count(db, "SELECT COUNT(*) FROM samples WHERE typeof(input)='blob'") == 300);
  CHECK(std::filesystem::file_size(db) < 60u * 1024 * 1024);
  auto shown = show_samples_json(db, "1");
  const std::string input = shown.at("aa-lcr/1").find("input")->as_string();
  CHECK(input.rfind("[{\"role\":\"user\",\"content\":\"BEGIN INPUT DOCUMENTS\\n\\nBEGIN "
                    "DOCUMENT 1:\\n",
                    0) == 0);

  SECTION("a 64k-token model: no prompt fits, none is sent") {
    MockServer model;
    std::string db2 = dir.file("c.db");
    ProcessResult c =
        run({assay_binary(), "run", "-m", "openai:m@" + model.base_url() + "?context=64000", "-s",
             "aa-lcr", "--repeats", "1", "--judge", "openai:checker@" + judge.base_url(),
             "--data-dir", shared_data_dir(), "--db", db2});
    INFO(c.err);
    REQUIRE(c.exit_code == 0);
    // The shortest prompt is 71,691 cl100k tokens: even 10% below the estimate, none fits.
    CHECK(sql_count(db2, "SELECT COUNT(*) FROM scores WHERE unscored_reason='context_exceeded'") ==
          98);
    CHECK(model.counter("status_200") == 0);
    CHECK(c.out.find("context_exceeded 98") != std::string::npos);
  }
}
