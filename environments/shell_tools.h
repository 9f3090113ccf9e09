#pragma once
/// The `bash` and `python` tools: run a command or a program in the sample's workspace (its
/// working directory /work), with the per-call timeout and output cap of ToolSettings.

#include <memory>

#include "environments/tool.h"

namespace assay {

/// bash: one required string parameter `command`, run with `bash -c`.
std::unique_ptr<Tool> make_bash_tool();

/// python: one required string parameter `code`, run with `python3 -` (the code on stdin).
std::unique_ptr<Tool> make_python_tool();

}  // namespace assay
