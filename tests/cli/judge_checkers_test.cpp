// The judge as equality checker for math (--math-checker judge|cascade), agreement between two
// judges and between a judge and the rules (assay agreement), and HLE-style free-form grading.
// Mock servers over loopback act as model and judge: their equality checker compares letters
// and digits ("strict" judges: the whole text), their HLE judge the "answer is" phrase.

#include <catch2/catch.hpp>

#include "harness/core/json.h"
#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// Eight math questions; the mock model answers the [[answer:]] text in \boxed{}. Verdicts:
//   answer vs target       rules (math_equiv)       lenient judge  strict judge
//   1/2 vs 0.5             equal (certain)          no             no
//   3 vs 3                 equal                    yes            yes
//   x+1 vs 1+x             equal                    no             no
//   five apples vs 5       different, UNSURE        no             no
//   foo-bar vs foo bar     different, UNSURE        yes            no
//   Paris vs paris         equal (as text)          yes            no
//   (1,2) vs (2,1)         different (certain)      no             no
//   12 cm vs 12            equal (unit dropped)     no             no
std::string write_math_suite(const TempDir& dir) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"1/2", "0.5"},         {"3", "3"},         {"x+1", "1+x"},     {"five apples", "5"},
      {"foo-bar", "foo bar"}, {"Paris", "paris"}, {"(1,2)", "(2,1)"}, {"12 cm", "12"}};
  std::string jsonl;
  for (size_t i = 0; i < rows.size(); ++i) {
    jsonl += R"({"id": )" + std::to_string(i) + R"(, "q": "Compute it. [[answer:)" + rows[i].first +
             R"(]]", "t": ")" + rows[i].second + "\"}\n";
  }
  write_file(dir.file("math.jsonl"), jsonl);
  write_file(dir.file("math.toml"), R"toml(name = "checker-fixture"
domain = "math"
[dataset]
files = ["math.jsonl"]
[sample]
id = "m/{id}"
prompt = """Put the final answer in \\boxed{{}}.

{q}"""
target = "{t}"
[scoring]
scorers = ["math_equiv", "math_equiv_hendrycks"]
primary = "math_equiv"
)toml");
  return dir.file("math.toml");
}

// `assay run` of the fixture with a math checker and a judge.
ProcessResult run_checked(const std::string& suite, const std::string& db, const MockServer& model,
                          const std::string& mode, const std::string& judge) {
  return run({assay_binary(), "run", "-m", "openai:m@" + model.base_url(), "-s", suite, "--db", db,
              "--math-checker", mode, "--judge", judge, "--reuse-answers"});
}

std::string value_of(const std::string& db, int run, const std::string& sample,
                     const std::string& metric) {
  return sql_scalar(db, "SELECT value FROM scores WHERE run_id=" + std::to_string(run) +
                            " AND sample_id='" + sample + "' AND metric='" + metric + "'");
}

}  // namespace

TEST_CASE("math checker judge: every answer to the judge, agreement with the rules per sample",
          "[integration][judge][math]") {
  TempDir dir;
  std::string suite = write_math_suite(dir);
  MockServer model({"--accuracy", "1"});
  MockServer judge;
  std::string db = dir.file("m.db");
  ProcessResult r = run_checked(suite, db, model, "judge", "openai:lenient@" + judge.base_url());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(judge.counter("status_200") == 8);
  REQUIRE(sql_scalar(db, "SELECT primary_metric FROM runs") == "math_judge");
  REQUIRE(sql_scalar(db, "SELECT scoring_env FROM runs").find("math checker: judge") !=
          std::string::npos);
  const std::vector<std::string> judged = {"0.0", "1.0", "0.0", "0.0", "1.0", "1.0", "0.0", "0.0"};
  const std::vector<std::string> rules = {"1.0", "1.0", "1.0", "0.0", "0.0", "1.0", "0.0", "1.0"};
  for (size_t i = 0; i < judged.size(); ++i) {
    std::string id = "m/" + std::to_string(i);
    INFO(id);
    CHECK(value_of(db, 1, id, "math_judge") == judged[i]);
    CHECK(value_of(db, 1, id, "math_equiv") == rules[i]);
    CHECK(value_of(db, 1, id, "math_judge/agrees_with_rules") ==
          (judged[i] == rules[i] ? "1.0" : "0.0"));
  }
  // The verdict is stored with its prompt (the few-shot equality template).
  REQUIRE(sql_count(db,
                    "SELECT COUNT(*) FROM calls WHERE role='judge' AND messages LIKE "
                    "'%Expression 2: 0.5%'") == 1);
  // 4 of 8 agree; p_e = 3/8·5/8 + 5/8·3/8 = 30/64, κ = (32/64 − 30/64)/(34/64) = 1/17.
  REQUIRE(r.out.find("math_judge vs math_equiv: agree 4/8 (0.500), Cohen's κ 0.059") !=
          std::string::npos);
  ProcessResult agree = run({assay_binary(), "agreement", "1", "--db", db, "--json"});
  REQUIRE(agree.exit_code == 0);
  Result<JsonValue> a = parse_json(agree.out);
  REQUIRE(a);
  CHECK(a->find("n")->as_int() == 8);
  CHECK(a->find("agreed")->as_int() == 4);
  CHECK(a->find("cohen_kappa")->as_double() == Approx(1.0 / 17.0));
  CHECK(a->find("disagreements")->items().size() == 4);
  CHECK(a->find("table")->find("a_only")->as_int() == 1);  // foo-bar: judge yes, rules no
}

TEST_CASE("math checker cascade: the judge only where the rules are unsure",
          "[integration][judge][math]") {
  TempDir dir;
  std::string suite = write_math_suite(dir);
  MockServer model({"--accuracy", "1"});
  MockServer judge;
  std::string db = dir.file("c.db");
  ProcessResult r = run_checked(suite, db, model, "cascade", "openai:lenient@" + judge.base_url());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Two unsure answers (five apples, foo-bar): two judge calls, six saved.
  REQUIRE(judge.counter("status_200") == 2);
  REQUIRE(
      sql_count(db, "SELECT SUM(value) FROM scores WHERE metric='math_cascade/judge_consulted'") ==
      2);
  REQUIRE(r.out.find("the judge was asked about 2 of 8 answers; the rules decided 6") !=
          std::string::npos);
  CHECK(value_of(db, 1, "m/3", "math_cascade") == "0.0");  // judge: no
  CHECK(value_of(db, 1, "m/4", "math_cascade") == "1.0");  // judge: yes, where the rules said no
  CHECK(value_of(db, 1, "m/0", "math_cascade") == "1.0");  // rules certain: judge not asked
  CHECK(sql_count(db, "SELECT SUM(value) FROM scores WHERE metric='math_cascade'") == 6);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM calls WHERE role='judge'") == 2);

  // Judge and cascade modes are different runs (the checker is in the run identity), and the
  // cascade's two judge questions are the judge mode's too: answered from the cache.
  ProcessResult full = run_checked(suite, db, model, "judge", "openai:lenient@" + judge.base_url());
  REQUIRE(full.exit_code == 0);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM runs") == 2);
  CHECK(judge.counter("status_200") == 8);

  // Without --judge: a clear error naming the suite and the flag that asked for one.
  ProcessResult missing = run({assay_binary(), "run", "-m", "openai:m@" + model.base_url(), "-s",
                               suite, "--db", db, "--math-checker", "cascade"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("'checker-fixture' is graded by a judge model (--math-checker "
                         "cascade): give one with --judge SPEC") != std::string::npos);
}

TEST_CASE("two judges on one suite: agreement per sample and per judge question",
          "[integration][judge]") {
  TempDir dir;
  std::string suite = write_math_suite(dir);
  MockServer model({"--accuracy", "1"});
  MockServer judge;
  std::string db = dir.file("two.db");
  for (const char* name : {"lenient", "judge-strict"}) {
    ProcessResult r = run_checked(suite, db, model, "judge",
                                  std::string("openai:") + name + "@" + judge.base_url());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  // The model answered once: the second run's answers came from the cache.
  REQUIRE(model.counter("status_200") == 8);
  // lenient: yes on 3, paris, foo-bar; strict: yes on 3 only. Agree 6/8; p_e = 3/8·1/8 +
  // 5/8·7/8 = 38/64; κ = (48/64 − 38/64)/(26/64) = 10/26; α: D_o = 2/8, D_e = 2·3/15 = 0.4,
  // α = 1 − 0.25/0.4 = 0.375.
  for (bool criteria : {false, true}) {
    INFO("criteria " << criteria);
    std::vector<std::string> args = {assay_binary(), "agreement", "1", "2", "--db", db, "--json"};
    if (criteria) args.push_back("--criteria");
    ProcessResult agree = run(args);
    INFO(agree.err);
    REQUIRE(agree.exit_code == 0);
    Result<JsonValue> a = parse_json(agree.out);
    REQUIRE(a);
    CHECK(a->find("n")->as_int() == 8);
    CHECK(a->find("agreed")->as_int() == 6);
    CHECK(a->find("cohen_kappa")->as_double() == Approx(10.0 / 26.0));
    CHECK(a->find("krippendorff_alpha")->as_double() == Approx(0.375));
    CHECK(a->find("b")->as_string() ==
          (criteria ? "run 2 openai:judge-strict" : "run 2 math_judge"));
  }
  ProcessResult text = run({assay_binary(), "agreement", "1", "2", "--db", db});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("agree 6/8 (0.750), Cohen's κ 0.385, Krippendorff's α 0.375 (nominal)") !=
        std::string::npos);
  CHECK(text.out.find("m/4#0: 1.000, 0.000") != std::string::npos);

  // Bad requests are exit 2 with the reason.
  ProcessResult one = run({assay_binary(), "agreement", "1", "--db", db, "--metric", "math_equiv"});
  CHECK(one.exit_code == 2);
  CHECK(one.err.find("one run needs --against METRIC") != std::string::npos);
  ProcessResult crit = run({assay_binary(), "agreement", "1", "--db", db, "--criteria"});
  CHECK(crit.exit_code == 2);
  CHECK(crit.err.find("--criteria compares the judgements of two runs") != std::string::npos);
}

TEST_CASE("hle-style free-form answers: the judge extracts and compares", "[integration][judge]") {
  TempDir dir;
  write_file(
      dir.file("hle.jsonl"),
      R"({"id": "q1", "question": "Name the capital of France. [[answer:Paris]]", "answer": "Paris", "answer_type": "exactMatch", "category": "Other"}
{"id": "q2", "question": "What is 6 times 7? [[answer:42]]", "answer": "42", "answer_type": "exactMatch", "category": "Math"}
{"id": "q3", "question": "Which gas do plants absorb? [[answer:oxygen]]", "answer": "carbon dioxide", "answer_type": "exactMatch", "category": "Biology"}
{"id": "q4", "question": "A judge that will not decide. [[reply:correct: maybe]]", "answer": "x", "answer_type": "exactMatch", "category": "Other"}
)");
  // The built-in hle spec's prompt and scoring, pointed at the fixture.
  write_file(dir.file("hle.toml"), R"toml(name = "hle-fixture"
domain = "science"
[dataset]
files = ["hle.jsonl"]
[sample]
id = "hle/{id}"
system = """Your response should be in the following format:
Explanation: {{your explanation for your final answer}}
Exact Answer: {{your succinct, final answer}}
Confidence: {{your confidence score between 0% and 100% for your answer}}"""
prompt = "{question}"
target = "{answer}"
metadata = ["answer_type", "category"]
subset_field = "category"
[scoring]
scorers = ["hle_judge"]
)toml");
  MockServer model({"--accuracy", "1"});
  MockServer judge;
  std::string db = dir.file("h.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:m@" + model.base_url(), "-s", dir.file("hle.toml"),
           "--db", db, "--judge", "openai:judge@" + judge.base_url(), "--max-retries", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // The judge is asked for up to 4096 tokens, as hle_eval asks, not the 2048 of simple-evals.
  CHECK(judge.counter("max_tokens_4096") >= 4);
  CHECK(judge.counter("max_tokens_2048") == 0);
  CHECK(value_of(db, 1, "hle/q1", "hle_judge") == "1.0");
  CHECK(value_of(db, 1, "hle/q2", "hle_judge") == "1.0");
  CHECK(value_of(db, 1, "hle/q3", "hle_judge") == "0.0");
  CHECK(sql_scalar(db, "SELECT answer FROM scores WHERE sample_id='hle/q3'") == "oxygen");
  // An undecided judge is retried, then the sample is unscored, not wrong.
  CHECK(sql_scalar(db, "SELECT unscored_reason FROM scores WHERE sample_id='hle/q4'") ==
        "judge_error");
  CHECK(sql_count(db, "SELECT attempts FROM calls WHERE role='judge' AND sample_id='hle/q4'") == 2);
  // The judge saw the question, the whole response and the gold answer.
  CHECK(sql_count(db,
                  "SELECT COUNT(*) FROM calls WHERE sample_id='hle/q3' AND role='judge' AND "
                  "messages LIKE '%[question]: Which gas%' AND "
                  "messages LIKE '%[correct_answer]: carbon dioxide%'") == 1);
  // The built-in hle suite says where its (gated) data must go.
  ProcessResult builtin =
      run({assay_binary(), "run", "-m", "openai:m@" + model.base_url(), "-s", "hle", "--db", db,
           "--data-dir", dir.path(), "--judge", "openai:judge@" + judge.base_url()});
  CHECK(builtin.exit_code == 2);
  CHECK(builtin.err.find("hle/test_text.jsonl") != std::string::npos);
}

TEST_CASE("hle runs report HLE's calibration error from the stated confidences",
          "[integration][judge][calibration]") {
  TempDir dir;
  // 100 answers stated at 30% confidence of which 60 are right, 150 at 90% all right: HLE's
  // bins of 100 count the first bin only, sqrt(100/250 · (0.3 − 0.6)²) = 0.190.
  std::string rows;
  for (int i = 0; i < 250; ++i) {
    const bool low = i < 100;
    const bool right = !low || i < 60;
    rows += R"({"id": ")" + std::to_string(i) + R"(", "question": "Q)" + std::to_string(i) +
            " [[answer:" + std::to_string(i) + "]] [[confidence:" + (low ? "30" : "90") +
            R"(]]", "answer": ")" + std::to_string(right ? i : i + 1000) + "\"}\n";
  }
  write_file(dir.file("hle.jsonl"), rows);
  write_file(dir.file("hle.toml"), R"toml(name = "hle-calibration"
[dataset]
files = ["hle.jsonl"]
[sample]
id = "hle/{id}"
prompt = "{question}"
target = "{answer}"
[scoring]
scorers = ["hle_judge"]
)toml");
  MockServer model({"--accuracy", "1"});
  MockServer judge;
  std::string db = dir.file("c.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:m@" + model.base_url(), "-s", dir.file("hle.toml"),
           "--db", db, "--judge", "openai:judge@" + judge.base_url()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='hle_judge' AND value=1") == 210);
  CHECK(sql_scalar(db,
                   "SELECT value FROM scores WHERE metric='hle_judge_confidence' AND "
                   "sample_id='hle/0'") == "0.3");
  ProcessResult show = run({assay_binary(), "show", "1", "--db", db});
  INFO(show.out);
  CHECK(show.out.find("calibration error (RMS over bins of 100 answers sorted by stated "
                      "confidence, as HLE computes it): 19.0 on HLE's 0-100 scale, from 100 of "
                      "250 answers") != std::string::npos);
  ProcessResult json = run({assay_binary(), "report", "--db", db, "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"calibration_error\"") != std::string::npos);
}
