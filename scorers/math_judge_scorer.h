#pragma once
/// The LLM equality checker for math suites (`assay run --math-checker judge|cascade`,
/// protocols.md §1.5 and §2.5): the answer is extracted as math_equiv extracts it, then a judge
/// model decides whether it equals the gold answer (simple-evals' EQUALITY_TEMPLATE: few-shot
/// pairs, "Yes" or "No"). Every sample is also decided by math_equiv's rules, so the run reports
/// how often the two agree.
///
///   judge    every extracted answer goes to the judge. Metrics: `math_judge` (the judge's
///            verdict, primary), `math_judge/agrees_with_rules` (1 when math_equiv agrees).
///   cascade  math_equiv decides where it is certain (MathEquivalence::certain); the judge only
///            where it is not. Metrics: `math_cascade` (primary), `math_cascade/judge_consulted`
///            (1 where the judge was asked: 1 − its mean is the share of judge calls saved).

#include <memory>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// The checker's metric names (stored runs are recognised by their primary metric).
inline constexpr const char* kMathJudgeMetric = "math_judge";
inline constexpr const char* kMathJudgeAgreementMetric = "math_judge/agrees_with_rules";
inline constexpr const char* kMathCascadeMetric = "math_cascade";
inline constexpr const char* kMathCascadeConsultedMetric = "math_cascade/judge_consulted";
/// The rule scorer's metric the checker is compared with.
inline constexpr const char* kMathRulesMetric = "math_equiv";

/// How a math suite's answers are checked.
enum class MathChecker { kRules, kJudge, kCascade };

/// "rules", "judge", "cascade".
const char* math_checker_name(MathChecker c);

/// Creates the checker scorer for kJudge or kCascade (kRules needs none: math_equiv is it).
/// Thread-safe (immutable).
std::unique_ptr<Scorer> make_math_judge_scorer(MathChecker mode);

/// The judge prompt comparing `answer` with `gold`. Pure.
std::string math_equality_prompt(const std::string& answer, const std::string& gold);

}  // namespace assay
