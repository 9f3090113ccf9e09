#pragma once
/// IFBench's 58 instruction types in two families, registered into one registry by
/// ifbench_instructions() (instruction_checker.h). Rules as allenai/IFBench's
/// ifbench/instructions.py checks them (protocols-agents.md §2.3).

#include "scorers/instructions/instruction_checker.h"

namespace assay {

/// count:*, ratio:*, sentence:* and words:* (words, sentences and their counts).
void add_ifbench_word_instructions(InstructionRegistry& registry);
/// format:*, custom:* and repeat:* (layout, fixed outputs, CSV, repetition).
void add_ifbench_format_instructions(InstructionRegistry& registry);

}  // namespace assay
