#include "scorers/math_answer_extraction.h"

#include <cctype>

#include "harness/core/strings.h"

namespace assay {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool starts_with_ci(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (lower(s[at + k]) != word[k]) return false;
  }
  return true;
}

bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string clean_answer(std::string_view s) {
  std::string_view t = trim(s);
  for (bool changed = true; changed && !t.empty();) {
    changed = false;
    auto strip_pair = [&](std::string_view open, std::string_view close) {
      if (t.size() >= open.size() + close.size() && t.substr(0, open.size()) == open &&
          t.substr(t.size() - close.size()) == close) {
        t = trim(t.substr(open.size(), t.size() - open.size() - close.size()));
        changed = true;
      }
    };
    strip_pair("**", "**");
    strip_pair("$$", "$$");
    strip_pair("$", "$");
    strip_pair("\\(", "\\)");
    strip_pair("\\[", "\\]");
    if (!t.empty() && t.back() == '.' && !(t.size() >= 2 && t[t.size() - 2] == '\\')) {
      t = trim(t.substr(0, t.size() - 1));
      changed = true;
    }
    if (t.size() >= 2 && t.substr(0, 2) == "**") {
      t = trim(t.substr(2));
      changed = true;
    }
  }
  return std::string(t);
}

namespace {

// Calls `fn(line)` for each line of `text`, first to last.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

// The text after the last "answer is" up to the end of its sentence or line.
std::optional<std::string> answer_is_phrase(std::string_view text) {
  std::optional<std::string> found;
  for_each_line(text, [&](std::string_view line) {
    for (size_t i = 0; i + 9 <= line.size(); ++i) {
      if (!starts_with_ci(line, i, "answer is")) continue;
      if (i > 0 && is_letter(line[i - 1])) continue;
      size_t j = i + 9;
      while (j < line.size() && (line[j] == ' ' || line[j] == ':' || line[j] == '\t')) ++j;
      std::string_view rest = line.substr(j);
      // A sentence ends at ". " (a decimal point is never followed by a space).
      rest = rest.substr(0, rest.find(". "));
      std::string answer = clean_answer(rest);
      if (!answer.empty()) found = std::move(answer);
      i = j - 1;
    }
  });
  return found;
}

// The last "Answer:" line (simple-evals' `(?i)Answer\s*:\s*([^\n]+)`, but the last match: the
// prompt asks for it on the last line, and earlier ones are often restated drafts).
std::optional<std::string> answer_line(std::string_view text) {
  std::optional<std::string> found;
  for_each_line(text, [&](std::string_view line) {
    for (size_t i = 0; i + 6 <= line.size(); ++i) {
      if (!starts_with_ci(line, i, "answer")) continue;
      if (i > 0 && is_letter(line[i - 1])) continue;
      size_t j = i + 6;
      while (j < line.size() && (line[j] == ' ' || line[j] == '\t' || line[j] == '*')) ++j;
      if (j >= line.size() || line[j] != ':') continue;
      std::string answer = clean_answer(line.substr(j + 1));
      // "Answer: The final answer is 5" keeps only what follows the phrase.
      if (auto inner = answer_is_phrase(answer)) answer = *inner;
      if (!answer.empty()) found = std::move(answer);
      break;
    }
  });
  return found;
}

}  // namespace

std::string_view math_answer_rule_name(MathAnswerRule rule) {
  switch (rule) {
    case MathAnswerRule::kBoxed:
      return "boxed";
    case MathAnswerRule::kAnswerLine:
      return "answer_line";
    case MathAnswerRule::kAnswerIsPhrase:
      return "answer_is_phrase";
    case MathAnswerRule::kWholeOutput:
      return "whole_output";
  }
  return "unknown";
}

std::optional<std::string> last_boxed_content(std::string_view text) {
  size_t boxed = text.rfind("\\boxed");
  size_t fbox = text.rfind("\\fbox");
  size_t at = boxed;
  size_t name_len = 6;
  if (boxed == std::string_view::npos || (fbox != std::string_view::npos && fbox > boxed)) {
    at = fbox;
    name_len = 5;
  }
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + name_len;
  if (i < text.size() && text[i] == '{') {
    int depth = 0;
    for (size_t k = i; k < text.size(); ++k) {
      if (text[k] == '{') ++depth;
      if (text[k] == '}' && --depth == 0) {
        std::string inner(trim(text.substr(i + 1, k - i - 1)));
        // \boxed{\boxed{5}} is still 5.
        if (inner.rfind("\\boxed", 0) == 0 || inner.rfind("\\fbox", 0) == 0) {
          if (auto nested = last_boxed_content(inner)) return nested;
        }
        return inner;
      }
    }
    return std::nullopt;
  }
  if (i < text.size() && text[i] == ' ') {
    size_t end = text.find_first_of("$\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string answer = clean_answer(text.substr(i, end - i));
    if (!answer.empty()) return answer;
  }
  return std::nullopt;
}

std::optional<MathAnswer> extract_math_answer(std::string_view output) {
  if (auto boxed = last_boxed_content(output)) {
    return MathAnswer{clean_answer(*boxed), MathAnswerRule::kBoxed};
  }
  if (auto line = answer_line(output)) return MathAnswer{*line, MathAnswerRule::kAnswerLine};
  if (auto phrase = answer_is_phrase(output)) {
    return MathAnswer{*phrase, MathAnswerRule::kAnswerIsPhrase};
  }
  std::string_view whole = trim(output);
  if (!whole.empty() && whole.size() <= kMaxWholeOutputAnswer) {
    std::string answer = clean_answer(whole);
    if (!answer.empty()) return MathAnswer{answer, MathAnswerRule::kWholeOutput};
  }
  return std::nullopt;
}

}  // namespace assay
