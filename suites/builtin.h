#pragma once
/// The built-in suite catalogue: spec files under suites/specs/, compiled into the binary.

#include <string>
#include <vector>

#include "harness/core/result.h"
#include "suites/suite_spec.h"

namespace assay {

/// One embedded spec: its file stem and TOML text.
struct BuiltinSuiteText {
  const char* name;
  const char* toml;
};

/// Every embedded spec, sorted by name (generated at build time).
const std::vector<BuiltinSuiteText>& builtin_suite_texts();

/// Names of the built-in suites.
std::vector<std::string> builtin_suite_names();

/// Parses the built-in suite `name`; kNotFound suggests the nearest name.
Result<SuiteSpec> find_builtin_suite(const std::string& name);

/// A built-in name, or a path to a user spec file (anything containing '/' or ending in
/// ".toml"), optionally followed by ":VALUE" to select one subset (e.g. "mmlu:anatomy"); a suite
/// without a subset_field rejects ":VALUE" with kInvalidInput.
Result<SuiteSpec> resolve_suite(const std::string& name_or_path);

}  // namespace assay
