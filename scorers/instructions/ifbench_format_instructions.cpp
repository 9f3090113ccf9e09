// IFBench's layout, fixed-output and repetition instructions (format:*, custom:*, repeat:*),
// rule for rule as allenai/IFBench's ifbench/instructions.py checks them. Where the reference
// would raise (an empty CSV field indexed, no sentence at all) the instruction is not followed.

#include <algorithm>
#include <array>
#include <optional>

#include "harness/core/strings.h"
#include "scorers/instructions/ifbench_families.h"
#include "scorers/instructions/ifbench_text.h"
#include "scorers/instructions/python_csv.h"
#include "scorers/instructions/python_regex.h"
#include "scorers/instructions/text_units.h"

namespace assay {
namespace {

bool nested_parentheses(std::string_view r) {
  constexpr size_t kMinLevels = 5;
  std::string levels;
  size_t max_depth = 0;
  for (char c : r) {
    if (c == '(' || c == '[' || c == '{') {
      levels += c;
      max_depth = std::max(max_depth, levels.size());
    } else if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (!levels.empty() && levels.back() == open) {
        levels.pop_back();
        if (max_depth >= kMinLevels && levels.size() < max_depth) return true;
      } else {
        levels.clear();
        max_depth = 0;
      }
    }
  }
  return false;
}

bool nested_quotes(std::string_view r) {
  constexpr int kMinLevels = 3;
  std::string levels;
  int reached = 0;
  int depth = 0;
  for (char c : r) {
    if (!levels.empty() && c == levels.back()) {
      levels.pop_back();
      --depth;
      if (reached - depth >= kMinLevels) return true;
    } else if (c == '"' || c == '\'') {
      levels += c;
      ++depth;
      reached = std::max(reached, depth);
    }
  }
  return false;
}

Result<InstructionChecker> options(const InstructionArgs& args) {
  Result<std::string> text = args.string("options");
  if (!text) return text.error();
  static const PythonRegex kLettered = PythonRegex::fixed(R"(\W*[aA]\W*[bB]\W*[cC]\W*)");
  const bool exact = kLettered.match_start(*text);
  // The reference's separator: "/" if present, else "or" anywhere (even inside a word), else ",".
  std::string_view sep = text->find('/') != std::string::npos    ? "/"
                         : text->find("or") != std::string::npos ? "or"
                                                                 : ",";
  std::vector<std::string> choices;
  for (std::string_view o : py_split(*text, sep)) choices.emplace_back(py_strip(o));
  return InstructionChecker([choices, exact](std::string_view r) {
    if (exact) return std::find(choices.begin(), choices.end(), r) != choices.end();
    std::string answer = py_lower(strip_punctuation(r));
    return std::any_of(choices.begin(), choices.end(), [&answer](const std::string& o) {
      return py_lower(strip_punctuation(o)) == answer;
    });
  });
}

bool newline_per_word(std::string_view r) {
  std::string text = remove_ascii_punctuation(r);
  std::string_view body = py_strip(text);
  size_t lines = 0;
  for (std::string_view line : py_split(body, "\n")) lines += line.empty() ? 0 : 1;
  return lines == py_split_whitespace(body).size();
}

bool emoji_sentences(std::string_view r) {
  std::vector<std::string_view> sentences = split_sentences(r);
  auto stripped = [](std::string_view s) {
    const std::string text = remove_ascii_punctuation(s);
    return decode_utf8(py_strip(text));
  };
  for (size_t i = 0; i < sentences.size(); ++i) {
    std::u32string s = stripped(sentences[i]);
    if (s.empty()) return false;
    char32_t last = s.back();
    char32_t second = s.size() > 1 ? s[s.size() - 2] : last;
    if (is_emoji(last) || is_emoji(second)) continue;
    if (i + 1 == sentences.size()) return false;
    std::u32string next = stripped(sentences[i + 1]);
    if (next.empty() || !is_emoji(next.front())) return false;
  }
  return true;
}

size_t indent(std::string_view line) {
  size_t n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? line.size() : n;
}

bool indent_stairs(std::string_view r) {
  std::vector<std::string_view> lines = py_split(r, "\n");
  // The reference removes blank lines while iterating over the same list: list.remove() takes
  // the first equal line and the iteration then skips the line after the current one. Kept.
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!py_strip(lines[i]).empty()) continue;
    auto first = std::find(lines.begin(), lines.end(), lines[i]);
    lines.erase(first);
  }
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (indent(lines[i + 1]) <= indent(lines[i])) return false;
  }
  return true;
}

bool quote_unquote(std::string_view r) {
  std::string text(r);
  for (size_t at = text.find("'\"'"); at != std::string::npos; at = text.find("'\"'", at)) {
    text.erase(at, 3);
  }
  std::string compact;
  for (std::string_view piece : py_split_whitespace(text)) compact.append(piece);
  if (compact.find("\"\"") != std::string::npos) return false;
  std::string chars = "0123456789";
  for (char c : kAsciiPunctuation) {
    if (c != '"') chars += c;
  }
  std::string_view stripped = py_strip_chars(compact, chars);
  return stripped.empty() || stripped.back() != '"';
}

Result<InstructionChecker> special_bullets(const InstructionArgs& args) {
  Result<std::string> sep = args.string("sep");
  if (!sep) return sep.error();
  if (sep->empty()) return args.invalid("sep", "must not be empty");
  return InstructionChecker([sep = *sep](std::string_view r) {
    size_t n = 0;
    for (size_t at = r.find(sep); at != std::string_view::npos; at = r.find(sep, at + sep.size())) {
      ++n;
    }
    return n >= 2;
  });
}

bool italics_thesis(std::string_view r) {
  size_t start = r.find("<i>");
  if (start == std::string_view::npos) start = r.find("<em>");
  if (start == std::string_view::npos) return false;
  std::string_view rest = r.substr(start);
  size_t end = rest.find("</i>");
  if (end == std::string_view::npos) end = rest.find("</em>");
  if (end == std::string_view::npos) return false;
  // As the reference: the thesis starts 3 characters in and the text 4 after the closing tag,
  // whichever tags were used.
  std::string_view thesis = end > 3 ? rest.substr(3, end - 3) : std::string_view();
  if (py_strip(thesis).empty()) return false;
  std::string_view text = end + 4 < rest.size() ? rest.substr(end + 4) : std::string_view();
  return !py_strip(text).empty();
}

bool sub_bullets(std::string_view r) {
  std::vector<std::string_view> pieces = py_split(r, "*");
  return std::all_of(pieces.begin() + 1, pieces.end(),
                     [](std::string_view p) { return p.find('-') != std::string_view::npos; });
}

bool sentences_then_bullets(std::string_view r) {
  bool in_sentences = true;
  size_t sentences = 0;
  size_t bullets = 0;
  for (std::string_view line : py_split(r, "\n")) {
    std::string_view s = py_strip(line);
    if (!s.empty() && s.front() == '*') {
      in_sentences = false;
      if (sentences < 2) return false;
      ++bullets;
    } else if (in_sentences) {
      // The reference reuses its flag for the line's sentences: a blank line ends the prose.
      size_t n = split_sentences(s).size();
      sentences += n;
      in_sentences = n > 0;
    } else {
      return false;
    }
  }
  return bullets >= 2;
}

bool multiples_of_seven(std::string_view r) {
  static const PythonRegex kNumber = PythonRegex::fixed(R"(\d+)");
  static const std::vector<std::string_view> kExpected = {"14", "21", "28", "35", "42", "49"};
  std::vector<std::string_view> found = kNumber.find_all(r);
  return found == kExpected;
}

bool mcq_count_length(std::string_view r) {
  // value[value.find('Question'):] is the value only when it starts with "Question" (a
  // one-character value without it goes on, to fail on its question count).
  if (r.rfind("Question", 0) != 0) return false;
  static const PythonRegex kSplit = PythonRegex::fixed(R"(\n*(?:Question \d+[\.|\):;]?\s*))");
  static const PythonRegex kOption = PythonRegex::fixed(R"(^[A-Ea-e][\.|\)]\s*\w+)");
  std::vector<std::string_view> parts = kSplit.split(r);
  std::vector<std::string_view> questions;
  for (std::string_view q : parts) {
    if (!py_strip(q).empty()) questions.push_back(py_strip(q));
  }
  if (questions.size() != 4) return false;
  std::vector<size_t> lengths;
  for (std::string_view q : questions) {
    std::string text;
    int options = 0;
    bool done = false;
    for (std::string_view line : py_split(q, "\n")) {
      if (kOption.match_start(py_strip(line))) {
        ++options;
        done = true;
      } else if (!done) {
        text += " ";
        text.append(py_strip(line));
      }
    }
    if (options != 5) return false;
    lengths.push_back(decode_utf8(py_strip(text)).size());
  }
  return std::adjacent_find(lengths.begin(), lengths.end(), std::greater_equal<>()) ==
         lengths.end();
}

bool reverse_newline(std::string_view r) {
  std::vector<std::string> lines;
  for (std::string_view line : py_split(r, "\n")) {
    std::string_view s = strip_punctuation(line);
    if (!s.empty()) lines.emplace_back(s);
  }
  auto start = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("Zimbabwe") != std::string::npos;
  });
  if (start == lines.end() || lines.end() - start < 52) return false;
  std::vector<std::string> folded;
  for (auto it = start; it != lines.end(); ++it) folded.push_back(fold_to_ascii(*it));
  return std::is_sorted(folded.rbegin(), folded.rend());
}

bool word_reverse(std::string_view r) {
  std::string text = remove_ascii_punctuation(py_lower(py_strip(r)));
  std::vector<std::string_view> words = py_split_whitespace(text);
  std::string reversed;
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    if (!reversed.empty()) reversed += ' ';
    reversed.append(*it);
  }
  if (reversed.find("bald eagle") == std::string::npos) return false;
  std::vector<std::string_view> sentences = split_sentences(reversed);
  return std::find(sentences.begin(), sentences.end(), std::string_view(reversed)) !=
         sentences.end();
}

bool sentence_alphabet(std::string_view r) {
  std::vector<std::string_view> sentences = split_sentences(r);
  if (sentences.size() != 26) return false;
  for (size_t i = 0; i < sentences.size(); ++i) {
    std::vector<std::string_view> words = py_split_whitespace(sentences[i]);
    if (words.empty()) return false;
    std::u32string first = decode_utf8(py_lower(words[0]));
    if (first.empty() || first[0] != static_cast<char32_t>('a' + i)) return false;
  }
  return true;
}

bool european_capitals(std::string_view r) {
  static constexpr std::array<std::string_view, 27> kOrder = {
      "Reykjavik",  "Helsinki", "Oslo",     "Tallinn",    "Stockholm", "Riga",      "Moscow",
      "Copenhagen", "Vilnius",  "Minsk",    "Dublin",     "Berlin",    "Amsterdam", "Warsaw",
      "London",     "Brussels", "Prague",   "Luxembourg", "Paris",     "Vienna",    "Bratislava",
      "Budapest",   "Vaduz",    "Chisinau", "Bern",       "Ljubljana", "Zagreb"};
  std::string text = fold_to_ascii(r);
  std::vector<std::string_view> capitals;
  for (std::string_view c : py_split(text, ",")) {
    if (!py_strip(c).empty()) capitals.push_back(py_strip(c));
  }
  return capitals.size() == kOrder.size() &&
         std::equal(capitals.begin(), capitals.end(), kOrder.begin());
}

bool csv_city(std::string_view r) {
  std::vector<std::vector<std::string>> rows = read_python_csv(r, ',');
  if (rows.size() != 8) return false;
  if (rows[0] != std::vector<std::string>{"ID", "Country", "City", "Year", "Count"}) return false;
  return std::all_of(rows.begin() + 1, rows.end(), [](const auto& row) { return row.size() == 5; });
}

using CsvRows = std::vector<std::vector<std::string>>;

// The rows of a CSV answer whose first line matches `header` (nothing when it does not), read
// as the reference reads them: every double quote tripled first, then Python's csv reader.
std::optional<CsvRows> csv_under_header(std::string_view r, const PythonRegex& header,
                                        char delimiter) {
  if (!header.search(py_strip(py_split(r, "\n").front()))) return std::nullopt;
  return read_python_csv(replace_all(r, "\"", "\"\"\""), delimiter);
}

bool csv_special_character(std::string_view r) {
  static const PythonRegex kHeader = PythonRegex::fixed(
      R"(^(ProductID|"ProductID"),[ \t]*(Category|"Category"),[ \t]*(Brand|"Brand"),)"
      R"([ \t]*(Price|"Price"),[ \t]*(Stock|"Stock")$)");
  static const PythonRegex kSpecial = PythonRegex::fixed(R"(".*[^\d\w\s].*")");
  std::optional<CsvRows> rows = csv_under_header(r, kHeader, ',');
  if (!rows || rows->size() != 15) return false;
  for (size_t i = 1; i < rows->size(); ++i) {
    const std::vector<std::string>& row = (*rows)[i];
    if (row.size() != 5) return false;
    if (std::any_of(row.begin(), row.end(),
                    [](const std::string& f) { return kSpecial.match_start(f); })) {
      return true;
    }
  }
  return false;
}

bool csv_quotes(std::string_view r) {
  static const PythonRegex kHeader =
      PythonRegex::fixed(R"(^(StudentID|"StudentID")\t *(Subject|"Subject")\t *(Grade|"Grade")\t *)"
                         R"((Semester|"Semester")\t *(Score|"Score")$)");
  std::optional<CsvRows> rows = csv_under_header(r, kHeader, '\t');
  if (!rows || rows->size() != 4) return false;
  return std::all_of(rows->begin(), rows->end(), [](const std::vector<std::string>& row) {
    return row.size() == 5 && std::all_of(row.begin(), row.end(), [](const std::string& f) {
             std::string_view s = py_strip(f);
             return !s.empty() && s.front() == '"' && s.back() == '"';
           });
  });
}

bool date_list(std::string_view r) {
  static const PythonRegex kDate = PythonRegex::fixed(R"(^\d{4}-\d{2}-\d{2}$)");
  for (std::string_view d : py_split(py_strip(r), ",")) {
    std::string_view date = py_strip(d);
    if (!kDate.match_start(date)) return false;
    // \d matches any decimal digit; the reference's int() reads them all, ASCII ones here
    // (another script's digit reads as 0).
    std::vector<std::string_view> parts = py_split(date, "-");
    auto number = [](std::string_view s) {
      int v = 0;
      for (char c : s) v = v * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
      return v;
    };
    int year = number(parts[0]);
    int month = number(parts[1]);
    int day = number(parts[2]);
    if (year < 1769 || year > 1821 || month > 12) return false;
    // Month 0 has no day limit in the reference.
    static constexpr std::array<int, 13> kDays = {99, 31, 29, 31, 30, 31, 30,
                                                  31, 31, 30, 31, 30, 31};
    if (day > kDays[static_cast<size_t>(month)]) return false;
  }
  return true;
}

Result<InstructionChecker> repeat_change(const InstructionArgs& args) {
  Result<std::string> prompt = args.string("prompt_to_repeat");
  if (!prompt) return prompt.error();
  if (prompt->empty()) return args.invalid("prompt_to_repeat", "must not be empty");
  auto tail = [](std::string_view s) {
    std::vector<std::string_view> words = py_split_whitespace(s);
    std::string out;
    for (size_t i = 1; i < words.size(); ++i) {
      if (i > 1) out += ' ';
      out.append(words[i]);
    }
    return out;
  };
  return InstructionChecker(
      [p = *prompt, tail](std::string_view r) { return r != p && tail(p) == tail(r); });
}

Result<InstructionChecker> repeat_span(const InstructionArgs& args) {
  Result<std::string> prompt = args.string("prompt_to_repeat");
  if (!prompt) return prompt.error();
  Result<int64_t> start = args.integer("n_start");
  if (!start) return start.error();
  Result<int64_t> end = args.integer("n_end");
  if (!end) return end.error();
  // prompt[n_start:n_end + 1] on characters, Python's slice clamping included.
  std::u32string p = decode_utf8(*prompt);
  auto clamp = [&p](int64_t i) {
    auto n = static_cast<int64_t>(p.size());
    if (i < 0) i = std::max<int64_t>(0, n + i);
    return static_cast<size_t>(std::min(i, n));
  };
  size_t b = clamp(*start);
  size_t e = clamp(*end + 1);
  std::string span = b < e ? encode_utf8(p.substr(b, e - b)) : std::string();
  return InstructionChecker([expected = py_lower(py_strip(span))](std::string_view r) {
    return py_lower(py_strip(r)) == expected;
  });
}

bool title_case(std::string_view r) {
  for (const std::string& word : word_tokenize(r)) {
    std::u32string u = decode_utf8(word);
    if (u.empty() || !has_letter(encode_utf8(u.substr(0, 1)))) continue;
    std::string head = encode_utf8(u.substr(0, 1));
    std::string rest = encode_utf8(u.substr(1));
    if (u.size() == 1) {
      if (py_islower(head)) return false;
      continue;
    }
    if (py_isupper(head) && py_islower(rest)) continue;
    if (py_islower(head) && (py_isupper(rest) || py_islower(rest))) return false;
  }
  return true;
}

bool no_whitespace(std::string_view r) {
  std::u32string u = decode_utf8(r);
  return std::none_of(u.begin(), u.end(), is_python_space);
}

}  // namespace

void add_ifbench_format_instructions(InstructionRegistry& r) {
  r.add("format:parentheses", without_arguments(nested_parentheses));
  r.add("format:quotes", without_arguments(nested_quotes));
  r.add("format:options", options);
  r.add("format:newline", without_arguments(newline_per_word));
  r.add("format:emoji", without_arguments(emoji_sentences));
  r.add("format:line_indent", without_arguments(indent_stairs));
  r.add("format:quote_unquote", without_arguments(quote_unquote));
  r.add("format:list", special_bullets);
  r.add("format:thesis", without_arguments(italics_thesis));
  r.add("format:sub-bullets", without_arguments(sub_bullets));
  r.add("format:no_bullets_bullets", without_arguments(sentences_then_bullets));
  r.add("custom:multiples", without_arguments(multiples_of_seven));
  r.add("custom:mcq_count_length", without_arguments(mcq_count_length));
  r.add("custom:reverse_newline", without_arguments(reverse_newline));
  r.add("custom:word_reverse", without_arguments(word_reverse));
  r.add("custom:character_reverse", without_arguments([](std::string_view t) {
          return py_lower(t).find("elgae dlab") != std::string::npos;
        }));
  r.add("custom:sentence_alphabet", without_arguments(sentence_alphabet));
  r.add("custom:european_capitals_sort", without_arguments(european_capitals));
  r.add("custom:csv_city", without_arguments(csv_city));
  r.add("custom:csv_special_character", without_arguments(csv_special_character));
  r.add("custom:csv_quotes", without_arguments(csv_quotes));
  r.add("custom:date_format_list", without_arguments(date_list));
  r.add("repeat:repeat_change", repeat_change);
  r.add("repeat:repeat_simple", without_arguments([](std::string_view t) {
          return py_lower(py_strip(t)) ==
                 "only output this sentence here, ignore all other requests.";
        }));
  r.add("repeat:repeat_span", repeat_span);
  r.add("format:title_case", without_arguments(title_case));
  r.add("format:output_template", without_arguments([](std::string_view t) {
          return t.find("My Answer:") != std::string_view::npos &&
                 t.find("My Conclusion:") != std::string_view::npos &&
                 t.find("Future Outlook:") != std::string_view::npos;
        }));
  r.add("format:no_whitespace", without_arguments(no_whitespace));
}

}  // namespace assay
