#include <algorithm>

#include "harness/core/strings.h"
#include "harness/eval/programs.h"

namespace assay {

const char* const kSynthesisTemplate =
    R"(You are given a problem and {{k}} candidate responses to it, written independently. Some of them may be wrong. Compare them, work out where and why they disagree, and write the single best response to the problem. Your response must stand on its own (do not refer to the candidates) and must follow every instruction of the problem, including the format it asks for the final answer.

<problem>
{{question}}
</problem>

{{responses}})";

std::string render_synthesis_prompt(const std::string& template_text, const std::string& question,
                                    const std::vector<std::string>& responses) {
  std::string block;
  for (size_t i = 0; i < responses.size(); ++i) {
    std::string n = std::to_string(i + 1);
    if (i) block += "\n\n";
    block += "<response " + n + ">\n" + responses[i] + "\n</response " + n + ">";
  }
  // One pass over the template: text substituted in never gets substituted again.
  std::string out;
  out.reserve(template_text.size() + question.size() + block.size());
  size_t i = 0;
  while (i < template_text.size()) {
    if (template_text.compare(i, 2, "{{") == 0) {
      size_t close = template_text.find("}}", i + 2);
      if (close != std::string::npos) {
        std::string_view name(template_text.data() + i + 2, close - i - 2);
        if (name == "question" || name == "responses" || name == "k") {
          out += name == "question"    ? question
                 : name == "responses" ? block
                                       : std::to_string(responses.size());
          i = close + 2;
          continue;
        }
      }
    }
    out.push_back(template_text[i++]);
  }
  return out;
}

Status check_synthesis_template(const std::string& template_text, const std::string& source) {
  for (const char* slot : {"{{question}}", "{{responses}}"}) {
    if (template_text.find(slot) == std::string::npos) {
      return make_error(ErrorKind::kInvalidInput,
                        "synthesis prompt '" + source + "' has no " + slot +
                            " (the template needs {{question}} and {{responses}}; {{k}} is "
                            "optional)");
    }
  }
  return Status::ok();
}

namespace {

class SynthesizeProgram final : public SampleProgram {
 public:
  SynthesizeProgram(ProgramInput input, int k, std::string template_text)
      : input_(std::move(input)), k_(std::max(1, k)), template_(std::move(template_text)) {}

  void start(std::vector<ModelCall>& calls) override {
    attempts_.resize(static_cast<size_t>(k_));
    // Attempt a is draw a of the plain call: a run's stored generate or vote answers serve as
    // attempts, and the reverse.
    input_.add_draws(CallRole::kGenerate, k_, "attempt", calls);
  }

  void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) override {
    if (seq < static_cast<size_t>(k_)) {
      attempts_[seq] = answer_from(seq, outcome);
      if (++answered_ == static_cast<size_t>(k_)) synthesize(calls);
      return;
    }
    final_ = answer_from(seq, outcome);
    done_ = true;
  }

  bool done() const override { return done_; }

  ProgramResult take_result() override {
    ProgramResult r;
    Completion totals = empty_totals();
    double slowest = 0;
    for (const ProgramAnswer& a : attempts_) {
      add_call_usage(totals, a.completion);
      if (!a.error) slowest = std::max(slowest, a.completion.latency_ms);
    }
    ProgramAnswer answer = std::move(*final_);
    if (answer.call >= static_cast<size_t>(k_)) {
      // The synthesis ran after the slowest attempt: its latency and first token come after it.
      add_call_usage(totals, answer.completion);
      if (!answer.error) {
        const Completion& s = answer.completion;
        totals.text = s.text;
        totals.reasoning = s.reasoning;
        totals.finish_reason = s.finish_reason;
        totals.latency_ms = slowest + s.latency_ms;
        totals.ttft_ms = s.ttft_ms >= 0 ? slowest + s.ttft_ms : -1;
        totals.output_tps = s.output_tps;
      }
    } else if (!answer.error) {
      // No attempt gave text to synthesize from: the answer is an attempt's own.
      const Completion& s = answer.completion;
      totals.text = s.text;
      totals.reasoning = s.reasoning;
      totals.finish_reason = s.finish_reason;
      totals.latency_ms = slowest;
      totals.ttft_ms = s.ttft_ms;
      totals.output_tps = s.output_tps;
    }
    r.totals = std::move(totals);
    r.answers.push_back(std::move(answer));
    return r;
  }

 private:
  // Every attempt is in: one call shown the question and the answered attempts writes the
  // final answer. Without any attempt text there is nothing to synthesize: the sample ends with
  // the first attempt's outcome (its error, a block or an empty answer), graded as such.
  void synthesize(std::vector<ModelCall>& calls) {
    std::vector<std::string> responses;
    for (const ProgramAnswer& a : attempts_) {
      if (a.error || trim(a.completion.text).empty()) continue;
      if (a.completion.finish_reason.rfind("content_filter", 0) == 0) continue;
      responses.push_back(a.completion.text);
    }
    if (responses.empty()) {
      final_ = attempts_.front();
      done_ = true;
      return;
    }
    std::vector<Message> messages = *input_.messages;
    // The question is the last user message; earlier turns and system messages stay as sent.
    auto last_user = std::find_if(messages.rbegin(), messages.rend(),
                                  [](const Message& m) { return m.role == Role::kUser; });
    std::string question = last_user == messages.rend() ? std::string() : last_user->text();
    Message prompt(Role::kUser, render_synthesis_prompt(template_, question, responses));
    if (last_user == messages.rend()) {
      messages.push_back(std::move(prompt));
    } else {
      *last_user = std::move(prompt);
    }
    ModelCall c = input_.call(CallRole::kSynthesize);
    c.messages = std::make_shared<const std::vector<Message>>(std::move(messages));
    c.label = "synthesis of " + std::to_string(responses.size()) + " attempts";
    calls.push_back(std::move(c));
  }

  ProgramInput input_;
  int k_;
  std::string template_;
  std::vector<ProgramAnswer> attempts_;
  size_t answered_ = 0;
  std::optional<ProgramAnswer> final_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<SampleProgram> make_synthesize_program(ProgramInput input, int k,
                                                       std::string template_text) {
  return std::make_unique<SynthesizeProgram>(std::move(input), k, std::move(template_text));
}

}  // namespace assay
