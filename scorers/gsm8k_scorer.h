#pragma once
/// `gsm8k`: numeric answer extraction as lm-evaluation-harness's gsm8k task does it
/// (reference/protocols.md §2.6), recorded as two metrics:
///   gsm8k_flexible  last match of (-?[$0-9.,]{2,})|(-?[0-9]+)   (primary)
///   gsm8k_strict    first match of "#### (\-?[0-9\.\,]+)"
/// Both answers and targets are normalised by removing ",", "$", a "… #### " prefix and one
/// trailing ".", then compared case-insensitively.

#include <memory>
#include <optional>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// Strict extraction; nullopt when there is no "#### number".
std::optional<std::string> extract_gsm8k_strict(std::string_view text);
/// Flexible extraction (last number-like run); nullopt when there is none.
std::optional<std::string> extract_gsm8k_flexible(std::string_view text);
/// lm-eval's regexes_to_ignore plus ignore_case.
std::string normalize_gsm8k_answer(std::string_view s);

/// Creates the `gsm8k` scorer.
std::unique_ptr<Scorer> make_gsm8k_scorer();

}  // namespace assay
