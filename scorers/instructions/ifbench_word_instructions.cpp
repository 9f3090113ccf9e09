// IFBench's word and sentence instructions (count:*, ratio:*, sentence:*, words:*), rule for
// rule as allenai/IFBench's ifbench/instructions.py checks them. Python's str methods map to
// text_units.h; string.punctuation and the other libraries to ifbench_text.h.

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "scorers/instructions/ifbench_families.h"
#include "scorers/instructions/ifbench_text.h"
#include "scorers/instructions/python_regex.h"
#include "scorers/instructions/text_units.h"

namespace assay {
namespace {

using Check = std::function<bool(std::string_view)>;

// A factory reading one integer kwarg `key` into `make(n)`.
InstructionFactory with_integer(std::string key, std::function<Check(int64_t)> make) {
  return [key = std::move(key),
          make = std::move(make)](const InstructionArgs& args) -> Result<InstructionChecker> {
    Result<int64_t> n = args.integer(key);
    if (!n) return n.error();
    return InstructionChecker(make(*n));
  };
}

bool unique_words(std::string_view r, int64_t n) {
  std::set<std::string> unique;
  const std::string lower = py_lower(r);
  for (std::string_view w : py_split_whitespace(lower)) {
    unique.emplace(strip_punctuation(w));
  }
  return static_cast<int64_t>(unique.size()) >= n;
}

bool stop_words(std::string_view r, int64_t percentage) {
  static const PythonRegex kWord = PythonRegex::fixed(R"(\w+)");
  std::vector<std::string_view> words = kWord.find_all(r);
  if (words.empty()) return false;
  size_t stop = 0;
  for (std::string_view w : words) stop += is_stopword(py_lower(w)) ? 1 : 0;
  return 100.0 * static_cast<double>(stop) / static_cast<double>(words.size()) <=
         static_cast<double>(percentage);
}

// Sentences ending with '.', '?' and '!'.
std::array<size_t, 3> sentence_types(std::string_view r) {
  std::array<size_t, 3> n{0, 0, 0};
  for (std::string_view s : split_sentences(r)) {
    if (s.empty()) continue;
    char last = s.back();
    if (last == '.') ++n[0];
    if (last == '?') ++n[1];
    if (last == '!') ++n[2];
  }
  return n;
}

bool conjunctions(std::string_view r, int64_t n) {
  static const std::set<std::string, std::less<>> kConjunctions = {"and", "but", "for", "nor",
                                                                   "or",  "so",  "yet"};
  std::set<std::string_view> found;  // the raw words, as the reference counts them
  for (std::string_view w : py_split_whitespace(r)) {
    if (kConjunctions.count(py_lower(strip_punctuation(w))) > 0) found.insert(w);
  }
  return static_cast<int64_t>(found.size()) >= n;
}

bool person_names(std::string_view r, int64_t n) {
  static const std::vector<PythonRegex> kNames = [] {
    std::vector<PythonRegex> out;
    for (const char* name :
         {"Emma",     "Liam",     "Sophia",   "Jackson", "Olivia",      "Noah",      "Ava",
          "Lucas",    "Isabella", "Mason",    "Mia",     "Ethan",       "Charlotte", "Alexander",
          "Amelia",   "Benjamin", "Harper",   "Leo",     "Zoe",         "Daniel",    "Chloe",
          "Samuel",   "Lily",     "Matthew",  "Grace",   "Owen",        "Abigail",   "Gabriel",
          "Ella",     "Jacob",    "Scarlett", "Nathan",  "Victoria",    "Elijah",    "Layla",
          "Nicholas", "Audrey",   "David",    "Hannah",  "Christopher", "Penelope",  "Thomas",
          "Nora",     "Andrew",   "Aria",     "Joseph",  "Claire",      "Ryan",      "Stella",
          "Jonathan"}) {
      out.push_back(PythonRegex::fixed(std::string("\\b") + name + "\\b"));
    }
    return out;
  }();
  auto found = std::count_if(kNames.begin(), kNames.end(),
                             [r](const PythonRegex& p) { return p.search(r); });
  return found >= n;
}

Result<InstructionChecker> overlap(const InstructionArgs& args) {
  Result<std::string> reference = args.string("reference_text");
  if (!reference) return reference.error();
  Result<int64_t> percentage = args.integer("percentage");
  if (!percentage) return percentage.error();
  auto trigrams = [](std::string_view text) {
    std::u32string u = decode_utf8(text);
    std::set<std::u32string> out;
    for (size_t i = 0; i + 3 <= u.size(); ++i) out.insert(u.substr(i, 3));
    return out;
  };
  return InstructionChecker(
      [ref = trigrams(*reference), pct = *percentage, trigrams](std::string_view r) {
        std::set<std::u32string> grams = trigrams(r);
        if (grams.empty()) return false;
        size_t shared = std::count_if(grams.begin(), grams.end(),
                                      [&ref](const std::u32string& g) { return ref.count(g) > 0; });
        double percent = 100.0 * static_cast<double>(shared) / static_cast<double>(grams.size());
        return static_cast<double>(pct) - 2 <= percent && percent <= static_cast<double>(pct) + 2;
      });
}

bool numbers(std::string_view r, int64_t n) {
  static const PythonRegex kDigits = PythonRegex::fixed(R"(\d+)");
  return static_cast<int64_t>(kDigits.count(remove_ascii_punctuation(r))) == n;
}

bool alphabet_loop(std::string_view r) {
  std::string text = remove_ascii_punctuation(r);
  std::vector<std::string_view> words = py_split_whitespace(strip_punctuation(text));
  if (words.empty()) return false;
  char32_t letter = first_char(py_lower(words[0]));
  if (letter < 'a' || letter > 'z') return false;
  for (size_t i = 1; i < words.size(); ++i) {
    std::string w = py_lower(strip_punctuation(words[i]));
    if (w.empty()) continue;
    letter = letter == 'z' ? 'a' : letter + 1;
    if (first_char(w) != letter) return false;
  }
  return true;
}

bool single_vowel_paragraph(std::string_view r) {
  std::vector<std::string_view> lines = py_split(py_strip(r), "\n");
  if (lines.size() != 1) return false;
  std::set<char> vowels;
  for (char c : py_lower(lines[0])) {
    if (std::string_view("aeiou").find(c) != std::string_view::npos) vowels.insert(c);
  }
  return vowels.size() <= 3;
}

bool consonant_clusters(std::string_view r) {
  auto consonant = [](char32_t c) {
    return c < 0x80 && std::string_view("bcdfghjklmnpqrstvwxyz").find(static_cast<char>(c)) !=
                           std::string_view::npos;
  };
  const std::string lower = py_lower(r);
  for (std::string_view w : py_split_whitespace(py_strip(lower))) {
    std::u32string u = decode_utf8(w);
    bool cluster = false;
    for (size_t i = 0; i + 1 < u.size() && !cluster; ++i) {
      cluster = consonant(u[i]) && consonant(u[i + 1]);
    }
    if (!cluster) return false;
  }
  return true;
}

bool alliteration_increment(std::string_view r) {
  static const std::string kLeading = std::string(kAsciiPunctuation) + " ";
  int previous = -1;
  for (std::string_view sentence : split_sentences(r)) {
    std::vector<char32_t> firsts;
    const std::string lower = py_lower(sentence);
    for (std::string_view w : py_split_whitespace(lower)) {
      size_t b = w.find_first_not_of(kLeading);
      if (b != std::string_view::npos) firsts.push_back(first_char(w.substr(b)));
    }
    int score = 0;
    bool run = false;
    for (size_t i = 0; i + 1 < firsts.size(); ++i) {
      if (firsts[i] == firsts[i + 1]) {
        score += run ? 1 : 2;
        run = true;
      } else {
        run = false;
      }
    }
    if (score <= previous) return false;
    previous = score;
  }
  return true;
}

bool palindromes(std::string_view r) {
  int n = 0;
  const std::string text = py_lower(remove_ascii_punctuation(r));
  for (std::string_view w : py_split_whitespace(text)) {
    std::u32string u = decode_utf8(w);
    if (u.size() >= 5 && std::equal(u.begin(), u.end(), u.rbegin())) ++n;
  }
  return n >= 10;
}

bool punctuation_cover(std::string_view r) {
  static constexpr std::string_view kInterrobang = "\u203D";
  if (r.find("!?") == std::string_view::npos && r.find("?!") == std::string_view::npos &&
      r.find(kInterrobang) == std::string_view::npos) {
    return false;
  }
  // One "?!" (else one "!?") is taken out before the six marks are looked for.
  std::string rest(r);
  size_t at = rest.find("?!");
  if (at == std::string::npos) at = rest.find("!?");
  if (at != std::string::npos) rest.erase(at, 2);
  static constexpr std::string_view kMarks = ".,!?;:";
  return std::all_of(kMarks.begin(), kMarks.end(),
                     [&rest](char c) { return rest.find(c) != std::string::npos; });
}

bool prime_lengths(std::string_view r) {
  static const std::set<size_t> kPrimes = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                                           43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
  const std::string text = remove_ascii_punctuation(r);
  for (std::string_view w : py_split_whitespace(text)) {
    if (kPrimes.count(decode_utf8(w).size()) == 0) return false;
  }
  return true;
}

bool starts_with_verb(std::string_view r) {
  std::vector<std::string> tokens = word_tokenize(r);
  return !tokens.empty() && looks_like_verb(tokens[0]);
}

bool limited_repeats(std::string_view r, int64_t n) {
  std::map<std::string_view, int64_t> counts;
  std::string text = remove_ascii_punctuation(py_lower(r));
  for (std::string_view w : py_split_whitespace(text)) {
    if (++counts[w] > n) return false;
  }
  return true;
}

Result<InstructionChecker> sentence_keyword(const InstructionArgs& args) {
  Result<std::string> word = args.string("word");
  if (!word) return word.error();
  Result<int64_t> n = args.integer("N");
  if (!n) return n.error();
  if (*n < 1) return args.invalid("N", "must be at least 1");
  Result<PythonRegex> re =
      PythonRegex::compile("\\b" + regex_escape(*word) + "\\b", PythonRegex::kIgnoreCase);
  if (!re) return args.invalid("word", re.error().message);
  return InstructionChecker([re = *re, n = static_cast<size_t>(*n)](std::string_view r) {
    std::vector<std::string_view> sentences = split_sentences(r);
    return sentences.size() >= n && re.search(sentences[n - 1]);
  });
}

bool pronouns(std::string_view r, int64_t n) {
  static const std::set<std::string, std::less<>> kPronouns = {
      "i",          "me",        "we",         "us",        "you",      "he",         "him",
      "she",        "her",       "it",         "they",      "them",     "my",         "mine",
      "our",        "ours",      "your",       "yours",     "his",      "hers",       "its",
      "their",      "theirs",    "myself",     "ourselves", "yourself", "yourselves", "himself",
      "herself",    "itself",    "themselves", "this",      "that",     "these",      "those",
      "who",        "whom",      "whose",      "which",     "what",     "whoever",    "whomever",
      "whatever",   "whichever", "anybody",    "anyone",    "anything", "everybody",  "everyone",
      "everything", "nobody",    "nothing",    "somebody",  "someone",  "something",  "each",
      "either",     "neither",   "both",       "all",       "some",     "any",        "none"};
  std::string text(r);
  std::replace(text.begin(), text.end(), '/', ' ');
  int64_t count = 0;
  for (const std::string& t : word_tokenize(py_lower(text))) count += kPronouns.count(t);
  return count >= n;
}

bool alternating_syllables(std::string_view r) {
  std::vector<int> parity;
  const std::string text = py_lower(remove_ascii_punctuation(r));
  for (std::string_view w : py_split_whitespace(text)) {
    parity.push_back(count_syllables(w) % 2);
  }
  for (size_t i = 0; i + 1 < parity.size(); ++i) {
    if (parity[i] == parity[i + 1]) return false;
  }
  return true;
}

bool last_word_first_next(std::string_view r) {
  static const std::string kChars = std::string(kAsciiPunctuation) + " ";
  std::vector<std::string_view> sentences = split_sentences(r);
  for (size_t i = 0; i + 1 < sentences.size(); ++i) {
    std::string_view a = sentences[i];
    size_t e = a.find_last_not_of(kChars);
    a = e == std::string_view::npos ? std::string_view() : a.substr(0, e + 1);
    std::string_view b = sentences[i + 1];
    size_t s = b.find_first_not_of(kChars);
    b = s == std::string_view::npos ? std::string_view() : b.substr(s);
    std::vector<std::string_view> last = py_split_whitespace(a);
    std::vector<std::string_view> first = py_split_whitespace(b);
    if (last.empty() || first.empty()) return false;
    if (py_lower(last.back()) != py_lower(first.front())) return false;
  }
  return true;
}

bool paragraph_last_first(std::string_view r) {
  for (std::string_view line : py_split(r, "\n")) {
    std::string p = py_lower(py_strip(line));
    if (p.empty()) continue;
    std::vector<std::string_view> words = py_split_whitespace(strip_punctuation(p));
    if (words.empty()) continue;
    if (words.front() != words.back()) return false;
  }
  return true;
}

bool incrementing_words(std::string_view r, int64_t n) {
  std::vector<std::string_view> sentences = split_sentences(r);
  auto words = [](std::string_view s) {
    const std::string text = remove_ascii_punctuation(s);
    return static_cast<int64_t>(py_split_whitespace(text).size());
  };
  if (sentences.empty()) return false;  // the reference raises IndexError (see the docs)
  int64_t previous = words(sentences[0]);
  for (size_t i = 1; i < sentences.size(); ++i) {
    int64_t count = words(sentences[i]);
    if (count != previous + n) return false;
    previous = count;
  }
  return true;
}

bool no_consecutive_first_letter(std::string_view r) {
  const std::string text = remove_ascii_punctuation(py_lower(r));
  std::vector<std::string_view> words = py_split_whitespace(text);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (first_char(words[i]) == first_char(words[i + 1])) return false;
  }
  return true;
}

Result<InstructionChecker> keywords_multiple(const InstructionArgs& args) {
  std::vector<std::string> keywords;
  for (const char* key : {"keyword1", "keyword2", "keyword3", "keyword4", "keyword5"}) {
    Result<std::string> k = args.string(key);
    if (!k) return k.error();
    keywords.push_back(py_lower(py_strip(*k)));
  }
  return InstructionChecker([keywords](std::string_view r) {
    static constexpr std::array<size_t, 5> kCounts = {1, 2, 3, 5, 7};
    std::string text = py_lower(r);
    for (size_t k = 0; k < keywords.size(); ++k) {
      // str.count: non-overlapping occurrences (an empty keyword counts len + 1 positions).
      size_t n = 0;
      if (keywords[k].empty()) {
        n = decode_utf8(text).size() + 1;
      } else {
        for (size_t at = text.find(keywords[k]); at != std::string::npos;
             at = text.find(keywords[k], at + keywords[k].size())) {
          ++n;
        }
      }
      if (n != kCounts[k]) return false;
    }
    return true;
  });
}

// word_tokenize tokens holding at least one letter or digit.
std::vector<std::string> alnum_tokens(std::string_view text) {
  std::vector<std::string> out;
  for (std::string& t : word_tokenize(text)) {
    if (count_words(t) > 0) out.push_back(std::move(t));
  }
  return out;
}

Result<InstructionChecker> keyword_specific_position(const InstructionArgs& args) {
  Result<std::string> keyword = args.string("keyword");
  if (!keyword) return keyword.error();
  Result<int64_t> n = args.integer("n");
  if (!n) return n.error();
  Result<int64_t> m = args.integer("m");
  if (!m) return m.error();
  if (*n < 1 || *m < 1) return args.invalid(*n < 1 ? "n" : "m", "must be at least 1");
  return InstructionChecker([kw = py_lower(py_strip(*keyword)), n = static_cast<size_t>(*n),
                             m = static_cast<size_t>(*m)](std::string_view r) {
    std::vector<std::string_view> sentences = split_sentences(r);
    if (sentences.size() < n) return false;
    std::vector<std::string> words = alnum_tokens(sentences[n - 1]);
    return words.size() >= m && py_lower(words[m - 1]) == kw;
  });
}

Result<InstructionChecker> words_position(const InstructionArgs& args) {
  Result<std::string> keyword = args.string("keyword");
  if (!keyword) return keyword.error();
  return InstructionChecker([kw = py_lower(py_strip(*keyword))](std::string_view r) {
    std::vector<std::string> words = word_tokenize(r);
    if (words.size() < 2) return false;
    // `words[-1] in string.punctuation` is a substring test in the reference.
    if (kAsciiPunctuation.find(words.back()) != std::string_view::npos) {
      return words.size() >= 3 && py_lower(words[1]) == kw &&
             py_lower(words[words.size() - 3]) == kw;
    }
    return py_lower(words[1]) == kw && py_lower(words[words.size() - 2]) == kw;
  });
}

bool japanese_every_nth(std::string_view r, int64_t n) {
  static const PythonRegex kJapanese =
      PythonRegex::fixed("[\\x{3040}-\\x{30ff}\\x{4e00}-\\x{9fff}]");
  if (n < 1) return false;
  std::vector<std::string_view> words = py_split_whitespace(r);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = strip_punctuation(words[i]);
    if (static_cast<int64_t>(i + 1) % n != 0 || w.empty()) continue;
    bool digits = std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits && !kJapanese.search(w)) return false;
  }
  return true;
}

bool equal_sentence_lengths(std::string_view r) {
  std::vector<std::string_view> sentences = split_sentences(r);
  if (sentences.size() != 3) return false;
  size_t length = decode_utf8(py_strip(sentences[0])).size();
  return std::all_of(sentences.begin(), sentences.end(), [length](std::string_view s) {
    return decode_utf8(py_strip(s)).size() == length;
  });
}

}  // namespace

void add_ifbench_word_instructions(InstructionRegistry& r) {
  r.add("count:word_count_range", [](const InstructionArgs& a) -> Result<InstructionChecker> {
    Result<int64_t> lo = a.integer("min_words");
    if (!lo) return lo.error();
    Result<int64_t> hi = a.integer("max_words");
    if (!hi) return hi.error();
    return InstructionChecker([lo = *lo, hi = *hi](std::string_view t) {
      auto n = static_cast<int64_t>(count_words(t));
      return lo <= n && n <= hi;
    });
  });
  r.add("count:unique_word_count", with_integer("N", [](int64_t n) -> Check {
          return [n](std::string_view t) { return unique_words(t, n); };
        }));
  r.add("ratio:stop_words", with_integer("percentage", [](int64_t p) -> Check {
          return [p](std::string_view t) { return stop_words(t, p); };
        }));
  r.add("ratio:sentence_type", without_arguments([](std::string_view t) {
          std::array<size_t, 3> n = sentence_types(t);
          return n[0] == 2 * n[1];
        }));
  r.add("ratio:sentence_balance", without_arguments([](std::string_view t) {
          std::array<size_t, 3> n = sentence_types(t);
          return n[0] == n[1] && n[1] == n[2];
        }));
  r.add("count:conjunctions", with_integer("small_n", [](int64_t n) -> Check {
          return [n](std::string_view t) { return conjunctions(t, n); };
        }));
  r.add("count:person_names", with_integer("N", [](int64_t n) -> Check {
          return [n](std::string_view t) { return person_names(t, n); };
        }));
  r.add("ratio:overlap", overlap);
  r.add("count:numbers", with_integer("N", [](int64_t n) -> Check {
          return [n](std::string_view t) { return numbers(t, n); };
        }));
  r.add("words:alphabet", without_arguments(alphabet_loop));
  r.add("words:vowel", without_arguments(single_vowel_paragraph));
  r.add("words:consonants", without_arguments(consonant_clusters));
  r.add("sentence:alliteration_increment", without_arguments(alliteration_increment));
  r.add("words:palindrome", without_arguments(palindromes));
  r.add("count:punctuation", without_arguments(punctuation_cover));
  r.add("words:prime_lengths", without_arguments(prime_lengths));
  r.add("words:start_verb", without_arguments(starts_with_verb));
  r.add("words:repeats", with_integer("small_n", [](int64_t n) -> Check {
          return [n](std::string_view t) { return limited_repeats(t, n); };
        }));
  r.add("sentence:keyword", sentence_keyword);
  r.add("count:pronouns", with_integer("N", [](int64_t n) -> Check {
          return [n](std::string_view t) { return pronouns(t, n); };
        }));
  r.add("words:odd_even_syllables", without_arguments(alternating_syllables));
  r.add("words:last_first", without_arguments(last_word_first_next));
  r.add("words:paragraph_last_first", without_arguments(paragraph_last_first));
  r.add("sentence:increment", with_integer("small_n", [](int64_t n) -> Check {
          return [n](std::string_view t) { return incrementing_words(t, n); };
        }));
  r.add("words:no_consecutive", without_arguments(no_consecutive_first_letter));
  r.add("count:keywords_multiple", keywords_multiple);
  r.add("words:keywords_specific_position", keyword_specific_position);
  r.add("words:words_position", words_position);
  r.add("count:words_japanese", with_integer("N", [](int64_t n) -> Check {
          return [n](std::string_view t) { return japanese_every_nth(t, n); };
        }));
  r.add("ratio:sentence_words", without_arguments(equal_sentence_lengths));
}

const InstructionRegistry& ifbench_instructions() {
  static const InstructionRegistry kRegistry = [] {
    // IFBench's registry holds IFEval's 25 besides its own 58.
    InstructionRegistry r = ifeval_instructions();
    add_ifbench_word_instructions(r);
    add_ifbench_format_instructions(r);
    return r;
  }();
  return kRegistry;
}

}  // namespace assay
