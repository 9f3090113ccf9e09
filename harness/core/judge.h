#pragma once
/// A helper for scorers that read a judge model's replies (docs/judges.md).

#include <string>
#include <string_view>

namespace assay {

/// Text between the first "```json" (or "```") fence and the closing fence, trimmed; the whole
/// text, trimmed, when there is no fence (simple-evals' `^```json\s*|\s*```$` strip). Pure.
std::string strip_json_fence(std::string_view text);

}  // namespace assay
