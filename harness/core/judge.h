#pragma once
/// Model-graded scoring helpers (JudgeQuery and Judgement live in harness/types.h): how the
/// judge's answers are stored, and how a reply's JSON is cut out of a Markdown fence. The runner
/// sends judge requests through the same transport, cache, retries and database as the model's own
/// (docs/judges.md).

#include <optional>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"
#include "harness/core/types.h"

namespace assay {

/// `judgements` as the JSON array stored in samples.judgements: per judgement its label,
/// prompt, raw reply, parsed verdict, request key, tokens, attempts, cached flag and error. Pure.
std::string judgements_to_json(const std::vector<Judgement>& judgements);

/// `votes` as the JSON array stored in samples.votes: per vote its index, request key, output,
/// reasoning, finish reason, tokens, cost, latency, attempts, cached flag, error, and scores
/// (metric, value, answer, explanation, unscored reason). Pure.
std::string votes_to_json(const std::vector<VoteRecord>& votes);

/// Text between the first "```json" (or "```") fence and the closing fence, trimmed; the whole
/// text, trimmed, when there is no fence (simple-evals' `^```json\s*|\s*```$` strip). Pure.
std::string strip_json_fence(std::string_view text);

}  // namespace assay
