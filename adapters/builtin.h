#pragma once
/// Registration of the built-in model providers.

#include <functional>
#include <memory>

#include "harness/adapter.h"
#include "harness/registry.h"

namespace assay {

/// Makes an adapter for a parsed SPEC.
using AdapterFactory = std::function<Result<std::unique_ptr<ModelAdapter>>(const ModelSpec&)>;
/// The provider table ("openai", ...).
using AdapterRegistry = Registry<AdapterFactory>;

/// Adds every built-in provider to `registry`.
void register_builtin_adapters(AdapterRegistry& registry);

/// Parses `spec_text` and builds its adapter from `registry`; unknown providers suggest the
/// nearest name.
Result<std::unique_ptr<ModelAdapter>> make_adapter(const AdapterRegistry& registry,
                                                   const std::string& spec_text);

}  // namespace assay
