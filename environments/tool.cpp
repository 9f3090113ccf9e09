#include "environments/tool.h"

namespace assay {

ToolContext::ToolContext(std::shared_ptr<const Sandbox> sandbox, ToolSettings settings)
    : sandbox_(std::move(sandbox)), settings_(settings) {}

Result<Workspace*> ToolContext::workspace() {
  if (workspace_) return workspace_.get();
  Result<std::unique_ptr<Workspace>> opened = sandbox_->open_workspace(settings_.workspace);
  if (!opened) {
    return make_error(ErrorKind::kEnvironment,
                      "cannot open the sample's workspace: " + opened.error().message);
  }
  workspace_ = std::move(opened).value();
  return workspace_.get();
}

Result<ToolSession*> ToolContext::session(
    const std::string& key, const std::function<Result<std::unique_ptr<ToolSession>>()>& open) {
  auto it = sessions_.find(key);
  if (it != sessions_.end()) return it->second.get();
  Result<std::unique_ptr<ToolSession>> opened = open();
  if (!opened) return opened.error();
  ToolSession* s = opened->get();
  sessions_.emplace(key, std::move(opened).value());
  return s;
}

ToolOutput command_output(const WorkspaceResult& result, double timeout_seconds) {
  ToolOutput out;
  out.content = result.output;
  std::string status;
  if (result.termination == Termination::kWallTimeout) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%g", timeout_seconds);
    status = std::string("[timed out after ") + seconds + " s: the command was killed]";
  } else if (result.termination == Termination::kSignaled) {
    status = "[killed by signal " + std::to_string(result.signal) + "]";
  } else if (result.exit_code != 0) {
    status = "[exit code " + std::to_string(result.exit_code) + "]";
  }
  if (!status.empty()) {
    out.is_error = true;
    if (!out.content.empty() && out.content.back() != '\n') out.content += '\n';
    out.content += status;
  }
  return out;
}

}  // namespace assay
