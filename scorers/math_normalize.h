#pragma once
/// Normalisation of a math answer before parsing, beyond Hendrycks' rules: math delimiters,
/// spacing commands, \left/\right, \dfrac/\tfrac, degrees, percent and dollar signs, \text{}
/// and its relatives, trailing units, thousands separators, "and"/"or" between answers, a final
/// period, Unicode math symbols. Pure; thread-safe.

#include <string>
#include <string_view>

namespace assay {

/// The answer rewritten for parse_math_expression and for string comparison.
std::string normalize_math_answer(std::string_view answer);

/// True when `s` is an optionally signed run of digits (after normalisation).
bool is_plain_integer(std::string_view s);

}  // namespace assay
