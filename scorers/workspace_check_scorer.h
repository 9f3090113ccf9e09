#pragma once
/// `workspace_check`: an agent task passes when the sample's `check` command, run in its
/// workspace after the agent's final answer, exits 0 (DESIGN §10: environment-state checks).
/// The answer text is not graded; the check's output is the explanation.

#include <memory>

#include "harness/core/scorer.h"

namespace assay {

/// Creates the `workspace_check` scorer.
std::unique_ptr<Scorer> make_workspace_check_scorer();

}  // namespace assay
