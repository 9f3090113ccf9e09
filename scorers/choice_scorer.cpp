#include "scorers/choice_scorer.h"

#include <cctype>

#include "harness/core/strings.h"

namespace assay {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
// Python's \w on str: letters, digits, underscore, and (approximately) any non-ASCII character.
bool is_word(char c) {
  return is_alnum(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool ieq_at(std::string_view s, size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  }
  return true;
}
char upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

// 1: (?i)[\*\_]{0,2}Answer[\*\_]{0,2}\s*:[\s\*\_]{0,2}\s*([A-Z])(?![a-zA-Z0-9]) — last match.
std::optional<char> primary_answer_format(std::string_view s) {
  std::optional<char> last;
  for (size_t i = 0; i + 6 <= s.size(); ++i) {
    if (!ieq_at(s, i, "answer")) continue;
    size_t j = i + 6;
    for (int k = 0; k < 2 && j < s.size() && (s[j] == '*' || s[j] == '_'); ++k) ++j;
    while (j < s.size() && is_space(s[j])) ++j;
    if (j >= s.size() || s[j] != ':') continue;
    ++j;
    // Up to two of [\s*_], then only whitespace: '*'/'_' may appear in the first two places.
    for (int k = 0; k < 2 && j < s.size() && (is_space(s[j]) || s[j] == '*' || s[j] == '_'); ++k) {
      ++j;
    }
    while (j < s.size() && is_space(s[j])) ++j;
    if (j >= s.size() || !is_alpha(s[j])) continue;  // (?i) makes [A-Z] match a–z too
    if (j + 1 < s.size() && is_alnum(s[j + 1])) continue;
    last = upper(s[j]);
  }
  return last;
}

// 2: \\boxed\{[^}]*([A-Z])[^}]*\} — first match; greedy, so the last capital inside the braces.
std::optional<char> latex_boxed(std::string_view s) {
  for (size_t i = s.find("\\boxed{"); i != std::string_view::npos; i = s.find("\\boxed{", i + 1)) {
    size_t start = i + 7;
    size_t close = s.find('}', start);
    if (close == std::string_view::npos) return std::nullopt;
    for (size_t k = close; k > start; --k) {
      if (is_upper(s[k - 1])) return s[k - 1];
    }
  }
  return std::nullopt;
}

// 3: answer is ([a-zA-Z]) — first match.
std::optional<char> natural_language(std::string_view s) {
  for (size_t i = s.find("answer is "); i != std::string_view::npos;
       i = s.find("answer is ", i + 1)) {
    size_t j = i + 10;
    if (j < s.size() && is_alpha(s[j])) return upper(s[j]);
  }
  return std::nullopt;
}

// 4: answer is \(([a-zA-Z])\) — first match.
std::optional<char> with_parenthesis(std::string_view s) {
  for (size_t i = s.find("answer is ("); i != std::string_view::npos;
       i = s.find("answer is (", i + 1)) {
    size_t j = i + 11;
    if (j + 1 < s.size() && is_alpha(s[j]) && s[j + 1] == ')') return upper(s[j]);
  }
  return std::nullopt;
}

// 5: ([A-Z])\)\s*[^A-Z]* — the first capital followed by ')'.
std::optional<char> choice_format(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (is_upper(s[i]) && s[i + 1] == ')') return s[i];
  }
  return std::nullopt;
}

// 6: ([A-Z])\s+is\s+the\s+correct\s+answer — first match.
std::optional<char> explicit_statement(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_upper(s[i])) continue;
    size_t j = i + 1;
    bool ok = true;
    for (std::string_view word : {"is", "the", "correct", "answer"}) {
      size_t ws = j;
      while (j < s.size() && is_space(s[j])) ++j;
      if (j == ws || s.substr(j, word.size()) != word) {
        ok = false;
        break;
      }
      j += word.size();
    }
    if (ok) return s[i];
  }
  return std::nullopt;
}

// 7: ([A-Z])\s*$ — a capital followed only by whitespace to the end.
std::optional<char> standalone_letter_end(std::string_view s) {
  std::string_view t = s;
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  if (!t.empty() && is_upper(t.back())) return t.back();
  return std::nullopt;
}

// 8: ([A-Z])\s*\. — the first capital followed by optional whitespace and a period.
std::optional<char> letter_with_period(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_upper(s[i])) continue;
    size_t j = i + 1;
    while (j < s.size() && is_space(s[j])) ++j;
    if (j < s.size() && s[j] == '.') return s[i];
  }
  return std::nullopt;
}

// 9: ([A-Z])\s*[^\w] — the first capital followed by a non-word character (whitespace counts).
std::optional<char> letter_nonword(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (is_upper(s[i]) && !is_word(s[i + 1])) return s[i];
  }
  return std::nullopt;
}

struct Pattern {
  const char* name;
  std::optional<char> (*match)(std::string_view);
};

constexpr Pattern kPatterns[] = {
    {"primary_answer_format", primary_answer_format},
    {"latex_boxed", latex_boxed},
    {"natural_language", natural_language},
    {"with_parenthesis", with_parenthesis},
    {"choice_format", choice_format},
    {"explicit_statement", explicit_statement},
    {"standalone_letter_end", standalone_letter_end},
    {"letter_with_period", letter_with_period},
    {"letter_nonword", letter_nonword},
};

class ChoiceScorer final : public Scorer {
 public:
  std::string name() const override { return "choice"; }
  std::vector<Score> score(const ScoringInput& in) const override {
    std::optional<ChoiceExtraction> got = extract_choice_letter(in.output);
    if (!got) {
      return {unscored("choice", "no_answer", "no answer-extraction pattern matched")};
    }
    std::string want = to_lower(trim(in.target));
    std::string letter(1, got->letter);
    bool ok = want.size() == 1 && upper(want[0]) == got->letter;
    std::string why = "pattern " + std::to_string(got->pattern) + " (" + got->pattern_name +
                      ") extracted " + letter + "; target " + std::string(trim(in.target));
    if (in.choices && !in.choices->empty() &&
        got->letter >= static_cast<char>('A' + in.choices->size())) {
      why +=
          "; " + letter + " is not one of the " + std::to_string(in.choices->size()) + " options";
    }
    return {binary_score("choice", ok, letter, why)};
  }
};

}  // namespace

std::optional<ChoiceExtraction> extract_choice_letter(std::string_view text) {
  int index = 0;
  for (const Pattern& p : kPatterns) {
    ++index;
    if (std::optional<char> c = p.match(text)) return ChoiceExtraction{*c, index, p.name};
  }
  return std::nullopt;
}

std::unique_ptr<Scorer> make_choice_scorer() {
  return std::make_unique<ChoiceScorer>();
}

}  // namespace assay
