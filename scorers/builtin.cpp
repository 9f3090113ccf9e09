#include "scorers/builtin.h"

#include "scorers/choice_scorer.h"
#include "scorers/exact_scorer.h"
#include "scorers/gsm8k_scorer.h"
#include "scorers/math_scorers.h"

namespace assay {

void register_builtin_scorers(ScorerRegistry& registry) {
  registry.add("exact", "normalised exact match of the whole output", make_exact_scorer);
  registry.add("choice", "multiple-choice letter, Artificial Analysis regex list",
               make_choice_scorer);
  registry.add("gsm8k", "GSM8K numeric answer: flexible last number and strict '####'",
               make_gsm8k_scorer);
  registry.add("math_equiv",
               "math answer equivalence: last \\boxed{}/Answer: line; exact and numeric comparison",
               make_math_equiv_scorer);
  registry.add("math_equiv_hendrycks",
               "math answer, Hendrycks MATH is_equiv string normalisation (reference-compatible)",
               make_math_equiv_hendrycks_scorer);
}

std::string planned_scorer_note(const std::string& name) {
  if (name == "code_exec") {
    return "sandboxed code execution (bubblewrap, pass@k) is not built in this version yet; the "
           "suite loads and renders (`assay suites`, golden prompts) but cannot be scored";
  }
  return "";
}

}  // namespace assay
