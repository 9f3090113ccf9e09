#pragma once
/// Knowledge with abstention, graded AA-Omniscience's way (protocols-agents.md §6): a judge model
/// grades each answer against the gold one as A (CORRECT), B (INCORRECT), C (PARTIAL_ANSWER) or
/// D (NOT_ATTEMPTED), with the grader prompt of AA-Omniscience's dataset card. A wrong answer
/// costs a point, an abstention costs nothing: a model that guesses when it does not know scores
/// below one that says so. Needs `--judge SPEC`; usable on any free-form suite
/// (docs/statistics.md, examples/abstention/).

#include <memory>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// The `omniscience_judge` scorer. Metrics, in order:
/// - `omniscience` (primary): +1 correct, 0 not attempted, −1 incorrect or partial; the run's
///   mean × 100 is AA's Omniscience Index, in [−100, 100];
/// - `omniscience_accuracy`: 1 correct, else 0;
/// - `omniscience_hallucination_rate`: over the answers that are not correct, 1 incorrect or
///   partial, 0 not attempted (a correct answer is unscored as `answered_correctly`, outside
///   the denominator): wrong / (wrong + abstained).
/// The question is the sample's `question` metadata when it has one, else the prompt's last user
/// message. A judge reply that is not one of A–D (or the grade's name) is asked again, then
/// judge_error. An empty answer is an abstention (empty_answer, counted as 0). Thread-safe.
std::unique_ptr<Scorer> make_omniscience_judge_scorer();

/// The grader prompt for one answer. Pure.
std::string omniscience_grader_prompt(const std::string& question, const std::string& gold,
                                      const std::string& answer);

}  // namespace assay
