#include "environments/builtin.h"

#include "environments/shell_tools.h"
#include "environments/submit_tool.h"
#include "environments/text_editor_tool.h"

namespace assay {

const std::vector<std::string>& builtin_tool_names() {
  static const std::vector<std::string> kNames = {"bash", "python", "text_editor", "submit"};
  return kNames;
}

Result<std::shared_ptr<const Tool>> make_builtin_tool(const std::string& name) {
  if (name == "bash") return std::shared_ptr<const Tool>(make_bash_tool());
  if (name == "python") return std::shared_ptr<const Tool>(make_python_tool());
  if (name == "text_editor") return std::shared_ptr<const Tool>(make_text_editor_tool());
  if (name == "submit") return std::shared_ptr<const Tool>(make_submit_tool());
  std::string known;
  for (const std::string& n : builtin_tool_names()) known += (known.empty() ? "" : ", ") + n;
  return make_error(ErrorKind::kNotFound,
                    "no built-in tool '" + name + "' (built in: " + known + ")");
}

}  // namespace assay
