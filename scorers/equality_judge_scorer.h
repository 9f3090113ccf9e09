#pragma once
/// Free-form answers graded by Artificial Analysis' equality checker (AA-LCR, protocols-agents.md
/// §3): a judge model reads the question, the official answer and the candidate answer and
/// replies CORRECT or INCORRECT. Needs `--judge SPEC`; AA's own checker is Qwen3 235B A22B 2507
/// (non-reasoning).

#include <memory>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// The `equality_judge` scorer (metric `equality_judge`: 1 when the judge says CORRECT). The
/// question is the sample's metadata field `question` when it has one (a long-context prompt
/// would otherwise send its documents to the judge), else the prompt's last user message. A
/// reply is CORRECT when it contains "CORRECT" and not "INCORRECT" (any case), INCORRECT when it
/// contains "INCORRECT", and unusable otherwise (asked again, then judge_error). Thread-safe
/// (immutable).
std::unique_ptr<Scorer> make_equality_judge_scorer();

/// The judge prompt for one candidate answer. Pure.
std::string equality_judge_prompt(const std::string& question, const std::string& official_answer,
                                  const std::string& candidate_answer);

}  // namespace assay
