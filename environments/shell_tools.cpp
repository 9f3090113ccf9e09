#include "environments/shell_tools.h"

namespace assay {
namespace {

ToolSpec one_string_tool(const char* name, const char* description, const char* parameter,
                         const char* parameter_description) {
  ToolSpec spec;
  spec.name = name;
  spec.description = description;
  spec.parameters = JsonValue::object(
      {{"type", "object"},
       {"properties",
        JsonValue::object(
            {{parameter,
              JsonValue::object({{"type", "string"}, {"description", parameter_description}})}})},
       {"required", JsonValue::array({parameter})}});
  return spec;
}

class CommandTool final : public Tool {
 public:
  CommandTool(ToolSpec spec, std::string parameter, bool code_on_stdin,
              std::vector<std::string> argv)
      : spec_(std::move(spec)),
        parameter_(std::move(parameter)),
        code_on_stdin_(code_on_stdin),
        argv_(std::move(argv)) {}

  const ToolSpec& spec() const override { return spec_; }

  Result<ToolOutput> call(const JsonValue& arguments, ToolContext& context) const override {
    Result<Workspace*> w = context.workspace();
    if (!w) return w.error();
    const std::string& text = arguments.find(parameter_)->as_string();
    WorkspaceCommand c;
    c.argv = argv_;
    if (code_on_stdin_) {
      c.stdin_data = text;
    } else {
      c.argv.push_back(text);
    }
    c.timeout_seconds = context.settings().timeout_seconds;
    c.output_cap = context.settings().output_cap;
    Result<WorkspaceResult> r = (*w)->run(c);
    if (!r) return make_error(ErrorKind::kEnvironment, r.error().message);
    return command_output(*r, c.timeout_seconds);
  }

 private:
  ToolSpec spec_;
  std::string parameter_;
  bool code_on_stdin_;
  std::vector<std::string> argv_;
};

}  // namespace

std::unique_ptr<Tool> make_bash_tool() {
  return std::make_unique<CommandTool>(
      one_string_tool("bash",
                      "Run a bash command in the task's workspace (working directory /work) and "
                      "see its output (stdout and stderr). Files and background processes persist "
                      "between calls.",
                      "command", "The bash command to run."),
      "command", false, std::vector<std::string>{"bash", "-c"});
}

std::unique_ptr<Tool> make_python_tool() {
  return std::make_unique<CommandTool>(
      one_string_tool("python",
                      "Run a Python 3 program in the task's workspace (working directory /work) "
                      "and see its output. Print what you want to see: the value of the last "
                      "expression is not shown. Files persist between calls; variables do not.",
                      "code", "The Python program to run."),
      "code", true, std::vector<std::string>{"python3", "-"});
}

}  // namespace assay
