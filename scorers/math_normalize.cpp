#include "scorers/math_normalize.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "harness/core/strings.h"
#include "scorers/math_expression.h"

namespace assay {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kUnicodeSymbols = {{
    {"\u2212", "-"},           {"\u2013", "-"},        {"\u03c0", "\\pi "},
    {"\u221a", "\\sqrt"},      {"\u221e", "\\infty "}, {"\u00b7", "\\cdot "},
    {"\u00d7", "\\times "},    {"\u00f7", "\\div "},   {"\u2264", "\\le "},
    {"\u2265", "\\ge "},       {"\u2260", "\\ne "},    {"\u00b1", "\\pm "},
    {"\u222a", "\\cup "},      {"\u00b0", ""},         {"\u00a0", " "},
    {"\u2205", "\\emptyset "}, {"\u2032", "'"},        {"\u00bd", "\\frac{1}{2}"},
    {"\u2009", " "},
}};

// Removed outright: spacing, sizing and style commands that never change a value.
constexpr std::array<std::string_view, 19> kRemoved = {
    "\\left.",     "\\right.", "\\!", "\\,",     "\\;",    "\\:",
    "\\>",         "\\ ",      "~",   "\\qquad", "\\quad", "\\displaystyle",
    "\\textstyle", "\\limits", "{,}", "\\(",     "\\)",    "\\[",
    "\\]"};

// Removed when not followed by a letter (so "\leftarrow" survives).
constexpr std::array<std::string_view, 9> kSizing = {"left", "right", "bigl", "bigr",  "Bigl",
                                                     "Bigr", "big",   "Big",  "middle"};

// Commands whose braced argument is kept as plain text (and \boxed, left in a bare answer).
constexpr std::array<std::string_view, 14> kTextWrappers = {
    "text",   "textbf", "textit",       "textrm", "textnormal", "mathrm", "mathbf",
    "mathit", "mathsf", "operatorname", "mbox",   "hbox",       "boxed",  "fbox"};

constexpr std::array<std::string_view, 73> kUnitWords = {
    "unit",        "units",   "sq",         "square",      "cubic",   "cm",        "centimeter",
    "centimeters", "mm",      "millimeter", "millimeters", "km",      "kilometer", "kilometers",
    "meter",       "meters",  "inch",       "inches",      "in",      "ft",        "feet",
    "foot",        "yard",    "yards",      "yd",          "mile",    "miles",     "mi",
    "degree",      "degrees", "deg",        "radian",      "radians", "dollar",    "dollars",
    "cent",        "cents",   "second",     "seconds",     "sec",     "minute",    "minutes",
    "min",         "hour",    "hours",      "hr",          "hrs",     "day",       "days",
    "week",        "weeks",   "month",      "months",      "year",    "years",     "mph",
    "kg",          "gram",    "grams",      "pound",       "pounds",  "lb",        "lbs",
    "ounce",       "ounces",  "oz",         "liter",       "liters",  "ml",        "gallon",
    "gallons",     "people",  "ways"};

std::string remove_sizing_commands(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\') {
      bool removed = false;
      for (std::string_view word : kSizing) {
        size_t end = i + 1 + word.size();
        if (s.compare(i + 1, word.size(), word) == 0 && (end >= s.size() || !is_letter(s[end]))) {
          i = end;
          removed = true;
          break;
        }
      }
      if (removed) continue;
    }
    out += s[i++];
  }
  return out;
}

// \text{X} → " X " (and its relatives); unbalanced braces leave the rest untouched.
std::string unwrap_text_commands(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\') {
      size_t j = i + 1;
      while (j < s.size() && is_letter(s[j])) ++j;
      std::string_view name(s.data() + i + 1, j - i - 1);
      bool wrapper =
          std::find(kTextWrappers.begin(), kTextWrappers.end(), name) != kTextWrappers.end();
      size_t k = j;
      while (k < s.size() && s[k] == ' ') ++k;
      if (wrapper && k < s.size() && s[k] == '{') {
        int depth = 0;
        size_t close = std::string::npos;
        for (size_t m = k; m < s.size(); ++m) {
          if (s[m] == '{') ++depth;
          if (s[m] == '}' && --depth == 0) {
            close = m;
            break;
          }
        }
        if (close != std::string::npos) {
          out += ' ';
          out += unwrap_text_commands(s.substr(k + 1, close - k - 1));
          out += ' ';
          i = close + 1;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return std::string(trim(out));
}

bool is_unit_word(std::string_view w) {
  std::string lower = to_lower(w);
  // "cm^2", "m^{3}"
  size_t caret = lower.find('^');
  if (caret != std::string::npos) lower = lower.substr(0, caret);
  return std::find(kUnitWords.begin(), kUnitWords.end(), lower) != kUnitWords.end();
}

// "64 square feet" → "64": trailing space-separated unit words go while something remains.
std::string strip_trailing_units(std::string s) {
  for (;;) {
    size_t space = s.rfind(' ');
    if (space == std::string::npos) return s;
    std::string_view last(s.data() + space + 1, s.size() - space - 1);
    if (!is_unit_word(last)) return s;
    s = std::string(trim(std::string_view(s).substr(0, space)));
  }
}

// "1,000,000" → "1000000", but "1,2" and "(1,000)" are left alone: a comma is a thousands
// separator only between a digit and exactly three digits, in an answer that is not bracketed
// and has no ", " list separators.
std::string strip_thousands_separators(const std::string& s) {
  if (s.empty() || s.find(", ") != std::string::npos || s[0] == '(' || s[0] == '[' || s[0] == '{' ||
      s.rfind("\\{", 0) == 0) {
    return s;
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    bool separator = s[i] == ',' && i > 0 && is_digit(s[i - 1]) && i + 3 < s.size() &&
                     is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
                     (i + 4 == s.size() || !is_digit(s[i + 4]));
    if (!separator) out += s[i];
  }
  return out;
}

// "x \in [1, 2)" → "[1, 2)".
std::string strip_membership_prefix(const std::string& s) {
  size_t at = s.find("\\in");
  if (at == std::string::npos) return s;
  size_t after = at + 3;
  if (after < s.size() && is_letter(s[after])) return s;
  std::string_view lhs = trim(std::string_view(s).substr(0, at));
  if (lhs.size() != 1 || !is_letter(lhs[0])) return s;
  return std::string(trim(std::string_view(s).substr(after)));
}

// "7 3/4" → "(7+3/4)" (a mixed number written with a space).
std::string join_spaced_mixed_number(const std::string& s) {
  size_t space = s.find(' ');
  size_t slash = s.find('/');
  if (space == std::string::npos || slash == std::string::npos || slash < space) return s;
  auto all_digits = [](std::string_view v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), is_digit);
  };
  std::string_view whole(s.data(), space);
  std::string_view num(s.data() + space + 1, slash - space - 1);
  std::string_view den(s.data() + slash + 1, s.size() - slash - 1);
  std::string_view sign;
  if (!whole.empty() && whole[0] == '-') {
    sign = "-";
    whole.remove_prefix(1);
  }
  if (!all_digits(whole) || !all_digits(num) || !all_digits(den)) return s;
  return std::string(sign) + "(" + std::string(whole) + "+" + std::string(num) + "/" +
         std::string(den) + ")";
}

}  // namespace

bool is_plain_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::string normalize_math_answer(std::string_view answer) {
  std::string s(trim(answer));
  // Bounded work: longer answers are never parsed, only compared as they are.
  if (s.size() > kMaxParsedAnswer) return s;
  for (const auto& [from, to] : kUnicodeSymbols) s = replace_all(s, from, to);
  for (std::string_view r : kRemoved) s = replace_all(s, r, "");
  s = remove_sizing_commands(s);
  for (std::string_view f : {"\\dfrac", "\\tfrac", "\\cfrac"}) s = replace_all(s, f, "\\frac");
  for (std::string_view b : {"\\dbinom", "\\tbinom"}) s = replace_all(s, b, "\\binom");
  for (std::string_view d : {"^{\\circ}", "^\\circ", "\\circ", "\\degree"})
    s = replace_all(s, d, "");
  for (std::string_view p : {"\\%", "%", "\\$", "$"}) s = replace_all(s, p, "");
  s = unwrap_text_commands(s);
  s = collapse_spaces(s);
  // "cm ^2" (after \text{ cm}^2) is one unit word.
  s = replace_all(s, " ^", "^");
  s = replace_all(s, " and ", ", ");
  s = replace_all(s, " or ", ", ");
  s = strip_trailing_units(s);
  while (!s.empty() && (s.back() == '.' || s.back() == ' ') &&
         !(s.size() >= 2 && s[s.size() - 2] == '\\')) {
    s.pop_back();
  }
  s = strip_membership_prefix(s);
  s = strip_thousands_separators(s);
  s = join_spaced_mixed_number(s);
  return collapse_spaces(s);
}

}  // namespace assay
