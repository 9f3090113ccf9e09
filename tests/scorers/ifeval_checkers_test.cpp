// IFEval's instruction checkers: for every one of the 25 instruction types, responses written to
// follow it and responses written to break it (at least two of each), then the scorer's strict
// and loose verdicts, its weights, and its errors.

#include <catch2/catch.hpp>

#include "harness/core/json.h"
#include "scorers/instructions/instruction_following_scorer.h"
#include "scorers/instructions/language_detection.h"
#include "scorers/instructions/python_regex.h"
#include "scorers/instructions/text_units.h"

using namespace assay;

namespace {

struct Case {
  const char* id;
  const char* kwargs;  // JSON object
  const char* response;
  bool follows;
};

// clang-format off
const Case kCases[] = {
  {"keywords:existence", R"({"keywords":["river","Bridge"]})", "The bridge crosses the River.", true},
  {"keywords:existence", R"({"keywords":["ocean"]})", "Oceanic trenches are deep.", true},
  {"keywords:existence", R"({"keywords":["river","bridge"]})", "The road crosses the river.", false},
  {"keywords:existence", R"({"keywords":["cat"]})", "A dog sleeps.", false},
  {"keywords:frequency", R"({"keyword":"data","frequency":3,"relation":"at least"})", "Data, data and more DATA.", true},
  {"keywords:frequency", R"({"keyword":"gold","frequency":2,"relation":"less than"})", "One gold coin.", true},
  {"keywords:frequency", R"({"keyword":"data","frequency":3,"relation":"at least"})", "Data and data.", false},
  {"keywords:frequency", R"({"keyword":"gold","frequency":2,"relation":"less than"})", "gold and Gold", false},
  {"keywords:forbidden_words", R"({"forbidden_words":["bad","ugly"]})", "A good, badge-wearing person.", true},
  {"keywords:forbidden_words", R"({"forbidden_words":["war"]})", "Peace and warmth.", true},
  {"keywords:forbidden_words", R"({"forbidden_words":["bad","ugly"]})", "That was Bad.", false},
  {"keywords:forbidden_words", R"({"forbidden_words":["war"]})", "The war ended.", false},
  {"keywords:letter_frequency", R"({"letter":"z","let_frequency":3,"let_relation":"at least"})", "Zigzag pizza", true},
  {"keywords:letter_frequency", R"({"letter":"q","let_frequency":1,"let_relation":"less than"})", "No such letter here.", true},
  {"keywords:letter_frequency", R"({"letter":"z","let_frequency":3,"let_relation":"at least"})", "Zoo", false},
  {"keywords:letter_frequency", R"({"letter":"e","let_frequency":2,"let_relation":"less than"})", "Ee", false},
  {"language:response_language", R"({"language":"de"})", "Das ist ein kurzer deutscher Text über das Wetter in Berlin und München.", true},
  {"language:response_language", R"({"language":"hi"})", "नमस्ते, आप कैसे हैं? मैं ठीक हूँ और आज मौसम बहुत अच्छा है।", true},
  {"language:response_language", R"({"language":"de"})", "This is a short English text about the weather in London and Paris.", false},
  {"language:response_language", R"({"language":"ko"})", "Ceci est un texte français sur la météo à Paris aujourd'hui.", false},
  {"length_constraints:number_sentences", R"({"num_sentences":3,"relation":"less than"})", "One sentence. Two sentences.", true},
  {"length_constraints:number_sentences", R"({"num_sentences":3,"relation":"at least"})", "Dr. Smith came. He left! Did he return?", true},
  {"length_constraints:number_sentences", R"({"num_sentences":2,"relation":"less than"})", "First. Second.", false},
  {"length_constraints:number_sentences", R"({"num_sentences":3,"relation":"at least"})", "Mr. Brown met Mrs. Green at 5 p.m. today.", false},
  {"length_constraints:number_paragraphs", R"({"num_paragraphs":2})", "First part.\n***\nSecond part.", true},
  {"length_constraints:number_paragraphs", R"({"num_paragraphs":2})", "A\n***\n\n***\nB", false},
  {"length_constraints:number_paragraphs", R"({"num_paragraphs":3})", "One ***\nTwo *** Three", true},
  {"length_constraints:number_paragraphs", R"({"num_paragraphs":2})", "Only one paragraph.", false},
  {"length_constraints:number_words", R"({"num_words":5,"relation":"at least"})", "one two three four five", true},
  {"length_constraints:number_words", R"({"num_words":4,"relation":"less than"})", "it's fine", true},
  {"length_constraints:number_words", R"({"num_words":5,"relation":"at least"})", "one two three-four", false},
  {"length_constraints:number_words", R"({"num_words":3,"relation":"less than"})", "a b c", false},
  {"length_constraints:nth_paragraph_first_word", R"({"num_paragraphs":2,"nth_paragraph":2,"first_word":"then"})", "First.\n\n\"Then, second.", true},
  {"length_constraints:nth_paragraph_first_word", R"({"num_paragraphs":1,"nth_paragraph":1,"first_word":"hello"})", "Hello world", true},
  {"length_constraints:nth_paragraph_first_word", R"({"num_paragraphs":2,"nth_paragraph":2,"first_word":"then"})", "First.\n\nAfter that.", false},
  {"length_constraints:nth_paragraph_first_word", R"({"num_paragraphs":3,"nth_paragraph":2,"first_word":"then"})", "First.\n\nThen.", false},
  {"detectable_content:number_placeholders", R"({"num_placeholders":2})", "Dear [name], at [address].", true},
  {"detectable_content:number_placeholders", R"({"num_placeholders":1})", "[x]", true},
  {"detectable_content:number_placeholders", R"({"num_placeholders":2})", "Dear [name].", false},
  {"detectable_content:number_placeholders", R"({"num_placeholders":1})", "No brackets (here).", false},
  {"detectable_content:postscript", R"({"postscript_marker":"P.S."})", "Body.\nP.S. See you.", true},
  {"detectable_content:postscript", R"({"postscript_marker":"P.P.S"})", "Body.\np. p. s later", true},
  {"detectable_content:postscript", R"({"postscript_marker":"P.S."})", "Body without a postscript.", false},
  {"detectable_content:postscript", R"({"postscript_marker":"P.P.S"})", "Body.\nP.S. only one.", false},
  {"detectable_format:number_bullet_lists", R"({"num_bullets":2})", "* one\n* two", true},
  {"detectable_format:number_bullet_lists", R"({"num_bullets":3})", "- a\n  - b\n* c\n**bold** line", true},
  {"detectable_format:number_bullet_lists", R"({"num_bullets":2})", "* one\n* two\n* three", false},
  {"detectable_format:number_bullet_lists", R"({"num_bullets":1})", "No bullets.", false},
  {"detectable_format:constrained_response", "{}", "Thinking... My answer is yes.", true},
  {"detectable_format:constrained_response", "{}", "My answer is maybe.", true},
  {"detectable_format:constrained_response", "{}", "My answer is Yes.", false},
  {"detectable_format:constrained_response", "{}", "Yes.", false},
  {"detectable_format:number_highlighted_sections", R"({"num_highlights":2})", "*one* and **two**", true},
  {"detectable_format:number_highlighted_sections", R"({"num_highlights":3})", "*a* *b* *c*", true},
  {"detectable_format:number_highlighted_sections", R"({"num_highlights":2})", "*one* and * *", false},
  {"detectable_format:number_highlighted_sections", R"({"num_highlights":1})", "**\n**", false},
  {"detectable_format:multiple_sections", R"({"section_spliter":"Section","num_sections":2})", "Section 1\nA\nSection 2\nB", true},
  {"detectable_format:multiple_sections", R"({"section_spliter":"PARAGRAPH","num_sections":1})", "PARAGRAPH 1 text", true},
  {"detectable_format:multiple_sections", R"({"section_spliter":"Section","num_sections":2})", "Section 1\nonly one", false},
  {"detectable_format:multiple_sections", R"({"section_spliter":"Section","num_sections":1})", "Section one", false},
  {"detectable_format:json_format", "{}", "```json\n{\"a\": 1}\n```", true},
  {"detectable_format:json_format", "{}", "  [1, 2, {\"b\": null}] ", true},
  {"detectable_format:json_format", "{}", "{\"a\": 1,}", false},
  {"detectable_format:json_format", "{}", "Here is JSON: {\"a\": 1}", false},
  {"detectable_format:title", "{}", "<<A Title>>\nText", true},
  {"detectable_format:title", "{}", "<< >> then <<Real>>", true},
  {"detectable_format:title", "{}", "<< >>", false},
  {"detectable_format:title", "{}", "<<broken\ntitle>>", false},
  {"combination:two_responses", "{}", "First answer.\n******\nSecond answer.", true},
  {"combination:two_responses", "{}", "******\nA\n******\nB\n******", true},
  {"combination:two_responses", "{}", "Same.\n******\nSame.", false},
  {"combination:two_responses", "{}", "A\n******\n\n******\nB", false},
  {"combination:repeat_prompt", R"({"prompt_to_repeat":"Write a poem."})", "write a poem. Roses are red.", true},
  {"combination:repeat_prompt", R"({"prompt_to_repeat":"  Say hi "})", "\nSay hi\nhi", true},
  {"combination:repeat_prompt", R"({"prompt_to_repeat":"Write a poem."})", "Roses are red. Write a poem.", false},
  {"combination:repeat_prompt", R"({"prompt_to_repeat":"Write a poem."})", "Write a poem", false},
  {"startend:end_checker", R"({"end_phrase":"Any other questions?"})", "Done. any other questions?\"", true},
  {"startend:end_checker", R"({"end_phrase":"Peace."})", "Bye. Peace.  \n", true},
  {"startend:end_checker", R"({"end_phrase":"Any other questions?"})", "Any other questions? Bye.", false},
  {"startend:end_checker", R"({"end_phrase":"Peace."})", "Peace", false},
  {"change_case:capital_word_frequency", R"({"capital_frequency":2,"capital_relation":"at least"})", "The NASA and ESA teams.", true},
  {"change_case:capital_word_frequency", R"({"capital_frequency":2,"capital_relation":"less than"})", "Only ONE word.", true},
  {"change_case:capital_word_frequency", R"({"capital_frequency":3,"capital_relation":"at least"})", "The NASA team.", false},
  {"change_case:capital_word_frequency", R"({"capital_frequency":2,"capital_relation":"less than"})", "DON'T GO", false},
  {"change_case:english_capital", "{}", "THIS IS A COMPLETELY CAPITALISED ENGLISH ANSWER ABOUT THE WEATHER.", true},
  {"change_case:english_capital", "{}", "HELLO THERE, MY FRIEND. THIS ANSWER IS WRITTEN IN CAPITAL LETTERS ONLY.", true},
  {"change_case:english_capital", "{}", "THIS IS MOSTLY CAPITALISED but not entirely.", false},
  {"change_case:english_capital", "{}", "DAS IST EIN GANZ GROSS GESCHRIEBENER DEUTSCHER TEXT ÜBER DAS WETTER.", false},
  {"change_case:english_lowercase", "{}", "this answer is written in lowercase english about the weather today.", true},
  {"change_case:english_lowercase", "{}", "well, the river runs quietly through the old town every single morning.", true},
  {"change_case:english_lowercase", "{}", "This answer starts with a capital letter.", false},
  {"change_case:english_lowercase", "{}", "das ist ein kleingeschriebener deutscher text über das wetter.", false},
  {"punctuation:no_comma", "{}", "No commas here.", true},
  {"punctuation:no_comma", "{}", "A full-width comma \xEF\xBC\x8C is not ASCII.", true},
  {"punctuation:no_comma", "{}", "One, two.", false},
  {"punctuation:no_comma", "{}", "1,000", false},
  {"startend:quotation", "{}", "\"Wrapped in quotes.\"", true},
  {"startend:quotation", "{}", "  \"x\"\n", true},
  {"startend:quotation", "{}", "\"", false},
  {"startend:quotation", "{}", "'Single quotes.'", false},
};
// clang-format on

bool follows(const Case& c) {
  Result<JsonValue> kwargs = parse_json(c.kwargs);
  REQUIRE(kwargs);
  Result<InstructionChecker> checker = ifeval_instructions().make(c.id, *kwargs);
  REQUIRE(checker);
  return checker->follows(c.response);
}

std::vector<Score> score_ifeval(const std::string& output, const std::string& metadata) {
  static const std::unique_ptr<Scorer> kScorer =
      make_instruction_following_scorer({"ifeval", &ifeval_instructions(), false});
  Result<JsonValue> meta = parse_json(metadata);
  REQUIRE(meta);
  ScoringInput input;
  input.output = output;
  input.metadata = &*meta;
  return kScorer->score(input);
}

const Score& metric(const std::vector<Score>& scores, const std::string& name) {
  for (const Score& s : scores) {
    if (s.metric == name) return s;
  }
  FAIL("no metric " << name);
  return scores.front();
}

}  // namespace

TEST_CASE("every IFEval instruction type has responses that follow it and that break it",
          "[scorers][ifeval]") {
  std::map<std::string, std::pair<int, int>> per_type;  // id → (follows, breaks)
  for (const Case& c : kCases) {
    INFO(c.id << " " << c.kwargs << " on: " << c.response);
    CHECK(follows(c) == c.follows);
    auto& [yes, no] = per_type[c.id];
    (c.follows ? yes : no) += 1;
  }
  REQUIRE(per_type.size() == 25);
  for (const std::string& id : ifeval_instructions().ids()) {
    INFO(id);
    CHECK(per_type[id].first >= 2);
    CHECK(per_type[id].second >= 2);
  }
}

TEST_CASE("loose grading tries the reference's eight variants in order", "[scorers][ifeval]") {
  std::vector<std::string> v = loose_variants("Sure!\n*Body* text\nBye");
  REQUIRE(v.size() == 8);
  CHECK(v[1] == "Sure!\nBody text\nBye");
  CHECK(v[2] == "*Body* text\nBye");
  CHECK(v[3] == "Sure!\n*Body* text");
  CHECK(v[4] == "*Body* text");
  CHECK(v[7] == "Body text");
  // A preamble line breaks "wrapped in quotes" strictly; without the first line it holds.
  std::vector<Score> s = score_ifeval(
      "Here you go:\n\"All in quotes\"",
      R"({"instruction_id_list":["startend:quotation","punctuation:no_comma"],"kwargs":[{},{}]})");
  CHECK(metric(s, "ifeval_prompt_strict").value == 0.0);
  CHECK(metric(s, "ifeval_prompt_loose").value == 1.0);
  CHECK(metric(s, "ifeval_inst_strict").value == 0.5);
  CHECK(metric(s, "ifeval_inst_strict").weight == 2.0);
  CHECK(metric(s, "ifeval_inst_loose").value == 1.0);
  CHECK(metric(s, "ifeval_inst_strict/startend:quotation").value == 0.0);
  CHECK(metric(s, "ifeval_inst_loose/startend:quotation").value == 1.0);
  CHECK(s.front().metric == "ifeval_prompt_strict");
  CHECK(s.front().answer == "1/2 followed");
}

TEST_CASE("an empty response follows nothing, even instructions it trivially meets",
          "[scorers][ifeval]") {
  std::vector<Score> s =
      score_ifeval("  \n", R"({"instruction_id_list":["punctuation:no_comma"],"kwargs":[{}]})");
  CHECK(metric(s, "ifeval_prompt_strict").value == 0.0);
  CHECK(metric(s, "ifeval_prompt_loose").value == 0.0);
}

TEST_CASE("a repeated instruction type weighs by its count in the per-type metric",
          "[scorers][ifeval]") {
  std::vector<Score> s = score_ifeval(
      "alpha beta",
      R"({"instruction_id_list":["keywords:existence","keywords:existence","punctuation:no_comma"],
          "kwargs":[{"keywords":["alpha"]},{"keywords":["gamma"]},{}]})");
  const Score& t = metric(s, "ifeval_inst_strict/keywords:existence");
  CHECK(t.value == 0.5);
  CHECK(t.weight == 2.0);
  CHECK(metric(s, "ifeval_inst_strict").value == Approx(2.0 / 3));
  CHECK(metric(s, "ifeval_inst_strict").weight == 3.0);
}

TEST_CASE("malformed instruction metadata is an error naming the field, not a zero",
          "[scorers][ifeval]") {
  auto reason = [](const std::string& meta) {
    std::vector<Score> s = score_ifeval("text", meta);
    REQUIRE_FALSE(s.front().value);
    CHECK(s.front().unscored_reason == "error:invalid_instruction");
    return s.front().explanation;
  };
  CHECK_THAT(reason(R"({"instruction_id_list":["keywords:existance"],"kwargs":[{}]})"),
             Catch::Contains("unknown instruction id 'keywords:existance'") &&
                 Catch::Contains("keywords:existence"));
  CHECK_THAT(reason(R"({"instruction_id_list":["keywords:frequency"],"kwargs":[{"keyword":"a",
                       "frequency":2,"relation":"at most"}]})"),
             Catch::Contains("'relation'") && Catch::Contains("at most"));
  CHECK_THAT(reason(R"({"instruction_id_list":["length_constraints:number_words"],
                       "kwargs":[{"relation":"at least"}]})"),
             Catch::Contains("'num_words' is missing"));
  CHECK_THAT(
      reason(R"({"instruction_id_list":["keywords:existence"],"kwargs":[{"keywords":["(x"]}]})"),
      Catch::Contains("invalid regular expression"));
  CHECK_THAT(reason(R"({"instruction_id_list":["punctuation:no_comma"],"kwargs":[]})"),
             Catch::Contains("one object per instruction"));
  CHECK_THAT(reason("{}"), Catch::Contains("instruction_id_list"));
}

TEST_CASE("regular expressions follow Python's re on Unicode text", "[scorers][ifeval]") {
  PythonRegex word = PythonRegex::fixed(R"(\w+)");
  CHECK(word.count("naïve café, 北京 ok") == 4);
  PythonRegex bound = PythonRegex::fixed(R"(\bstraße\b)", PythonRegex::kIgnoreCase);
  CHECK(bound.search("Die STRASSE, die Straße."));
  CHECK_FALSE(PythonRegex::fixed(R"(\bstraße\b)").search("Straßen"));
  PythonRegex line_end = PythonRegex::fixed(R"(^\s*-.*$)", PythonRegex::kMultiline);
  CHECK(line_end.count("- a\r\n- b\n-c") == 3);
  std::vector<std::string_view> parts = PythonRegex::fixed(R"(\s?\*\*\*\s?)").split("a *** b***");
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == "a");
  CHECK(parts[1] == "b");
  CHECK(parts[2].empty());
  CHECK_FALSE(PythonRegex::compile("(unclosed"));
}

TEST_CASE("text units: words, sentences, tokens, case and invalid UTF-8", "[scorers][ifeval]") {
  CHECK(count_words("It's 3 o'clock — naïve résumé!") == 7);
  CHECK(count_sentences("") == 0);
  CHECK(count_sentences("No end punctuation\nacross lines") == 1);
  CHECK(count_sentences("Hello! How are you? Fine. Thanks.") == 4);
  CHECK(count_sentences("He lives in the U.S. and works at Acme Inc. every day.") == 1);
  CHECK(count_sentences("Wait... The end.") == 2);
  CHECK(count_sentences("\"Stop.\" She left.") == 2);
  CHECK(count_sentences("Ask J. Smith. He knows.") == 2);
  std::vector<std::string> tokens = word_tokenize("\"DON'T stop,\" (NASA) said.");
  CHECK(tokens == std::vector<std::string>{"``", "DO", "N'T", "stop", ",", "''", "(", "NASA", ")",
                                           "said", "."});
  CHECK(py_isupper("ÉCOLE 42"));
  CHECK_FALSE(py_isupper("42"));
  CHECK(py_islower("ça va"));
  CHECK(py_lower("ÀÉÎ") == "àéî");
  CHECK(py_strip("\u3000 x \u00a0") == "x");
  CHECK(valid_utf8("a\xff"
                   "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(count_words(valid_utf8("bad \xc3 byte")) == 2);
}

TEST_CASE("language detection answers langdetect's codes and says when there is no evidence",
          "[scorers][ifeval]") {
  CHECK(detect_language("The quick brown fox jumps over the lazy dog near the river bank.") ==
        "en");
  CHECK(detect_language("Der schnelle braune Fuchs springt über den faulen Hund am Fluss.") ==
        "de");
  CHECK_FALSE(detect_language("12345 !!! 678"));
  // Too little for CLD2, where langdetect would still guess: a language that matches none.
  CHECK(detect_language("etchings") == "un");
}
