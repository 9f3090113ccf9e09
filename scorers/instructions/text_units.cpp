#include "scorers/instructions/text_units.h"

#include <clocale>
#include <cwctype>
#include <set>

#include "scorers/instructions/python_regex.h"

namespace assay {
namespace {

// Decodes one character at text[i]; an invalid sequence is U+FFFD of length 1.
char32_t decode_one(std::string_view text, size_t i, size_t* length) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  auto c0 = b(0);
  auto cont = [&](size_t k) { return i + k < text.size() && (b(k) & 0xC0) == 0x80; };
  *length = 1;
  if (c0 < 0x80) return c0;
  if (c0 >= 0xC2 && c0 < 0xE0 && cont(1)) {
    *length = 2;
    return static_cast<char32_t>(((c0 & 0x1F) << 6) | (b(1) & 0x3F));
  }
  if (c0 >= 0xE0 && c0 < 0xF0 && cont(1) && cont(2)) {
    char32_t c = ((c0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
      *length = 3;
      return c;
    }
  }
  if (c0 >= 0xF0 && c0 < 0xF5 && cont(1) && cont(2) && cont(3)) {
    char32_t c = ((c0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    if (c >= 0x10000 && c <= 0x10FFFF) {
      *length = 4;
      return c;
    }
  }
  return 0xFFFD;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Unicode case classes from glibc's C.UTF-8 tables, independent of the process locale.
locale_t utf8_locale() {
  static locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  return locale;
}

bool is_upper(char32_t c) {
  locale_t l = utf8_locale();
  return l != nullptr ? iswupper_l(static_cast<wint_t>(c), l) != 0 : (c >= 'A' && c <= 'Z');
}

bool is_lower(char32_t c) {
  locale_t l = utf8_locale();
  return l != nullptr ? iswlower_l(static_cast<wint_t>(c), l) != 0 : (c >= 'a' && c <= 'z');
}

char32_t to_lower(char32_t c) {
  locale_t l = utf8_locale();
  if (l == nullptr) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), l));
}

}  // namespace

char32_t first_char(std::string_view text) {
  if (text.empty()) return 0;
  size_t n = 0;
  return decode_one(text, 0, &n);
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t n = 0;
    char32_t c = decode_one(text, i, &n);
    if (c == 0xFFFD && n == 1) {
      append_utf8(out, c);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = 0;
    out += decode_one(text, i, &n);
    i += n;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

std::string_view py_strip(std::string_view text) {
  size_t b = 0;
  while (b < text.size()) {
    size_t n = 0;
    if (!is_python_space(decode_one(text, b, &n))) break;
    b += n;
  }
  size_t e = text.size();
  while (e > b) {
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    size_t n = 0;
    if (!is_python_space(decode_one(text, start, &n))) break;
    e = start;
  }
  return text.substr(b, e - b);
}

std::string_view py_strip_chars(std::string_view text, std::string_view chars) {
  size_t b = text.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  size_t e = text.find_last_not_of(chars);
  return text.substr(b, e - b + 1);
}

std::vector<std::string_view> py_split_whitespace(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  size_t start = std::string_view::npos;
  while (i < text.size()) {
    size_t n = 0;
    bool space = is_python_space(decode_one(text, i, &n));
    if (space && start != std::string_view::npos) {
      out.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
    } else if (!space && start == std::string_view::npos) {
      start = i;
    }
    i += n;
  }
  if (start != std::string_view::npos) out.push_back(text.substr(start));
  return out;
}

std::vector<std::string_view> py_split(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> out;
  size_t from = 0;
  for (size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, from)) {
    out.push_back(text.substr(from, at - from));
    from = at + sep.size();
  }
  out.push_back(text.substr(from));
  return out;
}

std::string py_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      ++i;
      continue;
    }
    size_t n = 0;
    append_utf8(out, to_lower(decode_one(text, i, &n)));
    i += n;
  }
  return out;
}

namespace {

// Python's isupper (want_upper) or islower over every character.
bool cased_all(std::string_view text, bool want_upper) {
  bool cased = false;
  for (size_t i = 0; i < text.size();) {
    size_t n = 0;
    char32_t c = decode_one(text, i, &n);
    i += n;
    if (is_upper(c)) {
      if (!want_upper) return false;
      cased = true;
    } else if (is_lower(c)) {
      if (want_upper) return false;
      cased = true;
    }
  }
  return cased;
}

}  // namespace

bool py_isupper(std::string_view text) {
  return cased_all(text, true);
}

bool has_letter(std::string_view text) {
  locale_t l = utf8_locale();
  for (size_t i = 0; i < text.size();) {
    size_t n = 0;
    char32_t c = decode_one(text, i, &n);
    i += n;
    if (l != nullptr ? iswalpha_l(static_cast<wint_t>(c), l) != 0
                     : ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      return true;
    }
  }
  return false;
}
bool py_islower(std::string_view text) {
  return cased_all(text, false);
}

size_t count_words(std::string_view text) {
  static const PythonRegex kWord = PythonRegex::fixed(R"(\w+)");
  return kWord.count(text);
}

namespace {

// English abbreviations whose period does not end a sentence (a subset of Punkt's trained
// English list: titles, months, common Latin and place abbreviations).
const std::set<std::string, std::less<>>& abbreviations() {
  static const std::set<std::string, std::less<>> kAbbreviations = {
      "mr",   "mrs", "ms",  "dr",  "prof", "jr",  "sr",   "st",   "vs",    "e.g",  "i.e",
      "u.s",  "u.k", "u.n", "a.m", "p.m",  "inc", "co",   "corp", "ltd",   "jan",  "feb",
      "mar",  "apr", "jun", "jul", "aug",  "sep", "sept", "oct",  "nov",   "dec",  "mt",
      "ft",   "gen", "gov", "sen", "rep",  "rev", "col",  "lt",   "sgt",   "capt", "maj",
      "ph.d", "d.c", "n.y", "l.a", "bros", "vol", "fig",  "no",   "calif", "mass", "wash"};
  return kAbbreviations;
}

// Words Punkt's orthographic statistics have seen in lower case inside sentences: after an
// abbreviation, an initial or an ellipsis, one of these capitalised starts a new sentence.
const std::set<std::string, std::less<>>& common_starters() {
  static const std::set<std::string, std::less<>> kStarters = {
      "the",      "a",           "an",           "this",  "that",  "these", "those",   "it",
      "its",      "he",          "she",          "they",  "we",    "you",   "his",     "her",
      "their",    "our",         "my",           "your",  "there", "here",  "in",      "on",
      "at",       "for",         "but",          "and",   "or",    "so",    "if",      "when",
      "while",    "after",       "before",       "as",    "to",    "of",    "with",    "by",
      "from",     "what",        "which",        "who",   "how",   "why",   "is",      "are",
      "was",      "were",        "it's",         "has",   "have",  "had",   "do",      "does",
      "not",      "no",          "all",          "some",  "many",  "most",  "each",    "every",
      "one",      "also",        "however",      "then",  "now",   "first", "finally", "overall",
      "moreover", "furthermore", "additionally", "today", "since", "let's", "let",     "please",
      "thank",    "thanks"};
  return kStarters;
}

constexpr std::string_view kClosing = "\"')]}*";
constexpr std::string_view kOpening = "\"'([{*";

// Whether a sentence ends after the whitespace-separated `piece`, followed by `next`.
bool ends_sentence(std::string_view piece, std::string_view next) {
  std::string_view core = piece;
  while (!core.empty() && kClosing.find(core.back()) != std::string_view::npos) {
    core.remove_suffix(1);
  }
  if (core.empty()) return false;
  char last = core.back();
  if (last == '?' || last == '!') return true;
  if (last != '.') return false;
  std::string_view next_word = py_strip_chars(next, kOpening);
  char32_t next_first = first_char(next_word);
  const bool next_upper = is_upper(next_first);
  const bool next_lower = is_lower(next_first);
  const bool next_starts_sentence =
      next_upper && common_starters().count(py_lower(py_strip_chars(next_word, ".,;:!?"))) > 0;
  if (core.size() >= 2 && core[core.size() - 2] == '.') return next_upper;  // an ellipsis
  std::string_view stem = core.substr(0, core.size() - 1);
  while (!stem.empty() && kOpening.find(stem.front()) != std::string_view::npos) {
    stem.remove_prefix(1);
  }
  std::string word = py_lower(stem);
  if (word.empty()) return true;
  std::u32string letters = decode_utf8(word);
  if (letters.size() == 1 && !(word[0] >= '0' && word[0] <= '9')) return next_starts_sentence;
  if (word.find_first_not_of("0123456789") == std::string::npos) return !next_lower;
  if (abbreviations().count(word) > 0) return next_starts_sentence;
  return true;
}

}  // namespace

std::vector<std::string_view> split_sentences(std::string_view text) {
  std::vector<std::string_view> pieces = py_split_whitespace(text);
  std::vector<std::string_view> out;
  size_t start = std::string_view::npos;
  for (size_t i = 0; i < pieces.size(); ++i) {
    size_t begin = static_cast<size_t>(pieces[i].data() - text.data());
    if (start == std::string_view::npos) start = begin;
    bool last = i + 1 == pieces.size();
    if (last || ends_sentence(pieces[i], pieces[i + 1])) {
      out.push_back(text.substr(start, begin + pieces[i].size() - start));
      start = std::string_view::npos;
    }
  }
  return out;
}

size_t count_sentences(std::string_view text) {
  return split_sentences(text).size();
}

std::vector<std::string> word_tokenize(std::string_view text) {
  static constexpr std::string_view kLeading = "\"'([{<`";
  static constexpr std::string_view kTrailing = "\"'.,;:!?)]}>";
  static constexpr std::string_view kContractions[] = {"n't", "'s", "'re", "'ve",
                                                       "'ll", "'d", "'m"};
  std::vector<std::string> out;
  for (std::string_view piece : py_split_whitespace(text)) {
    // Treebank writes an opening double quote as `` and a closing one as ''.
    while (!piece.empty() && kLeading.find(piece.front()) != std::string_view::npos) {
      out.emplace_back(piece.front() == '"' ? "``" : std::string(1, piece.front()));
      piece.remove_prefix(1);
    }
    std::vector<std::string> tail;
    while (!piece.empty() && kTrailing.find(piece.back()) != std::string_view::npos) {
      tail.emplace_back(piece.back() == '"' ? "''" : std::string(1, piece.back()));
      piece.remove_suffix(1);
    }
    if (!piece.empty()) {
      std::string lower = py_lower(piece);
      std::string_view contraction;
      for (std::string_view c : kContractions) {
        if (lower.size() > c.size() && lower.compare(lower.size() - c.size(), c.size(), c) == 0) {
          contraction = c;
          break;
        }
      }
      if (contraction.empty()) {
        out.emplace_back(piece);
      } else {
        out.emplace_back(piece.substr(0, piece.size() - contraction.size()));
        out.emplace_back(piece.substr(piece.size() - contraction.size()));
      }
    }
    out.insert(out.end(), tail.rbegin(), tail.rend());
  }
  return out;
}

}  // namespace assay
