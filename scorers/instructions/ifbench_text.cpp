#include "scorers/instructions/ifbench_text.h"

#include <algorithm>
#include <array>
#include <set>

#include "scorers/instructions/text_units.h"

namespace assay {

std::string remove_ascii_punctuation(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (kAsciiPunctuation.find(c) == std::string_view::npos) out += c;
  }
  return out;
}

std::string_view strip_punctuation(std::string_view text) {
  static const std::string kChars = std::string(kAsciiPunctuation) + " ";
  return py_strip_chars(text, kChars);
}

bool is_stopword(std::string_view word) {
  static const std::set<std::string, std::less<>> kStopwords = {
      "i",         "me",        "my",         "myself",  "we",      "our",     "ours",
      "ourselves", "you",       "you're",     "you've",  "you'll",  "you'd",   "your",
      "yours",     "yourself",  "yourselves", "he",      "him",     "his",     "himself",
      "she",       "she's",     "her",        "hers",    "herself", "it",      "it's",
      "its",       "itself",    "they",       "them",    "their",   "theirs",  "themselves",
      "what",      "which",     "who",        "whom",    "this",    "that",    "that'll",
      "these",     "those",     "am",         "is",      "are",     "was",     "were",
      "be",        "been",      "being",      "have",    "has",     "had",     "having",
      "do",        "does",      "did",        "doing",   "a",       "an",      "the",
      "and",       "but",       "if",         "or",      "because", "as",      "until",
      "while",     "of",        "at",         "by",      "for",     "with",    "about",
      "against",   "between",   "into",       "through", "during",  "before",  "after",
      "above",     "below",     "to",         "from",    "up",      "down",    "in",
      "out",       "on",        "off",        "over",    "under",   "again",   "further",
      "then",      "once",      "here",       "there",   "when",    "where",   "why",
      "how",       "all",       "any",        "both",    "each",    "few",     "more",
      "most",      "other",     "some",       "such",    "no",      "nor",     "not",
      "only",      "own",       "same",       "so",      "than",    "too",     "very",
      "s",         "t",         "can",        "will",    "just",    "don",     "don't",
      "should",    "should've", "now",        "d",       "ll",      "m",       "o",
      "re",        "ve",        "y",          "ain",     "aren",    "aren't",  "couldn",
      "couldn't",  "didn",      "didn't",     "doesn",   "doesn't", "hadn",    "hadn't",
      "hasn",      "hasn't",    "haven",      "haven't", "isn",     "isn't",   "ma",
      "mightn",    "mightn't",  "mustn",      "mustn't", "needn",   "needn't", "shan",
      "shan't",    "shouldn",   "shouldn't",  "wasn",    "wasn't",  "weren",   "weren't",
      "won",       "won't",     "wouldn",     "wouldn't"};
  return kStopwords.count(word) > 0;
}

int count_syllables(std::string_view word_in) {
  std::string word = py_lower(py_strip(word_in));
  if (word.empty()) return 0;
  auto vowel = [](char c) { return std::string_view("aeiouy").find(c) != std::string_view::npos; };
  int n = vowel(word[0]) ? 1 : 0;
  for (size_t i = 1; i < word.size(); ++i) {
    if (vowel(word[i]) && !vowel(word[i - 1])) ++n;
  }
  if (word.back() == 'e') --n;
  if (word.size() > 2 && word.compare(word.size() - 2, 2, "le") == 0 &&
      !vowel(word[word.size() - 3])) {
    ++n;
  }
  return std::max(n, 1);
}

bool is_emoji(char32_t c) {
  static constexpr std::array<std::pair<char32_t, char32_t>, 24> kRanges = {{
      {0x00A9, 0x00A9},   {0x00AE, 0x00AE},   {0x203C, 0x203C},   {0x2049, 0x2049},
      {0x2122, 0x2122},   {0x2139, 0x2139},   {0x2194, 0x21AA},   {0x231A, 0x23FA},
      {0x24C2, 0x24C2},   {0x25AA, 0x25FE},   {0x2600, 0x27BF},   {0x2934, 0x2935},
      {0x2B05, 0x2B55},   {0x3030, 0x3030},   {0x303D, 0x303D},   {0x3297, 0x3299},
      {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F170, 0x1F251}, {0x1F300, 0x1F64F},
      {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7F0}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
  }};
  return std::any_of(kRanges.begin(), kRanges.end(),
                     [c](const auto& r) { return c >= r.first && c <= r.second; });
}

std::string fold_to_ascii(std::string_view text) {
  // NFKD then ASCII-only for U+00C0..U+017F ('_' = nothing left; U+0132/U+0133 give two).
  static constexpr std::string_view kLatin =
      "AAAAAA_CEEEEIIII_NOOOOO__UUUUY__aaaaaa_ceeeeiiii_nooooo__uuuuy_yAaAaAaCcCcCcCcDd__EeEeEeEe"
      "EeGgGgGgGgHh__IiIiIiIiI_##JjKk_LlLlLlLl__NnNnNnn__OoOoOo__RrRrRrSsSsSsSsTtTt__UuUuUuUuUu"
      "UuWwYyYZzZzZzs";
  static_assert(kLatin.size() == 0x180 - 0xC0);
  std::string out;
  for (char32_t c : decode_utf8(text)) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c == 0x132) {
      out += "IJ";
    } else if (c == 0x133) {
      out += "ij";
    } else if (c >= 0xC0 && c < 0x180 && kLatin[c - 0xC0] != '_') {
      out += kLatin[c - 0xC0];
    }
  }
  return out;
}

bool looks_like_verb(std::string_view token) {
  static const std::set<std::string, std::less<>> kVerbs = {
      "prove",      "accept",    "add",         "allow",     "analyze",    "answer",    "apply",
      "ask",        "assess",    "avoid",       "be",        "become",     "begin",     "believe",
      "bring",      "build",     "buy",         "calculate", "call",       "can",       "capture",
      "celebrate",  "change",    "check",       "choose",    "classify",   "close",     "come",
      "compare",    "compose",   "consider",    "continue",  "craft",      "create",    "cut",
      "decide",     "define",    "delve",       "describe",  "design",     "develop",   "did",
      "discover",   "discuss",   "dive",        "do",        "does",       "draw",      "dream",
      "drink",      "drive",     "eat",         "embark",    "embrace",    "enjoy",     "ensure",
      "enter",      "envision",  "evaluate",    "examine",   "experience", "explain",   "explore",
      "feel",       "find",      "finish",      "follow",    "forget",     "gather",    "get",
      "give",       "go",        "grab",        "grow",      "had",        "has",       "have",
      "hear",       "help",      "hold",        "identify",  "imagine",    "implement", "improve",
      "include",    "introduce", "investigate", "is",        "are",        "was",       "were",
      "join",       "jump",      "keep",        "know",      "learn",      "leave",     "let",
      "list",       "listen",    "live",        "look",      "love",       "make",      "may",
      "meet",       "might",     "move",        "must",      "need",       "note",      "observe",
      "open",       "pay",       "picture",     "place",     "plan",       "play",      "prepare",
      "present",    "provide",   "put",         "read",      "recall",     "recognize", "reflect",
      "remember",   "review",    "run",         "say",       "see",        "seek",      "select",
      "send",       "set",       "share",       "should",    "show",       "sit",       "speak",
      "stand",      "start",     "step",        "stop",      "study",      "summarize", "take",
      "talk",       "tell",      "think",       "transform", "travel",     "try",       "turn",
      "understand", "unlock",    "use",         "visit",     "wait",       "walk",      "want",
      "watch",      "welcome",   "will",        "wonder",    "work",       "would",     "write"};
  std::string w = py_lower(token);
  if (kVerbs.count(w) > 0) return true;
  auto ends = [&w](std::string_view s) {
    return w.size() > s.size() + 2 && w.compare(w.size() - s.size(), s.size(), s) == 0;
  };
  auto stem_is_verb = [&](size_t cut, bool restore_e) {
    std::string stem = w.substr(0, w.size() - cut);
    if (kVerbs.count(stem) > 0) return true;
    if (restore_e && kVerbs.count(stem + "e") > 0) return true;
    // A doubled final consonant ("stepped", "planning").
    return stem.size() > 2 && stem.back() == stem[stem.size() - 2] &&
           kVerbs.count(stem.substr(0, stem.size() - 1)) > 0;
  };
  if (ends("ing")) {
    static const std::set<std::string, std::less<>> kNouns = {
        "thing", "nothing", "something", "anything", "everything", "morning",  "evening", "king",
        "ring",  "spring",  "string",    "wedding",  "ceiling",    "clothing", "pudding"};
    return kNouns.count(w) == 0;  // a sentence-initial -ing word is tagged VBG
  }
  if (ends("ed")) return stem_is_verb(2, true) || stem_is_verb(1, false);
  if (ends("es")) return stem_is_verb(2, false);
  if (ends("s")) return stem_is_verb(1, false);
  return false;
}

}  // namespace assay
