// The built-in tools in a real bubblewrap workspace, through a ToolBox as the agent program
// uses them: bash and python output, exit codes and timeouts as the model sees them, the text
// editor's four commands and their errors, submit, and the model's mistakes (unknown tools,
// arguments that are not an object, missing or mistyped parameters) as tool errors.

#include <catch2/catch.hpp>

#include "environments/builtin.h"
#include "environments/toolbox.h"

using namespace assay;

namespace {

std::unique_ptr<ToolBox> toolbox(ToolSettings settings = {}) {
  Result<std::unique_ptr<Sandbox>> sandbox = make_bubblewrap_sandbox();
  INFO((sandbox ? std::string() : sandbox.error().message));
  REQUIRE(sandbox);
  std::vector<std::shared_ptr<const Tool>> tools;
  for (const std::string& name : builtin_tool_names()) {
    Result<std::shared_ptr<const Tool>> t = make_builtin_tool(name);
    REQUIRE(t);
    tools.push_back(*t);
  }
  ToolBoxFactory factory(std::move(tools), settings,
                         std::shared_ptr<const Sandbox>(std::move(sandbox).value()));
  return factory.open();
}

ToolOutput call(ToolBox& box, const std::string& name, const JsonValue& args) {
  Result<ToolOutput> r = box.run(ToolCall{"id", name, to_json(args)});
  INFO(name << ": " << (r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("bash and python run in the workspace and report failures to the model") {
  ToolSettings settings;
  settings.timeout_seconds = 1;
  auto box = toolbox(settings);
  ToolOutput ok = call(*box, "bash", JsonValue::object({{"command", "echo hi; echo err >&2"}}));
  CHECK_FALSE(ok.is_error);
  CHECK(ok.content == "hi\nerr\n");
  ToolOutput failed = call(*box, "bash", JsonValue::object({{"command", "echo nope; exit 4"}}));
  CHECK(failed.is_error);
  CHECK(failed.content == "nope\n[exit code 4]");
  ToolOutput slow = call(*box, "bash", JsonValue::object({{"command", "sleep 30"}}));
  CHECK(slow.is_error);
  CHECK(slow.content == "[timed out after 1 s: the command was killed]");
  ToolOutput py =
      call(*box, "python", JsonValue::object({{"code", "import os\nprint(os.getcwd(), 2 ** 10)"}}));
  CHECK(py.content == "/work 1024\n");
}

TEST_CASE("the text editor views, creates, replaces and inserts") {
  auto box = toolbox();
  auto edit = [&](JsonValue args) { return call(*box, "text_editor", args); };
  CHECK_FALSE(
      edit(JsonValue::object(
               {{"command", "create"}, {"path", "src/a.txt"}, {"file_text", "one\ntwo\nthree\n"}}))
          .is_error);
  CHECK(edit(JsonValue::object({{"command", "view"}, {"path", "src/a.txt"}})).content ==
        "     1\tone\n     2\ttwo\n     3\tthree\n");
  CHECK(edit(JsonValue::object({{"command", "view"},
                                {"path", "/work/src/a.txt"},
                                {"view_range", JsonValue::array({2, -1})}}))
            .content == "     2\ttwo\n     3\tthree\n");
  CHECK_FALSE(edit(JsonValue::object({{"command", "str_replace"},
                                      {"path", "src/a.txt"},
                                      {"old_str", "two"},
                                      {"new_str", "2"}}))
                  .is_error);
  CHECK_FALSE(edit(JsonValue::object({{"command", "insert"},
                                      {"path", "src/a.txt"},
                                      {"insert_line", 0},
                                      {"new_str", "zero"}}))
                  .is_error);
  CHECK(call(*box, "bash", JsonValue::object({{"command", "cat src/a.txt"}})).content ==
        "zero\none\n2\nthree\n");
  ToolOutput missing = edit(JsonValue::object(
      {{"command", "str_replace"}, {"path", "src/a.txt"}, {"old_str", "four"}, {"new_str", "4"}}));
  CHECK(missing.is_error);
  CHECK(missing.content.find("does not occur verbatim") != std::string::npos);
  edit(JsonValue::object({{"command", "create"}, {"path", "dup.txt"}, {"file_text", "x\nx\n"}}));
  ToolOutput twice = edit(JsonValue::object(
      {{"command", "str_replace"}, {"path", "dup.txt"}, {"old_str", "x"}, {"new_str", "y"}}));
  CHECK(twice.is_error);
  CHECK(twice.content.find("occurs 2 times") != std::string::npos);
  CHECK(twice.content.find("lines 1, 2") != std::string::npos);
  ToolOutput nofile = edit(JsonValue::object({{"command", "view"}, {"path", "nope.txt"}}));
  CHECK(nofile.is_error);
  CHECK(nofile.content.find("nope.txt") != std::string::npos);
  ToolOutput dir = edit(JsonValue::object({{"command", "view"}, {"path", "src"}}));
  CHECK(dir.content.find("src/a.txt") != std::string::npos);
  CHECK(edit(JsonValue::object({{"command", "delete"}, {"path", "x"}})).is_error);
}

TEST_CASE("submit carries the answer and the model's mistakes are tool errors") {
  auto box = toolbox();
  ToolOutput s = call(*box, "submit", JsonValue::object({{"answer", "42"}}));
  REQUIRE(s.submitted);
  CHECK(*s.submitted == "42");
  Result<ToolOutput> unknown = box->run(ToolCall{"1", "shell", "{}"});
  REQUIRE(unknown);
  CHECK(unknown->is_error);
  CHECK(unknown->content ==
        "Error: there is no tool named 'shell'. The tools are: bash, python, text_editor, submit.");
  Result<ToolOutput> not_object = box->run(ToolCall{"2", "bash", "[1]"});
  REQUIRE(not_object);
  CHECK(not_object->is_error);
  CHECK(not_object->content.find("not a JSON object") != std::string::npos);
  Result<ToolOutput> mistyped = box->run(ToolCall{"3", "bash", R"({"command": 7})"});
  REQUIRE(mistyped);
  CHECK(mistyped->content == "Error: bash: parameter 'command' must be of type string.");
  CHECK(make_builtin_tool("bsh").error().message.find("no built-in tool 'bsh'") !=
        std::string::npos);
}
