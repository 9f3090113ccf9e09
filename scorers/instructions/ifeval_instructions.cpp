// IFEval's 25 instruction checkers, rule for rule as google-research's
// instruction_following_eval/instructions.py checks them (protocols-agents.md §2.2). Keywords
// and markers are regular expressions there, unescaped, and stay so here.

#include <algorithm>
#include <array>

#include "scorers/instructions/instruction_checker.h"
#include "scorers/instructions/language_detection.h"
#include "scorers/instructions/python_regex.h"
#include "scorers/instructions/text_units.h"

namespace assay {
namespace {

bool compare(size_t actual, int64_t threshold, bool less_than) {
  auto a = static_cast<int64_t>(actual);
  return less_than ? a < threshold : a >= threshold;
}

// A checker comparing `count(response)` with the kwarg `number_key` under the relation in
// `relation_key` ("at least" when that is empty).
Result<InstructionChecker> counted(const InstructionArgs& args, std::string_view number_key,
                                   std::string_view relation_key,
                                   std::function<size_t(std::string_view)> count) {
  Result<int64_t> n = args.integer(number_key);
  if (!n) return n.error();
  Result<bool> less = relation_key.empty() ? Result<bool>(false) : args.less_than(relation_key);
  if (!less) return less.error();
  return InstructionChecker([n = *n, less = *less, count = std::move(count)](std::string_view r) {
    return compare(count(r), n, less);
  });
}

// The case-insensitive patterns prefix + word + suffix for each word of the list kwarg `key`.
Result<std::vector<PythonRegex>> word_patterns(const InstructionArgs& args, std::string_view key,
                                               const std::string& prefix,
                                               const std::string& suffix) {
  Result<std::vector<std::string>> words = args.strings(key);
  if (!words) return words.error();
  std::vector<PythonRegex> patterns;
  for (const std::string& w : *words) {
    Result<PythonRegex> re = PythonRegex::compile(prefix + w + suffix, PythonRegex::kIgnoreCase);
    if (!re) return args.invalid(key, re.error().message);
    patterns.push_back(*re);
  }
  return patterns;
}

Result<InstructionChecker> keyword_existence(const InstructionArgs& args) {
  Result<std::vector<PythonRegex>> patterns = word_patterns(args, "keywords", "", "");
  if (!patterns) return patterns.error();
  return InstructionChecker([patterns = *patterns](std::string_view r) {
    return std::all_of(patterns.begin(), patterns.end(),
                       [r](const PythonRegex& p) { return p.search(r); });
  });
}

Result<InstructionChecker> keyword_frequency(const InstructionArgs& args) {
  Result<std::string> word = args.string("keyword");
  if (!word) return word.error();
  Result<PythonRegex> re = PythonRegex::compile(py_strip(*word), PythonRegex::kIgnoreCase);
  if (!re) return args.invalid("keyword", re.error().message);
  return counted(args, "frequency", "relation",
                 [re = *re](std::string_view r) { return re.count(r); });
}

Result<InstructionChecker> forbidden_words(const InstructionArgs& args) {
  Result<std::vector<PythonRegex>> patterns = word_patterns(args, "forbidden_words", "\\b", "\\b");
  if (!patterns) return patterns.error();
  return InstructionChecker([patterns = *patterns](std::string_view r) {
    return std::none_of(patterns.begin(), patterns.end(),
                        [r](const PythonRegex& p) { return p.search(r); });
  });
}

Result<InstructionChecker> letter_frequency(const InstructionArgs& args) {
  Result<std::string> letter = args.string("letter");
  if (!letter) return letter.error();
  // collections.Counter(value.lower())[letter]: a letter of more than one character never counts.
  std::u32string wanted = decode_utf8(py_lower(py_strip(*letter)));
  return counted(args, "let_frequency", "let_relation", [wanted](std::string_view r) -> size_t {
    if (wanted.size() != 1) return 0;
    std::u32string text = decode_utf8(py_lower(r));
    return static_cast<size_t>(std::count(text.begin(), text.end(), wanted[0]));
  });
}

Result<InstructionChecker> response_language(const InstructionArgs& args) {
  Result<std::string> language = args.string("language");
  if (!language) return language.error();
  return InstructionChecker([language = *language](std::string_view r) {
    std::optional<std::string> detected = detect_language(r);
    return !detected || *detected == language;
  });
}

Result<InstructionChecker> number_paragraphs(const InstructionArgs& args) {
  Result<int64_t> n = args.integer("num_paragraphs");
  if (!n) return n.error();
  return InstructionChecker([n = *n](std::string_view r) {
    static const PythonRegex kDivider = PythonRegex::fixed(R"(\s?\*\*\*\s?)");
    std::vector<std::string_view> paragraphs = kDivider.split(r);
    auto count = static_cast<int64_t>(paragraphs.size());
    for (size_t i = 0; i < paragraphs.size(); ++i) {
      if (!py_strip(paragraphs[i]).empty()) continue;
      if (i != 0 && i + 1 != paragraphs.size()) return false;
      --count;
    }
    return count == n;
  });
}

Result<InstructionChecker> nth_paragraph_first_word(const InstructionArgs& args) {
  Result<int64_t> n = args.integer("num_paragraphs");
  if (!n) return n.error();
  Result<int64_t> nth = args.integer("nth_paragraph");
  if (!nth) return nth.error();
  // The reference draws a random paragraph for an out-of-range one; a dataset never asks that.
  if (*nth <= 0 || *nth > *n) return args.invalid("nth_paragraph", "must be in 1..num_paragraphs");
  Result<std::string> first = args.string("first_word");
  if (!first) return first.error();
  return InstructionChecker([n = *n, nth = *nth, first = py_lower(*first)](std::string_view r) {
    std::vector<std::string_view> paragraphs = py_split(r, "\n\n");
    auto count = static_cast<int64_t>(paragraphs.size());
    for (std::string_view p : paragraphs) {
      if (py_strip(p).empty()) --count;
    }
    // As the reference, the nth piece counts blank pieces too.
    if (nth > count) return false;
    std::string_view paragraph = py_strip(paragraphs[static_cast<size_t>(nth - 1)]);
    if (paragraph.empty()) return false;
    std::string_view word = py_split_whitespace(paragraph).front();
    while (!word.empty() && word.front() == '\'') word.remove_prefix(1);
    while (!word.empty() && word.front() == '"') word.remove_prefix(1);
    size_t cut = word.find_first_of(".,?!'\"");
    std::string found = py_lower(word.substr(0, cut));
    return count == n && found == first;
  });
}

Result<InstructionChecker> number_placeholders(const InstructionArgs& args) {
  return counted(args, "num_placeholders", "", [](std::string_view r) {
    static const PythonRegex kPlaceholder = PythonRegex::fixed(R"(\[.*?\])");
    return kPlaceholder.count(r);
  });
}

Result<InstructionChecker> postscript(const InstructionArgs& args) {
  Result<std::string> marker = args.string("postscript_marker");
  if (!marker) return marker.error();
  std::string m(py_strip(*marker));
  std::string pattern = m == "P.P.S"  ? R"(\s*p\.\s?p\.\s?s.*$)"
                        : m == "P.S." ? R"(\s*p\.\s?s\..*$)"
                                      : "\\s*" + py_lower(m) + ".*$";
  Result<PythonRegex> re = PythonRegex::compile(pattern, PythonRegex::kMultiline);
  if (!re) return args.invalid("postscript_marker", re.error().message);
  return InstructionChecker([re = *re](std::string_view r) { return re.search(py_lower(r)); });
}

Result<InstructionChecker> bullet_lists(const InstructionArgs& args) {
  Result<int64_t> n = args.integer("num_bullets");
  if (!n) return n.error();
  return InstructionChecker([n = *n](std::string_view r) {
    static const PythonRegex kStar =
        PythonRegex::fixed(R"(^\s*\*[^\*].*$)", PythonRegex::kMultiline);
    static const PythonRegex kDash = PythonRegex::fixed(R"(^\s*-.*$)", PythonRegex::kMultiline);
    return static_cast<int64_t>(kStar.count(r) + kDash.count(r)) == n;
  });
}

bool constrained_response(std::string_view r) {
  static constexpr std::array<std::string_view, 3> kOptions = {
      "My answer is yes.", "My answer is no.", "My answer is maybe."};
  std::string_view v = py_strip(r);
  return std::any_of(kOptions.begin(), kOptions.end(),
                     [v](std::string_view o) { return v.find(o) != std::string_view::npos; });
}

Result<InstructionChecker> highlighted_sections(const InstructionArgs& args) {
  return counted(args, "num_highlights", "", [](std::string_view r) {
    static const PythonRegex kSingle = PythonRegex::fixed(R"(\*[^\n\*]*\*)");
    static const PythonRegex kDouble = PythonRegex::fixed(R"(\*\*[^\n\*]*\*\*)");
    size_t n = 0;
    for (std::string_view h : kSingle.find_all(r)) {
      if (!py_strip(py_strip_chars(h, "*")).empty()) ++n;
    }
    for (std::string_view h : kDouble.find_all(r)) {
      if (!py_strip(h.substr(2, h.size() - 4)).empty()) ++n;
    }
    return n;
  });
}

Result<InstructionChecker> multiple_sections(const InstructionArgs& args) {
  Result<std::string> splitter = args.string("section_spliter");
  if (!splitter) return splitter.error();
  Result<PythonRegex> re =
      PythonRegex::compile("\\s?" + std::string(py_strip(*splitter)) + "\\s?\\d+\\s?");
  if (!re) return args.invalid("section_spliter", re.error().message);
  return counted(args, "num_sections", "",
                 [re = *re](std::string_view r) { return re.split(r).size() - 1; });
}

bool json_format(std::string_view r) {
  std::string_view v = py_strip(r);
  for (std::string_view prefix : {"```json", "```Json", "```JSON", "```"}) {
    if (v.substr(0, prefix.size()) == prefix) {
      v.remove_prefix(prefix.size());
      break;
    }
  }
  if (v.size() >= 3 && v.substr(v.size() - 3) == "```") v.remove_suffix(3);
  return static_cast<bool>(parse_json(py_strip(v)));
}

bool title(std::string_view r) {
  static const PythonRegex kTitle = PythonRegex::fixed(R"(<<[^\n]+>>)");
  for (std::string_view t : kTitle.find_all(r)) {
    size_t b = t.find_first_not_of('<');
    size_t e = t.find_last_not_of('>');
    if (b != std::string_view::npos && e != std::string_view::npos && b <= e &&
        !py_strip(t.substr(b, e - b + 1)).empty()) {
      return true;
    }
  }
  return false;
}

bool two_responses(std::string_view r) {
  std::vector<std::string_view> parts = py_split(r, "******");
  std::vector<std::string_view> valid;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (py_strip(parts[i]).empty()) {
      if (i != 0 && i + 1 != parts.size()) return false;
    } else {
      valid.push_back(parts[i]);
    }
  }
  return valid.size() == 2 && py_strip(valid[0]) != py_strip(valid[1]);
}

Result<InstructionChecker> repeat_prompt(const InstructionArgs& args) {
  Result<std::string> prompt = args.string("prompt_to_repeat");
  if (!prompt) return prompt.error();
  if (prompt->empty()) return args.invalid("prompt_to_repeat", "must not be empty");
  return InstructionChecker([p = py_lower(py_strip(*prompt))](std::string_view r) {
    return py_lower(py_strip(r)).rfind(p, 0) == 0;
  });
}

Result<InstructionChecker> end_checker(const InstructionArgs& args) {
  Result<std::string> phrase = args.string("end_phrase");
  if (!phrase) return phrase.error();
  return InstructionChecker([e = py_lower(py_strip(*phrase))](std::string_view r) {
    std::string v = py_lower(py_strip_chars(py_strip(r), "\""));
    return v.size() >= e.size() && v.compare(v.size() - e.size(), e.size(), e) == 0;
  });
}

Result<InstructionChecker> capital_word_frequency(const InstructionArgs& args) {
  return counted(args, "capital_frequency", "capital_relation", [](std::string_view r) {
    std::vector<std::string> words = word_tokenize(r);
    return static_cast<size_t>(std::count_if(words.begin(), words.end(),
                                             [](const std::string& w) { return py_isupper(w); }));
  });
}

bool english(std::string_view r) {
  std::optional<std::string> language = detect_language(r);
  return !language || *language == "en";
}

bool quotation(std::string_view r) {
  std::string_view v = py_strip(r);
  return v.size() > 1 && v.front() == '"' && v.back() == '"';
}

}  // namespace

const InstructionRegistry& ifeval_instructions() {
  static const InstructionRegistry kRegistry = [] {
    InstructionRegistry r;
    r.add("keywords:existence", keyword_existence);
    r.add("keywords:frequency", keyword_frequency);
    r.add("keywords:forbidden_words", forbidden_words);
    r.add("keywords:letter_frequency", letter_frequency);
    r.add("language:response_language", response_language);
    r.add("length_constraints:number_sentences", [](const InstructionArgs& a) {
      return counted(a, "num_sentences", "relation",
                     [](std::string_view t) { return count_sentences(t); });
    });
    r.add("length_constraints:number_paragraphs", number_paragraphs);
    r.add("length_constraints:number_words", [](const InstructionArgs& a) {
      return counted(a, "num_words", "relation", [](std::string_view t) { return count_words(t); });
    });
    r.add("length_constraints:nth_paragraph_first_word", nth_paragraph_first_word);
    r.add("detectable_content:number_placeholders", number_placeholders);
    r.add("detectable_content:postscript", postscript);
    r.add("detectable_format:number_bullet_lists", bullet_lists);
    r.add("detectable_format:constrained_response", without_arguments(constrained_response));
    r.add("detectable_format:number_highlighted_sections", highlighted_sections);
    r.add("detectable_format:multiple_sections", multiple_sections);
    r.add("detectable_format:json_format", without_arguments(json_format));
    r.add("detectable_format:title", without_arguments(title));
    r.add("combination:two_responses", without_arguments(two_responses));
    r.add("combination:repeat_prompt", repeat_prompt);
    r.add("startend:end_checker", end_checker);
    r.add("change_case:capital_word_frequency", capital_word_frequency);
    r.add("change_case:english_capital",
          without_arguments([](std::string_view t) { return py_isupper(t) && english(t); }));
    r.add("change_case:english_lowercase",
          without_arguments([](std::string_view t) { return py_islower(t) && english(t); }));
    r.add("punctuation:no_comma", without_arguments([](std::string_view t) {
            return t.find(',') == std::string_view::npos;
          }));
    r.add("startend:quotation", without_arguments(quotation));
    return r;
  }();
  return kRegistry;
}

}  // namespace assay
