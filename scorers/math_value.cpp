#include "scorers/math_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>

namespace assay {
namespace {

using Int128 = MathInt;
using State = MathValue::State;

// Largest magnitude kept exact; products are checked with __builtin_mul_overflow.
constexpr Int128 kLimit = ((Int128{1} << 126) - 1) * 2 + 1;  // 2^127 - 1
// The largest integer exponent tried exactly; beyond it powers are numeric (and usually overflow).
constexpr int64_t kMaxExactExponent = 4096;
constexpr int kMaxExactFactorial = 33;  // 34! exceeds 2^127
constexpr double kMaxNumericFactorial = 170;
constexpr int kMaxRootIndex = 64;

Int128 gcd128(Int128 a, Int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    Int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

Int128 abs128(Int128 v) {
  return v < 0 ? -v : v;
}

bool in_range(Int128 v) {
  return v <= kLimit && v >= -kLimit;
}

std::optional<Rational> make_rational(Int128 num, Int128 den) {
  if (den == 0 || !in_range(num) || !in_range(den)) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  Int128 g = gcd128(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  return Rational{num, den};
}

std::optional<Int128> checked_mul(Int128 a, Int128 b) {
  Int128 r = 0;
  if (__builtin_mul_overflow(a, b, &r) || !in_range(r)) return std::nullopt;
  return r;
}

std::optional<Rational> add(Rational a, Rational b) {
  Int128 g = gcd128(a.den, b.den);
  auto left = checked_mul(a.num, b.den / g);
  auto right = checked_mul(b.num, a.den / g);
  auto den = checked_mul(a.den, b.den / g);
  if (!left || !right || !den) return std::nullopt;
  Int128 num = 0;
  if (__builtin_add_overflow(*left, *right, &num)) return std::nullopt;
  return make_rational(num, *den);
}

std::optional<Rational> mul(Rational a, Rational b) {
  // Cross-reduce first so that products stay in range as long as the result does.
  Int128 g1 = gcd128(a.num, b.den);
  Int128 g2 = gcd128(b.num, a.den);
  if (g1 == 0) g1 = 1;
  if (g2 == 0) g2 = 1;
  auto num = checked_mul(a.num / g1, b.num / g2);
  auto den = checked_mul(a.den / g2, b.den / g1);
  if (!num || !den) return std::nullopt;
  return make_rational(*num, *den);
}

std::optional<Rational> divide(Rational a, Rational b) {
  if (b.num == 0) return std::nullopt;
  return mul(a, Rational{b.num < 0 ? -b.den : b.den, b.num < 0 ? -b.num : b.num});
}

std::optional<Int128> int_pow(Int128 base, int64_t exp) {
  Int128 result = 1;
  Int128 b = base;
  while (exp > 0) {
    if ((exp & 1) != 0) {
      auto r = checked_mul(result, b);
      if (!r) return std::nullopt;
      result = *r;
    }
    exp >>= 1;
    if (exp > 0) {
      auto sq = checked_mul(b, b);
      if (!sq) return std::nullopt;
      b = *sq;
    }
  }
  return result;
}

std::optional<Rational> rational_pow(Rational q, int64_t n) {
  if (n == 0) return Rational{1, 1};
  if (q.num == 0) return n > 0 ? std::optional<Rational>(Rational{0, 1}) : std::nullopt;
  int64_t m = n < 0 ? -n : n;
  auto num = int_pow(q.num, m);
  auto den = int_pow(q.den, m);
  if (!num || !den) return std::nullopt;
  return n > 0 ? make_rational(*num, *den) : make_rational(*den, *num);
}

// The exact r-th root of v ≥ 0, if v is a perfect r-th power.
std::optional<Int128> exact_root(Int128 v, int64_t r) {
  if (v < 0 || r < 1 || r > kMaxRootIndex) return std::nullopt;
  if (v < 2 || r == 1) return v;
  double estimate = std::round(std::pow(static_cast<double>(v), 1.0 / static_cast<double>(r)));
  auto x = static_cast<Int128>(estimate);
  for (Int128 c = x > 1 ? x - 1 : 0; c <= x + 1; ++c) {
    auto p = int_pow(c, r);
    if (p && *p == v) return c;
  }
  return std::nullopt;
}

std::optional<Rational> rational_root(Rational q, int64_t r) {
  bool negative = q.num < 0;
  if (negative && r % 2 == 0) return std::nullopt;
  auto num = exact_root(negative ? -q.num : q.num, r);
  auto den = exact_root(q.den, r);
  if (!num || !den) return std::nullopt;
  return Rational{negative ? -*num : *num, *den};
}

// "12", "0.25", ".5" as an exact rational; nullopt when it does not fit.
std::optional<Rational> parse_decimal(std::string_view s) {
  Int128 num = 0;
  Int128 den = 1;
  bool fraction = false;
  for (char c : s) {
    if (c == '.') {
      fraction = true;
      continue;
    }
    auto shifted = checked_mul(num, 10);
    if (!shifted) return std::nullopt;
    num = *shifted + (c - '0');
    if (fraction) {
      auto d = checked_mul(den, 10);
      if (!d) return std::nullopt;
      den = *d;
    }
  }
  return make_rational(num, den);
}

std::string int128_to_string(Int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    int d = static_cast<int>(v % 10);
    digits += static_cast<char>('0' + (d < 0 ? -d : d));
    v /= 10;
  }
  if (negative) digits += '-';
  return std::string(digits.rbegin(), digits.rend());
}

MathValue invalid() {
  return {};
}
MathValue exact(Rational q) {
  MathValue v;
  v.state = State::kExact;
  v.exact = q;
  return v;
}
MathValue numeric(std::complex<double> z) {
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) return invalid();
  MathValue v;
  v.state = State::kNumeric;
  // Round-off leaves tiny imaginary parts on real results (e.g. cbrt via complex pow).
  if (std::abs(z.imag()) <= 1e-13 * std::max(1.0, std::abs(z.real()))) z = {z.real(), 0.0};
  v.numeric = z;
  return v;
}
MathValue from_optional(std::optional<Rational> q, std::complex<double> fallback) {
  return q ? exact(*q) : numeric(fallback);
}

bool valid_finite(const MathValue& v) {
  return v.state == State::kExact || v.state == State::kNumeric;
}
bool is_real(const MathValue& v) {
  return v.state == State::kExact || (v.state == State::kNumeric && v.numeric.imag() == 0.0);
}
bool is_integer(const MathValue& v) {
  return v.state == State::kExact && v.exact.den == 1;
}

MathValue power(const MathValue& base, const MathValue& exponent) {
  if (!valid_finite(base) || !valid_finite(exponent)) return invalid();
  if (base.state == State::kExact && exponent.state == State::kExact) {
    const Rational& e = exponent.exact;
    auto num = static_cast<int64_t>(e.num);
    auto den = static_cast<int64_t>(e.den);
    if (den == 1 && abs128(e.num) <= kMaxExactExponent) {
      if (base.exact.num == 0 && num < 0) return invalid();
      if (auto q = rational_pow(base.exact, num)) return exact(*q);
    } else if (e.den <= kMaxRootIndex && abs128(e.num) <= kMaxExactExponent) {
      if (auto root = rational_root(base.exact, den)) {
        if (auto q = rational_pow(*root, num)) return exact(*q);
      }
      // A real odd root of a negative number: (-8)^(1/3) = -2, as a reader means it.
      if (base.exact.num < 0 && den % 2 == 1) {
        double magnitude =
            std::pow(-base.approx().real(), static_cast<double>(num) / static_cast<double>(den));
        return numeric(num % 2 != 0 ? -magnitude : magnitude);
      }
    }
  }
  std::complex<double> b = base.approx();
  std::complex<double> x = exponent.approx();
  if (is_real(base) && is_real(exponent) && b.real() > 0) {
    return numeric(std::pow(b.real(), x.real()));
  }
  if (b == 0.0) return x.real() > 0 ? numeric(0.0) : invalid();
  return numeric(std::pow(b, x));
}

MathValue factorial(const MathValue& v) {
  if (!is_integer(v) || v.exact.num < 0) return invalid();
  if (v.exact.num <= kMaxExactFactorial) {
    Int128 f = 1;
    for (Int128 k = 2; k <= v.exact.num; ++k) f *= k;
    return exact({f, 1});
  }
  if (static_cast<double>(v.exact.num) > kMaxNumericFactorial) return invalid();
  return numeric(std::tgamma(static_cast<double>(v.exact.num) + 1));
}

MathValue binomial(const MathValue& n, const MathValue& k) {
  if (is_integer(n) && is_integer(k) && n.exact.num >= 0) {
    Int128 nn = n.exact.num;
    Int128 kk = k.exact.num;
    if (kk < 0 || kk > nn) return exact({0, 1});
    kk = std::min(kk, nn - kk);
    Int128 r = 1;
    bool fits = kk <= kMaxExactExponent;
    for (Int128 j = 1; j <= kk && fits; ++j) {
      auto next = checked_mul(r, nn - kk + j);
      fits = next.has_value();
      if (fits) r = *next / j;
    }
    if (fits) return exact({r, 1});
  }
  if (!is_real(n) || !is_real(k)) return invalid();
  double a = n.approx().real();
  double b = k.approx().real();
  return numeric(std::exp(std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1)));
}

// log_base(x), exactly when x is a whole power of an integer base (log_2 8 = 3).
MathValue logarithm(const MathValue& x, const MathValue& base) {
  if (!valid_finite(x) || !valid_finite(base)) return invalid();
  if (is_integer(x) && is_integer(base) && base.exact.num > 1 && x.exact.num > 0) {
    Int128 k = 0;
    Int128 p = 1;
    while (p < x.exact.num) {
      auto next = checked_mul(p, base.exact.num);
      if (!next) break;
      p = *next;
      ++k;
    }
    if (p == x.exact.num) return exact({k, 1});
  }
  std::complex<double> b = base.approx();
  std::complex<double> v = x.approx();
  if (v == 0.0 || b == 0.0 || b == 1.0) return invalid();
  if (is_real(x) && is_real(base) && v.real() > 0 && b.real() > 0) {
    return numeric(std::log(v.real()) / std::log(b.real()));
  }
  return numeric(std::log(v) / std::log(b));
}

MathValue apply_function(const std::string& name, const std::vector<MathValue>& args) {
  const MathValue& a = args[0];
  if (name == "binom") return args.size() == 2 ? binomial(a, args[1]) : invalid();
  if (name == "root") {
    if (args.size() != 2 || !is_integer(args[1]) || args[1].exact.num == 0) return invalid();
    auto inverse = make_rational(1, args[1].exact.num);
    return inverse ? power(a, exact(*inverse)) : invalid();
  }
  if (name == "log" && args.size() == 2) return logarithm(a, args[1]);
  if (!valid_finite(a)) return invalid();
  if (name == "sqrt") return power(a, exact({1, 2}));
  if (name == "abs") {
    if (a.state == State::kExact) return exact({abs128(a.exact.num), a.exact.den});
    return numeric(std::abs(a.numeric));
  }
  if (name == "floor" || name == "ceil") {
    if (!is_real(a)) return invalid();
    if (a.state == State::kExact) {
      Int128 q = a.exact.num / a.exact.den;
      Int128 r = a.exact.num % a.exact.den;
      if (r != 0 && name == "floor" && a.exact.num < 0) --q;
      if (r != 0 && name == "ceil" && a.exact.num > 0) ++q;
      return exact({q, 1});
    }
    double x = a.numeric.real();
    return numeric(name == "floor" ? std::floor(x) : std::ceil(x));
  }
  if (name == "lg") return logarithm(a, exact({10, 1}));
  std::complex<double> z = a.approx();
  bool real = is_real(a);
  double x = z.real();
  if (name == "ln" || name == "log") {
    if (z == 0.0) return invalid();
    return numeric(real && x > 0 ? std::complex<double>(std::log(x)) : std::log(z));
  }
  if (name == "exp") return numeric(real ? std::complex<double>(std::exp(x)) : std::exp(z));
  if (name == "sin") return numeric(real ? std::complex<double>(std::sin(x)) : std::sin(z));
  if (name == "cos") return numeric(real ? std::complex<double>(std::cos(x)) : std::cos(z));
  if (name == "tan") return numeric(real ? std::complex<double>(std::tan(x)) : std::tan(z));
  if (name == "sec") return numeric(1.0 / (real ? std::complex<double>(std::cos(x)) : std::cos(z)));
  if (name == "csc") return numeric(1.0 / (real ? std::complex<double>(std::sin(x)) : std::sin(z)));
  if (name == "cot") return numeric(1.0 / (real ? std::complex<double>(std::tan(x)) : std::tan(z)));
  if (name == "arcsin") return numeric(std::asin(z));
  if (name == "arccos") return numeric(std::acos(z));
  if (name == "arctan") return numeric(std::atan(z));
  if (name == "sinh") return numeric(std::sinh(z));
  if (name == "cosh") return numeric(std::cosh(z));
  if (name == "tanh") return numeric(std::tanh(z));
  return invalid();
}

MathValue evaluate_node(const MathNode& n, const VariableValues& vars) {
  switch (n.kind) {
    case MathNodeKind::kNumber: {
      if (auto q = parse_decimal(n.name)) return exact(*q);
      return numeric(std::strtod(n.name.c_str(), nullptr));
    }
    case MathNodeKind::kVariable: {
      for (const auto& [name, value] : vars) {
        if (name == n.name) return numeric(value);
      }
      return invalid();
    }
    case MathNodeKind::kConstant: {
      if (n.name == "pi") return numeric(std::numbers::pi);
      if (n.name == "e") return numeric(std::numbers::e);
      if (n.name == "i") return numeric({0.0, 1.0});
      MathValue v;
      v.state = State::kInfinity;
      return v;
    }
    case MathNodeKind::kNegate: {
      MathValue v = evaluate_node(n.children[0], vars);
      if (v.state == State::kExact) v.exact.num = -v.exact.num;
      if (v.state == State::kNumeric) v.numeric = -v.numeric;
      if (v.state == State::kInfinity) v.infinity_sign = -v.infinity_sign;
      return v;
    }
    case MathNodeKind::kSum:
    case MathNodeKind::kProduct: {
      bool sum = n.kind == MathNodeKind::kSum;
      MathValue acc = exact(sum ? Rational{0, 1} : Rational{1, 1});
      for (const MathNode& child : n.children) {
        MathValue v = evaluate_node(child, vars);
        if (!valid_finite(v)) return invalid();
        if (acc.state == State::kExact && v.state == State::kExact) {
          auto q = sum ? add(acc.exact, v.exact) : mul(acc.exact, v.exact);
          std::complex<double> fallback =
              sum ? acc.approx() + v.approx() : acc.approx() * v.approx();
          acc = from_optional(q, fallback);
        } else {
          acc = numeric(sum ? acc.approx() + v.approx() : acc.approx() * v.approx());
        }
        if (acc.state == State::kInvalid) return acc;
      }
      return acc;
    }
    case MathNodeKind::kQuotient: {
      MathValue a = evaluate_node(n.children[0], vars);
      MathValue b = evaluate_node(n.children[1], vars);
      if (!valid_finite(a) || !valid_finite(b)) return invalid();
      if (a.state == State::kExact && b.state == State::kExact) {
        if (b.exact.num == 0) return invalid();
        return from_optional(divide(a.exact, b.exact), a.approx() / b.approx());
      }
      if (b.approx() == 0.0) return invalid();
      return numeric(a.approx() / b.approx());
    }
    case MathNodeKind::kPower:
      return power(evaluate_node(n.children[0], vars), evaluate_node(n.children[1], vars));
    case MathNodeKind::kFactorial:
      return factorial(evaluate_node(n.children[0], vars));
    case MathNodeKind::kFunction: {
      std::vector<MathValue> args;
      args.reserve(n.children.size());
      for (const MathNode& child : n.children) args.push_back(evaluate_node(child, vars));
      return apply_function(n.name, args);
    }
    default:
      return invalid();
  }
}

void collect(const MathNode& n, std::vector<std::string>& out) {
  if (n.kind == MathNodeKind::kVariable) out.push_back(n.name);
  for (const MathNode& child : n.children) collect(child, out);
}

}  // namespace

std::complex<double> MathValue::approx() const {
  if (state == State::kExact)
    return static_cast<double>(exact.num) / static_cast<double>(exact.den);
  return numeric;
}

std::string MathValue::describe() const {
  switch (state) {
    case State::kExact:
      return exact.den == 1 ? int128_to_string(exact.num)
                            : int128_to_string(exact.num) + "/" + int128_to_string(exact.den);
    case State::kNumeric: {
      char buf[80];
      if (numeric.imag() == 0.0) {
        std::snprintf(buf, sizeof buf, "%.12g", numeric.real());
      } else {
        std::snprintf(buf, sizeof buf, "%.12g%+.12gi", numeric.real(), numeric.imag());
      }
      return buf;
    }
    case State::kInfinity:
      return infinity_sign < 0 ? "-inf" : "inf";
    case State::kInvalid:
      break;
  }
  return "invalid";
}

MathValue evaluate_math(const MathNode& node, const VariableValues& variables) {
  return evaluate_node(node, variables);
}

void collect_variables(const MathNode& node, std::vector<std::string>& out) {
  collect(node, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace assay
