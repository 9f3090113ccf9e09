#include "harness/eval/outcome_scoring.h"

#include "harness/core/strings.h"

namespace assay {

std::optional<std::pair<std::string, std::string>> unscorable(const Completion* completion,
                                                              const Error* error) {
  if (error != nullptr && is_limit(error->kind)) {
    return std::pair{std::string(error_kind_name(error->kind)), error->message};
  }
  if (error != nullptr || completion == nullptr) {
    return std::pair{"error:" + std::string(error ? error_kind_name(error->kind) : "internal"),
                     error ? error->message : std::string("no completion")};
  }
  const std::string& finish = completion->finish_reason;
  const bool no_answer = trim(completion->text).empty();
  if (finish == "reasoning_unterminated" ||
      (finish == "length" && no_answer && !completion->reasoning.empty())) {
    return std::pair{std::string("truncated_reasoning"),
                     finish == "length"
                         ? std::string("the response hit the max_tokens limit inside its "
                                       "reasoning: no answer after it (finish_reason=length)")
                         : std::string("the response is a reasoning block that never closed: no "
                                       "answer after it")};
  }
  if (finish == "stop" && no_answer) {
    return std::pair{
        std::string("empty_answer"),
        std::string("the model stopped without an answer (finish_reason=stop, empty "
                    "text" +
                    std::string(completion->reasoning.empty() ? ")" : " after its reasoning)"))};
  }
  if (finish == "length") {
    return std::pair{std::string("truncated"),
                     std::string("the response hit the max_tokens limit (finish_reason=length)")};
  }
  if (finish == "missing_output") {
    return std::pair{std::string("missing_output"),
                     std::string("the replayed outputs have none for this sample")};
  }
  if (finish.rfind("content_filter", 0) == 0) {
    return std::pair{std::string("blocked"),
                     "the provider withheld the answer (finish_reason=" + finish + ")"};
  }
  return std::nullopt;
}

ScoringInput scoring_input(const Sample& sample, const Completion& completion) {
  ScoringInput input;
  input.output = completion.text;
  input.target = sample.target;
  input.choices = &sample.choices;
  input.metadata = &sample.metadata;
  input.messages = &sample.messages;
  return input;
}

std::vector<Score> score_outcome(const Sample& sample, const Completion* completion,
                                 const Error* error, const std::vector<const Scorer*>& scorers,
                                 const std::vector<std::vector<Judgement>>* judgements,
                                 const JsonValue* environment) {
  static const std::vector<Judgement> kNoJudgements;
  std::vector<Score> out;
  std::optional<std::pair<std::string, std::string>> why = unscorable(completion, error);
  for (size_t k = 0; k < scorers.size(); ++k) {
    const Scorer* scorer = scorers[k];
    std::optional<std::pair<std::string, std::string>> reason = why;
    const std::vector<Judgement>* mine = &kNoJudgements;
    if (!reason && judgements != nullptr && k < judgements->size()) {
      mine = &(*judgements)[k];
      for (const Judgement& j : *mine) {
        if (j.error) {
          reason = std::pair{std::string("judge_error"), "the judge gave no usable verdict for '" +
                                                             truncate_for_display(j.label, 80) +
                                                             "': " + j.error->message};
          break;
        }
      }
    }
    if (reason) {
      for (const auto& m : scorer->metrics()) {
        out.push_back(unscored(m, reason->first, reason->second));
      }
      continue;
    }
    ScoringInput input = scoring_input(sample, *completion);
    if (scorer->needs_judge()) input.judgements = mine;
    input.environment = environment;
    for (auto& s : scorer->score(input)) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace assay
