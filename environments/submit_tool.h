#pragma once
/// The `submit` tool: the agent's final answer (one required string parameter `answer`). The
/// call ends the sample; the answer is what the suite's scorers grade.

#include <memory>

#include "environments/tool.h"

namespace assay {

/// submit: one required string parameter `answer`.
std::unique_ptr<Tool> make_submit_tool();

}  // namespace assay
