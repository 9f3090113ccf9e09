#include "environments/toolbox.h"

namespace assay {
namespace {

ToolOutput model_error(std::string text) {
  ToolOutput out;
  out.content = std::move(text);
  out.is_error = true;
  return out;
}

std::shared_ptr<const std::vector<ToolSpec>> specs_of(
    const std::vector<std::shared_ptr<const Tool>>& tools) {
  auto specs = std::make_shared<std::vector<ToolSpec>>();
  for (const auto& t : tools) specs->push_back(t->spec());
  return specs;
}

bool has_type(const JsonValue& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer")
    return value.is_int() ||
           (value.is_number() && value.as_double() == static_cast<double>(value.as_int()));
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_bool();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return true;
}

// What is wrong with `args` for `spec` (required parameters missing or of another type than
// declared), or "" when nothing is.
std::string argument_problem(const ToolSpec& spec, const JsonValue& args) {
  const JsonValue* properties = spec.parameters.find("properties");
  if (const JsonValue* required = spec.parameters.find("required");
      required != nullptr && required->is_array()) {
    for (const JsonValue& r : required->items()) {
      if (!r.is_string()) continue;
      if (args.find(r.as_string()) == nullptr) {
        return "missing required parameter '" + r.as_string() + "'";
      }
    }
  }
  if (properties == nullptr || !properties->is_object()) return "";
  for (const auto& [name, schema] : properties->members()) {
    const JsonValue* value = args.find(name);
    const JsonValue* type = schema.find("type");
    if (value == nullptr || type == nullptr || !type->is_string()) continue;
    if (!has_type(*value, type->as_string())) {
      return "parameter '" + name + "' must be of type " + type->as_string();
    }
  }
  return "";
}

}  // namespace

ToolBox::ToolBox(std::vector<std::shared_ptr<const Tool>> tools,
                 std::unique_ptr<ToolContext> context)
    : tools_(std::move(tools)), specs_(specs_of(tools_)), context_(std::move(context)) {}

Result<ToolOutput> ToolBox::run(const ToolCall& call) {
  const Tool* tool = nullptr;
  for (const auto& t : tools_) {
    if (t->spec().name == call.name) tool = t.get();
  }
  if (tool == nullptr) {
    std::string known;
    for (const auto& t : tools_) known += (known.empty() ? "" : ", ") + t->spec().name;
    return model_error("Error: there is no tool named '" + call.name +
                       "'. The tools are: " + known + ".");
  }
  std::string text = call.arguments.empty() ? "{}" : call.arguments;
  Result<JsonValue> args = parse_json(text);
  if (!args || !args->is_object()) {
    return model_error("Error: the arguments of " + call.name + " are not a JSON object: " +
                       text.substr(0, 200) + (args ? "" : " (" + args.error().message + ")"));
  }
  if (std::string problem = argument_problem(tool->spec(), *args); !problem.empty()) {
    return model_error("Error: " + call.name + ": " + problem + ".");
  }
  return tool->call(*args, *context_);
}

ToolBoxFactory::ToolBoxFactory(std::vector<std::shared_ptr<const Tool>> tools,
                               ToolSettings settings, std::shared_ptr<const Sandbox> sandbox)
    : tools_(std::move(tools)),
      specs_(specs_of(tools_)),
      settings_(std::move(settings)),
      sandbox_(std::move(sandbox)) {}

std::unique_ptr<ToolBox> ToolBoxFactory::open() const {
  return std::make_unique<ToolBox>(tools_, std::make_unique<ToolContext>(sandbox_, settings_));
}

}  // namespace assay
