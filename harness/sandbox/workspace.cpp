#include "harness/sandbox/workspace.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "harness/sandbox/process_supervisor.h"

namespace assay {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How long past a command's own timeout the host may take to answer (killing the group,
// reading the output) before the workspace counts as broken.
constexpr double kAnswerGraceSeconds = 10;
// After the host is killed, how long to wait for it to be reaped.
constexpr int kReapMs = 2000;

class HostWorkspace final : public Workspace {
 public:
  HostWorkspace(pid_t pid, ScopedFd socket, ScopedFd errors, std::string cleanup_dir,
                std::string description)
      : pid_(pid),
        socket_(std::move(socket)),
        errors_(std::move(errors)),
        cleanup_dir_(std::move(cleanup_dir)),
        description_(std::move(description)) {}

  ~HostWorkspace() override { close(); }

  Result<WorkspaceResult> run(const WorkspaceCommand& command) override {
    std::lock_guard lock(mu_);
    if (broken_) return make_error(ErrorKind::kIo, "the workspace is gone: " + broken_why_);
    if (command.argv.empty()) return make_error(ErrorKind::kInvalidInput, "empty command");
    auto timeout_ms = static_cast<long long>(command.timeout_seconds * 1000);
    std::string header =
        "RUN " + std::to_string(timeout_ms) + " " + std::to_string(command.output_cap) + " " +
        std::to_string(command.argv.size()) + " " + std::to_string(command.stdin_data.size());
    std::string payload;
    for (const std::string& a : command.argv) {
      header += " " + std::to_string(a.size());
      payload += a;
    }
    payload += command.stdin_data;
    if (!send_all(header + "\n" + payload)) {
      return broke("its host process is gone (" + std::string(std::strerror(errno)) + ")");
    }
    Clock::time_point deadline =
        Clock::now() + std::chrono::milliseconds(timeout_ms) +
        std::chrono::milliseconds(static_cast<long long>(kAnswerGraceSeconds * 1000));
    std::string line;
    if (!read_line(line, deadline)) return broke(answer_failure_);
    char kind[16] = {0};
    long code = 0;
    long long total = 0;
    long long head_len = 0;
    long long tail_len = 0;
    if (std::sscanf(line.c_str(), "DONE %15s %ld %lld %lld %lld", kind, &code, &total, &head_len,
                    &tail_len) != 5 ||
        head_len < 0 || tail_len < 0) {
      return broke("its host answered something unexpected: " + line.substr(0, 200));
    }
    std::string head;
    std::string tail;
    if (!take(static_cast<size_t>(head_len), head, deadline) ||
        !take(static_cast<size_t>(tail_len), tail, deadline)) {
      return broke(answer_failure_);
    }
    WorkspaceResult r;
    r.output_bytes = total;
    std::string k = kind;
    if (k == "failed") {
      r.exit_code = 127;
      r.output = head;
      return r;
    }
    if (k == "timeout") {
      r.termination = Termination::kWallTimeout;
    } else if (k == "signaled") {
      r.termination = Termination::kSignaled;
      r.signal = static_cast<int>(code);
    } else {
      r.exit_code = static_cast<int>(code);
    }
    r.truncated = tail_len > 0;
    r.output = std::move(head);
    if (r.truncated) {
      r.output += truncation_marker(total - head_len - tail_len);
      r.output += tail;
    }
    return r;
  }

  std::string describe() const override { return description_; }

 private:
  Error broke(const std::string& why) {
    broken_ = true;
    broken_why_ = why;
    kill_host();
    // What the sandbox itself said (bubblewrap's complaints, a limit's message).
    char said[512];
    ssize_t n = ::pread(errors_.get(), said, sizeof(said), 0);
    std::string detail = n > 0 ? std::string(said, static_cast<size_t>(n)) : std::string();
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    if (!detail.empty()) broken_why_ += " (it said: " + detail + ")";
    return make_error(ErrorKind::kIo, "the workspace broke: " + broken_why_);
  }

  bool send_all(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::send(socket_.get(), s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool fill(size_t want, Clock::time_point deadline) {
    char chunk[65536];
    while (buffer_.size() < want) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        answer_failure_ = "its host stopped answering";
        return false;
      }
      pollfd p{socket_.get(), POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (ready < 0 && errno != EINTR) {
        answer_failure_ = errno_text("poll");
        return false;
      }
      if (ready <= 0) continue;
      ssize_t n = ::recv(socket_.get(), chunk, sizeof(chunk), 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        answer_failure_ = "its host process died (a sandbox limit, or killed)";
        return false;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }

  bool read_line(std::string& line, Clock::time_point deadline) {
    while (true) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return true;
      }
      if (buffer_.size() > 4096) {
        answer_failure_ = "its host answered garbage";
        return false;
      }
      if (!fill(buffer_.size() + 1, deadline)) return false;
    }
  }

  bool take(size_t n, std::string& out, Clock::time_point deadline) {
    if (!fill(n, deadline)) return false;
    out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
  }

  void kill_host() {
    if (pid_ <= 0) return;
    // The host's session: under bubblewrap killing bwrap takes its PID namespace (and every
    // process in it) down with it (--die-with-parent).
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    // Woken by the exit itself (a pidfd), not by a sleep: a workspace closes when a sample
    // ends, on the thread that drives every model call.
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      ScopedFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)));
      pollfd p{pidfd.get(), POLLIN, 0};
      if (pidfd.get() >= 0) ::poll(&p, 1, kReapMs);
      waitpid(pid_, &status, pidfd.get() >= 0 ? WNOHANG : 0);
    }
    pid_ = -1;
  }

  void close() {
    std::lock_guard lock(mu_);
    // Closing the socket asks the host to kill what it started and exit; the kill makes sure.
    socket_.reset();
    kill_host();
    if (!cleanup_dir_.empty()) {
      std::error_code ec;
      fs::remove_all(cleanup_dir_, ec);
    }
  }

  std::mutex mu_;
  pid_t pid_;
  ScopedFd socket_;
  ScopedFd errors_;  ///< the host's stderr (a memory file)
  std::string cleanup_dir_;
  std::string description_;
  std::string buffer_;
  std::string answer_failure_;
  bool broken_ = false;
  std::string broken_why_;
};

}  // namespace

std::string truncation_marker(int64_t omitted_bytes) {
  return "\n[... output truncated: " + std::to_string(omitted_bytes) + " bytes omitted ...]\n";
}

Result<std::string> sandbox_host_path() {
  if (const char* env = std::getenv("ASSAY_SANDBOX_HOST"); env != nullptr && *env != '\0') {
    if (is_executable(env)) return std::string(env);
    return make_error(ErrorKind::kNotFound,
                      std::string("ASSAY_SANDBOX_HOST=") + env + " is not an executable file");
  }
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path beside = self.parent_path() / "assay-sandbox-host";
    if (is_executable(beside.string())) return beside.string();
  }
  if (is_executable(ASSAY_SANDBOX_HOST_BUILT)) return std::string(ASSAY_SANDBOX_HOST_BUILT);
  return make_error(ErrorKind::kNotFound,
                    "agent tools need assay-sandbox-host, which is neither beside " +
                        (ec ? std::string("the assay executable") : self.string()) + " nor at " +
                        ASSAY_SANDBOX_HOST_BUILT +
                        ": install it beside assay or set ASSAY_SANDBOX_HOST to its path");
}

Result<std::unique_ptr<Workspace>> launch_workspace(ChildPlan plan, std::string cleanup_dir,
                                                    std::string description,
                                                    std::vector<ScopedFd> extra_fds) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(ErrorKind::kIo, errno_text("workspace: socketpair"));
  }
  ScopedFd ours(sv[0]);
  ScopedFd theirs(sv[1]);
  Result<ScopedFd> errors = memory_file("");
  if (!errors) return errors.error();
  ScopedFd stdout_copy(::fcntl(theirs.get(), F_DUPFD_CLOEXEC, 0));
  ScopedFd stderr_copy(::fcntl(errors->get(), F_DUPFD_CLOEXEC, 0));
  if (stdout_copy.get() < 0 || stderr_copy.get() < 0) {
    return make_error(ErrorKind::kIo, errno_text("workspace: dup"));
  }
  std::vector<ScopedFd> child;
  child.push_back(std::move(theirs));       // 0: requests
  child.push_back(std::move(stdout_copy));  // 1: answers
  child.push_back(std::move(stderr_copy));  // 2: what the sandbox or host complains about
  for (ScopedFd& fd : extra_fds) child.push_back(std::move(fd));
  Result<pid_t> pid = start_child(plan, std::move(child));
  if (!pid) return pid.error();
  description += " (pid " + std::to_string(*pid) + ")";
  return std::unique_ptr<Workspace>(
      std::make_unique<HostWorkspace>(*pid, std::move(ours), std::move(errors).value(),
                                      std::move(cleanup_dir), std::move(description)));
}

}  // namespace assay
