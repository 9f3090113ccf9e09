#pragma once
/// Tools an agent calls (DESIGN §10): the Tool interface, what a call produces, and the
/// per-sample context tools act in (the sandboxed workspace, opened on first use). Tools are
/// immutable and shared by every sample; a ToolContext belongs to one sample and is used from
/// one thread at a time.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "harness/core/json.h"
#include "harness/core/message.h"
#include "harness/core/result.h"
#include "harness/sandbox/sandbox.h"
#include "harness/sandbox/workspace.h"

namespace assay {

/// What one tool call produced for the model.
struct ToolOutput {
  std::string content;
  bool is_error = false;  ///< the model's call failed (bad argument, failing command, ...)
  /// The answer, when the call ends the sample (`submit`).
  std::optional<std::string> submitted;
};

/// How tools run inside a sample's workspace.
struct ToolSettings {
  double timeout_seconds = 60;    ///< per tool call; the command's process group is killed after
  int64_t output_cap = 16 << 10;  ///< bytes of output shown to the model (head and tail kept)
  WorkspaceOptions workspace;     ///< limits that apply to the whole sample, network, /work size
};

/// State a tool keeps for one sample between calls (an MCP server's process), owned by the
/// sample's ToolContext and destroyed with it.
class ToolSession {
 public:
  virtual ~ToolSession() = default;
};

/// One sample's tool state: its workspace, opened when a tool first needs it and closed (every
/// process in it killed) when the context is destroyed, and the tools' sessions. Not
/// thread-safe.
class ToolContext {
 public:
  /// `sandbox` (shared by the run) opens the workspace.
  ToolContext(std::shared_ptr<const Sandbox> sandbox, ToolSettings settings);
  /// The workspace, opened on first use; kEnvironment when it cannot start.
  Result<Workspace*> workspace();
  const ToolSettings& settings() const { return settings_; }
  /// The session stored under `key`, made by `open` on first use. An error from `open` is
  /// returned and nothing is stored (the next call tries again).
  Result<ToolSession*> session(const std::string& key,
                               const std::function<Result<std::unique_ptr<ToolSession>>()>& open);

 private:
  std::shared_ptr<const Sandbox> sandbox_;
  ToolSettings settings_;
  std::unique_ptr<Workspace> workspace_;
  std::map<std::string, std::unique_ptr<ToolSession>> sessions_;
};

/// A tool an agent may call.
class Tool {
 public:
  virtual ~Tool() = default;
  /// Its name, description and parameters (JSON Schema) as the model sees them.
  virtual const ToolSpec& spec() const = 0;
  /// Runs one call with `arguments` (an object that has every required parameter with its
  /// declared type). What the model got wrong (a bad value, a failing command) is an output
  /// with is_error; an Error means the environment itself broke (a sample error).
  virtual Result<ToolOutput> call(const JsonValue& arguments, ToolContext& context) const = 0;
};

/// A command's result as a tool shows it: its output, then "[exit code N]" when non-zero, or
/// the timeout or signal that ended it. Pure.
ToolOutput command_output(const WorkspaceResult& result, double timeout_seconds);

}  // namespace assay
