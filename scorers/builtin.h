#pragma once
/// Registration of the built-in scorers.

#include <functional>
#include <memory>

#include "harness/registry.h"
#include "harness/scorer.h"

namespace assay {

/// Makes a scorer instance.
using ScorerFactory = std::function<std::unique_ptr<Scorer>()>;
/// The scorer table ("exact", "choice", "gsm8k", ...).
using ScorerRegistry = Registry<ScorerFactory>;

/// Adds every built-in scorer to `registry`.
void register_builtin_scorers(ScorerRegistry& registry);

}  // namespace assay
