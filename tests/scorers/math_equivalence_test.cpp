// Math answer extraction, Hendrycks' normalisation and assay's equivalence: the data-driven case
// file, the real Qwen2.5-Math outputs, and a seeded fuzzer over hostile input.

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "scorers/hendrycks_math.h"
#include "scorers/math_answer_extraction.h"
#include "scorers/math_equivalence.h"
#include "scorers/math_expression.h"
#include "scorers/math_normalize.h"
#include "scorers/math_scorers.h"
#include "tests/support/test_support.h"

namespace {

struct EquivalenceCase {
  int line = 0;
  std::string candidate;
  std::string gold;
  bool equiv = false;
  bool hendrycks = false;
  std::string why;
};

std::vector<EquivalenceCase> load_cases() {
  std::ifstream in(std::string(ASSAY_TEST_DATA_DIR) + "/math_equivalence_cases.tsv");
  REQUIRE(in.good());
  std::vector<EquivalenceCase> cases;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = assay::split(line, '\t');
    INFO("math_equivalence_cases.tsv line " << number);
    REQUIRE(f.size() == 5);
    REQUIRE((f[2] == "0" || f[2] == "1"));
    REQUIRE((f[3] == "0" || f[3] == "1"));
    cases.push_back({number, f[0], f[1], f[2] == "1", f[3] == "1", f[4]});
  }
  return cases;
}

}  // namespace

TEST_CASE("math_equiv and math_equiv_hendrycks agree with every case in the case file", "[math]") {
  std::vector<EquivalenceCase> cases = load_cases();
  REQUIRE(cases.size() >= 300);
  int wrong = 0;
  for (const EquivalenceCase& c : cases) {
    assay::MathEquivalence v = assay::math_answers_equivalent(c.candidate, c.gold);
    bool h = assay::hendrycks_is_equiv(c.candidate, c.gold);
    INFO("line " << c.line << ": '" << c.candidate << "' vs '" << c.gold << "' (" << c.why
                 << ")\n  math_equiv: " << v.explanation);
    CHECK(v.equal == c.equiv);
    CHECK(h == c.hendrycks);
    if (v.equal != c.equiv || h != c.hendrycks) ++wrong;
  }
  CHECK(wrong == 0);
}

TEST_CASE("Hendrycks' strip_string follows the reference rule for rule", "[math]") {
  using assay::hendrycks_strip_string;
  CHECK(hendrycks_strip_string("\\dfrac{1}{2}") == "\\frac{1}{2}");
  CHECK(hendrycks_strip_string("\\frac12") == "\\frac{1}{2}");
  CHECK(hendrycks_strip_string("\\frac1{72}") == "\\frac{1}{72}");
  CHECK(hendrycks_strip_string("3/4") == "\\frac{3}{4}");
  CHECK(hendrycks_strip_string("03/4") == "03/4");  // int("03") is 3, and "3/4" != "03/4"
  CHECK(hendrycks_strip_string(".5") == "\\frac{1}{2}");
  CHECK(hendrycks_strip_string("\\sqrt3") == "\\sqrt{3}");
  CHECK(hendrycks_strip_string("x = 7") == "7");
  CHECK(hendrycks_strip_string("abc = 7") == "abc=7");
  CHECK(hendrycks_strip_string("5\\text{ cm}") == "5");
  CHECK(hendrycks_strip_string("90^\\circ") == "90");
  CHECK(hendrycks_strip_string("50\\%") == "50");
  CHECK(hendrycks_strip_string("\\$1,\\!000") == "1,000");
  CHECK(hendrycks_strip_string("\\left( 1, 2 \\right)") == "(1,2)");
  CHECK(hendrycks_strip_string("\\frac{1}{2}") == "\\frac{1}{2}");
  // Where the reference raises, there is no stripped string and is_equiv compares raw strings.
  CHECK_FALSE(hendrycks_strip_string("1\\text{ a}\\text{ b}").has_value());
  CHECK_FALSE(hendrycks_strip_string("2\\sqrt").has_value());
  CHECK_FALSE(hendrycks_strip_string("\\frac").has_value());
  CHECK(assay::hendrycks_is_equiv("\\frac", "\\frac"));
  CHECK_FALSE(assay::hendrycks_is_equiv("\\frac", "1"));
}

TEST_CASE("the last boxed answer wins with nested braces and the boxed-space form", "[math]") {
  using assay::extract_math_answer;
  using assay::MathAnswerRule;
  struct Case {
    std::string output;
    std::string answer;
    MathAnswerRule rule;
  };
  const std::vector<Case> cases = {
      {"so \\boxed{3} then \\boxed{4}", "4", MathAnswerRule::kBoxed},
      {"\\boxed{\\frac{1}{\\sqrt{2}}}.", "\\frac{1}{\\sqrt{2}}", MathAnswerRule::kBoxed},
      {"$\\boxed 5$", "5", MathAnswerRule::kBoxed},
      {"final: \\fbox{7}", "7", MathAnswerRule::kBoxed},
      {"\\boxed{1} and later \\fbox{2}", "2", MathAnswerRule::kBoxed},
      {"\\boxed{\\boxed{9}}", "9", MathAnswerRule::kBoxed},
      {"\\boxed{\\{1,2\\}}", "\\{1,2\\}", MathAnswerRule::kBoxed},
      {"\\boxed{ 12 }", "12", MathAnswerRule::kBoxed},
      {"\\boxed{$\\frac{3}{4}$}", "\\frac{3}{4}", MathAnswerRule::kBoxed},
      {"work\nAnswer: 42", "42", MathAnswerRule::kAnswerLine},
      {"Answer: 1\nmore thought\nAnswer: $\\frac{1}{2}$.", "\\frac{1}{2}",
       MathAnswerRule::kAnswerLine},
      {"**Answer:** 17", "17", MathAnswerRule::kAnswerLine},
      {"ANSWER : 3", "3", MathAnswerRule::kAnswerLine},
      {"Final Answer: The final answer is 8. I hope it is correct.", "8",
       MathAnswerRule::kAnswerLine},
      {"so the answer is $5$.", "5", MathAnswerRule::kAnswerIsPhrase},
      {"The final answer is 2.5. Done.", "2.5", MathAnswerRule::kAnswerIsPhrase},
      {"Thus the answer is: (1,2)", "(1,2)", MathAnswerRule::kAnswerIsPhrase},
      {"  \\frac{2}{3}  ", "\\frac{2}{3}", MathAnswerRule::kWholeOutput},
      {"$x=5$", "x=5", MathAnswerRule::kWholeOutput},
      {"\\(3\\sqrt{2}\\)", "3\\sqrt{2}", MathAnswerRule::kWholeOutput},
  };
  for (const Case& c : cases) {
    INFO(c.output);
    auto got = extract_math_answer(c.output);
    REQUIRE(got.has_value());
    CHECK(got->text == c.answer);
    CHECK(got->rule == c.rule);
  }
}

TEST_CASE("no answer is found in a long output without a box or answer line or phrase", "[math]") {
  std::string rambling(assay::kMaxWholeOutputAnswer + 1, 'x');
  CHECK_FALSE(assay::extract_math_answer(rambling).has_value());
  CHECK_FALSE(assay::extract_math_answer("").has_value());
  CHECK_FALSE(assay::extract_math_answer("   \n ").has_value());
  // An unclosed last \boxed (a truncated output) is not an answer; other rules still apply.
  CHECK_FALSE(assay::last_boxed_content("\\boxed{1} ... \\boxed{2").has_value());
  auto fallback = assay::extract_math_answer(rambling + "\nAnswer: 3\n\\boxed{4");
  REQUIRE(fallback.has_value());
  CHECK(fallback->text == "3");
}

TEST_CASE("the math scorers extract and compare and explain and leave no-answer outputs unscored",
          "[math]") {
  auto equiv = assay::make_math_equiv_scorer();
  auto hendrycks = assay::make_math_equiv_hendrycks_scorer();
  CHECK(equiv->name() == "math_equiv");
  CHECK(hendrycks->name() == "math_equiv_hendrycks");

  assay::ScoringInput in;
  in.output = "We get 0.25, so the answer is \\boxed{\\frac{1}{4}}.";
  in.target = "0.25";
  auto s = equiv->score(in);
  REQUIRE(s.size() == 1);
  CHECK(s[0].metric == "math_equiv");
  REQUIRE(s[0].value.has_value());
  CHECK(*s[0].value == 1.0);
  CHECK(s[0].answer == "\\frac{1}{4}");
  CHECK(s[0].explanation.find("boxed") == 0);
  CHECK(s[0].explanation.find("exact") != std::string::npos);
  auto h = hendrycks->score(in);
  REQUIRE(h[0].value.has_value());
  CHECK(*h[0].value == 0.0);  // Hendrycks only maps 0.5 to a fraction
  CHECK(h[0].explanation.find("strip_string") != std::string::npos);

  // A full MATH solution as the target: its last \boxed{} is the gold answer.
  in.output = "Answer: 3/4";
  in.target = "So the probability is $\\boxed{\\dfrac{3}{4}}$.";
  CHECK(assay::math_gold_answer(in.target) == "\\dfrac{3}{4}");
  CHECK(*equiv->score(in)[0].value == 1.0);
  CHECK(*hendrycks->score(in)[0].value == 1.0);

  const std::string rambling(2000, 'z');
  in.output = rambling;
  auto none = equiv->score(in);
  CHECK_FALSE(none[0].value.has_value());
  CHECK(none[0].unscored_reason == "no_answer");
  CHECK(hendrycks->score(in)[0].unscored_reason == "no_answer");
}

TEST_CASE("the parser reads the answer grammar", "[math]") {
  auto parsed = [](const char* s) {
    auto n = assay::parse_math_expression(assay::normalize_math_answer(s));
    return n ? assay::to_string(*n) : std::string("<none>");
  };
  CHECK(parsed("1\\frac{1}{2}") == "(1+(1/2))");
  CHECK(parsed("2\\frac{x}{3}") == "(2*(x/3))");
  CHECK(parsed("-x^2") == "(-(x^2))");
  CHECK(parsed("2^3^2") == "(2^(3^2))");
  CHECK(parsed("(0,1]") == "(0,1]");
  CHECK(parsed("\\sin^2 x") == "(sin(x)^2)");
  CHECK(parsed("\\sin^{-1} x") == "arcsin(x)");
  CHECK(parsed("\\log_2 8") == "log(8,2)");
  CHECK(parsed("x \\le 3") == "x l 3");
  CHECK(parsed("1 \\pm 2") == "(1±2)");
  CHECK(parsed("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}") == "matrix2x2[1,2,3,4]");
  CHECK(parsed("5!") == "(5!)");
  CHECK(parsed("x_{12}y") == "(x_12*y)");
  CHECK(parsed("the answer") == "<none>");
  CHECK(parsed("\\frac{1}{2") == "<none>");
  CHECK(parsed("\\unknowncommand{1}") == "<none>");
}

namespace {

struct QwenSample {
  int idx = 0;
  int k = 0;
  bool released_score = false;
};

// Scores every (problem, sample) of the Qwen2.5-Math release against `gold_field` and returns the
// samples where math_equiv disagrees with the released score.
std::set<std::pair<int, int>> qwen_disagreements(const std::string& gold_field, int* samples_out) {
  std::ifstream in(assay::testing::shared_data_dir() +
                   "/model_outputs/math/qwen25math_math_cot_100.jsonl");
  REQUIRE(in.good());
  auto scorer = assay::make_math_equiv_scorer();
  std::set<std::pair<int, int>> disagreements;
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    auto row = assay::parse_json(line);
    REQUIRE(row.is_ok());
    int idx = static_cast<int>(row->find("idx")->as_int());
    const std::string& gold = row->find(gold_field)->as_string();
    const auto& responses = row->find("response")->items();
    const auto& scores = row->find("score")->items();
    REQUIRE(responses.size() == scores.size());
    for (size_t k = 0; k < responses.size(); ++k) {
      assay::ScoringInput input;
      input.output = responses[k].as_string();
      input.target = gold;
      auto s = scorer->score(input);
      bool ours = s[0].value && *s[0].value == 1.0;
      if (ours != scores[k].as_bool()) disagreements.insert({idx, static_cast<int>(k)});
      ++samples;
    }
  }
  *samples_out = samples;
  return disagreements;
}

}  // namespace

TEST_CASE("math_equiv agrees with the released Qwen2.5-Math scores on real outputs", "[math]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  int samples = 0;
  // `gt` is the gold answer the Qwen grader itself compared against (its normalised form).
  std::set<std::pair<int, int>> with_gt = qwen_disagreements("gt", &samples);
  REQUIRE(samples == 800);
  // The one disagreement, documented in docs/math-equivalence.md: problem 72, sample 7 answers
  // 10000 for the gold "10{,}000"; the Qwen grader cannot read "{,}" and marks it wrong.
  CHECK(with_gt == std::set<std::pair<int, int>>{{72, 7}});
  CHECK(800 - static_cast<int>(with_gt.size()) >= 792);  // at least 99%

  // Against the dataset's own `answer` field, the 8 samples of problem 3 ("4:30 p.m." for
  // "\text{4:30 p.m.}") are right too; the Qwen grader compared "4:30" with "4:30p..".
  std::set<std::pair<int, int>> with_answer = qwen_disagreements("answer", &samples);
  std::set<std::pair<int, int>> expected{{72, 7}};
  for (int k = 0; k < 8; ++k) expected.insert({3, k});
  CHECK(with_answer == expected);
}

namespace {

// A random string from fragments that stress the normaliser and parser.
std::string random_answer(std::mt19937_64& rng) {
  static const std::vector<std::string> kFragments = {"\\frac",
                                                      "{",
                                                      "}",
                                                      "\\sqrt",
                                                      "[",
                                                      "]",
                                                      "(",
                                                      ")",
                                                      "\\left",
                                                      "\\right",
                                                      "^",
                                                      "_",
                                                      "1",
                                                      "2",
                                                      "0",
                                                      "9",
                                                      ".",
                                                      ",",
                                                      "x",
                                                      "y",
                                                      "e",
                                                      "i",
                                                      "\\pi",
                                                      "\\pm",
                                                      "+",
                                                      "-",
                                                      "*",
                                                      "/",
                                                      "=",
                                                      "<",
                                                      "\\le",
                                                      "!",
                                                      "\\text{",
                                                      " ",
                                                      "\\!",
                                                      "\\$",
                                                      "\\%",
                                                      "\\boxed{",
                                                      "\\cup",
                                                      "\\infty",
                                                      "\\begin{pmatrix}",
                                                      "\\end{pmatrix}",
                                                      "&",
                                                      "\\\\",
                                                      "|",
                                                      "\\sin",
                                                      "\\log_",
                                                      "10^{10^{10}}",
                                                      "\\binom",
                                                      "{,}",
                                                      "°",
                                                      "π",
                                                      "\xff",
                                                      "\\{",
                                                      "\\}"};
  std::uniform_int_distribution<size_t> pick(0, kFragments.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  std::string s;
  for (int n = length(rng); n > 0; --n) s += kFragments[pick(rng)];
  return s;
}

// A random well-formed expression, so that fuzzing reaches the evaluator and the comparer.
std::string random_expression(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> choice(0, depth <= 0 ? 2 : 11);
  std::uniform_int_distribution<int> digit(0, 99);
  switch (choice(rng)) {
    case 0:
      return std::to_string(digit(rng));
    case 1:
      return digit(rng) % 2 == 0 ? "x" : "y";
    case 2:
      return digit(rng) % 2 == 0 ? "\\pi"
                                 : std::to_string(digit(rng)) + "." + std::to_string(digit(rng));
    case 3:
      return "\\frac{" + random_expression(rng, depth - 1) + "}{" +
             random_expression(rng, depth - 1) + "}";
    case 4:
      return random_expression(rng, depth - 1) + "+" + random_expression(rng, depth - 1);
    case 5:
      return random_expression(rng, depth - 1) + "-" + random_expression(rng, depth - 1);
    case 6:
      return random_expression(rng, depth - 1) + "\\cdot " + random_expression(rng, depth - 1);
    case 7:
      return "(" + random_expression(rng, depth - 1) + ")^{" + std::to_string(digit(rng) % 5) + "}";
    case 8:
      return "\\sqrt{" + random_expression(rng, depth - 1) + "}";
    case 9:
      return "\\left(" + random_expression(rng, depth - 1) + ", " +
             random_expression(rng, depth - 1) + "\\right)";
    case 10:
      return "\\sin(" + random_expression(rng, depth - 1) + ")";
    default:
      return "-" + random_expression(rng, depth - 1);
  }
}

}  // namespace

TEST_CASE("hostile answers never crash or hang the extractor or normaliser or comparer", "[math]") {
  // Deep nesting, huge exponents, 1 MB strings, unbalanced braces.
  std::vector<std::string> hostile = {
      std::string(100000, '(') + "1" + std::string(100000, ')'),
      std::string(100000, '{'),
      std::string(100000, '}'),
      "10^{10^{10}}",
      "2^{2^{2^{2^{2^{2}}}}}",
      "(10^{10^{10}})!",
      "\\binom{10^{18}}{10^{9}}",
      "\\sqrt[10^{10}]{2}",
      "\\log_{1} 5",
      "0^{-1}",
      std::string(1 << 20, '1'),
      std::string(1 << 20, 'x'),
      "\\boxed{" + std::string(1 << 20, '{'),
      std::string(5000, '-') + "1",
      "\\pm 1 \\pm 2 \\pm 3 \\pm 4 \\pm 5 \\pm 6 \\pm 7 \\pm 8 \\pm 9 \\pm 10",
      "\\frac\\frac\\frac\\frac",
      "\\sqrt",
      "\\text{",
      "\\begin{pmatrix}1&2\\\\3\\end{pmatrix}",
      std::string(1 << 20, '1') + "/" + std::string(1 << 20, '7'),
  };
  std::string answer_is_spam;
  for (int k = 0; k < 20000; ++k) answer_is_spam += "the answer is ";
  hostile.push_back(answer_is_spam);
  for (const std::string& h : hostile) {
    INFO(h.substr(0, 60));
    auto v = assay::math_answers_equivalent(h, "1");
    CHECK_FALSE(v.explanation.empty());
    CHECK(assay::math_answers_equivalent(h, h).equal);
    (void)assay::hendrycks_is_equiv(h, "1");
    (void)assay::extract_math_answer(h);
  }
  CHECK(assay::math_answers_equivalent(
            "\\pm 1 \\pm 2 \\pm 3 \\pm 4 \\pm 5 \\pm 6 \\pm 7 \\pm 8 \\pm 9 \\pm 10", "55")
            .equal == false);

  // A seeded random generator over fragments: bounded in count, reproducible by seed.
  std::mt19937_64 rng(20261122);
  int parsed = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string a = random_answer(rng);
    std::string b = random_answer(rng);
    INFO("seed 20261122, iteration " << n << ": '" << a << "' vs '" << b << "'");
    auto ab = assay::math_answers_equivalent(a, b);
    CHECK_FALSE(ab.explanation.empty());
    // Reflexive whatever the input.
    CHECK(assay::math_answers_equivalent(a, a).equal);
    (void)assay::hendrycks_is_equiv(a, b);
    (void)assay::extract_math_answer(a + b);
    if (assay::parse_math_expression(assay::normalize_math_answer(a))) ++parsed;
  }
  CHECK(parsed > 0);

  // Well-formed expressions: every one parses, and wrapping it in braces or spaces never changes
  // the verdict against itself unless its value is undefined (÷0, overflow).
  for (int n = 0; n < 5000; ++n) {
    std::string e = random_expression(rng, 4);
    INFO("seed 20261122, expression " << n << ": " << e);
    REQUIRE(assay::parse_math_expression(assay::normalize_math_answer(e)).has_value());
    auto wrapped = assay::math_answers_equivalent("{" + e + "}", " " + e);
    if (!wrapped.equal) {
      bool undefined = wrapped.explanation.find("evaluate") != std::string::npos;
      CHECK(undefined);
    }
  }
}
