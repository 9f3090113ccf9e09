#include <catch2/catch.hpp>

#include <zlib.h>

#include "scorers/math_scorers.h"
#include "suites/builtin.h"
#include "suites/dataset.h"
#include "suites/prompt_template.h"
#include "suites/suite.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::TempDir;
using assay::testing::write_file;

namespace {
std::string render(const std::string& tmpl, const JsonValue& row,
                   std::vector<std::pair<std::string, std::string>> extra = {}) {
  auto t = PromptTemplate::compile(tmpl, "test");
  REQUIRE(t);
  TemplateScope scope{&row, &extra};
  auto r = t->render(scope);
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("templates substitute fields and apply filters", "[template]") {
  JsonValue row = *parse_json(
      R"({"q":"Why?","answer":"so 2+2=4\n#### 1,234","idx":2,"opts":{"A":"x"},"ctx":["a","b"]})");
  REQUIRE(render("Q: {q}", row) == "Q: Why?");
  REQUIRE(render("{answer|after:#### |remove:,}", row) == "1234");
  REQUIRE(render("{idx|letter}", row) == "C");
  REQUIRE(render("{opts.A|upper}", row) == "X");
  REQUIRE(render("{ctx|join:\n}", row) == "a\nb");
  REQUIRE(render("{missing|default:none}", row) == "none");
  REQUIRE(render("{_file|stem|remove:_test}", row, {{"_file", "/d/anatomy_test.csv"}}) ==
          "anatomy");
  REQUIRE(render("\\boxed{} and {{q}}", row) == "\\boxed{} and {q}");
  REQUIRE(render("{answer|after:#### |number}", row) == "1234");
}

TEST_CASE("templates report missing fields and unknown filters", "[template]") {
  JsonValue row = *parse_json(R"({"a":1})");
  auto t = PromptTemplate::compile("{b}", "suite x: [sample] prompt");
  std::vector<std::pair<std::string, std::string>> extra;
  TemplateScope scope{&row, &extra};
  auto r = t->render(scope);
  REQUIRE_FALSE(r);
  REQUIRE(r.error().message == "suite x: [sample] prompt: the row has no field 'b'");
  auto bad = PromptTemplate::compile("{a|uper}", "w");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("did you mean 'upper'") != std::string::npos);
  REQUIRE_FALSE(PromptTemplate::compile("{a", "w"));
}

TEST_CASE("CSV parsing handles quotes, doubled quotes and embedded newlines", "[dataset]") {
  auto rows = parse_csv_rows("q,a\n\"x, \"\"y\"\"\nz\",1\r\nplain,2\n", "f.csv");
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  REQUIRE((*rows)[0].fields.find("q")->as_string() == "x, \"y\"\nz");
  REQUIRE((*rows)[1].line == 4);
  auto bad = parse_csv_rows("a,b\n1,2,3\n", "f.csv");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message == "f.csv:2: expected 2 fields (as in the header), got 3");
  REQUIRE_FALSE(parse_csv_rows("a\n\"open", "f.csv"));
}

TEST_CASE("JSONL errors name the file and line", "[dataset]") {
  auto rows = parse_jsonl_rows("{\"a\":1}\n\n{\"a\":2}\n{\"a\":\n", "data.jsonl");
  REQUIRE_FALSE(rows);
  REQUIRE(rows.error().kind == ErrorKind::kInvalidInput);
  REQUIRE(rows.error().message.rfind("data.jsonl:4: invalid JSON", 0) == 0);
  auto not_obj = parse_jsonl_rows("[1]\n", "d.jsonl");
  REQUIRE(not_obj.error().message == "d.jsonl:1: expected a JSON object per line");
}

TEST_CASE("gzip, JSON arrays and keyed JSON objects load", "[dataset]") {
  TempDir dir;
  std::string gz = dir.file("rows.jsonl.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  std::string text = "{\"a\":1}\n{\"a\":2}\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  auto rows = load_rows(gz, DataFormat::kAuto);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  write_file(dir.file("arr.json"), "[{\"a\":1},{\"a\":2},{\"a\":3}]");
  REQUIRE(load_rows(dir.file("arr.json"), DataFormat::kAuto)->size() == 3);
  write_file(dir.file("keyed.json"), "{\"123\":{\"q\":\"x\"},\"456\":{\"q\":\"y\"}}");
  auto keyed = load_rows(dir.file("keyed.json"), DataFormat::kAuto);
  REQUIRE((*keyed)[1].fields.find("_key")->as_string() == "456");
  auto missing = load_rows(dir.file("nope.jsonl"), DataFormat::kAuto);
  REQUIRE(missing.error().kind == ErrorKind::kNotFound);
}

namespace {
const char* kSpec = R"(
name = "tiny"
domain = "math"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "tiny/{id}"
prompt = "Q: {question}\n{choices}"
choices_field = "options"
target = "{label|letter}"
metadata = ["id", "level={lvl|default:none}"]
[generation]
temperature = 0.0
max_tokens = 64
repeats = 2
[scoring]
scorers = ["choice"]
)";
}  // namespace

TEST_CASE("a user suite loads, renders choices and targets, and keeps metadata", "[suite]") {
  TempDir dir;
  write_file(dir.file("tiny.toml"), kSpec);
  write_file(dir.file("rows.jsonl"),
             "{\"id\":\"a\",\"question\":\"one?\",\"options\":[\"x\",\"y\"],\"label\":1}\n"
             "{\"id\":\"b\",\"question\":\"two?\",\"options\":{\"A\":\"p\",\"B\":\"q\"},\"label\":"
             "\"A\",\"lvl\":3}\n");
  auto spec = load_suite_spec_file(dir.file("tiny.toml"));
  REQUIRE(spec);
  REQUIRE(spec->repeats == 2);
  REQUIRE(*spec->generation.max_tokens == 64);
  auto suite = load_suite(*spec, "", std::nullopt);
  REQUIRE(suite);
  REQUIRE(suite->samples.size() == 2);
  const Sample& s = suite->samples[0];
  REQUIRE(s.id == "tiny/a");
  REQUIRE(s.messages[0].text() == "Q: one?\nA) x\nB) y");
  REQUIRE(s.target == "B");
  REQUIRE(s.choices == std::vector<std::string>{"x", "y"});
  REQUIRE(s.metadata.find("level")->as_string() == "none");
  REQUIRE(suite->samples[1].metadata.find("level")->as_string() == "3");
  auto limited = load_suite(*spec, "", 1);
  REQUIRE(limited->samples.size() == 1);
  REQUIRE(limited->total_records == 2);
}

TEST_CASE("suite errors name the suite file, row and field", "[suite]") {
  TempDir dir;
  write_file(dir.file("tiny.toml"), kSpec);
  write_file(dir.file("rows.jsonl"),
             "{\"id\":\"a\",\"question\":\"q\",\"options\":[\"x\"],\"label\":0}\n"
             "{\"id\":\"b\",\"options\":[\"x\"],\"label\":0}\n");
  auto spec = load_suite_spec_file(dir.file("tiny.toml"));
  auto suite = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(suite);
  const std::string& m = suite.error().message;
  REQUIRE(m.find(dir.file("tiny.toml")) != std::string::npos);
  REQUIRE(m.find("no field 'question'") != std::string::npos);
  REQUIRE(m.find("rows.jsonl:2") != std::string::npos);
}

TEST_CASE("a gold answer past the options is a data error naming file and line", "[suite]") {
  TempDir dir;
  write_file(dir.file("tiny.toml"), kSpec);
  write_file(dir.file("rows.jsonl"),
             "{\"id\":\"a\",\"question\":\"q\",\"options\":[\"w\",\"x\",\"y\",\"z\"],"
             "\"label\":3}\n"
             "{\"id\":\"b\",\"question\":\"q\",\"options\":[\"w\",\"x\",\"y\",\"z\"],"
             "\"label\":7}\n");
  auto spec = load_suite_spec_file(dir.file("tiny.toml"));
  auto suite = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(suite);
  const std::string& m = suite.error().message;
  REQUIRE(m.find("the target 'H' is not one of the 4 options (A–D)") != std::string::npos);
  REQUIRE(m.find("rows.jsonl:2") != std::string::npos);
}

TEST_CASE("suite specs reject unknown keys, bad types and missing tables", "[suite]") {
  auto unknown =
      parse_suite_spec("name='x'\n[dataset]\nfiles=['a']\nformt='csv'\n", "s.toml", ".", false);
  REQUIRE_FALSE(unknown);
  REQUIRE(unknown.error().message.find(
              "s.toml: [dataset]: unknown key 'formt' (did you mean 'format'?)") == 0);
  auto type = parse_suite_spec("name=1\n", "s.toml", ".", false);
  REQUIRE(type.error().message == "s.toml: 'name' must be a string");
  auto syntax = parse_suite_spec("name = \n", "s.toml", ".", false);
  REQUIRE(syntax.error().message.rfind("s.toml:1:", 0) == 0);
  auto nosample = parse_suite_spec("name='x'\n[dataset]\nfiles=['a']\n", "s.toml", ".", false);
  REQUIRE(nosample.error().message == "s.toml: a [sample] table is required");
  auto domain = parse_suite_spec("name='x'\ndomain='sciense'\n", "s.toml", ".", false);
  REQUIRE(domain.error().message.find("did you mean 'science'") != std::string::npos);
}

TEST_CASE("a pinned sha256 that does not match is an error naming file and digest", "[suite]") {
  TempDir dir;
  write_file(dir.file("rows.jsonl"), "{\"q\":\"x\",\"a\":\"y\"}\n");
  std::string spec_text =
      "name='s'\n[dataset]\nfiles=['rows.jsonl']\nsha256=['" + std::string(64, '0') +
      "']\n[sample]\nprompt='{q}'\ntarget='{a}'\n[scoring]\nscorers=['exact']\n";
  auto spec = parse_suite_spec(spec_text, "s.toml", dir.path(), false);
  REQUIRE(spec);
  auto suite = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(suite);
  REQUIRE(suite.error().message.find("checksum mismatch") != std::string::npos);
  REQUIRE(suite.error().message.find(std::string(64, '0')) != std::string::npos);
}

TEST_CASE("built-in suites parse and unknown names suggest the nearest", "[suite][builtin]") {
  for (const auto& name : builtin_suite_names()) {
    auto spec = find_builtin_suite(name);
    INFO(name);
    REQUIRE(spec);
  }
  auto miss = resolve_suite("mmlo");
  REQUIRE_FALSE(miss);
  REQUIRE(miss.error().message.find("did you mean 'mmlu'") != std::string::npos);
}

TEST_CASE("built-in gsm8k and mmlu load the real data with the manifest's record counts",
          "[suite][builtin][shared-data]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  std::string data = assay::testing::shared_data_dir();
  auto gsm = load_suite(*find_builtin_suite("gsm8k"), data, std::nullopt);
  REQUIRE(gsm);
  REQUIRE(gsm->samples.size() == 1319);
  REQUIRE(gsm->dataset_sha256 ==
          "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14");
  REQUIRE(gsm->samples[0].id == "gsm8k/0");
  REQUIRE(gsm->samples[0].target == "18");
  REQUIRE(gsm->samples[0].messages[0].text() ==
          "Solve the following math problem step by step. The last line of your response should "
          "be of the form \"#### ANSWER\" (without quotes) where ANSWER is the final numeric "
          "answer.\n\nJanet’s ducks lay 16 eggs per day. She eats three for breakfast every "
          "morning and bakes muffins for her friends every day with four. She sells the "
          "remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars "
          "does she make every day at the farmers' market?");
  auto mmlu = load_suite(*find_builtin_suite("mmlu"), data, std::nullopt);
  REQUIRE(mmlu);
  REQUIRE(mmlu->samples.size() == 14042);
  REQUIRE(mmlu->warnings.empty());
  const Sample& first = mmlu->samples[0];
  REQUIRE(first.id == "mmlu/abstract_algebra/0");
  REQUIRE(first.target == "B");
  REQUIRE(first.metadata.find("subject")->as_string() == "abstract_algebra");
  REQUIRE(first.messages[0].text() ==
          "Answer the following multiple choice question. The last line of your response should "
          "be in the following format: 'Answer: A/B/C/D' (e.g. 'Answer: A').\n\nFind the degree "
          "for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\n\nA) 0\nB) 4\n"
          "C) 2\nD) 6");
}

TEST_CASE("built-in math suites load the real data and prompt as AA does and grade their own gold",
          "[suite][builtin][shared-data][math]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  struct Expected {
    const char* name;
    size_t records;
    const char* first_id;
    const char* first_target;
    int repeats;
  };
  const Expected suites[] = {
      {"math-500", 500, "math-500/test/precalculus/807.json", "\\left( 3, \\frac{\\pi}{2} \\right)",
       3},
      {"math", 5000, "math/0", "2", 1},
      {"aime-2024", 30, "aime-2024/60", "204", 10},
      {"aime-2025", 30, "aime-2025/0", "70", 10},
      {"amc-2023", 40, "amc-2023/0", "27", 1},
  };
  auto scorer = assay::make_math_equiv_scorer();
  auto reference = assay::make_math_equiv_hendrycks_scorer();
  for (const Expected& e : suites) {
    INFO(e.name);
    auto suite =
        load_suite(*find_builtin_suite(e.name), assay::testing::shared_data_dir(), std::nullopt);
    REQUIRE(suite);
    REQUIRE(suite->samples.size() == e.records);
    CHECK(suite->spec.repeats == e.repeats);
    const Sample& first = suite->samples[0];
    CHECK(first.id == e.first_id);
    CHECK(first.target.find(e.first_target) != std::string::npos);
    const std::string& prompt = first.messages[0].text();
    CHECK(prompt.rfind("Solve the following math problem step by step. Put your answer inside "
                       "\\boxed{}.\n\n",
                       0) == 0);
    const std::string tail = "\n\nRemember to put your answer inside \\boxed{}.";
    REQUIRE(prompt.size() > tail.size());
    CHECK(prompt.substr(prompt.size() - tail.size()) == tail);
    // Every gold answer, written the way the prompt asks, is graded correct by both scorers.
    for (const Sample& s : suite->samples) {
      assay::ScoringInput in;
      std::string output = "Reasoning...\n\\boxed{" + assay::math_gold_answer(s.target) + "}";
      in.output = output;
      in.target = s.target;
      INFO(s.id << ": " << s.target.substr(0, 200));
      auto got = scorer->score(in);
      REQUIRE(got[0].value.has_value());
      CHECK(*got[0].value == 1.0);
      CHECK(*reference->score(in)[0].value == 1.0);
    }
  }
}

TEST_CASE("agent.mcp servers: command as words or a line, env, timeout, tools, and named errors") {
  const std::string head =
      "name='a'\n[dataset]\nfiles=['a']\n[sample]\nprompt='{q}'\ntarget='{a}'\n[scoring]\n"
      "scorers=['exact']\n[agent]\n";
  auto ok = parse_suite_spec(head +
                                 "[[agent.mcp]]\nname='fs'\ncommand=\"npx -y 'my server' "
                                 "\\\"a b\\\"\"\nenv={TOKEN='t'}\ntimeout=5\ntools=['read']\n"
                                 "[[agent.mcp]]\nname='other'\ncommand=['/bin/srv','--x']\n",
                             "s.toml", ".", false);
  INFO((ok ? std::string() : ok.error().message));
  REQUIRE(ok);
  REQUIRE(ok->agent);
  REQUIRE(ok->agent->mcp.size() == 2);
  const McpServerSpec& fs = ok->agent->mcp[0];
  CHECK(fs.command == std::vector<std::string>{"npx", "-y", "my server", "a b"});
  CHECK(fs.env == std::vector<std::pair<std::string, std::string>>{{"TOKEN", "t"}});
  CHECK(fs.timeout == 5);
  CHECK(fs.tools == std::vector<std::string>{"read"});
  CHECK(ok->agent->mcp[1].command == std::vector<std::string>{"/bin/srv", "--x"});
  CHECK(ok->agent->tools.empty());  // MCP tools alone are enough

  auto err = [&](const std::string& extra) {
    auto r = parse_suite_spec(head + extra, "s.toml", ".", false);
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(err("[[agent.mcp]]\nname='fs'\n") ==
        "s.toml: [agent] mcp[0]: 'command' is required (a string or a list of words)");
  CHECK(err("[[agent.mcp]]\nname='f s'\ncommand='x'\n").find("'name' must be letters") !=
        std::string::npos);
  CHECK(err("[[agent.mcp]]\nname='fs'\ncommand='x \"y'\n") ==
        "s.toml: [agent] mcp[0]: 'command': unclosed \" in 'x \"y'");
  CHECK(err("[[agent.mcp]]\nname='fs'\ncommand='x'\n[[agent.mcp]]\nname='fs'\ncommand='y'\n") ==
        "s.toml: [agent] mcp[1]: a server named 'fs' is declared twice");
  CHECK(err("[[agent.mcp]]\nname='fs'\ncommand='x'\ncmd='y'\n").find("unknown key 'cmd'") !=
        std::string::npos);
  CHECK(err("tools=[]\n").find("'tools' must name at least one tool (or declare [[agent.mcp]])") !=
        std::string::npos);

  auto flag = parse_mcp_flag("fs=npx -y @modelcontextprotocol/server-filesystem '/data dir'");
  REQUIRE(flag);
  CHECK(flag->name == "fs");
  CHECK(flag->command == std::vector<std::string>{
                             "npx", "-y", "@modelcontextprotocol/server-filesystem", "/data dir"});
  CHECK_FALSE(parse_mcp_flag("=cmd"));
  CHECK_FALSE(parse_mcp_flag("fs="));
}
