#pragma once
/// The instruction-following scorers (IFEval, IFBench): every instruction of a prompt checked
/// against the response strictly and loosely, as the references do (protocols-agents.md §2.1).

#include <memory>
#include <string>

#include "harness/core/scorer.h"
#include "scorers/instructions/instruction_checker.h"

namespace assay {

/// What one instruction-following scorer is: its name (also the prefix of its metrics), its
/// instructions, and which of its four metrics is primary.
struct InstructionFollowingConfig {
  std::string name;                               ///< "ifeval" or "ifbench"
  const InstructionRegistry* registry = nullptr;  ///< not owned; outlives the scorer
  bool loose_primary = false;                     ///< IFBench's headline is prompt-level loose
};

/// A scorer reading the sample's metadata `instruction_id_list` and `kwargs` (one object per
/// instruction). Metrics: NAME_prompt_strict, NAME_prompt_loose (1 when every instruction is
/// followed), NAME_inst_strict, NAME_inst_loose (the share of the prompt's instructions followed,
/// weighted by their count, so the run's mean is over instructions), then per instruction type
/// NAME_inst_strict/ID and NAME_inst_loose/ID. Strict checks the response; loose takes any of
/// the reference's eight variants (first line, last line or both removed, asterisks removed).
/// A sample whose metadata is malformed or names an unknown instruction is unscored as
/// "error:invalid_instruction", excluded from the mean and counted as an error.
std::unique_ptr<Scorer> make_instruction_following_scorer(InstructionFollowingConfig config);

/// The eight responses the references' loose check tries, in their order.
std::vector<std::string> loose_variants(std::string_view response);

}  // namespace assay
