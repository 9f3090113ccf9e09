// Knowledge with abstention end to end: the omniscience_judge scorer through the mock model and
// the mock's AA-Omniscience grader; the example suite under examples/abstention.

#include <catch2/catch.hpp>

#include <string>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// The line of `assay show`'s metric table for `metric`, e.g. "omniscience  10  0.100  [...]".
std::string metric_line(const std::string& show, const std::string& metric) {
  size_t at = show.find("\n" + metric + " ");
  if (at == std::string::npos) return "";
  return show.substr(at + 1, show.find('\n', at + 1) - at - 1);
}

}  // namespace

TEST_CASE(
    "abstention scoring: right +1 and wrong -1 and I-don't-know 0 with the hallucination rate",
    "[integration][abstention]") {
  TempDir dir;
  // Four right, three wrong, three abstentions. The question field is what the grader sees;
  // the mock's reply markers stay in the model's prompt.
  std::string rows;
  auto add = [&](const std::string& q, const std::string& gold, const std::string& reply) {
    rows += R"({"q": ")" + q + R"(", "a": ")" + gold + R"(", "reply": ")" + reply + "\"}\n";
  };
  add("Capital of France?", "Paris", "Paris");
  add("Symbol of tungsten?", "W", "W");
  add("Planet of Miranda?", "Uranus", "uranus");
  add("Composer of Wozzeck?", "Alban Berg", "Alban Berg");
  add("Capital of Burkina Faso?", "Ouagadougou", "Bamako");
  add("Year of Westphalia?", "1648", "1748");
  add("Smallest prime over 1000?", "1009", "1001");
  add("First release of Lua?", "1993", "I don't know");
  add("SI unit of magnetic flux?", "Weber", "I am not sure, sorry, I do not know.");
  add("Atomic number 75?", "Rhenium", " ");  // a blank answer
  write_file(dir.file("q.jsonl"), rows);
  write_file(dir.file("suite.toml"), R"toml(name = "abstain"
[dataset]
files = ["q.jsonl"]
[sample]
prompt = "{q} [[reply:{reply}]]"
target = "{a}"
metadata = ["question={q}"]
[scoring]
scorers = ["omniscience_judge"]
)toml");
  MockServer mock;
  std::string db = dir.file("a.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:m@" + mock.base_url(), "-s", dir.file("suite.toml"),
           "--judge", "openai:grader@" + mock.base_url(), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  INFO(show.out);
  // (4 − 3) / 10: the empty answer is an abstention too (empty_answer, counted as 0).
  CHECK(metric_line(show.out, "omniscience").find("10  0.100") != std::string::npos);
  CHECK(metric_line(show.out, "omniscience_accuracy").find("10  0.400") != std::string::npos);
  // Wrong / (wrong + abstained) = 3 / 6: the four right answers are outside it.
  CHECK(metric_line(show.out, "omniscience_hallucination_rate").find(" 6  0.500") !=
        std::string::npos);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE unscored_reason='answered_correctly'") ==
        4);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='omniscience' AND value=-1") == 3);
  CHECK(sql_scalar(db,
                   "SELECT explanation FROM scores WHERE metric='omniscience' AND value=0 AND "
                   "sample_id='7'")
            .find("D (NOT_ATTEMPTED)") != std::string::npos);
  // The grader saw the question without the prompt's marker.
  CHECK(sql_count(db,
                  "SELECT COUNT(*) FROM calls WHERE role='judge' AND messages LIKE "
                  "'%Question: Capital of France?%Gold target: Paris%'") == 1);
  CHECK(sql_count(db,
                  "SELECT COUNT(*) FROM calls WHERE role='judge' AND messages LIKE "
                  "'%[[reply:%'") == 0);
}

TEST_CASE("the abstention example suite scores the oracle 100 with the mock grader",
          "[integration][abstention]") {
  TempDir dir;
  MockServer mock;
  std::string db = dir.file("e.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "oracle", "-s",
           std::string(ASSAY_TEST_DATA_DIR) + "/../../examples/abstention/abstention-example.toml",
           "--judge", "openai:grader@" + mock.base_url(), "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  CHECK(metric_line(show.out, "omniscience").find("10  1.000") != std::string::npos);
  CHECK(metric_line(show.out, "omniscience_hallucination_rate").find(" 0      -") !=
        std::string::npos);
}
