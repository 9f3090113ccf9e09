#pragma once
/// Helpers for scorers that consult a judge model (docs/judges.md).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/scorer.h"

namespace assay {

/// Text between the first "```json" (or "```") fence and the closing fence, trimmed; the whole
/// text, trimmed, when there is no fence (simple-evals' `^```json\s*|\s*```$` strip). Pure.
std::string strip_json_fence(std::string_view text);

/// The question a judge should see about `in`: the sample's `question` metadata when it is a
/// string (a long-context prompt would otherwise send its documents), else the prompt's last user
/// message (or "" when there is none). Pure.
std::string judged_question(const ScoringInput& in, bool prefer_metadata = true);

/// The field `key` of the verdict of the one judgement a single-question scorer asked for, or
/// null when there is no such judgement or field (a judge that gave no usable verdict).
const JsonValue* sole_verdict_field(const ScoringInput& in, std::string_view key);

/// `prompt_template` with each slot (e.g. "<<question>>", listed in the order they appear in the
/// template) replaced once by its text. Filled last to first, so text put into one slot is never
/// mistaken for a later slot. Pure.
std::string fill_judge_slots(
    std::string prompt_template,
    const std::vector<std::pair<std::string_view, std::string_view>>& slots);

}  // namespace assay
