#include "harness/eval/programs.h"

namespace assay {
namespace {

class GenerateProgram final : public SampleProgram {
 public:
  explicit GenerateProgram(ProgramInput input) : input_(std::move(input)) {}

  void start(std::vector<ModelCall>& calls) override {
    calls.push_back(input_.call(CallRole::kGenerate));
  }

  void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) override {
    (void)calls;
    result_.answers.push_back(answer_from(seq, outcome));
    done_ = true;
  }

  bool done() const override { return done_; }

  ProgramResult take_result() override {
    result_.totals = result_.answers.front().completion;
    return std::move(result_);
  }

 private:
  ProgramInput input_;
  ProgramResult result_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<SampleProgram> make_generate_program(ProgramInput input) {
  return std::make_unique<GenerateProgram>(std::move(input));
}

}  // namespace assay
