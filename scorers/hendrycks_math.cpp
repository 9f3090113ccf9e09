#include "scorers/hendrycks_math.h"

#include <vector>

#include "harness/core/strings.h"

namespace assay {
namespace {

// Python's str.split(sep) (sep non-empty).
std::vector<std::string> py_split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (size_t at = s.find(sep); at != std::string_view::npos; at = s.find(sep, begin)) {
    out.emplace_back(s.substr(begin, at - begin));
    begin = at + sep.size();
  }
  out.emplace_back(s.substr(begin));
  return out;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// `_fix_fracs`: \frac12 → \frac{1}{2}, \frac1{2} → \frac{1}{2}. nullopt where Python raises.
std::optional<std::string> fix_fracs(const std::string& s) {
  std::vector<std::string> parts = py_split(s, "\\frac");
  std::string out = parts[0];
  for (size_t k = 1; k < parts.size(); ++k) {
    const std::string& sub = parts[k];
    out += "\\frac";
    if (sub.empty()) return std::nullopt;  // substr[0] raises IndexError
    if (sub[0] == '{') {
      out += sub;
      continue;
    }
    if (sub.size() < 2) return s;  // the reference's `assert len(substr) >= 2` returns the input
    char a = sub[0];
    char b = sub[1];
    if (b != '{') {
      out += std::string("{") + a + "}{" + b + "}" + sub.substr(2);
    } else {
      out += std::string("{") + a + "}" + b + sub.substr(2);
    }
  }
  return out;
}

// Python `int(x)` followed by `str(...)` giving back exactly x: "0", "7", "-12" but not "07",
// "+7", "-0" or "1_0".
bool canonical_int(std::string_view x) {
  if (!x.empty() && x[0] == '-') x.remove_prefix(1);
  if (x.empty()) return false;
  for (char c : x) {
    if (c < '0' || c > '9') return false;
  }
  if (x.size() > 1 && x[0] == '0') return false;
  return true;
}

// `_fix_a_slash_b`: "3/4" → "\frac{3}{4}" when both sides are plain integers.
std::string fix_a_slash_b(const std::string& s) {
  std::vector<std::string> parts = py_split(s, "/");
  if (parts.size() != 2) return s;
  if (!canonical_int(parts[0]) || !canonical_int(parts[1]) || parts[0] == "-0" ||
      parts[1] == "-0") {
    return s;
  }
  return "\\frac{" + parts[0] + "}{" + parts[1] + "}";
}

// `_fix_sqrt`: \sqrt3 → \sqrt{3}. nullopt where Python raises (a trailing \sqrt).
std::optional<std::string> fix_sqrt(const std::string& s) {
  if (s.find("\\sqrt") == std::string::npos) return s;
  std::vector<std::string> parts = py_split(s, "\\sqrt");
  std::string out = parts[0];
  for (size_t k = 1; k < parts.size(); ++k) {
    const std::string& sub = parts[k];
    if (sub.empty()) return std::nullopt;
    if (sub[0] != '{') {
      out += std::string("\\sqrt{") + sub[0] + "}" + sub.substr(1);
    } else {
      out += "\\sqrt" + sub;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> hendrycks_strip_string(std::string_view input) {
  std::string s = replace_all(input, "\n", "");
  s = replace_all(s, "\\!", "");
  s = replace_all(s, "\\\\", "\\");
  s = replace_all(s, "tfrac", "frac");
  s = replace_all(s, "dfrac", "frac");
  s = replace_all(s, "\\left", "");
  s = replace_all(s, "\\right", "");
  s = replace_all(s, "^{\\circ}", "");
  s = replace_all(s, "^\\circ", "");
  s = replace_all(s, "\\$", "");
  // `_remove_right_units`: everything from "\text{ " on is a unit; two of them raise.
  if (s.find("\\text{ ") != std::string::npos) {
    std::vector<std::string> parts = py_split(s, "\\text{ ");
    if (parts.size() != 2) return std::nullopt;
    s = parts[0];
  }
  s = replace_all(s, "\\%", "");
  s = replace_all(s, " .", " 0.");
  s = replace_all(s, "{.", "{0.");
  if (s.empty()) return s;
  if (s[0] == '.') s = "0" + s;
  std::vector<std::string> sides = py_split(s, "=");
  if (sides.size() == 2 && code_points(sides[0]) <= 2) s = sides[1];
  auto sqrt_fixed = fix_sqrt(s);
  if (!sqrt_fixed) return std::nullopt;
  s = replace_all(*sqrt_fixed, " ", "");
  auto frac_fixed = fix_fracs(s);
  if (!frac_fixed) return std::nullopt;
  s = *frac_fixed;
  if (s == "0.5") s = "\\frac{1}{2}";
  return fix_a_slash_b(s);
}

bool hendrycks_is_equiv(std::string_view a, std::string_view b) {
  auto sa = hendrycks_strip_string(a);
  auto sb = hendrycks_strip_string(b);
  if (!sa || !sb) return a == b;
  return *sa == *sb;
}

}  // namespace assay
