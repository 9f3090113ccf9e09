#pragma once
/// The built-in tools, registered explicitly here (one line each).

#include <memory>
#include <string>
#include <vector>

#include "environments/tool.h"

namespace assay {

/// The built-in tools' names: "bash", "python", "text_editor", "submit".
const std::vector<std::string>& builtin_tool_names();

/// The built-in tool called `name`; kNotFound listing the names otherwise.
Result<std::shared_ptr<const Tool>> make_builtin_tool(const std::string& name);

}  // namespace assay
