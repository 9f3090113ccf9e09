// The math equality checker, the HLE, AA equality and AA-Omniscience judge scorers and rater
// agreement, without a server.

#include <catch2/catch.hpp>

#include "results/rater_agreement.h"
#include "scorers/equality_judge_scorer.h"
#include "scorers/hle_judge_scorer.h"
#include "scorers/math_equivalence.h"
#include "scorers/math_judge_scorer.h"
#include "scorers/omniscience_judge_scorer.h"

using namespace assay;

namespace {

Judgement verdict(const Scorer& s, const std::string& reply) {
  Judgement j;
  Result<JsonValue> v = s.parse_judgement(reply);
  REQUIRE(v);
  j.verdict = *v;
  return j;
}

}  // namespace

TEST_CASE("rater agreement: Cohen's kappa and Krippendorff's alpha by hand", "[agreement]") {
  // A = 1 1 0 0 1, B = 1 0 0 0 1: p_o = 0.8, p_e = 0.6·0.4 + 0.4·0.6 = 0.48,
  // κ = 0.32/0.52; α = 1 − (n−1)·Σo_{c≠k}/Σn_c·n_k = 1 − 9·2/50 = 0.64.
  std::vector<RatedPair> p = {{"1", 1, 1}, {"2", 1, 0}, {"3", 0, 0}, {"4", 0, 0}, {"5", 1, 1}};
  RaterAgreement r = rater_agreement(p);
  REQUIRE(r.n == 5);
  REQUIRE(r.agreed == 4);
  REQUIRE(r.binary);
  REQUIRE(*r.cohen_kappa == Approx(0.32 / 0.52));
  REQUIRE(*r.krippendorff_alpha == Approx(0.64));
  REQUIRE(r.both_yes == 2);
  REQUIRE(r.a_only == 1);
  REQUIRE(r.b_only == 0);
  REQUIRE(r.both_no == 2);

  // Interval α for scores: A = 0 0.5 1, B = 0.5 0.5 1 → D_o = 0.25/3; the six values have mean
  // 0.5833 and Σ(v − v̄)² = 0.7083, D_e = 2·0.7083/5.
  RaterAgreement s = rater_agreement({{"a", 0, 0.5}, {"b", 0.5, 0.5}, {"c", 1, 1}});
  REQUIRE_FALSE(s.binary);
  REQUIRE_FALSE(s.cohen_kappa);
  REQUIRE(*s.krippendorff_alpha == Approx(1 - (0.25 / 3) / (2 * 0.708333333 / 5)));

  // Raters that never vary: κ and α are undefined, not 1 or 0.
  RaterAgreement flat = rater_agreement({{"a", 1, 1}, {"b", 1, 1}});
  REQUIRE(flat.observed == 1.0);
  REQUIRE_FALSE(flat.cohen_kappa);
  REQUIRE_FALSE(flat.krippendorff_alpha);
  REQUIRE(rater_agreement({}).n == 0);
}

TEST_CASE("math_equiv says when it cannot really decide", "[agreement][math]") {
  CHECK(math_answers_equivalent("1/2", "0.5").certain);
  CHECK(math_answers_equivalent("(1,2)", "(2,1)").certain);
  MathEquivalence unsure = math_answers_equivalent("five apples", "5");
  CHECK_FALSE(unsure.equal);
  CHECK_FALSE(unsure.certain);
  CHECK(math_answers_equivalent("Paris", "paris").certain);  // equal as text: sure
}

TEST_CASE("the equality checker asks the judge and reads Yes or No", "[agreement][math]") {
  auto judge = make_math_judge_scorer(MathChecker::kJudge);
  auto cascade = make_math_judge_scorer(MathChecker::kCascade);
  REQUIRE(judge->metrics() ==
          std::vector<std::string>{"math_judge", "math_judge/agrees_with_rules"});
  REQUIRE(cascade->metrics() ==
          std::vector<std::string>{"math_cascade", "math_cascade/judge_consulted"});
  for (const char* yes : {"Yes", " yes.\n", "**Yes**", "\"YES\""}) {
    CHECK(judge->parse_judgement(yes)->find("equivalent")->as_bool());
  }
  CHECK_FALSE(judge->parse_judgement("No")->find("equivalent")->as_bool());
  CHECK_FALSE(judge->parse_judgement("Yes, because both are 1/2"));
  CHECK_FALSE(judge->parse_judgement(""));

  ScoringInput in;
  in.output = "So the result is \\boxed{1/2}.";
  in.target = "0.5";
  auto queries = judge->judge_queries(in);
  REQUIRE(queries.size() == 1);
  const std::string& prompt = queries[0].messages.back().text();
  CHECK(prompt.find("Expression 1: 1/2\nExpression 2: 0.5") != std::string::npos);
  CHECK(prompt.find("Expression 1: 3245/5\nExpression 2: 649\nNo") != std::string::npos);
  // The rules are certain here: the cascade asks nothing and scores by the rules.
  CHECK(cascade->judge_queries(in).empty());
  std::vector<Judgement> none;
  in.judgements = &none;
  auto by_rules = cascade->score(in);
  CHECK(*by_rules[0].value == 1.0);
  CHECK(*by_rules[1].value == 0.0);
  // The judge disagrees with the rules: the verdict scores, the agreement metric records it.
  std::vector<Judgement> no = {verdict(*judge, "No")};
  in.judgements = &no;
  auto judged = judge->score(in);
  CHECK(*judged[0].value == 0.0);
  CHECK(*judged[1].value == 0.0);
  CHECK(judged[0].explanation.find("math_equiv: equal") != std::string::npos);
  // No answer to extract: no question for the judge, unscored no_answer.
  const std::string rambling(3000, 'x');
  ScoringInput blank;
  blank.output = rambling;  // a view: the text must outlive the input
  blank.target = "1";
  CHECK(judge->judge_queries(blank).empty());
  CHECK(judge->score(blank)[0].unscored_reason == "no_answer");
  // A placeholder in the answer is not filled twice.
  CHECK(math_equality_prompt("<<expression2>>", "7")
            .find("Expression 1: <<expression2>>\n"
                  "Expression 2: 7") != std::string::npos);
}

TEST_CASE("the HLE judge reads line, markdown and JSON verdicts", "[agreement][hle]") {
  auto s = make_hle_judge_scorer();
  auto lines = s->parse_judgement(
      "extracted_final_answer: 42\nreasoning: same number\ncorrect: yes\nconfidence: 90%");
  REQUIRE(lines);
  CHECK(lines->find("correct")->as_bool());
  CHECK(lines->find("extracted_final_answer")->as_string() == "42");
  CHECK(lines->find("confidence")->as_string() == "90%");
  auto markdown = s->parse_judgement(
      "**Extracted final answer**: None\n\n**Reasoning:** nothing to extract\n**Correct:** No.");
  REQUIRE(markdown);
  CHECK_FALSE(markdown->find("correct")->as_bool());
  CHECK(markdown->find("extracted_final_answer")->as_string() == "None");
  auto json = s->parse_judgement(
      "```json\n{\"extracted_final_answer\": \"B\", \"reasoning\": \"r\", \"correct\": \"yes\", "
      "\"confidence\": 80}\n```");
  REQUIRE(json);
  CHECK(json->find("correct")->as_bool());
  CHECK_FALSE(s->parse_judgement("correct: maybe"));
  CHECK_FALSE(s->parse_judgement("The answer looks right to me."));

  std::vector<Message> messages = {{Role::kSystem, "Format: Exact Answer"},
                                   {Role::kUser, "What is 6*7?"}};
  ScoringInput in;
  in.output = "Explanation: 6*7.\nExact Answer: 42\nConfidence: 90%";
  in.target = "42";
  in.messages = &messages;
  auto q = s->judge_queries(in);
  REQUIRE(q.size() == 1);
  const std::string& prompt = q[0].messages.back().text();
  CHECK(prompt.find("[question]: What is 6*7?\n\n[response]: Explanation: 6*7.") !=
        std::string::npos);
  CHECK(prompt.find("[correct_answer]: 42\n") != std::string::npos);
  std::vector<Judgement> j = {verdict(*s, "extracted_final_answer: 42\ncorrect: yes")};
  in.judgements = &j;
  auto scores = s->score(in);
  CHECK(*scores[0].value == 1.0);
  CHECK(scores[0].answer == "42");
}

TEST_CASE("AA's equality checker: CORRECT unless INCORRECT, anything else unusable", "[judge]") {
  auto s = make_equality_judge_scorer();
  CHECK(s->parse_judgement("CORRECT")->find("correct")->as_bool());
  CHECK(s->parse_judgement("The candidate is correct.")->find("correct")->as_bool());
  CHECK_FALSE(s->parse_judgement("INCORRECT")->find("correct")->as_bool());
  // "INCORRECT" contains "CORRECT": the reference checks it first, and so does assay.
  CHECK_FALSE(s->parse_judgement("**Incorrect**")->find("correct")->as_bool());
  CHECK_FALSE(s->parse_judgement("I cannot tell"));
  // The question comes from metadata when the sample has it: the judge never sees documents.
  std::vector<Message> prompt = {{Role::kUser, "BEGIN INPUT DOCUMENTS ... long ... Q?"}};
  JsonValue meta = JsonValue::object({{"question", JsonValue("Q?")}});
  ScoringInput in;
  in.output = "42";
  in.target = "forty-two";
  in.metadata = &meta;
  in.messages = &prompt;
  std::string asked = s->judge_queries(in).at(0).messages.at(0).text();
  CHECK(asked == equality_judge_prompt("Q?", "forty-two", "42"));
  CHECK(asked.find("BEGIN INPUT DOCUMENTS") == std::string::npos);
  CHECK(asked.find("The OFFICIAL ANSWER: forty-two\nCANDIDATE ANSWER TO ASSESS: 42\n") !=
        std::string::npos);
}

TEST_CASE("AA-Omniscience's grades: +1 and 0 and -1 with the hallucination rate's denominator",
          "[judge]") {
  auto s = make_omniscience_judge_scorer();
  for (const char* a : {"A", " **A** ", "\"A\"", "A: CORRECT", "CORRECT"}) {
    INFO(a);
    CHECK(s->parse_judgement(a)->find("grade")->as_string() == "A");
  }
  CHECK(s->parse_judgement("C")->find("grade")->as_string() == "C");
  CHECK(s->parse_judgement("not_attempted")->find("grade")->as_string() == "D");
  CHECK_FALSE(s->parse_judgement("E"));
  CHECK_FALSE(s->parse_judgement("I think A or B"));
  auto grade = [&](const char* letter) {
    std::vector<Judgement> js = {verdict(*s, letter)};
    ScoringInput in;
    in.output = "x";
    in.target = "y";
    in.judgements = &js;
    return s->score(in);
  };
  std::vector<Score> a = grade("A");
  REQUIRE(a.size() == 3);
  CHECK(*a[0].value == 1.0);
  CHECK(*a[1].value == 1.0);
  CHECK(a[2].unscored_reason == "answered_correctly");
  std::vector<Score> b = grade("B");
  CHECK(*b[0].value == -1.0);
  CHECK(*b[2].value == 1.0);
  std::vector<Score> c = grade("C");  // partial counts as wrong, as lighteval scores it
  CHECK(*c[0].value == -1.0);
  CHECK(*c[2].value == 1.0);
  std::vector<Score> d = grade("D");
  CHECK(*d[0].value == 0.0);
  CHECK(*d[1].value == 0.0);
  CHECK(*d[2].value == 0.0);
  CHECK(d[0].explanation.find("D (NOT_ATTEMPTED)") != std::string::npos);
}
