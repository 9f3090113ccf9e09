#include "scorers/math_scorers.h"

#include "harness/core/strings.h"
#include "scorers/hendrycks_math.h"
#include "scorers/math_answer_extraction.h"
#include "scorers/math_equivalence.h"

namespace assay {
namespace {

constexpr size_t kShownAnswer = 120;

// Shared shape of both scorers: extract, compare with `judge`, explain.
template <typename Judge>
Score score_math(const char* metric, const ScoringInput& in, Judge judge) {
  std::optional<MathAnswer> answer = extract_math_answer(in.output);
  if (!answer) {
    return unscored(metric, "no_answer",
                    "no \\boxed{}, 'Answer:' line or 'the answer is' phrase, and the output is "
                    "too long to be an answer itself");
  }
  std::string gold = math_gold_answer(in.target);
  auto [correct, why] = judge(answer->text, gold);
  std::string explanation = std::string(math_answer_rule_name(answer->rule)) + " '" +
                            truncate_for_display(answer->text, kShownAnswer) + "' vs '" +
                            truncate_for_display(gold, kShownAnswer) + "': " + why;
  return binary_score(metric, correct, answer->text, std::move(explanation));
}

class MathEquivScorer final : public Scorer {
 public:
  std::string name() const override { return "math_equiv"; }
  std::vector<Score> score(const ScoringInput& in) const override {
    return {score_math("math_equiv", in, [](const std::string& a, const std::string& g) {
      MathEquivalence v = math_answers_equivalent(a, g);
      return std::pair<bool, std::string>(v.equal, v.explanation);
    })};
  }
};

class MathEquivHendrycksScorer final : public Scorer {
 public:
  std::string name() const override { return "math_equiv_hendrycks"; }
  std::vector<Score> score(const ScoringInput& in) const override {
    return {score_math("math_equiv_hendrycks", in, [](const std::string& a, const std::string& g) {
      // is_equiv's own rule, on one stripping of each side (also shown in the explanation).
      auto sa = hendrycks_strip_string(a);
      auto sg = hendrycks_strip_string(g);
      bool equal = sa && sg ? *sa == *sg : a == g;
      std::string why = sa && sg
                            ? "strip_string gives '" + truncate_for_display(*sa, kShownAnswer) +
                                  "' vs '" + truncate_for_display(*sg, kShownAnswer) + "'"
                            : std::string("strip_string fails; raw strings compared");
      return std::pair<bool, std::string>(equal, why);
    })};
  }
};

}  // namespace

std::string math_gold_answer(std::string_view target) {
  // Cleaned like an extracted answer, so that "\boxed{5.}" in a solution matches "\boxed{5}".
  if (auto boxed = last_boxed_content(target)) return clean_answer(*boxed);
  return clean_answer(target);
}

std::unique_ptr<Scorer> make_math_equiv_scorer() {
  return std::make_unique<MathEquivScorer>();
}

std::unique_ptr<Scorer> make_math_equiv_hendrycks_scorer() {
  return std::make_unique<MathEquivHendrycksScorer>();
}

}  // namespace assay
