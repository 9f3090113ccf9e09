#pragma once
/// A helper process on the host, outside any sandbox (an MCP server a suite or the command line
/// declares): started from an argv with an explicit environment, stdin/stdout/stderr on pipes,
/// in its own session. It dies with assay (PR_SET_PDEATHSIG, and its stdin closing), and its
/// whole process group is killed when the object is destroyed. One object is used from one
/// thread at a time; distinct objects are independent.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace assay {

/// One started helper process.
class HostProcess {
 public:
  /// Starts `argv` (argv[0] is looked up in PATH when it has no '/') with exactly `env`
  /// ("KEY=value") in `workdir` (empty = assay's). The process keeps assay's resource limits.
  /// kInvalidInput when the program is not found; kIo when the pipes or fork fail.
  static Result<std::unique_ptr<HostProcess>> start(const std::vector<std::string>& argv,
                                                    std::vector<std::string> env,
                                                    const std::string& workdir);
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;
  /// SIGKILLs the process group and reaps the process.
  ~HostProcess();

  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  pid_t pid() const { return pid_; }
  /// The wait status once the process has exited (reaped then), else nullopt. Never blocks.
  std::optional<int> exit_status();

 private:
  HostProcess() = default;
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::optional<int> status_;
};

/// argv[0] resolved against $PATH when it has no '/': the first executable match, or "".
std::string find_in_path(const std::string& program);

}  // namespace assay
