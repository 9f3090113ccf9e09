#include "environments/submit_tool.h"

namespace assay {
namespace {

class SubmitTool final : public Tool {
 public:
  SubmitTool() {
    spec_.name = "submit";
    spec_.description =
        "Submit your final answer. This ends the task: call it once, when you are done.";
    spec_.parameters = JsonValue::object(
        {{"type", "object"},
         {"properties",
          JsonValue::object(
              {{"answer",
                JsonValue::object({{"type", "string"}, {"description", "The final answer."}})}})},
         {"required", JsonValue::array({"answer"})}});
  }

  const ToolSpec& spec() const override { return spec_; }

  Result<ToolOutput> call(const JsonValue& arguments, ToolContext& context) const override {
    (void)context;
    ToolOutput out;
    out.submitted = arguments.find("answer")->as_string();
    out.content = "Answer submitted.";
    return out;
  }

 private:
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_submit_tool() {
  return std::make_unique<SubmitTool>();
}

}  // namespace assay
