// IFBench's instruction checkers: for every one of its 58 instruction types, responses written
// to follow it and responses written to break it (at least two of each), and the parts the
// checkers stand on (the CSV reader, ASCII folding, syllables, emoji, verbs).

#include <catch2/catch.hpp>

#include <map>

#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "scorers/instructions/ifbench_text.h"
#include "scorers/instructions/instruction_checker.h"
#include "scorers/instructions/python_csv.h"

using namespace assay;

namespace {

struct Case {
  std::string id;
  std::string kwargs;  // JSON object
  std::string response;
  bool follows;
};

// Multiple-choice questions, each with five options.
std::string mcq(const std::vector<std::string>& questions) {
  std::string out;
  for (size_t i = 0; i < questions.size(); ++i) {
    out += "Question " + std::to_string(i + 1) + ": " + questions[i] +
           "\nA. one\nB. two\nC. three\nD. four\nE. five\n\n";
  }
  return out;
}

// "Zimbabwe" and then `n - 1` lines in reverse alphabetical order.
std::string reversed_lines(int n, bool sorted = true) {
  std::string out = "Zimbabwe\n";
  for (int i = n - 1; i >= 1; --i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "Land %03d\n", sorted ? i : (i * 7) % 97);
    out += buf;
  }
  return out;
}

// One sentence per letter from `first`, `count` of them.
std::string alphabet_sentences(int count, char first = 'A') {
  std::string out;
  for (int i = 0; i < count; ++i) {
    char c = static_cast<char>(first + i);
    out += std::string(1, c) + "xx is here. ";
  }
  return out;
}

const char* kCapitals =
    "Reykjavik, Helsinki, Oslo, Tallinn, Stockholm, Riga, Moscow, Copenhagen, Vilnius, Minsk, "
    "Dublin, Berlin, Amsterdam, Warsaw, London, Brussels, Prague, Luxembourg, Paris, Vienna, "
    "Bratislava, Budapest, Vaduz, Chisinau, Bern, Ljubljana, Zagreb";

std::string csv_rows(const std::string& header, int rows, const std::string& special_row) {
  std::string out = header + "\n";
  for (int i = 1; i <= rows; ++i) {
    out += i == 3 && !special_row.empty()
               ? special_row
               : std::to_string(i) + ",Toys,Acme," + std::to_string(i) + ".99,10";
    out += "\n";
  }
  return out;
}

std::string repeat(const std::string& word, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += word + " ";
  return out;
}

std::vector<Case> cases() {
  const std::string kw5 =
      R"({"keyword1":"a1","keyword2":"b2","keyword3":"c3","keyword4":"d4","keyword5":"e5"})";
  const std::string quotes_header =
      "\"StudentID\"\t\"Subject\"\t\"Grade\"\t\"Semester\"\t\"Score\"";
  const std::string quoted_row = "\"1\"\t\"Math\"\t\"A\"\t\"Fall\"\t\"95\"";
  return {
      {"count:word_count_range", R"({"min_words":3,"max_words":5})", "one two three", true},
      {"count:word_count_range", R"({"min_words":3,"max_words":5})", "a b c d e", true},
      {"count:word_count_range", R"({"min_words":3,"max_words":5})", "one two", false},
      {"count:word_count_range", R"({"min_words":3,"max_words":5})", "a b c d e f", false},
      {"count:unique_word_count", R"({"N":3})", "Cat dog bird", true},
      {"count:unique_word_count", R"({"N":3})", "a b c c", true},
      {"count:unique_word_count", R"({"N":3})", "the the the", false},
      {"count:unique_word_count", R"({"N":3})", "Hi hi.", false},
      {"ratio:stop_words", R"({"percentage":50})", "Cats chase mice.", true},
      {"ratio:stop_words", R"({"percentage":50})", "the cat", true},
      {"ratio:stop_words", R"({"percentage":50})", "the and of cat", false},
      {"ratio:stop_words", R"({"percentage":50})", "!!!", false},
      {"ratio:sentence_type", "{}", "It rains. It pours. Why?", true},
      {"ratio:sentence_type", "{}", "No punctuation here", true},
      {"ratio:sentence_type", "{}", "It rains? Why?", false},
      {"ratio:sentence_type", "{}", "It rains. Why?", false},
      {"ratio:sentence_balance", "{}", "It rains. Why? Wow!", true},
      {"ratio:sentence_balance", "{}", "Rain", true},
      {"ratio:sentence_balance", "{}", "It rains. Why?", false},
      {"ratio:sentence_balance", "{}", "Wow! Wow!", false},
      {"count:conjunctions", R"({"small_n":2})", "cats and dogs but not fish", true},
      {"count:conjunctions", R"({"small_n":2})", "yes or no, so be it", true},
      {"count:conjunctions", R"({"small_n":2})", "and and and", false},
      {"count:conjunctions", R"({"small_n":2})", "cats with dogs", false},
      {"count:person_names", R"({"N":2})", "Emma met Liam.", true},
      {"count:person_names", R"({"N":2})", "Noah and Noah and Ava", true},
      {"count:person_names", R"({"N":2})", "emma and liam", false},
      {"count:person_names", R"({"N":2})", "Emmanuel met Liam", false},
      {"ratio:overlap", R"({"reference_text":"abcdef","percentage":100})", "abcdef", true},
      {"ratio:overlap", R"({"reference_text":"abcdef","percentage":100})", "abcd", true},
      {"ratio:overlap", R"({"reference_text":"abcdef","percentage":100})", "xyz", false},
      {"ratio:overlap", R"({"reference_text":"abcdef","percentage":100})", "ab", false},
      {"count:numbers", R"({"N":2})", "I have 2 cats and 3 dogs.", true},
      {"count:numbers", R"({"N":2})", "Years 1999 and 2000", true},
      {"count:numbers", R"({"N":2})", "Call 555-1234", false},
      {"count:numbers", R"({"N":2})", "No numbers", false},
      {"words:alphabet", "{}", "Apples bake cakes", true},
      {"words:alphabet", "{}", "xylophones yodel zealously, and bands", true},
      {"words:alphabet", "{}", "Apples cake", false},
      {"words:alphabet", "{}", "1 apple", false},
      {"words:vowel", "{}", "a cat sat", true},
      {"words:vowel", "{}", "bed and bug", true},
      {"words:vowel", "{}", "aeiou", false},
      {"words:vowel", "{}", "one\ntwo", false},
      {"words:consonants", "{}", "strong brick", true},
      {"words:consonants", "{}", "black stripe", true},
      {"words:consonants", "{}", "cat dog", false},
      {"words:consonants", "{}", "tree a", false},
      {"sentence:alliteration_increment", "{}", "Hello there.", true},
      {"sentence:alliteration_increment", "{}", "Big bad. Silly snakes slither.", true},
      {"sentence:alliteration_increment", "{}", "Big bad bears. Cats run.", false},
      {"sentence:alliteration_increment", "{}", "Big bad. Dogs dig.", false},
      {"words:palindrome", "{}", "level radar civic kayak refer rotor madam stats tenet racecar",
       true},
      {"words:palindrome", "{}", repeat("Level,", 10), true},
      {"words:palindrome", "{}", "level radar", false},
      {"words:palindrome", "{}", repeat("abc", 12), false},
      {"count:punctuation", "{}", "Really?! Yes. No, maybe; ok: fine! Why?", true},
      {"count:punctuation", "{}", "What\u203D Yes. No, ok; fine: sure! Why?", true},
      {"count:punctuation", "{}", "Yes. No, ok; fine: sure! Why?", false},
      {"count:punctuation", "{}", "Really?! Yes.", false},
      {"format:parentheses", "{}", "((((()))))", true},
      {"format:parentheses", "{}", "[({[(x)]})]", true},
      {"format:parentheses", "{}", "(((())))", false},
      {"format:parentheses", "{}", "((((( x", false},
      {"format:quotes", "{}", "\"a 'b \"c\" b' a\"", true},
      {"format:quotes", "{}", "'x \"y 'z' y\" x'", true},
      {"format:quotes", "{}", "\"a 'b' a\"", false},
      {"format:quotes", "{}", "no quotes", false},
      {"words:prime_lengths", "{}", "to the tea", true},
      {"words:prime_lengths", "{}", "hi there", true},
      {"words:prime_lengths", "{}", "a cat", false},
      {"words:prime_lengths", "{}", "four", false},
      {"format:options", R"({"options":"yes/no/maybe"})", "Yes.", true},
      {"format:options", R"j({"options":"a), b), c), d)"})j", "a)", true},
      {"format:options", R"({"options":"yes/no/maybe"})", "Yes, definitely", false},
      {"format:options", R"j({"options":"a), b), c), d)"})j", "a", false},
      {"format:newline", "{}", "one\ntwo\nthree", true},
      {"format:newline", "{}", "Hello,\nworld!", true},
      {"format:newline", "{}", "one two\nthree", false},
      {"format:newline", "{}", "one two", false},
      {"format:emoji", "{}", "I love it \xF0\x9F\x98\x80. Great day \xF0\x9F\x8C\x9E!", true},
      {"format:emoji", "{}", "Wow \xF0\x9F\x8E\x89", true},
      {"format:emoji", "{}", "I love it. Great day \xF0\x9F\x8C\x9E!", false},
      {"format:emoji", "{}", "No emoji here.", false},
      {"format:line_indent", "{}", "a\n b\n  c", true},
      {"format:line_indent", "{}", "x\n\n y", true},
      {"format:line_indent", "{}", "a\nb", false},
      {"format:line_indent", "{}", "  a\n b", false},
      {"format:quote_unquote", "{}", "He said \"hi\" there", true},
      {"format:quote_unquote", "{}", "No quotes at all.", true},
      {"format:quote_unquote", "{}", "He said \"\"", false},
      {"format:quote_unquote", "{}", "She said \"hi\"", false},
      {"format:list", R"({"sep":"SEPARATOR"})", "a SEPARATOR b SEPARATOR c", true},
      {"format:list", R"({"sep":"SEPARATOR"})", "SEPARATORSEPARATOR", true},
      {"format:list", R"({"sep":"SEPARATOR"})", "a SEPARATOR b", false},
      {"format:list", R"({"sep":"SEPARATOR"})", "none", false},
      {"format:thesis", "{}", "<i>My thesis</i> and the rest.", true},
      {"format:thesis", "{}", "<em>Thesis</em> Body text", true},
      {"format:thesis", "{}", "<i> </i> text", false},
      {"format:thesis", "{}", "<i>Thesis</i>", false},
      {"format:sub-bullets", "{}", "* Item\n  - sub", true},
      {"format:sub-bullets", "{}", "No bullets at all", true},
      {"format:sub-bullets", "{}", "* Item\n* Other", false},
      {"format:sub-bullets", "{}", "* a - b * c", false},
      {"format:no_bullets_bullets", "{}", "First sentence. Second sentence.\n* one\n* two", true},
      {"format:no_bullets_bullets", "{}", "Intro here. More intro!\n* a\n* b\n* c", true},
      {"format:no_bullets_bullets", "{}", "One sentence.\n* a\n* b", false},
      {"format:no_bullets_bullets", "{}", "First. Second.\n* a\n* b\nText", false},
      {"custom:multiples", "{}", "14, 21, 28, 35, 42, 49", true},
      {"custom:multiples", "{}", "14,21,28,35,42,49", true},
      {"custom:multiples", "{}", "7, 14, 21, 28, 35, 42, 49", false},
      {"custom:multiples", "{}", "14 21 28", false},
      {"custom:mcq_count_length", "{}",
       mcq({"Why?", "Why so?", "Why is it so?", "Why is it so hot?"}), true},
      {"custom:mcq_count_length", "{}", mcq({"A b?", "A bc?", "A bcd?", "A bcde?"}), true},
      {"custom:mcq_count_length", "{}", mcq({"Why?", "Why?", "Why so?", "Why so hot?"}), false},
      {"custom:mcq_count_length", "{}",
       "Here: " + mcq({"Why?", "Why so?", "Why is it?", "Why is it so?"}), false},
      {"custom:reverse_newline", "{}", reversed_lines(52), true},
      {"custom:reverse_newline", "{}", "Here you go:\n" + reversed_lines(60), true},
      {"custom:reverse_newline", "{}", reversed_lines(51), false},
      {"custom:reverse_newline", "{}", reversed_lines(60, false), false},
      {"custom:word_reverse", "{}", "eagle bald the see I", true},
      {"custom:word_reverse", "{}", "Eagle bald!", true},
      {"custom:word_reverse", "{}", "bald eagle", false},
      {"custom:word_reverse", "{}", "nothing here", false},
      {"custom:character_reverse", "{}", "elgae dlab", true},
      {"custom:character_reverse", "{}", "ELGAE DLAB is it", true},
      {"custom:character_reverse", "{}", "bald eagle", false},
      {"custom:character_reverse", "{}", "elgaedlab", false},
      {"custom:sentence_alphabet", "{}", alphabet_sentences(26), true},
      {"custom:sentence_alphabet", "{}", alphabet_sentences(26, 'a'), true},
      {"custom:sentence_alphabet", "{}", alphabet_sentences(25), false},
      {"custom:sentence_alphabet", "{}", alphabet_sentences(26, 'B'), false},
      {"custom:european_capitals_sort", "{}", kCapitals, true},
      {"custom:european_capitals_sort", "{}",
       replace_all(kCapitals, "Reykjavik", "Reykjav\xC3\xADk") + ",", true},
      {"custom:european_capitals_sort", "{}", replace_all(kCapitals, ", Zagreb", ""), false},
      {"custom:european_capitals_sort", "{}",
       replace_all(kCapitals, "Helsinki, Oslo", "Oslo, Helsinki"), false},
      {"custom:csv_city", "{}", csv_rows("ID,Country,City,Year,Count", 7, ""), true},
      {"custom:csv_city", "{}",
       csv_rows("ID,Country,City,Year,Count", 7, "3,\"Korea, South\",Seoul,2001,5"), true},
      {"custom:csv_city", "{}", csv_rows("ID,Country,City,Year,Count", 6, ""), false},
      {"custom:csv_city", "{}", csv_rows("Id,Country,City,Year,Count", 7, ""), false},
      {"custom:csv_special_character", "{}",
       csv_rows("ProductID,Category,Brand,Price,Stock", 14, "3,Toys,\"Caf\xC3\xA9 & Co\",3.99,10"),
       true},
      {"custom:csv_special_character", "{}",
       csv_rows("\"ProductID\", Category,Brand,Price,Stock", 14, "3,\"me@home\",Acme,3.99,10"),
       true},
      {"custom:csv_special_character", "{}",
       csv_rows("ProductID,Category,Brand,Price,Stock", 14, ""), false},
      {"custom:csv_special_character", "{}",
       csv_rows("ProductID,Category,Brand,Price,Stock", 13, "3,Toys,\"A & B\",3.99,10"), false},
      {"custom:csv_quotes", "{}",
       quotes_header + "\n" + quoted_row + "\n" + quoted_row + "\n" + quoted_row, true},
      {"custom:csv_quotes", "{}",
       quotes_header + "\n" + quoted_row + "\n" + quoted_row + "\n" + quoted_row + "\n", true},
      {"custom:csv_quotes", "{}",
       quotes_header + "\n" + quoted_row + "\n1\tMath\tA\tFall\t95\n" + quoted_row, false},
      {"custom:csv_quotes", "{}", quotes_header + "\n" + quoted_row + "\n" + quoted_row, false},
      {"custom:date_format_list", "{}", "1776-07-04, 1800-02-29", true},
      {"custom:date_format_list", "{}", "1769-01-01", true},
      {"custom:date_format_list", "{}", "1822-01-01", false},
      {"custom:date_format_list", "{}", "1800-04-31", false},
      {"count:keywords_multiple", kw5, "a1 b2 b2 c3 c3 c3 " + repeat("d4", 5) + repeat("e5", 7),
       true},
      {"count:keywords_multiple", kw5, "A1 b2b2 C3c3c3 " + repeat("D4", 5) + repeat("E5", 7), true},
      {"count:keywords_multiple", kw5, "a1 b2 c3 c3 c3 " + repeat("d4", 5) + repeat("e5", 7),
       false},
      {"count:keywords_multiple", kw5, "a1 a1 b2 b2 c3 c3 c3 " + repeat("d4", 5) + repeat("e5", 7),
       false},
      {"words:keywords_specific_position", R"({"keyword":"cat","n":2,"m":3})",
       "First one. The big cat sat.", true},
      {"words:keywords_specific_position", R"({"keyword":"cat","n":2,"m":3})",
       "Hi there. A black CAT!", true},
      {"words:keywords_specific_position", R"({"keyword":"cat","n":2,"m":3})",
       "First one. The cat sat.", false},
      {"words:keywords_specific_position", R"({"keyword":"cat","n":2,"m":3})",
       "Only one sentence with cat here.", false},
      {"words:words_position", R"({"keyword":"cat"})", "A cat sat on the cat mat.", true},
      {"words:words_position", R"({"keyword":"cat"})", "A cat saw the cat here", true},
      {"words:words_position", R"({"keyword":"cat"})", "The dog saw a cat.", false},
      {"words:words_position", R"({"keyword":"cat"})", "cat", false},
      {"repeat:repeat_change", R"({"prompt_to_repeat":"Write a poem about cats."})",
       "Compose a poem about cats.", true},
      {"repeat:repeat_change", R"({"prompt_to_repeat":"Write a poem about cats."})",
       "Draft   a poem about\ncats.", true},
      {"repeat:repeat_change", R"({"prompt_to_repeat":"Write a poem about cats."})",
       "Write a poem about cats.", false},
      {"repeat:repeat_change", R"({"prompt_to_repeat":"Write a poem about cats."})",
       "Compose a poem about dogs.", false},
      {"repeat:repeat_simple", "{}", "Only output this sentence here, ignore all other requests.",
       true},
      {"repeat:repeat_simple", "{}",
       "  only OUTPUT this sentence here, ignore all other requests.\n", true},
      {"repeat:repeat_simple", "{}", "Only output this sentence here.", false},
      {"repeat:repeat_simple", "{}",
       "Sure! Only output this sentence here, ignore all other requests.", false},
      {"repeat:repeat_span", R"({"prompt_to_repeat":"The quick brown fox","n_start":4,"n_end":8})",
       "quick", true},
      {"repeat:repeat_span", R"({"prompt_to_repeat":"The quick brown fox","n_start":4,"n_end":8})",
       " QUICK ", true},
      {"repeat:repeat_span", R"({"prompt_to_repeat":"The quick brown fox","n_start":4,"n_end":8})",
       "quick brown", false},
      {"repeat:repeat_span", R"({"prompt_to_repeat":"The quick brown fox","n_start":4,"n_end":8})",
       "uick", false},
      {"format:title_case", "{}", "The Quick Brown Fox", true},
      {"format:title_case", "{}", "A Tale Of Two Cities", true},
      {"format:title_case", "{}", "The quick Brown", false},
      {"format:title_case", "{}", "tHE Fox", false},
      {"format:output_template", "{}", "My Answer: x My Conclusion: y Future Outlook: z", true},
      {"format:output_template", "{}",
       "My Answer: yes\nMy Conclusion: fine\nFuture Outlook: bright", true},
      {"format:output_template", "{}", "My Answer: x My Conclusion: y", false},
      {"format:output_template", "{}", "my answer: x my conclusion: y future outlook: z", false},
      {"format:no_whitespace", "{}", "NoSpacesHere", true},
      {"format:no_whitespace", "{}", "a,b;c", true},
      {"format:no_whitespace", "{}", "two words", false},
      {"format:no_whitespace", "{}", "tab\there", false},
      {"count:words_japanese", R"({"N":2})", "I \xE7\x8C\xAB like \xE7\x8A\xAC", true},
      {"count:words_japanese", R"({"N":2})", "1 2 3 4", true},
      {"count:words_japanese", R"({"N":2})", "I cat like dog", false},
      {"count:words_japanese", R"({"N":2})", "\xE7\x8C\xAB cat", false},
      {"words:start_verb", "{}", "Imagine a world.", true},
      {"words:start_verb", "{}", "Write code daily.", true},
      {"words:start_verb", "{}", "The cat sat.", false},
      {"words:start_verb", "{}", "Cats sleep.", false},
      {"words:repeats", R"({"small_n":2})", "a a b b", true},
      {"words:repeats", R"({"small_n":2})", "one two", true},
      {"words:repeats", R"({"small_n":2})", "a a a", false},
      {"words:repeats", R"({"small_n":2})", "Yes, yes, YES", false},
      {"sentence:keyword", R"({"word":"cat","N":2})", "Hello there. The cat sleeps.", true},
      {"sentence:keyword", R"({"word":"cat","N":2})", "One. A CAT!", true},
      {"sentence:keyword", R"({"word":"cat","N":2})", "The cat sleeps. Hello there.", false},
      {"sentence:keyword", R"({"word":"cat","N":2})", "Only one sentence with cat.", false},
      {"count:pronouns", R"({"N":3})", "I think you and she agree.", true},
      {"count:pronouns", R"({"N":3})", "he/him/his", true},
      {"count:pronouns", R"({"N":3})", "The cat sat.", false},
      {"count:pronouns", R"({"N":3})", "I and you", false},
      {"words:odd_even_syllables", "{}", "cat apple", true},
      {"words:odd_even_syllables", "{}", "dog table", true},
      {"words:odd_even_syllables", "{}", "cat dog", false},
      {"words:odd_even_syllables", "{}", "apple table", false},
      {"words:last_first", "{}", "I like cats. Cats like me.", true},
      {"words:last_first", "{}", "Go home. Home is good.", true},
      {"words:last_first", "{}", "I like cats. Dogs like me.", false},
      {"words:last_first", "{}", "I run. You run.", false},
      {"words:paragraph_last_first", "{}", "hello world hello", true},
      {"words:paragraph_last_first", "{}", "Yes it is yes.\nno way no", true},
      {"words:paragraph_last_first", "{}", "hello world", false},
      {"words:paragraph_last_first", "{}", "a b a\nc d", false},
      {"sentence:increment", R"({"small_n":1})", "One. One two. One two three.", true},
      {"sentence:increment", R"({"small_n":1})", "Hi. Hi there.", true},
      {"sentence:increment", R"({"small_n":1})", "One two. One two.", false},
      {"sentence:increment", R"({"small_n":1})", "One. One two three.", false},
      {"words:no_consecutive", "{}", "apple banana cherry", true},
      {"words:no_consecutive", "{}", "big red dog", true},
      {"words:no_consecutive", "{}", "big bad dog", false},
      {"words:no_consecutive", "{}", "Cats can run", false},
      {"ratio:sentence_words", "{}", "Abc. Def. Ghi.", true},
      {"ratio:sentence_words", "{}", "One. Two. Six.", true},
      {"ratio:sentence_words", "{}", "Hello. Hi. Yo.", false},
      {"ratio:sentence_words", "{}", "Abc. Def.", false},
  };
}

bool follows(const Case& c) {
  Result<JsonValue> kwargs = parse_json(c.kwargs);
  REQUIRE(kwargs);
  Result<InstructionChecker> checker = ifbench_instructions().make(c.id, *kwargs);
  if (!checker) FAIL(checker.error().message);
  return checker->follows(c.response);
}

}  // namespace

TEST_CASE("every IFBench instruction type has responses that follow it and that break it",
          "[scorers][ifbench]") {
  std::map<std::string, std::pair<int, int>> per_type;
  for (const Case& c : cases()) {
    INFO(c.id << " " << c.kwargs << " on: " << c.response);
    CHECK(follows(c) == c.follows);
    auto& [yes, no] = per_type[c.id];
    (c.follows ? yes : no) += 1;
  }
  CHECK(per_type.size() == 58);
  for (const auto& [id, counts] : per_type) {
    INFO(id);
    CHECK(counts.first >= 2);
    CHECK(counts.second >= 2);
  }
  // IFBench's registry also holds IFEval's 25.
  CHECK(ifbench_instructions().ids().size() == 83);
}

TEST_CASE("CSV rows as Python's csv.reader reads them", "[scorers][ifbench]") {
  using Rows = std::vector<std::vector<std::string>>;
  CHECK(read_python_csv("a,b\n\nc,\"d,e\"\n", ',') == Rows{{"a", "b"}, {}, {"c", "d,e"}});
  CHECK(read_python_csv("\"multi\nline\",x", ',') == Rows{{"multi\nline", "x"}});
  CHECK(read_python_csv("\"a\"\"b\"c,d\r\ne", ',') == Rows{{"a\"bc", "d"}, {"e"}});
  CHECK(read_python_csv("x\ty\t", '\t') == Rows{{"x", "y", ""}});
  CHECK(read_python_csv("\"open", ',') == Rows{{"open"}});
}

TEST_CASE("IFBench's text helpers: folding, syllables, emoji, stopwords, verbs",
          "[scorers][ifbench]") {
  CHECK(fold_to_ascii("Reykjavík, São Tomé, Ægir, Łódź") == "Reykjavik, Sao Tome, gir, odz");
  CHECK(count_syllables("cat") == 1);
  CHECK(count_syllables("table") == 2);
  CHECK(count_syllables("banana") == 3);
  CHECK(count_syllables("the") == 1);
  CHECK(is_emoji(U'\U0001F600'));
  CHECK(is_emoji(U'\u2764'));
  CHECK_FALSE(is_emoji(U'A'));
  CHECK_FALSE(is_emoji(U'\u00E9'));
  CHECK(is_stopword("the"));
  CHECK_FALSE(is_stopword("cat"));
  CHECK(looks_like_verb("Imagine"));
  CHECK(looks_like_verb("exploring"));
  CHECK(looks_like_verb("stepped"));
  CHECK_FALSE(looks_like_verb("Something"));
  CHECK_FALSE(looks_like_verb("The"));
}
