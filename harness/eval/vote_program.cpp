#include <algorithm>

#include "harness/eval/programs.h"

namespace assay {
namespace {

class VoteProgram final : public SampleProgram {
 public:
  VoteProgram(ProgramInput input, int k) : input_(std::move(input)), k_(std::max(1, k)) {}

  void start(std::vector<ModelCall>& calls) override {
    result_.majority = true;
    result_.answers.resize(static_cast<size_t>(k_));
    input_.add_draws(CallRole::kVote, k_, "vote", calls);
  }

  void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) override {
    (void)calls;
    result_.answers[seq] = answer_from(seq, outcome);
    ++answered_;
  }

  bool done() const override { return answered_ == static_cast<size_t>(k_); }

  ProgramResult take_result() override {
    // The sample's totals are computed from the votes when the majority is taken
    // (combine_votes); these are for reports that read a program's own sums.
    result_.totals = empty_totals();
    for (const ProgramAnswer& a : result_.answers) {
      add_call_usage(result_.totals, a.completion);
      if (!a.error) {
        result_.totals.latency_ms = std::max(result_.totals.latency_ms, a.completion.latency_ms);
      }
    }
    return std::move(result_);
  }

 private:
  ProgramInput input_;
  int k_;
  size_t answered_ = 0;
  ProgramResult result_;
};

}  // namespace

std::unique_ptr<SampleProgram> make_vote_program(ProgramInput input, int k) {
  return std::make_unique<VoteProgram>(std::move(input), k);
}

}  // namespace assay
