#include "scorers/equality_judge_scorer.h"

#include <cctype>

#include "harness/core/judge.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

constexpr const char* kMetric = "equality_judge";

// AA-LCR's equality-checker prompt (the dataset card): the wording is the protocol.
constexpr const char* kTemplate =
    R"(Assess whether the following CANDIDATE ANSWER is CORRECT or INCORRECT.
For the CANDIDATE ANSWER to be correct, it must be consistent with the OFFICIAL ANSWER.

The question, for reference only: <<question>>
The OFFICIAL ANSWER: <<official_answer>>
CANDIDATE ANSWER TO ASSESS: <<candidate_answer>>

Reply only with CORRECT or INCORRECT.)";

class EqualityJudgeScorer final : public Scorer {
 public:
  std::string name() const override { return kMetric; }
  bool needs_judge() const override { return true; }

  std::vector<JudgeQuery> judge_queries(const ScoringInput& in) const override {
    JudgeQuery query;
    query.label = "consistent with '" + truncate_for_display(std::string(in.target), 80) + "'";
    query.messages = {
        {Role::kUser, equality_judge_prompt(std::string(trim(judged_question(in))),
                                            std::string(in.target), std::string(in.output))}};
    return {std::move(query)};
  }

  Result<JsonValue> parse_judgement(std::string_view reply) const override {
    std::string upper;
    upper.reserve(reply.size());
    for (char c : reply) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.find("INCORRECT") != std::string::npos) {
      return JsonValue::object({{"correct", JsonValue(false)}});
    }
    if (upper.find("CORRECT") != std::string::npos) {
      return JsonValue::object({{"correct", JsonValue(true)}});
    }
    return make_error(ErrorKind::kMalformedResponse,
                      "the reply says neither CORRECT nor INCORRECT");
  }

  std::vector<Score> score(const ScoringInput& in) const override {
    const JsonValue* correct = sole_verdict_field(in, "correct");
    if (correct == nullptr || !correct->is_bool()) {
      return {unscored(kMetric, "judge_error", "the judge's verdict is missing")};
    }
    std::string answer = truncate_for_display(trim(in.output), 200);
    return {binary_score(kMetric, correct->as_bool(), answer,
                         std::string("judge: ") + (correct->as_bool() ? "CORRECT" : "INCORRECT") +
                             " against '" + truncate_for_display(std::string(in.target), 120) +
                             "'")};
  }
};

}  // namespace

std::string equality_judge_prompt(const std::string& question, const std::string& official_answer,
                                  const std::string& candidate_answer) {
  return fill_judge_slots(kTemplate, {{"<<question>>", question},
                                      {"<<official_answer>>", official_answer},
                                      {"<<candidate_answer>>", candidate_answer}});
}

std::unique_ptr<Scorer> make_equality_judge_scorer() {
  return std::make_unique<EqualityJudgeScorer>();
}

}  // namespace assay
