#include "harness/core/strings.h"
#include "harness/eval/outcome_scoring.h"
#include "harness/eval/programs.h"

namespace assay {
namespace {

// Accepts a judge reply only when the scorer can read a verdict from it; otherwise the reply is
// a malformed response (retried, then the question's error: the sample is unscored judge_error).
std::function<Status(const Completion&)> verdict_check(const Scorer* scorer) {
  return [scorer](const Completion& c) -> Status {
    Result<JsonValue> verdict = scorer->parse_judgement(c.text);
    if (verdict) return Status::ok();
    return make_error(ErrorKind::kMalformedResponse,
                      "the judge's reply is not a usable verdict (" + verdict.error().message +
                          "): " + truncate_for_display(trim(c.text), 200));
  };
}

class JudgeProgram final : public SampleProgram {
 public:
  JudgeProgram(std::unique_ptr<SampleProgram> inner, ProgramInput input, const JudgeSetup& judge)
      : inner_(std::move(inner)), input_(std::move(input)), judge_(judge) {}

  void start(std::vector<ModelCall>& calls) override {
    size_t before = calls.size();
    inner_->start(calls);
    inner_calls_ += calls.size() - before;
    maybe_judge(calls);
  }

  void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) override {
    if (!judging_ || seq < first_query_) {
      size_t before = calls.size();
      inner_->on_result(seq, outcome, calls);
      inner_calls_ += calls.size() - before;
      maybe_judge(calls);
      return;
    }
    const Query& q = queries_[seq - first_query_];
    Judgement& j = result_.answers[q.answer].judgements[q.scorer][q.index];
    if (outcome.completion) {
      j.completion = *outcome.completion;
      j.verdict = judge_.scorers[q.scorer]->parse_judgement(j.completion.text).value();
    } else {
      j.error = outcome.completion.error();
      j.completion.attempts = outcome.attempts;
    }
    --outstanding_;
  }

  bool done() const override { return judging_ && outstanding_ == 0; }

  ProgramResult take_result() override { return std::move(result_); }

 private:
  struct Query {
    size_t answer;
    size_t scorer;
    size_t index;
  };

  // Once the inner program has its answers: one judge call per question of every judge-graded
  // scorer about every gradable answer (an answer with an error, a truncation or a block is not
  // graded at all, so its judge is not asked).
  void maybe_judge(std::vector<ModelCall>& calls) {
    if (judging_ || !inner_->done()) return;
    judging_ = true;
    result_ = inner_->take_result();
    first_query_ = inner_calls_;
    const std::vector<const Scorer*>& scorers = judge_.scorers;
    for (size_t a = 0; a < result_.answers.size(); ++a) {
      ProgramAnswer& answer = result_.answers[a];
      answer.judgements.resize(scorers.size());
      if (answer.error || unscorable(&answer.completion, nullptr)) continue;
      ScoringInput in = scoring_input(*input_.sample, answer.completion);
      for (size_t k = 0; k < scorers.size(); ++k) {
        if (!scorers[k]->needs_judge()) continue;
        std::vector<JudgeQuery> questions = scorers[k]->judge_queries(in);
        for (JudgeQuery& question : questions) {
          Judgement j;
          j.label = question.label;
          j.call = static_cast<int>(first_query_ + queries_.size());
          answer.judgements[k].push_back(std::move(j));
          queries_.push_back({a, k, answer.judgements[k].size() - 1});
          ModelCall c;
          c.role = CallRole::kJudge;
          c.messages = std::make_shared<const std::vector<Message>>(std::move(question.messages));
          c.params = judge_.params;
          c.sample_id = input_.sample->id;
          c.epoch = input_.epoch;
          c.label = std::move(question.label);
          c.accept = verdict_check(scorers[k]);
          calls.push_back(std::move(c));
          ++outstanding_;
        }
      }
    }
  }

  std::unique_ptr<SampleProgram> inner_;
  ProgramInput input_;
  const JudgeSetup& judge_;
  size_t inner_calls_ = 0;
  bool judging_ = false;
  size_t first_query_ = 0;
  std::vector<Query> queries_;
  size_t outstanding_ = 0;
  ProgramResult result_;
};

}  // namespace

std::unique_ptr<SampleProgram> make_judge_program(std::unique_ptr<SampleProgram> inner,
                                                  ProgramInput input, const JudgeSetup& judge) {
  return std::make_unique<JudgeProgram>(std::move(inner), std::move(input), judge);
}

}  // namespace assay
