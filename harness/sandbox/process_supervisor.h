#pragma once
/// Starting and supervising one sandboxed (or not) process tree: descriptors, rlimits, the
/// uid drop, wall-time and output limits, and the kill. Internal to harness/sandbox; the
/// Sandbox implementations build a ChildPlan and call supervise(). Thread-safe (each call forks).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/sandbox/sandbox.h"
#include "harness/sandbox/workspace.h"

namespace assay {

/// "`what`: strerror(errno)".
std::string errno_text(const std::string& what);

/// True when `path` names a file this process may execute.
bool is_executable(const std::string& path);

/// A descriptor closed on scope exit. Move-only.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ScopedFd(ScopedFd&& o) noexcept : fd_(o.release()) {}
  ScopedFd& operator=(ScopedFd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~ScopedFd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// An anonymous in-memory file holding `content`, positioned at its start (close-on-exec, at a
/// high descriptor number). kIo on failure.
Result<ScopedFd> memory_file(const std::string& content);

/// The descriptor the first of supervise()'s `extra_fds` gets in the child (then 6, 7, ...):
/// 0 stdin, 1 stdout, 2 stderr, 3 the secret, 4 the result pipe come first.
inline constexpr int kFirstExtraFd = 5;

/// Everything the child needs, prepared before fork (the child of a multi-threaded process may
/// only make async-signal-safe calls until exec).
struct ChildPlan {
  std::vector<std::string> argv;  ///< argv[0] is an absolute path
  std::vector<std::string> env;   ///< the whole environment, "KEY=value"
  std::string workdir;            ///< chdir target, or empty
  SandboxLimits limits;
  bool drop_to_nobody = false;  ///< setuid/setgid 65534 before exec (when running as root)
};

/// Forks and execs `plan` in its own session under the plan's rlimits (and uid drop), with
/// `child_fds[i]` as descriptor i in the child; the parent's copies are closed. Returns the
/// child's pid (the caller reaps it); kIo when it cannot fork.
Result<pid_t> start_child(ChildPlan& plan, std::vector<ScopedFd> child_fds);

/// Starts the workspace host (sandbox_host_main.cpp) as `plan` describes and returns the
/// Workspace that talks to it. `cleanup_dir`, when not empty, is removed with the workspace.
/// `extra_fds` become descriptors 3, 4, ... of the started process.
Result<std::unique_ptr<Workspace>> launch_workspace(ChildPlan plan, std::string cleanup_dir,
                                                    std::string description,
                                                    std::vector<ScopedFd> extra_fds = {});

/// Starts `plan` with the request's stdin and secret, `extra_fds` from kFirstExtraFd on, in its
/// own session; enforces the limits; returns when the process and its descendants are gone (or
/// after a bounded wait for them). Errors only when the process could not be started.
Result<ExecutionResult> supervise(ChildPlan plan, const ExecutionRequest& request,
                                  std::vector<ScopedFd> extra_fds);

}  // namespace assay
