#pragma once
/// Helpers for scorers that consult a judge model (docs/judges.md).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assay {

/// Text between the first "```json" (or "```") fence and the closing fence, trimmed; the whole
/// text, trimmed, when there is no fence (simple-evals' `^```json\s*|\s*```$` strip). Pure.
std::string strip_json_fence(std::string_view text);

/// `prompt_template` with each slot (e.g. "<<question>>", listed in the order they appear in the
/// template) replaced once by its text. Filled last to first, so text put into one slot is never
/// mistaken for a later slot. Pure.
std::string fill_judge_slots(
    std::string prompt_template,
    const std::vector<std::pair<std::string_view, std::string_view>>& slots);

}  // namespace assay
