#pragma once
/// Finding the program in a model's answer, and combining it with a function-completion prompt.
/// The rules are documented in docs/code-execution.md; all functions are pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// Code taken from a model's output, and the rule that found it.
struct ExtractedCode {
  std::string code;
  std::string rule;  ///< "fenced block (python)", "fenced block", "unclosed fence", "whole output"
};

/// The code in `output`: the first fenced block tagged with one of `tags` (e.g. python, py);
/// else the first fenced block of any tag; else, when a fence is opened but never closed (a
/// truncated answer), everything after it; else the whole output.
ExtractedCode extract_code(std::string_view output, const std::vector<std::string>& tags);

/// True when `code` defines a top-level function called `name` (`def name(` at column 0).
bool defines_function(std::string_view code, std::string_view name);

/// A HumanEval-style solution: `prompt` (signature + docstring) combined with `code`.
/// - `code` defines `entry_point`: prompt, then code (the redefinition wins; the prompt's imports
///   and helper functions stay available);
/// - `code` starts indented: a completion of the prompt, appended as is;
/// - otherwise a function body written at column 0: indented by four spaces and appended.
/// `rule` receives which case applied.
std::string assemble_function_solution(std::string_view prompt, std::string_view code,
                                       std::string_view entry_point, std::string* rule);

}  // namespace assay
