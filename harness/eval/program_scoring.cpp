#include "harness/eval/program_scoring.h"

#include "harness/eval/majority_vote.h"
#include "harness/eval/outcome_scoring.h"

namespace assay {
namespace {

std::string scores_json(const std::vector<Score>& scores) {
  JsonValue list = JsonValue::array();
  for (const Score& s : scores) {
    JsonValue o = JsonValue::object({{"metric", s.metric},
                                     {"value", s.value ? JsonValue(*s.value) : JsonValue()},
                                     {"answer", s.answer}});
    if (!s.value) o.set("unscored_reason", s.unscored_reason);
    list.push_back(std::move(o));
  }
  return to_json(JsonValue::object({{"scores", std::move(list)}}));
}

std::vector<Score> score_answer(const Sample& sample, const ProgramAnswer& a,
                                const std::vector<const Scorer*>& scorers) {
  return score_outcome(sample, a.error ? nullptr : &a.completion, a.error ? &*a.error : nullptr,
                       scorers, a.judgements.empty() ? nullptr : &a.judgements,
                       a.environment.is_null() ? nullptr : &a.environment);
}

}  // namespace

std::map<size_t, std::string> grade_program(const Sample& sample, ProgramResult& result,
                                            const std::vector<const Scorer*>& scorers,
                                            const std::string& primary_metric,
                                            SampleRecord& record) {
  std::map<size_t, std::string> grading;
  for (const ProgramAnswer& a : result.answers) {
    for (const auto& per_scorer : a.judgements) {
      for (const Judgement& j : per_scorer) {
        if (j.call >= 0 && !j.verdict.is_null()) {
          grading[static_cast<size_t>(j.call)] =
              to_json(JsonValue::object({{"verdict", j.verdict}}));
        }
      }
    }
  }
  if (result.majority) {
    std::vector<VoteRecord> votes;
    votes.reserve(result.answers.size());
    for (size_t i = 0; i < result.answers.size(); ++i) {
      ProgramAnswer& a = result.answers[i];
      VoteRecord v;
      v.vote = static_cast<int>(i);
      v.scores = score_answer(sample, a, scorers);
      grading[a.call] = scores_json(v.scores);
      v.completion = std::move(a.completion);
      v.error = std::move(a.error);
      votes.push_back(std::move(v));
    }
    combine_votes(record, votes, primary_metric);
    return grading;
  }
  ProgramAnswer& a = result.answers.front();
  record.turns = result.turns;
  record.tool_calls = result.tool_calls;
  record.tool_errors = result.tool_errors;
  record.scores = score_answer(sample, a, scorers);
  record.error = a.error;
  record.completion = std::move(result.totals);
  return grading;
}

}  // namespace assay
