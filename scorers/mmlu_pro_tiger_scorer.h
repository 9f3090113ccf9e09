#pragma once
/// MMLU-Pro as TIGER-Lab's reference scripts grade it (evaluate_from_local.py / _api.py at
/// f418b116, reference/protocols.md §2.1), so released generations re-score to the numbers
/// published with them:
///   1. `answer is \(?([A-J])\)?` (first match),
///   2. `.*[aA]nswer:\s*([A-J])` (`.` stops at a newline: the first line holding a match, and in
///      it the rightmost one),
///   3. `\b[A-J]\b(?!.*\b[A-J]\b)` with DOTALL (the last standalone letter),
///   4. nothing found: the scripts' seeded pick, `random.seed(12345)` then a draw over ten
///      letters (G, every time: the released Llama-3.1 files' `pred` is G for such outputs,
///      whatever the question's option count).
/// `mmlu_pro_tiger` applies all four; `mmlu_pro_tiger_v0` applies only 1 and 2 with no pick,
/// as the initial release did (its released Mistral-7B outputs' `pred` field follows it), and
/// leaves unmatched outputs unscored as no_answer (a 0).

#include <memory>
#include <optional>
#include <string_view>

#include "harness/core/scorer.h"

namespace assay {

/// A letter and the stage (1-3) that found it.
struct TigerExtraction {
  char letter = 0;
  int stage = 0;
};

/// Stages 1-3 (or 1-2 when `last_letter_stage` is false); nullopt when none matches.
std::optional<TigerExtraction> extract_mmlu_pro_tiger(std::string_view text,
                                                      bool last_letter_stage = true);

/// Stage 4: the option index `random.seed(12345); random.randint(0, n - 1)` gives, 1 <= n <= 26.
int mmlu_pro_tiger_random_pick(int n_options);

/// The four-stage scorer (metric "mmlu_pro_tiger").
std::unique_ptr<Scorer> make_mmlu_pro_tiger_scorer();

/// The initial release's two-stage scorer (metric "mmlu_pro_tiger_v0").
std::unique_ptr<Scorer> make_mmlu_pro_tiger_v0_scorer();

}  // namespace assay
