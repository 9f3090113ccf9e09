#pragma once
/// Evaluating a MathNode to a scalar: exactly, as a rational with 128-bit parts, wherever the
/// arithmetic allows (integers, decimals, fractions, integer powers, perfect roots, factorials,
/// binomials, logarithms that come out whole), else numerically as a complex double. Pure;
/// thread-safe.

#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scorers/math_expression.h"

namespace assay {

/// 128-bit integers (GCC and Clang; the marker keeps -Wpedantic quiet).
__extension__ using MathInt = __int128;

/// An exact rational in lowest terms with den > 0; both parts stay within ±(2^127 − 1), so
/// integers of up to 38 digits (2^100, 30!) are exact.
struct Rational {
  MathInt num = 0;
  MathInt den = 1;
  friend bool operator==(const Rational&, const Rational&) = default;
};

/// The value of a scalar expression.
struct MathValue {
  enum class State {
    kInvalid,   ///< not a scalar, undefined (÷0), overflowed to ±∞ or NaN, or unknown variable
    kExact,     ///< `exact` holds it
    kNumeric,   ///< `numeric` holds it
    kInfinity,  ///< the symbol ∞ with `infinity_sign`
  };
  State state = State::kInvalid;
  Rational exact;
  std::complex<double> numeric;
  int infinity_sign = 1;

  /// The value as a complex double (exact values converted); meaningless unless valid.
  std::complex<double> approx() const;
  /// "3/8", "1.41421356237", "-inf", "invalid".
  std::string describe() const;
};

/// Values given to free variables when an expression is sampled.
using VariableValues = std::vector<std::pair<std::string, std::complex<double>>>;

/// The value of `node`; variables take their value from `variables` (invalid when absent).
MathValue evaluate_math(const MathNode& node, const VariableValues& variables);

/// The names of the free variables of `node`, sorted, without duplicates, appended to `out`.
void collect_variables(const MathNode& node, std::vector<std::string>& out);

}  // namespace assay
