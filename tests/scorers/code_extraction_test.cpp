// Code extraction rules, HumanEval program assembly, exact raw JSON members (MBPP+ inputs) and
// the pass@k k-value selection. No sandbox needed.

#include <catch2/catch.hpp>

#include "harness/core/json.h"
#include "reports/run_summary.h"
#include "scorers/code/code_extraction.h"
#include "suites/suite.h"
#include "suites/suite_spec.h"
#include "tests/support/test_support.h"

using namespace assay;
using namespace assay::testing;

namespace {
const std::vector<std::string> kPython = {"python", "py", "python3"};
}

TEST_CASE("code extraction: a python block wins over an earlier block of another language",
          "[code][extraction]") {
  ExtractedCode c = extract_code(
      "Run it with:\n```bash\npython x.py\n```\nHere:\n```python\ndef f():\n    return 1\n```\n"
      "```python\nprint(f())\n```",
      kPython);
  CHECK(c.code == "def f():\n    return 1\n");
  CHECK(c.rule == "fenced block (python)");
  CHECK(extract_code("```py\nx = 1\n```", kPython).rule == "fenced block (py)");
  CHECK(extract_code("```Python3 {.numberLines}\nx = 1\n```", kPython).code == "x = 1\n");
}

TEST_CASE("code extraction: untagged block, unclosed fence, whole output", "[code][extraction]") {
  ExtractedCode plain = extract_code("Sure.\n```\ndef g(): pass\n```\nDone.", kPython);
  CHECK(plain.code == "def g(): pass\n");
  CHECK(plain.rule == "fenced block");
  ExtractedCode cut = extract_code("```python\ndef h():\n    return [1,", kPython);
  CHECK(cut.code == "def h():\n    return [1,");
  CHECK(cut.rule == "unclosed fence");
  ExtractedCode raw = extract_code("def k():\n    return 2\n", kPython);
  CHECK(raw.code == "def k():\n    return 2\n");
  CHECK(raw.rule == "whole output");
  // Inline code with backticks on the same line is not a fence.
  CHECK(extract_code("use ```x``` here", kPython).rule == "whole output");
  // An indented fence (inside a list item) still counts; its indentation leaves the body.
  CHECK(extract_code("1. Code:\n   ```python\n   if y:\n       z = 3\n   ```\n", kPython).code ==
        "if y:\n    z = 3\n");
}

TEST_CASE("function detection looks for a top-level def of exactly that name",
          "[code][extraction]") {
  CHECK(defines_function("def add(a, b):\n    return a + b\n", "add"));
  CHECK(defines_function("import math\nasync def add (a):\n  pass", "add"));
  CHECK_FALSE(defines_function("def add_one(a):\n    pass", "add"));
  CHECK_FALSE(defines_function("class A:\n    def add(self):\n        pass", "add"));
  CHECK_FALSE(defines_function("x = add(1, 2)", "add"));
}

TEST_CASE("HumanEval assembly: full function, completion, and body at column 0",
          "[code][extraction]") {
  const std::string prompt =
      "from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    \"\"\"Sum.\"\"\"\n";
  std::string rule;
  std::string full =
      assemble_function_solution(prompt, "def total(xs):\n    return sum(xs)\n", "total", &rule);
  CHECK(full == prompt + "\ndef total(xs):\n    return sum(xs)\n");
  CHECK(rule.find("defines total") == 0);
  std::string completion =
      assemble_function_solution(prompt, "    return sum(xs)\n", "total", &rule);
  CHECK(completion == prompt + "    return sum(xs)\n");
  CHECK(rule.find("completion") == 0);
  std::string body = assemble_function_solution(
      prompt, "s = 0\nfor x in xs:\n    s += x\n\nreturn s", "total", &rule);
  CHECK(body == prompt + "    s = 0\n    for x in xs:\n        s += x\n\n    return s\n");
  CHECK(rule.find("function body") == 0);
}

TEST_CASE("raw_json_member returns a member's text exactly as written", "[code][json]") {
  const std::string line =
      R"({"task_id": "Mbpp/1", "s": "a \"quoted\" {brace} [x]", "base_input": [[123456789012345678901234567890, 1.5e300], [NaN]], "atol": 0.0001, "o": {"k": [1, {"z": 2}]}})";
  CHECK(raw_json_member(line, "base_input") ==
        std::optional<std::string_view>("[[123456789012345678901234567890, 1.5e300], [NaN]]"));
  CHECK(raw_json_member(line, "atol") == std::optional<std::string_view>("0.0001"));
  CHECK(raw_json_member(line, "s") ==
        std::optional<std::string_view>(R"("a \"quoted\" {brace} [x]")"));
  CHECK(raw_json_member(line, "o") == std::optional<std::string_view>(R"({"k": [1, {"z": 2}]})"));
  CHECK_FALSE(raw_json_member(line, "k"));  // nested keys are not top-level members
  CHECK_FALSE(raw_json_member(line, "missing"));
  CHECK_FALSE(raw_json_member("[1, 2]", "a"));
  CHECK_FALSE(raw_json_member(R"({"a": [1, 2)", "a"));  // unterminated
}

TEST_CASE("metadata_raw copies JSONL fields verbatim and names the row when one is missing",
          "[code][suites]") {
  TempDir dir;
  write_file(dir.file("rows.jsonl"),
             "{\"id\": \"a\", \"inp\": [[99999999999999999999999]]}\n{\"id\": \"b\"}\n");
  write_file(dir.file("s.toml"),
             "name = \"raw\"\n[dataset]\nfiles = [\"rows.jsonl\"]\n[sample]\nid = \"{id}\"\n"
             "prompt = \"{id}\"\ntarget = \"{id}\"\nmetadata_raw = [\"inp\"]\n"
             "[scoring]\nscorers = [\"exact\"]\n");
  auto spec = load_suite_spec_file(dir.file("s.toml"));
  REQUIRE(spec);
  auto one = load_suite(*spec, "", 1);
  REQUIRE(one);
  CHECK(one->samples.at(0).metadata.find("inp")->as_string() == "[[99999999999999999999999]]");
  auto all = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(all);
  CHECK(all.error().message.find("metadata_raw: the row has no field 'inp'") != std::string::npos);
  CHECK(all.error().message.find("rows.jsonl:2") != std::string::npos);
}

TEST_CASE("pass@k k values: defaults, requested values, values above the repeats dropped",
          "[code][passk]") {
  CHECK(pass_k_values(5, {}) == std::vector<int>{1, 5});
  CHECK(pass_k_values(1, {}) == std::vector<int>{1});
  CHECK(pass_k_values(10, {10, 1, 5, 5, 20}) == std::vector<int>{1, 5, 10});
}
