#pragma once
/// Free-form answers graded HLE's way (protocols.md §2.3, "extract, then judge"): the judge gets
/// the question, the model's whole response and the gold answer, extracts the final answer and
/// says whether it matches (yes/no, with a small margin for numbers). Needs `--judge SPEC`. The
/// reference judge is o3-mini (gpt-4o for the Artificial Analysis setting).

#include <memory>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// The `hle_judge` scorer: metric `hle_judge` (1 when the judge says the response's final
/// answer matches the target) and `hle_judge_confidence` (the confidence the response states,
/// as the judge extracted it, a share in [0, 1]; 1 when none is readable, as the judge is told).
/// Together they give the run HLE's RMS calibration error in `assay show` and the reports. The
/// question is the prompt's last user message. The judge may answer in lines ("correct: yes") or as
/// a JSON object with the same fields (structured output). Thread-safe (immutable).
std::unique_ptr<Scorer> make_hle_judge_scorer();

/// The judge prompt for one response. Pure.
std::string hle_judge_prompt(const std::string& question, const std::string& response,
                             const std::string& correct_answer);

}  // namespace assay
