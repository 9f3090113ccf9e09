#pragma once
/// How one model outcome becomes Scores: the reasons an outcome gets no grade at all (request
/// errors, truncation, replay gaps, safety blocks), what a scorer sees, and judge verdicts handed
/// to judge-scored scorers. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/sample.h"
#include "harness/core/scorer.h"

namespace assay {

/// Why an outcome gets no grade at all (unscored reason, explanation), or nullopt when the
/// scorers should grade it. One place for every reason that is not a scorer's own.
std::optional<std::pair<std::string, std::string>> unscorable(const Completion* completion,
                                                              const Error* error);

/// What a scorer sees of `sample` answered by `completion` (pointers into both).
ScoringInput scoring_input(const Sample& sample, const Completion& completion);

/// Scores one outcome: errors and truncation give unscored Scores for every metric. A
/// judge-scored scorer k reads (*judgements)[k]; a failed judgement leaves its metrics unscored
/// as judge_error (never counted as wrong). `environment` is what the sample's environment
/// reported (ScoringInput::environment), or null.
std::vector<Score> score_outcome(const Sample& sample, const Completion* completion,
                                 const Error* error, const std::vector<const Scorer*>& scorers,
                                 const std::vector<std::vector<Judgement>>* judgements = nullptr,
                                 const JsonValue* environment = nullptr);

}  // namespace assay
