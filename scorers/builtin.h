#pragma once
/// Registration of the built-in scorers.

#include <functional>
#include <memory>
#include <string>

#include "harness/registry.h"
#include "harness/scorer.h"

namespace assay {

/// Makes a scorer instance.
using ScorerFactory = std::function<std::unique_ptr<Scorer>()>;
/// The scorer table ("exact", "choice", "gsm8k", ...).
using ScorerRegistry = Registry<ScorerFactory>;

/// Adds every built-in scorer to `registry`.
void register_builtin_scorers(ScorerRegistry& registry);

/// For a scorer name that built-in suites use but this version does not build yet, why not
/// (e.g. "code_exec"); empty for every other name.
std::string planned_scorer_note(const std::string& name);

}  // namespace assay
