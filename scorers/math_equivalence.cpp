#include "scorers/math_equivalence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/core/strings.h"
#include "scorers/hendrycks_math.h"
#include "scorers/math_expression.h"
#include "scorers/math_normalize.h"
#include "scorers/math_value.h"

namespace assay {
namespace {

using State = MathValue::State;

constexpr int kSamplePoints = 6;
constexpr int kMinValidSamples = 3;
constexpr size_t kMaxAlternatives = 16;  // ± expansions
constexpr size_t kMaxListItems = 64;

// Deterministic sample value in [0.5, 2.5) for a variable at a sample point.
double sample_value(std::string_view name, int point) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h += 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(point + 1);  // splitmix64
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  h ^= h >> 31;
  return 0.5 + 2.0 * static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
}

bool close(std::complex<double> a, std::complex<double> b) {
  return std::abs(a - b) <= kMathRelativeTolerance * std::max(std::abs(a), std::abs(b)) + 1e-15;
}

bool contains_kind(const MathNode& n, MathNodeKind kind) {
  if (n.kind == kind) return true;
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const MathNode& c) { return contains_kind(c, kind); });
}

bool is_structure(const MathNode& n) {
  switch (n.kind) {
    case MathNodeKind::kBracketed:
    case MathNodeKind::kSet:
    case MathNodeKind::kList:
    case MathNodeKind::kRelation:
    case MathNodeKind::kMatrix:
    case MathNodeKind::kUnion:
      return true;
    default:
      return false;
  }
}

// Every reading of a ± expression: "1 ± √2" → {1 + √2, 1 − √2}. At most kMaxAlternatives.
std::vector<MathNode> expand_plus_minus(const MathNode& n) {
  if (!contains_kind(n, MathNodeKind::kPlusMinus)) return {n};
  if (n.kind == MathNodeKind::kPlusMinus) {
    std::vector<MathNode> out;
    for (const MathNode& a : expand_plus_minus(n.children[0])) {
      for (const MathNode& b : expand_plus_minus(n.children[1])) {
        for (bool minus : {false, true}) {
          if (out.size() >= kMaxAlternatives) return out;
          MathNode sum;
          sum.kind = MathNodeKind::kSum;
          sum.children.push_back(a);
          if (minus) {
            MathNode neg;
            neg.kind = MathNodeKind::kNegate;
            neg.children.push_back(b);
            sum.children.push_back(std::move(neg));
          } else {
            sum.children.push_back(b);
          }
          out.push_back(std::move(sum));
        }
      }
    }
    return out;
  }
  // Cartesian product over the children's alternatives.
  std::vector<MathNode> out{n};
  for (size_t k = 0; k < n.children.size(); ++k) {
    std::vector<MathNode> alternatives = expand_plus_minus(n.children[k]);
    std::vector<MathNode> next;
    for (const MathNode& partial : out) {
      for (const MathNode& alt : alternatives) {
        if (next.size() >= kMaxAlternatives) break;
        MathNode copy = partial;
        copy.children[k] = alt;
        next.push_back(std::move(copy));
      }
    }
    out = std::move(next);
  }
  return out;
}

// "x = 5": one '=' with a lone variable on the left.
bool is_assignment(const MathNode& n) {
  return n.kind == MathNodeKind::kRelation && n.name == "=" &&
         n.children[0].kind == MathNodeKind::kVariable;
}

MathNode difference(const MathNode& lhs, const MathNode& rhs) {
  MathNode neg;
  neg.kind = MathNodeKind::kNegate;
  neg.children.push_back(rhs);
  MathNode sum;
  sum.kind = MathNodeKind::kSum;
  sum.children.push_back(lhs);
  sum.children.push_back(std::move(neg));
  return sum;
}

class TreeComparator {
 public:
  bool equal(const MathNode& c, const MathNode& g) {
    if (is_assignment(g) && c.kind != MathNodeKind::kRelation) return equal(c, g.children[1]);
    if (is_assignment(c) && g.kind != MathNodeKind::kRelation) return equal(c.children[1], g);
    if (c.kind == MathNodeKind::kRelation || g.kind == MathNodeKind::kRelation) {
      return c.kind == g.kind && equal_relations(c, g);
    }
    bool c_many = c.kind == MathNodeKind::kList || c.kind == MathNodeKind::kSet ||
                  (!is_structure(c) && contains_kind(c, MathNodeKind::kPlusMinus));
    bool g_many = g.kind == MathNodeKind::kList || g.kind == MathNodeKind::kSet ||
                  (!is_structure(g) && contains_kind(g, MathNodeKind::kPlusMinus));
    if (c_many || g_many) {
      if ((!c_many && is_structure(c)) || (!g_many && is_structure(g))) {
        return mismatch("a list or set against a " + kind_name(c_many ? g : c));
      }
      return equal_unordered(items_of(c), items_of(g));
    }
    if (c.kind == MathNodeKind::kBracketed && g.kind == MathNodeKind::kBracketed) {
      if (c.open != g.open || c.close != g.close) {
        return mismatch(std::string("brackets ") + c.open + c.close + " vs " + g.open + g.close);
      }
      return equal_in_order(c.children, g.children);
    }
    if (c.kind == MathNodeKind::kUnion && g.kind == MathNodeKind::kUnion) {
      return equal_unordered(c.children, g.children);
    }
    if (c.kind == MathNodeKind::kMatrix && g.kind == MathNodeKind::kMatrix) {
      if (c.rows != g.rows || c.cols != g.cols) return mismatch("matrix shapes differ");
      return equal_in_order(c.children, g.children);
    }
    if (is_structure(c) || is_structure(g)) {
      return mismatch("a " + kind_name(c) + " against a " + kind_name(g));
    }
    return equal_scalars(c, g);
  }

  const std::string& how() const { return how_; }

 private:
  static std::string kind_name(const MathNode& n) {
    switch (n.kind) {
      case MathNodeKind::kBracketed:
        return "tuple or interval";
      case MathNodeKind::kSet:
        return "set";
      case MathNodeKind::kList:
        return "list";
      case MathNodeKind::kRelation:
        return "relation";
      case MathNodeKind::kMatrix:
        return "matrix";
      case MathNodeKind::kUnion:
        return "union";
      default:
        return "number or expression";
    }
  }

  bool mismatch(std::string why) {
    how_ = std::move(why);
    return false;
  }

  static std::vector<MathNode> items_of(const MathNode& n) {
    std::vector<MathNode> items;
    auto add = [&](const MathNode& item) {
      for (MathNode& alt : expand_plus_minus(item)) items.push_back(std::move(alt));
    };
    if (n.kind == MathNodeKind::kList || n.kind == MathNodeKind::kSet) {
      for (const MathNode& child : n.children) add(child);
    } else {
      add(n);
    }
    return items;
  }

  bool equal_in_order(const std::vector<MathNode>& c, const std::vector<MathNode>& g) {
    if (c.size() != g.size()) {
      return mismatch(std::to_string(c.size()) + " elements vs " + std::to_string(g.size()));
    }
    for (size_t k = 0; k < c.size(); ++k) {
      if (!equal(c[k], g[k])) return mismatch("element " + std::to_string(k + 1) + ": " + how_);
    }
    how_ = "all " + std::to_string(c.size()) + " elements equal in order";
    return true;
  }

  bool equal_unordered(const std::vector<MathNode>& c, const std::vector<MathNode>& g) {
    if (c.size() != g.size()) {
      return mismatch(std::to_string(c.size()) + " answers vs " + std::to_string(g.size()));
    }
    if (c.size() > kMaxListItems) return mismatch("too many items to match");
    std::vector<bool> used(g.size(), false);
    for (const MathNode& item : c) {
      bool matched = false;
      for (size_t k = 0; k < g.size() && !matched; ++k) {
        if (!used[k] && equal(item, g[k])) {
          used[k] = true;
          matched = true;
        }
      }
      if (!matched) return mismatch("'" + to_string(item) + "' matches no expected answer");
    }
    how_ = "all " + std::to_string(c.size()) + " answers matched in any order";
    return true;
  }

  bool equal_relations(const MathNode& c, const MathNode& g) {
    if (c.name == "=" && g.name == "=") {
      if (c.children[0].kind == MathNodeKind::kVariable &&
          g.children[0].kind == MathNodeKind::kVariable &&
          c.children[0].name == g.children[0].name) {
        return equal(c.children[1], g.children[1]);
      }
      return proportional(difference(c.children[0], c.children[1]),
                          difference(g.children[0], g.children[1]));
    }
    const MathNode* cs = &c;
    MathNode flipped_c;
    MathNode flipped_g;
    const MathNode* gs = &g;
    if (points_right(c)) cs = &(flipped_c = flip(c));
    if (points_right(g)) gs = &(flipped_g = flip(g));
    if (cs->name != gs->name) return mismatch("relations differ: " + c.name + " vs " + g.name);
    return equal_in_order(cs->children, gs->children);
  }

  static bool points_right(const MathNode& r) {
    return std::all_of(r.name.begin(), r.name.end(),
                       [](char op) { return op == '>' || op == 'g'; });
  }
  // a > b > c → c < b < a
  static MathNode flip(const MathNode& r) {
    MathNode out = r;
    std::reverse(out.children.begin(), out.children.end());
    std::reverse(out.name.begin(), out.name.end());
    for (char& op : out.name) op = op == '>' ? '<' : 'l';
    return out;
  }

  // Equations are equivalent when lhs − rhs of one is a constant non-zero multiple of the other's.
  bool proportional(const MathNode& c, const MathNode& g) {
    std::optional<std::complex<double>> ratio;
    std::optional<int> valid =
        over_samples(c, g, variables_of(c, g), [&](const MathValue& a, const MathValue& b) {
          std::complex<double> za = a.approx();
          std::complex<double> zb = b.approx();
          bool a_zero = std::abs(za) <= 1e-12;
          bool b_zero = std::abs(zb) <= 1e-12;
          if (a_zero || b_zero) return a_zero == b_zero;
          if (!ratio) ratio = za / zb;
          return close(*ratio, za / zb);
        });
    if (!valid) return mismatch("the equations differ");
    if (*valid < kMinValidSamples) return mismatch("the equations could not be evaluated");
    how_ = "equivalent equations (checked at " + std::to_string(*valid) + " points)";
    return true;
  }

  // Evaluates `c` and `g` at each sample point of `names` (their variables); `check(a, b)` sees the
  // points where both are defined and returns false to stop. The number of such points, or nullopt
  // when `check` stopped.
  template <typename Check>
  static std::optional<int> over_samples(const MathNode& c, const MathNode& g,
                                         const std::vector<std::string>& names, Check check) {
    int valid = 0;
    for (int p = 0; p < kSamplePoints; ++p) {
      VariableValues vars = assign(names, p);
      MathValue a = evaluate_math(c, vars);
      MathValue b = evaluate_math(g, vars);
      if (!finite(a) || !finite(b)) continue;
      if (!check(a, b)) return std::nullopt;
      ++valid;
    }
    return valid;
  }

  static bool finite(const MathValue& v) {
    return v.state == State::kExact || v.state == State::kNumeric;
  }

  static VariableValues assign(const std::vector<std::string>& names, int point) {
    VariableValues vars;
    vars.reserve(names.size());
    for (const std::string& name : names) vars.emplace_back(name, sample_value(name, point));
    return vars;
  }

  static std::vector<std::string> variables_of(const MathNode& c, const MathNode& g) {
    std::vector<std::string> names;
    collect_variables(c, names);
    collect_variables(g, names);
    return names;
  }

  bool equal_scalars(const MathNode& c, const MathNode& g) {
    std::vector<std::string> names = variables_of(c, g);
    if (names.empty()) {
      MathValue a = evaluate_math(c, {});
      MathValue b = evaluate_math(g, {});
      std::string shown = a.describe() + " vs " + b.describe();
      if (a.state == State::kInfinity || b.state == State::kInfinity) {
        bool same = a.state == b.state && a.infinity_sign == b.infinity_sign;
        how_ = (same ? "same infinity: " : "infinities differ: ") + shown;
        return same;
      }
      if (!finite(a) || !finite(b)) return mismatch("cannot evaluate: " + shown);
      if (a.state == State::kExact && b.state == State::kExact) {
        bool same = a.exact == b.exact;
        how_ = (same ? "exact: " : "exact values differ: ") + shown;
        return same;
      }
      bool same = close(a.approx(), b.approx());
      how_ = (same ? "numerically equal: " : "numeric values differ: ") + shown;
      return same;
    }
    std::string differing;
    std::optional<int> valid =
        over_samples(c, g, names, [&](const MathValue& a, const MathValue& b) {
          if (close(a.approx(), b.approx())) return true;
          differing = a.describe() + " vs " + b.describe();
          return false;
        });
    if (!valid) return mismatch("differ at a sample point: " + differing);
    if (*valid < kMinValidSamples) return mismatch("could not evaluate at enough sample points");
    how_ = "equal as functions of " + std::to_string(names.size()) + " variable(s) at " +
           std::to_string(*valid) + " points";
    return true;
  }

  std::string how_;
};

std::string canonical_integer(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t nz = s.find_first_not_of('0');
  std::string digits = nz == std::string_view::npos ? "0" : std::string(s.substr(nz));
  return negative && digits != "0" ? "-" + digits : digits;
}

std::string squeeze_lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out += c;
  }
  return to_lower(out);
}

}  // namespace

MathEquivalence math_answers_equivalent(std::string_view candidate, std::string_view gold) {
  std::string_view c = trim(candidate);
  std::string_view g = trim(gold);
  if (c == g) return {true, "identical answers"};
  std::string nc = normalize_math_answer(c);
  std::string ng = normalize_math_answer(g);
  if (nc == ng)
    return {true, "identical after normalisation: '" + truncate_for_display(ng, 80) + "'"};
  if (is_plain_integer(nc) && is_plain_integer(ng)) {
    bool same = canonical_integer(nc) == canonical_integer(ng);
    return {same, std::string(same ? "equal integers " : "different integers ") + nc + " vs " + ng};
  }
  std::optional<MathNode> tc = parse_math_expression(nc);
  std::optional<MathNode> tg = parse_math_expression(ng);
  if (!tc || !tg) {
    bool same = squeeze_lower(nc) == squeeze_lower(ng) || hendrycks_is_equiv(c, g);
    return {same,
            std::string(same ? "equal" : "different") + " as text ('" +
                truncate_for_display(nc, 60) + "' vs '" + truncate_for_display(ng, 60) + "'; " +
                (tc ? "the expected answer" : "the answer") + " is not a formula assay parses)",
            same};
  }
  TreeComparator comparator;
  bool same = comparator.equal(*tc, *tg);
  return {same, comparator.how()};
}

}  // namespace assay
