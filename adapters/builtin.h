#pragma once
/// Registration of the built-in model providers.

#include <functional>
#include <memory>

#include "harness/core/adapter.h"
#include "harness/core/registry.h"

namespace assay {

/// Makes an adapter for a parsed SPEC.
using AdapterFactory = std::function<Result<std::unique_ptr<ModelAdapter>>(const ModelSpec&)>;
/// The provider table ("openai", ...).
using AdapterRegistry = Registry<AdapterFactory>;

/// What the built-in providers need from outside the adapters module (set by the CLI).
struct AdapterSettings {
  /// Reads a whole file for `replay:`; "archive.zip#member" reads one member. Default: plain
  /// files only.
  std::function<Result<std::string>(const std::string& path)> read_file;
};

/// Adds every built-in provider to `registry`. Factories keep a copy of `settings`.
void register_builtin_adapters(AdapterRegistry& registry,
                               const AdapterSettings& settings = AdapterSettings());

/// Parses `spec_text` and builds its adapter from `registry`; unknown providers suggest the
/// nearest name.
Result<std::unique_ptr<ModelAdapter>> make_adapter(const AdapterRegistry& registry,
                                                   const std::string& spec_text);

}  // namespace assay
