#pragma once
/// Running untrusted programs (DESIGN §9, §10). A Sandbox starts one process tree with its files, a
/// secret on fd 3 and a result pipe on fd 4, enforces the limits, kills the whole tree when a
/// limit is hit, and reports what happened. `make_bubblewrap_sandbox` isolates with bubblewrap
/// (no network, read-only system, private /tmp and PID namespace, scrubbed environment);
/// `make_unsandboxed_runner` applies only the resource limits and a process group, for
/// `--unsafe-no-sandbox`.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace assay {

class Workspace;
struct WorkspaceOptions;

/// Resource limits for one execution. All are enforced by the kernel (rlimits, tmpfs size) or by
/// the parent (wall time, captured bytes).
struct SandboxLimits {
  double wall_seconds = 10;                 ///< killed (whole tree) after this long
  int cpu_seconds = 10;                     ///< RLIMIT_CPU
  int64_t address_space_bytes = 4LL << 30;  ///< RLIMIT_AS
  int max_processes = 64;                   ///< RLIMIT_NPROC inside the sandbox
  int64_t max_file_bytes = 16LL << 20;      ///< RLIMIT_FSIZE (largest file written)
  int64_t tmp_bytes = 64LL << 20;           ///< size of the private /tmp (sandboxed only)
  int64_t max_output_bytes = 1LL << 20;     ///< stdout and stderr each; more is killed
  int max_open_files = 256;                 ///< RLIMIT_NOFILE
};

/// A file placed in the execution's working directory before it starts.
struct SandboxFile {
  std::string name;  ///< a plain file name, no '/'
  std::string content;
};

/// One program to run.
struct ExecutionRequest {
  std::vector<std::string> argv;  ///< argv[0] is an absolute path visible in the sandbox
  std::vector<SandboxFile> files;
  std::string stdin_data;
  std::string secret;  ///< readable once on fd 3; the program proves completion on fd 4
};

/// How an execution ended.
enum class Termination {
  kExited,       ///< exited by itself (see exit_code)
  kSignaled,     ///< killed by a signal it did not ask for (see signal; SIGXCPU: CPU limit)
  kWallTimeout,  ///< exceeded wall_seconds; the tree was killed
  kOutputLimit,  ///< wrote more than max_output_bytes to stdout or stderr; killed
};

/// What an execution did.
struct ExecutionResult {
  Termination termination = Termination::kExited;
  int exit_code = -1;
  int signal = 0;
  std::string stdout_text;  ///< at most max_output_bytes
  std::string stderr_text;  ///< at most max_output_bytes
  std::string result_text;  ///< what the program wrote to fd 4 (at most 1 MiB)
};

/// Starts programs under limits. Implementations are thread-safe: run() may be called from many
/// threads at once (each call forks its own process).
class Sandbox {
 public:
  virtual ~Sandbox() = default;
  /// Runs `request` to completion under `limits`. Errors are only for failures to start (kIo,
  /// kInternal); a program that crashes, hangs or floods output is a normal result.
  virtual Result<ExecutionResult> run(const ExecutionRequest& request,
                                      const SandboxLimits& limits) const = 0;
  /// Starts a persistent workspace (workspace.h) under the same isolation: kNotFound when the
  /// workspace host program is missing, kIo when it cannot start.
  virtual Result<std::unique_ptr<Workspace>> open_workspace(
      const WorkspaceOptions& options) const = 0;
  /// True when the program is isolated from the host (network, filesystem, processes).
  virtual bool isolated() const = 0;
  /// One line for logs and the run record, e.g. "bubblewrap 0.8.0 (uid 65534)".
  virtual std::string describe() const = 0;
};

/// A bubblewrap sandbox (`bwrap_path`, or bwrap from PATH when empty), after checking that it
/// can create its namespaces here. kNotFound / kIo errors say what is missing and how to fix it
/// (install bubblewrap, allow unprivileged user namespaces, or pass --unsafe-no-sandbox).
Result<std::unique_ptr<Sandbox>> make_bubblewrap_sandbox(const std::string& bwrap_path = "");

/// Runs programs directly in a fresh temporary directory with the same rlimits (except the
/// process count, which rlimits cannot scope to one execution) and a process group killed on
/// timeout, but with no isolation: the host's network and files, a scrubbed environment. For
/// machines without user namespaces, when the user accepts the risk.
std::unique_ptr<Sandbox> make_unsandboxed_runner();

/// Short names for logs: "exited", "signaled", "timeout", "output_limit".
std::string termination_name(Termination t);

}  // namespace assay
