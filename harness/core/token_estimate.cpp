#include "harness/core/token_estimate.h"

#include <algorithm>
#include <variant>

#include "harness/core/sample_coverage.h"

namespace assay {
namespace {

enum class CharClass { kLetter, kDigit, kNewline, kSpace, kOther };

// The class of the code point starting at s[i] and its length in bytes. Every non-ASCII code
// point counts as a letter: the scripts that matter for length (Latin with accents, Cyrillic,
// CJK) are letters, and non-ASCII punctuation is rare in prompts.
CharClass class_at(std::string_view s, size_t i, size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  len = 1;
  if (c >= 0x80) {
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (i + len > s.size()) len = s.size() - i;
    return CharClass::kLetter;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::kLetter;
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  if (c == '\n' || c == '\r') return CharClass::kNewline;
  if (c == ' ' || c == '\t' || c == '\f' || c == '\v') return CharClass::kSpace;
  return CharClass::kOther;
}

// Tokens of one word (a run of letters): common words up to eight ASCII letters are one
// token in a 100k-entry vocabulary; longer ones split into pieces of about four letters; every
// non-ASCII code point is about one token.
int64_t word_tokens(int64_t ascii_letters, int64_t other_letters) {
  int64_t t = other_letters;
  if (ascii_letters > 0) t += ascii_letters <= 8 ? 1 : 1 + (ascii_letters - 8 + 3) / 4;
  return t;
}

// Tokens of a run of punctuation: a mark repeated four times or more (dot leaders, rules of
// dashes or underscores) merges into long tokens, about one per sixteen marks; other marks pair
// up ("),", ".\n", "**"), about one token per two.
int64_t punctuation_tokens(std::string_view run) {
  int64_t tokens = 0;
  int64_t loose = 0;
  size_t i = 0;
  while (i < run.size()) {
    size_t j = i + 1;
    while (j < run.size() && run[j] == run[i]) ++j;
    const auto repeat = static_cast<int64_t>(j - i);
    if (repeat >= 4) {
      tokens += (repeat + 15) / 16;
    } else {
      loose += repeat;
    }
    i = j;
  }
  return tokens + (loose + 1) / 2;
}

}  // namespace

int64_t estimate_tokens(std::string_view text) {
  int64_t tokens = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    size_t len = 0;
    CharClass k = class_at(text, i, len);
    size_t j = i + len;
    if (k == CharClass::kLetter) {
      int64_t ascii = len == 1 ? 1 : 0;
      int64_t other = len == 1 ? 0 : 1;
      while (j < n) {
        size_t l2 = 0;
        if (class_at(text, j, l2) != CharClass::kLetter) break;
        (l2 == 1 ? ascii : other) += 1;
        j += l2;
      }
      tokens += word_tokens(ascii, other);
    } else if (k == CharClass::kDigit) {
      int64_t digits = 1;
      while (j < n && text[j] >= '0' && text[j] <= '9') {
        ++digits;
        ++j;
      }
      tokens += (digits + 2) / 3;  // cl100k splits numbers into groups of at most three digits
    } else if (k == CharClass::kNewline) {
      int64_t newlines = 1;
      while (j < n) {
        size_t l2 = 0;
        CharClass c2 = class_at(text, j, l2);
        if (c2 == CharClass::kNewline) {
          ++newlines;
        } else if (c2 != CharClass::kSpace) {
          break;
        }
        j += l2;
      }
      tokens += (newlines + 1) / 2;
    } else if (k == CharClass::kSpace) {
      while (j < n) {
        size_t l2 = 0;
        if (class_at(text, j, l2) != CharClass::kSpace) break;
        j += l2;
      }
      // A single space joins the word after it; a longer run is a token of its own.
      size_t l2 = 0;
      bool before_word = j < n && class_at(text, j, l2) != CharClass::kNewline;
      if (j - i > 1 || !before_word) tokens += 1;
    } else {
      // A run of punctuation; a lone mark before a word joins it.
      int64_t marks = 1;
      while (j < n) {
        size_t l2 = 0;
        if (class_at(text, j, l2) != CharClass::kOther) break;
        ++marks;
        j += l2;
      }
      size_t l2 = 0;
      bool joins_word = marks == 1 && j < n && class_at(text, j, l2) == CharClass::kLetter &&
                        text[i] != '\'' && text[i] != '"';
      if (!joins_word) tokens += punctuation_tokens(text.substr(i, j - i));
    }
    i = j;
  }
  return tokens;
}

int64_t estimate_message_tokens(const std::vector<Message>& messages) {
  // OpenAI's chat format frames each message with about four tokens and primes the reply with
  // three.
  int64_t tokens = 3;
  for (const Message& m : messages) {
    tokens += 4;
    for (const Part& p : m.parts) {
      if (const auto* t = std::get_if<TextPart>(&p)) tokens += estimate_tokens(t->text);
      if (const auto* r = std::get_if<ToolResult>(&p)) tokens += estimate_tokens(r->content);
      if (const auto* c = std::get_if<ToolCall>(&p)) {
        tokens += estimate_tokens(c->name) + estimate_tokens(c->arguments);
      }
      if (const auto* r = std::get_if<ReasoningPart>(&p)) tokens += estimate_tokens(r->text);
    }
  }
  return tokens;
}

Status check_context_window(const std::vector<Message>& messages, int64_t max_tokens,
                            const ContextWindow& window) {
  if (window.tokens <= 0) return Status::ok();
  const int64_t prompt = estimate_message_tokens(messages);
  // Refused only when even the smallest size the estimate allows cannot fit: a prompt near the
  // window is sent, and the server's own context error (kContextExceeded too) decides it.
  const auto at_least =
      static_cast<int64_t>(static_cast<double>(prompt) * (1 - kTokenEstimateMargin));
  const int64_t answer = std::max<int64_t>(0, max_tokens);
  if (at_least + answer <= window.tokens) return Status::ok();
  std::string text = "the prompt is about " + format_count(prompt) +
                     " tokens (estimated without the model's tokenizer; at least " +
                     format_count(at_least) + " allowing for the estimate's error)";
  if (answer > 0) {
    text += " + max_tokens " + format_count(answer) + " = " + format_count(at_least + answer);
  }
  text += ", over the context window of " + format_count(window.tokens) + " tokens (from " +
          window.source + "): not sent";
  return make_error(ErrorKind::kContextExceeded, text);
}

}  // namespace assay
