// Splitting reasoning out of answer text: the markers servers leave in, and what must stay.

#include <catch2/catch.hpp>

#include "harness/core/reasoning_split.h"

using namespace assay;

TEST_CASE("reasoning blocks at the start of an answer are split out", "[reasoning]") {
  const ThinkTags tags = ThinkTags::defaults();
  ReasoningSplit a = split_reasoning("  <think>hmm #### 5</think>\n\nAnswer: 4", tags);
  REQUIRE(a.found);
  REQUIRE_FALSE(a.unterminated);
  REQUIRE(a.answer == "Answer: 4");
  REQUIRE(a.reasoning == "hmm #### 5");
  ReasoningSplit nested = split_reasoning("<think>a<think>b</think>c</think>x", tags);
  REQUIRE(nested.answer == "x");
  REQUIRE(nested.reasoning == "a<think>b</think>c");
  ReasoningSplit two = split_reasoning("<think>a</think> [THINK]b[/THINK] x", tags);
  REQUIRE(two.answer == "x");
  REQUIRE(two.reasoning == "a\nb");
  ReasoningSplit open = split_reasoning("<thinking>never closes", tags);
  REQUIRE(open.unterminated);
  REQUIRE(open.answer.empty());
  REQUIRE(open.reasoning == "never closes");
  // The template opened the block in the prompt.
  ReasoningSplit close_only = split_reasoning("so it is 4</think>\n4", tags);
  REQUIRE(close_only.answer == "4");
  REQUIRE(close_only.reasoning == "so it is 4");
}

TEST_CASE("markers inside the answer stay where they are", "[reasoning]") {
  const ThinkTags tags = ThinkTags::defaults();
  const std::string code = "def f():\n```python\nprint('<think>x</think>')\n```";
  ReasoningSplit a = split_reasoning(code, tags);
  REQUIRE_FALSE(a.found);
  REQUIRE(a.answer == code);
  const std::string fenced_close = "```\n</think>\n```";
  REQUIRE_FALSE(split_reasoning(fenced_close, tags).found);
  REQUIRE_FALSE(split_reasoning("plain answer 4", tags).found);
  REQUIRE_FALSE(split_reasoning("<think>a</think>4", ThinkTags::none()).found);
}

TEST_CASE("gpt-oss harmony channels give the final channel as the answer", "[reasoning]") {
  const ThinkTags tags = ThinkTags::defaults();
  ReasoningSplit a = split_reasoning(
      "<|channel|>analysis<|message|>Let me think.<|end|><|start|>assistant<|channel|>final"
      "<|message|>The answer is 4.<|return|>",
      tags);
  REQUIRE(a.answer == "The answer is 4.");
  REQUIRE(a.reasoning == "Let me think.");
  ReasoningSplit cut = split_reasoning("<|channel|>analysis<|message|>Still going", tags);
  REQUIRE(cut.unterminated);
  REQUIRE(cut.answer.empty());
}

TEST_CASE("think_tags parses none or one pair and names a bad value", "[reasoning]") {
  REQUIRE_FALSE(parse_think_tags("none")->enabled());
  auto pair = parse_think_tags("<r>,</r>");
  REQUIRE(pair);
  REQUIRE(split_reasoning("<r>x</r>y", *pair).answer == "y");
  REQUIRE_FALSE(split_reasoning("<think>x</think>y", *pair).found);
  for (const char* bad : {"<think>", ",</think>", "<a>,", "a,b,c"}) {
    auto r = parse_think_tags(bad);
    REQUIRE_FALSE(r);
    REQUIRE(r.error().message.find("expected none or OPEN,CLOSE") != std::string::npos);
  }
  Completion c;
  c.text = "<think>why</think>4";
  c.reasoning = "provider's";
  c.finish_reason = "stop";
  split_reasoning_into(c, ThinkTags::defaults());
  REQUIRE(c.text == "4");
  REQUIRE(c.reasoning == "provider's\nwhy");
  Completion cut;
  cut.text = "<think>why";
  cut.finish_reason = "stop";
  split_reasoning_into(cut, ThinkTags::defaults());
  REQUIRE(cut.finish_reason == "reasoning_unterminated");
  Completion longer;
  longer.text = "<think>why";
  longer.finish_reason = "length";
  split_reasoning_into(longer, ThinkTags::defaults());
  REQUIRE(longer.finish_reason == "length");
}
