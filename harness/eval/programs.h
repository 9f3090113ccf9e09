#pragma once
/// The built-in sample programs behind make_program() (sample_program.h), one file each, and what
/// they share. Internal to harness/eval.

#include <memory>
#include <string>

#include "harness/eval/sample_program.h"

namespace assay {

/// generate: one call; its answer is graded.
std::unique_ptr<SampleProgram> make_generate_program(ProgramInput input);

/// vote=K: K draws of the same call in parallel; each answer is graded and every metric takes
/// their majority (majority_vote.h).
std::unique_ptr<SampleProgram> make_vote_program(ProgramInput input, int k);

/// synthesize=K: K draws in parallel, then one call shown the question and every answered
/// attempt that writes the final answer (graded). `template_text` is the synthesis prompt.
std::unique_ptr<SampleProgram> make_synthesize_program(ProgramInput input, int k,
                                                       std::string template_text);

/// agent: the tool loop over `setup`'s tools and limits (agent_program.cpp).
std::unique_ptr<SampleProgram> make_agent_program(ProgramInput input,
                                                  std::shared_ptr<const AgentSetup> setup);

/// Runs `inner`, then asks the judge about each answer it produced (judge_queries of every
/// judge-graded scorer) and attaches the verdicts to the answers.
std::unique_ptr<SampleProgram> make_judge_program(std::unique_ptr<SampleProgram> inner,
                                                  ProgramInput input, const JudgeSetup& judge);

/// Adds `c`'s tokens and cost to `totals` (unknown counts stay unknown until one is known) and
/// its attempts; `totals.from_cache` stays true only while every call added came from storage.
/// Latency is left to the caller (it depends on which calls ran in parallel).
void add_call_usage(Completion& totals, const Completion& c);

/// `outcome` as an answer to grade from call `seq`.
ProgramAnswer answer_from(size_t seq, const CallResult& outcome);

/// Totals before any call was added: no tokens known, no cost, every call from storage so far.
Completion empty_totals();

}  // namespace assay
