#pragma once
/// The two math scorers. Both take a full model output (the answer is extracted by
/// extract_math_answer, and the rule that fired is named in the explanation) or a bare answer;
/// an output with no answer is unscored with reason `no_answer`.
///   math_equiv            math_answers_equivalent: the best judgement (suite default)
///   math_equiv_hendrycks  Hendrycks' `is_equiv` on the extracted answer: reference-compatible
/// The target is the gold answer, or a full solution whose last \boxed{} holds it.

#include <memory>
#include <string>
#include <string_view>

#include "harness/core/scorer.h"

namespace assay {

/// The gold answer in `target`: its last \boxed{} content when it has one, else `target`; both
/// cleaned by clean_answer as extracted answers are.
std::string math_gold_answer(std::string_view target);

/// Creates the `math_equiv` scorer.
std::unique_ptr<Scorer> make_math_equiv_scorer();

/// Creates the `math_equiv_hendrycks` scorer.
std::unique_ptr<Scorer> make_math_equiv_hendrycks_scorer();

}  // namespace assay
