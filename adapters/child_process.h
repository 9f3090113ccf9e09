#pragma once
/// A child process running a shell command with pipes on stdin, stdout and stderr, in its own
/// process group so a timeout kills everything it started. Used by the exec adapter.
/// Not thread-safe per object; distinct objects are independent.

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/core/result.h"

namespace assay {

/// One started `/bin/sh -c COMMAND`. The destructor kills the group and reaps the child.
class ChildProcess {
 public:
  /// Starts `command` with the current environment plus `extra_env` ("K=V"). kIo when the pipes
  /// or the spawn fail. Ignores SIGPIPE process-wide (a child that exits early must not kill us).
  static Result<ChildProcess> start(const std::string& command,
                                    const std::vector<std::string>& extra_env = {});

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  pid_t pid() const { return pid_; }

  /// Closes our end of the child's stdin (it sees EOF).
  void close_stdin();
  /// SIGKILLs the whole process group.
  void kill_group();
  /// Waits for the child to exit and returns its wait status (-1 if already reaped).
  int wait();

 private:
  ChildProcess() = default;
  void release();
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
};

/// "exited with status 3", "killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

/// What a one-shot run of a child produced.
struct OneShotResult {
  std::string out;
  std::string err_tail;  ///< the last 2 KiB of stderr
  int status = -1;       ///< wait status
  bool timed_out = false;
  bool out_overflow = false;  ///< stdout exceeded the limit (the child was killed)
};

/// Starts `command`, writes `input` to its stdin, reads stdout (up to `max_out` bytes) and
/// stderr until it exits or `timeout_ms` passes (then the group is killed).
Result<OneShotResult> run_one_shot(const std::string& command, const std::string& input,
                                   double timeout_ms, size_t max_out,
                                   const std::vector<std::string>& extra_env = {});

}  // namespace assay
