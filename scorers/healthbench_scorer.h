#pragma once
/// HealthBench rubric grading (protocols.md §2.14): every rubric criterion of an example is put
/// to the judge separately; score = Σ points of met criteria ÷ Σ positive points, and the same
/// per rubric tag ("healthbench/axis:accuracy", "healthbench/theme:emergency_referrals", ...)
/// for the rubric tags with positive points; each example tag ("theme:...") gets the example's
/// overall score. The run's mean of each is clipped to [0, 1] with a
/// bootstrap SE (Aggregation::kClippedMean). Needs `assay run --judge SPEC`.

#include <memory>

#include "harness/core/scorer.h"

namespace assay {

/// The `healthbench` scorer. Reads metadata "rubrics" (a list of {criterion, points, tags}).
/// Thread-safe (immutable).
std::unique_ptr<Scorer> make_healthbench_scorer();

/// The judge prompt for one criterion: the conversation (the prompt messages and the graded
/// answer as the last assistant turn, "role: content" blocks) and the rubric item "[points]
/// criterion". Pure.
std::string healthbench_grader_prompt(const std::vector<Message>& conversation, double points,
                                      const std::string& criterion);

}  // namespace assay
