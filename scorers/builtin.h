#pragma once
/// Registration of the built-in scorers.

#include <functional>
#include <memory>
#include <string>

#include "harness/core/registry.h"
#include "harness/core/scorer.h"
#include "scorers/code/code_exec_scorer.h"

namespace assay {

/// Makes a scorer instance.
using ScorerFactory = std::function<std::unique_ptr<Scorer>()>;
/// The scorer table ("exact", "choice", "gsm8k", ...).
using ScorerRegistry = Registry<ScorerFactory>;

/// Settings read by scorer factories when they are called (set from command-line flags before
/// any scorer is made). Must outlive the registry.
struct ScorerSettings {
  CodeExecOptions code_exec;
};

/// Adds every built-in scorer to `registry`; factories read `settings` when called.
void register_builtin_scorers(ScorerRegistry& registry, const ScorerSettings& settings);

}  // namespace assay
