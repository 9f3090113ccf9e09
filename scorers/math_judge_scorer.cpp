#include "scorers/math_judge_scorer.h"

#include <cctype>

#include "harness/core/judge.h"
#include "harness/core/strings.h"
#include "scorers/math_answer_extraction.h"
#include "scorers/math_equivalence.h"
#include "scorers/math_scorers.h"

namespace assay {
namespace {

constexpr size_t kShown = 120;

// The equality checker's prompt: the reference's task, its worked pairs (protocols.md §2.5) and
// its Yes/No answer format, in assay's words.
constexpr const char* kEqualityTemplate =
    R"(Decide whether the two mathematical expressions below are equivalent. Ignore trivial differences of form, such as the order of terms, a fraction written as a decimal, or units written after a number; do not count them equivalent if showing it needs non-trivial simplification.

Examples:

Expression 1: $2x+3$
Expression 2: $3+2x$
Yes

Expression 1: 3/2
Expression 2: 1.5
Yes

Expression 1: $x^2+2x+1$
Expression 2: $y^2+2y+1$
No

Expression 1: $x^2+2x+1$
Expression 2: $(x+1)^2$
Yes

Expression 1: 3245/5
Expression 2: 649
No
(these are really equal, but reducing the fraction is a non-trivial simplification)

Expression 1: 2/(-3)
Expression 2: -2/3
Yes
(a trivial rearrangement)

Expression 1: 72 degrees
Expression 2: 72
Yes
(only the unit differs)

Expression 1: 64
Expression 2: 64 square feet
Yes
(only the unit differs)

---

Answer with only "Yes" or "No" (without quotes), and no explanation.

Expression 1: <<expression1>>
Expression 2: <<expression2>>)";

// "yes" / "no" from a reply, tolerating case, surrounding quotes, markdown emphasis and a final
// full stop; anything else is not an answer.
std::optional<bool> yes_or_no(std::string_view reply) {
  std::string s;
  for (char c : reply) {
    if (c == '*' || c == '"' || c == '\'' || c == '`' || c == '.') continue;
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view t = trim(s);
  if (t == "yes") return true;
  if (t == "no") return false;
  return std::nullopt;
}

class MathJudgeScorer final : public Scorer {
 public:
  explicit MathJudgeScorer(MathChecker mode)
      : mode_(mode),
        metric_(mode == MathChecker::kCascade ? kMathCascadeMetric : kMathJudgeMetric),
        second_(mode == MathChecker::kCascade ? kMathCascadeConsultedMetric
                                              : kMathJudgeAgreementMetric) {}

  std::string name() const override { return metric_; }
  std::vector<std::string> metrics() const override { return {metric_, second_}; }
  bool needs_judge() const override { return true; }
  std::string environment() const override {
    return mode_ == MathChecker::kCascade
               ? "math checker: cascade (math_equiv rules first, judge where they are unsure)"
               : "math checker: judge (equality checker on every extracted answer)";
  }

  std::vector<JudgeQuery> judge_queries(const ScoringInput& in) const override {
    Decision d = decide(in);
    if (!d.answer || !d.ask_judge) return {};
    JudgeQuery q;
    q.label = "'" + truncate_for_display(d.answer->text, kShown) + "' vs '" +
              truncate_for_display(d.gold, kShown) + "'";
    q.messages = {{Role::kUser, math_equality_prompt(d.answer->text, d.gold)}};
    return {std::move(q)};
  }

  Result<JsonValue> parse_judgement(std::string_view reply) const override {
    std::optional<bool> v = yes_or_no(reply);
    if (!v) return make_error(ErrorKind::kMalformedResponse, "the reply is not 'Yes' or 'No'");
    return JsonValue::object({{"equivalent", JsonValue(*v)}});
  }

  std::vector<Score> score(const ScoringInput& in) const override {
    const std::string& second = second_;
    Decision d = decide(in);
    if (!d.answer) {
      std::string why = "no \\boxed{}, 'Answer:' line or 'the answer is' phrase";
      return {unscored(metric_, "no_answer", why), unscored(second, "no_answer", why)};
    }
    const std::string rule_says = std::string("math_equiv: ") +
                                  (d.rules.equal ? "equal" : "different") + " (" +
                                  d.rules.explanation + ")";
    const std::string compared = "'" + truncate_for_display(d.answer->text, kShown) + "' vs '" +
                                 truncate_for_display(d.gold, kShown) + "'";
    if (!d.ask_judge) {
      return {binary_score(metric_, d.rules.equal, d.answer->text,
                           compared + ": rules are certain, judge not asked; " + rule_says),
              binary_score(second, false, "", "judge not consulted")};
    }
    const JsonValue* eq = sole_verdict_field(in, "equivalent");
    if (eq == nullptr || !eq->is_bool()) {
      std::string why = "the judge's verdict is missing";
      return {unscored(metric_, "judge_error", why), unscored(second, "judge_error", why)};
    }
    const bool judged = eq->as_bool();
    std::string explanation =
        compared + ": judge says " + (judged ? "equivalent" : "not equivalent") + "; " + rule_says;
    Score primary = binary_score(metric_, judged, d.answer->text, explanation);
    if (mode_ == MathChecker::kCascade) {
      return {std::move(primary),
              binary_score(second, true, "", "the rules were unsure: judge consulted")};
    }
    return {std::move(primary), binary_score(second, judged == d.rules.equal,
                                             d.rules.equal ? "equal" : "different", rule_says)};
  }

 private:
  struct Decision {
    std::optional<MathAnswer> answer;
    std::string gold;
    MathEquivalence rules;
    bool ask_judge = false;
  };

  // The same decision for judge_queries() and score(): pure in the output and target.
  Decision decide(const ScoringInput& in) const {
    Decision d;
    d.answer = extract_math_answer(in.output);
    if (!d.answer) return d;
    d.gold = math_gold_answer(in.target);
    d.rules = math_answers_equivalent(d.answer->text, d.gold);
    d.ask_judge = mode_ == MathChecker::kJudge || !d.rules.certain;
    return d;
  }

  MathChecker mode_;
  std::string metric_;
  std::string second_;  // agreement with the rules (judge) or judge consulted (cascade)
};

}  // namespace

const char* math_checker_name(MathChecker c) {
  switch (c) {
    case MathChecker::kRules:
      return "rules";
    case MathChecker::kJudge:
      return "judge";
    case MathChecker::kCascade:
      return "cascade";
  }
  return "?";
}

std::string math_equality_prompt(const std::string& answer, const std::string& gold) {
  std::string out = kEqualityTemplate;
  // Expression 2 first: the answer text may itself contain the other placeholder.
  out.replace(out.find("<<expression2>>"), 15, gold);
  out.replace(out.find("<<expression1>>"), 15, answer);
  return out;
}

std::unique_ptr<Scorer> make_math_judge_scorer(MathChecker mode) {
  return std::make_unique<MathJudgeScorer>(mode);
}

}  // namespace assay
