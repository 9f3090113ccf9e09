#pragma once
/// The MATH reference grader of Hendrycks et al. (`math_equivalence.py`: `_strip_string` and
/// `is_equiv`), reimplemented rule for rule so that `math_equiv_hendrycks` reproduces the numbers
/// published with it, quirks included (protocols.md §2.5). Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace assay {

/// `_strip_string(s)`, or nullopt where the reference raises (two "\text{ " units, a trailing
/// `\sqrt` or `\frac` with nothing after it); `is_equiv` then compares the raw strings.
std::optional<std::string> hendrycks_strip_string(std::string_view s);

/// `is_equiv(a, b)`: the stripped strings are equal (raw equality when stripping fails).
bool hendrycks_is_equiv(std::string_view a, std::string_view b);

}  // namespace assay
