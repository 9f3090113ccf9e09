#pragma once
/// A persistent sandboxed workspace: one per agent sample (DESIGN §10). Files written and
/// background processes started by one command are there for the next; when the Workspace is
/// destroyed everything in it is killed and its files are gone. Under bubblewrap the workspace
/// is its own namespaces (no network but its own loopback unless allowed, read-only system, a
/// size-capped private /work and /tmp, a private PID namespace, a scrubbed environment) with the
/// SandboxLimits' rlimits on every process in it. Commands run through a small host process
/// inside it (`assay-sandbox-host`), each in its own process group with a timeout that kills the
/// group and an output cap.
///
/// Thread-safety: run() may be called from several threads; commands run one at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/sandbox/sandbox.h"

namespace assay {

/// How a workspace is set up.
struct WorkspaceOptions {
  /// Per-process limits of everything in the workspace (wall_seconds and max_output_bytes are
  /// ignored: commands carry their own timeout and cap).
  SandboxLimits limits;
  int64_t workspace_bytes = 256LL << 20;  ///< size of /work (the working directory)
  bool network = false;                   ///< share the host's network (sandboxed only)
};

/// One command run in a workspace.
struct WorkspaceCommand {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH inside the workspace
  std::string stdin_data;
  double timeout_seconds = 30;    ///< the command's process group is killed after this long
  int64_t output_cap = 16 << 10;  ///< stdout+stderr kept: the first and last halves of this
};

/// What a command did. `output` is stdout and stderr interleaved as written; when longer than
/// the cap it holds the first and last halves of the cap with a marker line between them.
struct WorkspaceResult {
  Termination termination = Termination::kExited;  ///< kExited, kSignaled or kWallTimeout
  int exit_code = -1;
  int signal = 0;
  std::string output;
  int64_t output_bytes = 0;  ///< bytes the command wrote in all
  bool truncated = false;
};

/// A live workspace. Destroying it kills every process in it and removes its files.
class Workspace {
 public:
  virtual ~Workspace() = default;
  /// Runs `command` in /work (the working directory) and waits for it. A command that cannot
  /// start (not found) is a result with exit code 127 and the reason as output. Errors (kIo,
  /// kTimeout) mean the workspace itself broke (its host died or stopped answering): it is
  /// unusable afterwards.
  virtual Result<WorkspaceResult> run(const WorkspaceCommand& command) = 0;
  /// One line for logs, e.g. "bubblewrap workspace (pid 1234)".
  virtual std::string describe() const = 0;
};

/// The marker put between the kept halves of an output longer than its cap.
std::string truncation_marker(int64_t omitted_bytes);

/// Where the workspace host program is: $ASSAY_SANDBOX_HOST, else `assay-sandbox-host` beside
/// the running executable, else the one this build made. kNotFound saying so when none exists.
Result<std::string> sandbox_host_path();

}  // namespace assay
