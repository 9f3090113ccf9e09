#include "scorers/mmlu_pro_tiger_scorer.h"

#include <array>
#include <cctype>
#include <clocale>
#include <cwctype>

#include <locale.h>
#include <wctype.h>

#include "harness/core/strings.h"

namespace assay {
namespace {

bool in_a_to_j(char c) {
  return c >= 'A' && c <= 'J';
}

// Python's \s on str, for the ASCII range (the scripts' outputs separate with ASCII space).
bool is_py_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == '\x1c' || c == '\x1d' || c == '\x1e' ||
         c == '\x1f';
}

// The code point whose UTF-8 encoding ends just before `end` (walking back over continuation
// bytes), or the one starting at `start`; U+FFFD for broken sequences.
char32_t decode_at(std::string_view s, size_t start) {
  auto b = static_cast<unsigned char>(s[start]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || start + static_cast<size_t>(len) > s.size()) return 0xfffd;
  char32_t cp = len == 1 ? b : b & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[start + static_cast<size_t>(k)]);
    if ((c >> 6) != 0x2) return 0xfffd;
    cp = (cp << 6) | (c & 0x3f);
  }
  return cp;
}
char32_t decode_before(std::string_view s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) >> 6) == 0x2) {
    --start;
  }
  return decode_at(s, start);
}

// Python's \w on str: Unicode alphanumerics and underscore. glibc's C.UTF-8 classification
// stands in for Python's (it agrees on letters, digits and the symbols next to answer letters
// such as ° and ×); without that locale, non-ASCII counts as a word character.
bool is_py_word(char32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0 || cp == '_';
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (kUtf8 == static_cast<locale_t>(nullptr)) return true;
  return iswalnum_l(static_cast<wint_t>(cp), kUtf8) != 0;
}

// 1: answer is \(?([A-J])\)? — first match.
std::optional<char> stage_answer_is(std::string_view s) {
  for (size_t i = s.find("answer is "); i != std::string_view::npos;
       i = s.find("answer is ", i + 1)) {
    size_t j = i + 10;
    if (j < s.size() && s[j] == '(' && j + 1 < s.size() && in_a_to_j(s[j + 1])) return s[j + 1];
    if (j < s.size() && in_a_to_j(s[j])) return s[j];
  }
  return std::nullopt;
}

// Whether [aA]nswer:\s*([A-J]) matches at `i`; the letter when it does.
std::optional<char> answer_colon_at(std::string_view s, size_t i) {
  if ((s[i] != 'a' && s[i] != 'A') || s.substr(i + 1, 6) != "nswer:") return std::nullopt;
  size_t j = i + 7;
  while (j < s.size() && is_py_space(s[j])) ++j;
  if (j < s.size() && in_a_to_j(s[j])) return s[j];
  return std::nullopt;
}

// 2: .*[aA]nswer:\s*([A-J]) with re.search: the first line with a match start, and (greedy .*)
// the rightmost one in it; \s* may run on past the line's end.
std::optional<char> stage_answer_colon(std::string_view s) {
  size_t line = 0;
  while (line <= s.size()) {
    size_t end = s.find('\n', line);
    if (end == std::string_view::npos) end = s.size();
    for (size_t i = end; i > line; --i) {
      if (auto c = answer_colon_at(s, i - 1)) return c;
    }
    line = end + 1;
  }
  return std::nullopt;
}

// 3: \b[A-J]\b(?!.*\b[A-J]\b), DOTALL — the last standalone letter.
std::optional<char> stage_last_letter(std::string_view s) {
  for (size_t i = s.size(); i > 0; --i) {
    size_t k = i - 1;
    if (!in_a_to_j(s[k])) continue;
    bool before = k == 0 || !is_py_word(decode_before(s, k));
    bool after = k + 1 == s.size() || !is_py_word(decode_at(s, k + 1));
    if (before && after) return s[k];
  }
  return std::nullopt;
}

// random.seed(12345); random.randint(0, n - 1) for n = 1..26 (CPython's MT19937 and
// _randbelow; checked against PythonRandom in the unit tests).
constexpr std::array<int, 26> kSeededPick = {0, 1, 1,  3,  3,  3,  3,  6,  6,  6,  6,  6,  6,
                                             6, 6, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13};

const char* const kStageNames[] = {"", "'answer is (X)'", "'Answer: X' line",
                                   "last standalone letter"};

class MmluProTigerScorer final : public Scorer {
 public:
  explicit MmluProTigerScorer(bool full) : full_(full) {}
  std::string name() const override { return full_ ? "mmlu_pro_tiger" : "mmlu_pro_tiger_v0"; }

  std::vector<Score> score(const ScoringInput& in) const override {
    std::string target(trim(in.target));
    std::optional<TigerExtraction> got = extract_mmlu_pro_tiger(in.output, full_);
    std::string why;
    char letter = 0;
    if (got) {
      letter = got->letter;
      why = "stage " + std::to_string(got->stage) + " (" + kStageNames[got->stage] +
            ") extracted " + std::string(1, letter);
    } else if (!full_) {
      return {unscored(name(), "no_answer", "neither 'answer is (X)' nor 'Answer: X' matched")};
    } else {
      // Over ten letters whatever the option count: the released files' pred field is G for
      // 4-, 6- and 7-option questions alike.
      letter = static_cast<char>('A' + mmlu_pro_tiger_random_pick(10));
      why = "no letter found; the reference's seeded pick (random.seed(12345), randint(0, 9)) is " +
            std::string(1, letter);
    }
    bool ok = target.size() == 1 && target[0] == letter;
    return {binary_score(name(), ok, std::string(1, letter), why + "; target " + target)};
  }

 private:
  bool full_;
};

}  // namespace

std::optional<TigerExtraction> extract_mmlu_pro_tiger(std::string_view text,
                                                      bool last_letter_stage) {
  if (auto c = stage_answer_is(text)) return TigerExtraction{*c, 1};
  if (auto c = stage_answer_colon(text)) return TigerExtraction{*c, 2};
  if (last_letter_stage) {
    if (auto c = stage_last_letter(text)) return TigerExtraction{*c, 3};
  }
  return std::nullopt;
}

int mmlu_pro_tiger_random_pick(int n_options) {
  if (n_options < 1) return 0;
  return kSeededPick[static_cast<size_t>(std::min(n_options, 26) - 1)];
}

std::unique_ptr<Scorer> make_mmlu_pro_tiger_scorer() {
  return std::make_unique<MmluProTigerScorer>(true);
}

std::unique_ptr<Scorer> make_mmlu_pro_tiger_v0_scorer() {
  return std::make_unique<MmluProTigerScorer>(false);
}

}  // namespace assay
