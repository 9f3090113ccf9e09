#include "harness/eval/sample_program.h"

#include "harness/eval/programs.h"

namespace assay {

ModelCall ProgramInput::call(CallRole role) const {
  ModelCall c;
  c.role = role;
  c.messages = messages;
  c.params = params;
  c.sample_id = sample->id;
  c.epoch = epoch;
  c.answer_key = answer_key;
  return c;
}

void ProgramInput::add_draws(CallRole role, int k, const std::string& label,
                             std::vector<ModelCall>& calls) const {
  for (int d = 0; d < k; ++d) {
    ModelCall c = call(role);
    c.draw = d;
    c.label = label + " " + std::to_string(d);
    calls.push_back(std::move(c));
  }
}

std::string ProgramSpec::name() const {
  switch (kind) {
    case Kind::kVote:
      return "vote=" + std::to_string(k);
    case Kind::kSynthesize:
      return "synthesize=" + std::to_string(k);
    case Kind::kAgent:
      return "agent";
    case Kind::kGenerate:
      break;
  }
  return "generate";
}

std::unique_ptr<SampleProgram> make_program(const ProgramSpec& spec, ProgramInput input,
                                            const JudgeSetup* judge) {
  std::unique_ptr<SampleProgram> p;
  switch (spec.kind) {
    case ProgramSpec::Kind::kVote:
      p = make_vote_program(input, spec.k);
      break;
    case ProgramSpec::Kind::kSynthesize:
      p = make_synthesize_program(input, spec.k,
                                  spec.synthesis_template.empty() ? std::string(kSynthesisTemplate)
                                                                  : spec.synthesis_template);
      break;
    case ProgramSpec::Kind::kAgent:
      p = make_agent_program(input, spec.agent);
      break;
    case ProgramSpec::Kind::kGenerate:
      p = make_generate_program(input);
      break;
  }
  if (judge != nullptr) p = make_judge_program(std::move(p), std::move(input), *judge);
  return p;
}

ProgramAnswer answer_from(size_t seq, const CallResult& outcome) {
  ProgramAnswer a;
  a.call = seq;
  if (outcome.completion) {
    a.completion = *outcome.completion;
  } else {
    a.error = outcome.completion.error();
    a.completion.attempts = outcome.attempts;
  }
  return a;
}

Completion empty_totals() {
  Completion c;
  c.attempts = 0;
  c.latency_ms = 0;
  c.from_cache = true;
  return c;
}

void add_call_usage(Completion& totals, const Completion& c) {
  auto add = [](int64_t& sum, int64_t v) {
    if (v >= 0) sum = (sum < 0 ? 0 : sum) + v;
  };
  add(totals.usage.input_tokens, c.usage.input_tokens);
  add(totals.usage.output_tokens, c.usage.output_tokens);
  add(totals.usage.reasoning_tokens, c.usage.reasoning_tokens);
  add(totals.usage.cached_tokens, c.usage.cached_tokens);
  if (c.cost_usd >= 0) totals.cost_usd = (totals.cost_usd < 0 ? 0 : totals.cost_usd) + c.cost_usd;
  totals.attempts += c.attempts;
  totals.from_cache = totals.from_cache && c.from_cache;
}

}  // namespace assay
