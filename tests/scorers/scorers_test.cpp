#include <catch2/catch.hpp>

#include "scorers/choice_scorer.h"
#include "scorers/exact_scorer.h"
#include "scorers/gsm8k_scorer.h"
#include "scorers/mmlu_pro_tiger_scorer.h"
#include "suites/python_random.h"

using namespace assay;

namespace {
struct ChoiceCase {
  const char* text;
  char letter;  // 0 = no match
  int pattern;
};
}  // namespace

// Expected values follow Python `re` semantics of the AA pattern list (protocols.md §1.4):
// pattern 1 with findall/last match, the rest with re.search (first match).
TEST_CASE("choice extraction follows the AA pattern list in order", "[choice]") {
  const ChoiceCase cases[] = {
      {"Reasoning...\nAnswer: C", 'C', 1},
      {"Answer: A is tempting.\nAnswer: D", 'D', 1},  // last match of pattern 1
      {"**Answer:** B", 'B', 1},
      {"answer: b", 'B', 1},  // (?i) applies to the letter too
      {"Answer:\n\n  C", 'C', 1},
      {"Answer: Because", 0, 0},  // lookahead fails, and nothing else matches
      {"The final is \\boxed{\\text{B}}", 'B', 2},
      {"so the answer is c, clearly", 'C', 3},
      {"I think the answer is (D).", 'D', 4},
      {"Option B) looks right", 'B', 5},
      {"Clearly C is the correct answer", 'C', 6},
      {"my pick:\nD", 'D', 7},
      {"I pick D. Definitely", 'D', 8},
      {"i pick D, definitely", 'D', 9},
      {"I pick D, definitely", 'I', 9},  // as permissive as the reference regex
      {"no letters here at all", 0, 0},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto got = extract_choice_letter(c.text);
    if (c.letter == 0) {
      REQUIRE_FALSE(got);
      continue;
    }
    REQUIRE(got);
    REQUIRE(got->letter == c.letter);
    REQUIRE(got->pattern == c.pattern);
  }
  REQUIRE(extract_choice_letter("i pick D, definitely")->pattern_name == "letter_nonword");
}

TEST_CASE("the choice scorer compares letters and explains which pattern fired", "[choice]") {
  auto s = make_choice_scorer();
  std::vector<std::string> choices = {"a", "b", "c", "d"};
  ScoringInput in;
  in.output = "Thinking.\nAnswer: B";
  in.target = "B";
  in.choices = &choices;
  auto r = s->score(in);
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].value == 1.0);
  REQUIRE(r[0].answer == "B");
  REQUIRE(r[0].explanation.find("pattern 1 (primary_answer_format)") != std::string::npos);
  in.target = "C";
  REQUIRE(s->score(in)[0].value == 0.0);
  in.output = "no idea";
  auto none = s->score(in);
  REQUIRE_FALSE(none[0].value);
  REQUIRE(none[0].unscored_reason == "no_answer");
}

// lm-eval gsm8k: strict "#### (\-?[0-9\.\,]+)" take_first; flexible
// "(-?[$0-9.,]{2,})|(-?[0-9]+)" group_select -1; regexes_to_ignore [",", "\$", "(?s).*#### ",
// "\.$"].
TEST_CASE("gsm8k extraction matches lm-evaluation-harness", "[gsm8k]") {
  REQUIRE(*extract_gsm8k_strict("so\n#### 1,234.") == "1,234.");
  REQUIRE(*extract_gsm8k_strict("#### -5 and #### 7") == "-5");
  REQUIRE_FALSE(extract_gsm8k_strict("#### x"));
  REQUIRE_FALSE(extract_gsm8k_strict("The answer is 5"));
  REQUIRE(*extract_gsm8k_flexible("3 apples and 12 pears cost $1,050.") == "$1,050.");
  REQUIRE(*extract_gsm8k_flexible("it is 7") == "7");
  REQUIRE(*extract_gsm8k_flexible("from -3 to -12") == "-12");
  REQUIRE(*extract_gsm8k_flexible("version 2.5 then 9") == "9");
  REQUIRE(*extract_gsm8k_flexible("wait... 4") == "4");
  REQUIRE(*extract_gsm8k_flexible("ends with dots...") == "...");  // the reference regex agrees
  REQUIRE_FALSE(extract_gsm8k_flexible("no digits"));
  REQUIRE(normalize_gsm8k_answer("$1,050.") == "1050");
  REQUIRE(normalize_gsm8k_answer("work\n#### 72") == "72");
}

TEST_CASE("the gsm8k scorer records flexible (primary) and strict metrics", "[gsm8k]") {
  auto s = make_gsm8k_scorer();
  REQUIRE(s->metrics() == std::vector<std::string>{"gsm8k_flexible", "gsm8k_strict"});
  ScoringInput in;
  in.output = "She earns 9 * 2 = $18 every day.";
  in.target = "18";
  auto r = s->score(in);
  REQUIRE(r[0].metric == "gsm8k_flexible");
  REQUIRE(r[0].value == 1.0);
  REQUIRE(r[0].answer == "18");
  REQUIRE(r[1].metric == "gsm8k_strict");
  REQUIRE_FALSE(r[1].value);
  REQUIRE(r[1].unscored_reason == "no_answer");
  in.output = "So: #### 1,8";
  auto wrong = s->score(in);
  REQUIRE(wrong[1].value == 1.0);  // "1,8" → "18" after removing commas, as the reference does
}

TEST_CASE("exact match normalises case, whitespace and a trailing period", "[exact]") {
  REQUIRE(normalize_for_exact_match("  Paris.\n") == "paris");
  REQUIRE(normalize_for_exact_match("New   York\tCity") == "new york city");
  auto s = make_exact_scorer();
  ScoringInput in;
  in.output = "PARIS";
  in.target = "paris.";
  REQUIRE(s->score(in)[0].value == 1.0);
  in.output = "   ";
  REQUIRE(s->score(in)[0].unscored_reason == "no_answer");
}

TEST_CASE("mmlu_pro_tiger follows the reference's three stages and its seeded pick",
          "[scorers][mmlu_pro]") {
  auto stage = [](std::string_view t, bool three = true) {
    auto e = extract_mmlu_pro_tiger(t, three);
    return e ? std::string(1, e->letter) + std::to_string(e->stage) : std::string("-");
  };
  REQUIRE(stage("so the answer is (C). Answer: D") == "C1");
  REQUIRE(stage("the answer is (None of these)\nAnswer: B") == "B2");
  // Stage 2: the first line holding a match, the rightmost match in it; \s* crosses lines.
  REQUIRE(stage("Answer: A then answer: B\nAnswer: C") == "B2");
  REQUIRE(stage("x\nFinal Answer:\n  E") == "E2");
  // Stage 3: the last standalone letter; ° is not a word character, é is.
  REQUIRE(stage("about 220°F, option C or perhaps D") == "D3");
  REQUIRE(stage("between C and 220°F") == "F3");
  REQUIRE(stage("between C and éF") == "C3");
  REQUIRE(stage("nothing here") == "-");
  REQUIRE(stage("pick C", false) == "-");  // v0 has no last-letter stage
  // random.seed(12345); random.randint(0, n - 1), checked against the CPython MT port.
  for (int n = 1; n <= 26; ++n) {
    PythonRandom rng(12345);
    REQUIRE(mmlu_pro_tiger_random_pick(n) == static_cast<int>(rng.randbelow(n)));
  }
  auto tiger = make_mmlu_pro_tiger_scorer();
  ScoringInput in;
  in.output = "no letters here";
  in.target = "G";
  auto s = tiger->score(in);
  REQUIRE(s[0].value == 1.0);  // the seeded pick is G
  REQUIRE(s[0].explanation.find("seeded pick") != std::string::npos);
  auto v0 = make_mmlu_pro_tiger_v0_scorer()->score(in);
  REQUIRE_FALSE(v0[0].value);
  REQUIRE(v0[0].unscored_reason == "no_answer");
}
