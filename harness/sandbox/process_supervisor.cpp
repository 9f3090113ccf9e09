#include "harness/sandbox/process_supervisor.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace assay {
namespace {

using Clock = std::chrono::steady_clock;

// Child-side descriptors are moved at or above this number before fork, so the child's dup2
// onto 0..N never overwrites a descriptor it still has to copy.
constexpr int kHighFd = 64;
constexpr int64_t kMaxResultBytes = 1 << 20;
// After the main process exits, how long descendants holding the pipes may keep writing
// (unsandboxed daemons; in bubblewrap the PID namespace dies with its init).
constexpr int kDrainMs = 200;
// After a kill, how long to wait for the tree's processes to be gone.
constexpr int kSettleMs = 2000;
constexpr uid_t kNobody = 65534;  // the uid bubblewrap runs as when assay is root

Result<ScopedFd> high_copy(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, kHighFd);
  if (copy < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: fcntl(F_DUPFD)"));
  return ScopedFd(copy);
}

struct Pipe {
  ScopedFd read;
  ScopedFd write;
};

Result<Pipe> make_pipe() {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, errno_text("sandbox: pipe"));
  return Pipe{ScopedFd(p[0]), ScopedFd(p[1])};
}

[[noreturn]] void child_fail(const char* what) {
  // Only async-signal-safe calls here.
  const char prefix[] = "assay sandbox: ";
  (void)!::write(2, prefix, sizeof(prefix) - 1);
  (void)!::write(2, what, std::strlen(what));
  (void)!::write(2, "\n", 1);
  _exit(127);
}

void set_limit(int resource, rlim_t soft, rlim_t hard, const char* what) {
  rlimit r{soft, hard};
  if (setrlimit(resource, &r) != 0) child_fail(what);
}

// Runs in the child after fork. `fds[i]` becomes descriptor i.
[[noreturn]] void exec_child(const ChildPlan& plan, const std::vector<int>& fds, char** argv,
                             char** envp) {
  setsid();
  for (size_t i = 0; i < fds.size(); ++i) {
    if (dup2(fds[i], static_cast<int>(i)) < 0) child_fail("dup2 failed");
  }
  syscall(SYS_close_range, static_cast<unsigned>(fds.size()), ~0U, 0U);
  const SandboxLimits& l = plan.limits;
  set_limit(RLIMIT_CPU, static_cast<rlim_t>(l.cpu_seconds), static_cast<rlim_t>(l.cpu_seconds) + 1,
            "setrlimit(CPU) failed");
  set_limit(RLIMIT_AS, static_cast<rlim_t>(l.address_space_bytes),
            static_cast<rlim_t>(l.address_space_bytes), "setrlimit(AS) failed");
  set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(l.max_file_bytes),
            static_cast<rlim_t>(l.max_file_bytes), "setrlimit(FSIZE) failed");
  set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(l.max_open_files),
            static_cast<rlim_t>(l.max_open_files), "setrlimit(NOFILE) failed");
  set_limit(RLIMIT_CORE, 0, 0, "setrlimit(CORE) failed");
  if (plan.drop_to_nobody) {
    // As root, RLIMIT_NPROC is not enforced and a sandbox escape would be root: run bubblewrap
    // as an unprivileged user instead (it then uses an unprivileged user namespace).
    if (setgroups(0, nullptr) != 0) child_fail("setgroups failed");
    if (setgid(kNobody) != 0) child_fail("setgid(65534) failed");
    if (setuid(kNobody) != 0) child_fail("setuid(65534) failed");
  }
  // Set after the uid change, which clears it: the tree dies if assay dies.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) _exit(126);
  if (!plan.workdir.empty() && chdir(plan.workdir.c_str()) != 0) child_fail("chdir failed");
  execve(argv[0], argv, envp);
  child_fail("execve failed (is the program installed?)");
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void read_into(int fd, std::string& out, int64_t cap, bool& eof, bool& overflow) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      int64_t room = cap - static_cast<int64_t>(out.size());
      if (n > room) {
        out.append(buf, static_cast<size_t>(std::max<int64_t>(room, 0)));
        overflow = true;
        return;
      }
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) eof = true;
    if (n < 0 && errno == EINTR) continue;
    return;  // EAGAIN or error: nothing more for now
  }
}

}  // namespace

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

bool is_executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

void ScopedFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<ScopedFd> memory_file(const std::string& content) {
  ScopedFd fd(static_cast<int>(syscall(SYS_memfd_create, "assay-exec", MFD_CLOEXEC)));
  if (fd.get() < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: memfd_create"));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: writing a memory file"));
    done += static_cast<size_t>(n);
  }
  if (lseek(fd.get(), 0, SEEK_SET) != 0) {
    return make_error(ErrorKind::kIo, errno_text("sandbox: lseek"));
  }
  return high_copy(fd.get());
}

Result<pid_t> start_child(ChildPlan& plan, std::vector<ScopedFd> child_fds) {
  // Every descriptor the child gets is first copied above kHighFd, so the child's dup2 onto
  // 0..N never overwrites one it still has to copy.
  std::vector<ScopedFd> high;
  high.reserve(child_fds.size());
  for (ScopedFd& fd : child_fds) {
    Result<ScopedFd> h = high_copy(fd.get());
    if (!h) return h.error();
    fd.reset();
    high.push_back(std::move(h).value());
  }
  std::vector<int> fds;
  fds.reserve(high.size());
  for (const auto& f : high) fds.push_back(f.get());
  std::vector<char*> argv = c_strings(plan.argv);
  std::vector<char*> envp = c_strings(plan.env);
  pid_t pid = fork();
  if (pid < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: fork"));
  if (pid == 0) exec_child(plan, fds, argv.data(), envp.data());
  return pid;
}

Result<ExecutionResult> supervise(ChildPlan plan, const ExecutionRequest& request,
                                  std::vector<ScopedFd> extra_fds) {
  Result<ScopedFd> stdin_fd = memory_file(request.stdin_data);
  if (!stdin_fd) return stdin_fd.error();
  Result<Pipe> out = make_pipe();
  Result<Pipe> err = make_pipe();
  Result<Pipe> secret = make_pipe();
  Result<Pipe> result = make_pipe();
  if (!out) return out.error();
  if (!err) return err.error();
  if (!secret) return secret.error();
  if (!result) return result.error();
  if (::write(secret->write.get(), request.secret.data(), request.secret.size()) !=
      static_cast<ssize_t>(request.secret.size())) {
    return make_error(ErrorKind::kIo, errno_text("sandbox: writing the secret"));
  }
  secret->write.reset();

  std::vector<ScopedFd> child_side;
  child_side.push_back(std::move(stdin_fd).value());
  for (ScopedFd* fd : {&out->write, &err->write, &secret->read, &result->write}) {
    child_side.push_back(std::move(*fd));
  }
  for (auto& f : extra_fds) child_side.push_back(std::move(f));
  Clock::time_point start = Clock::now();
  Result<pid_t> started = start_child(plan, std::move(child_side));
  if (!started) return started.error();
  pid_t pid = *started;

  ScopedFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  for (int fd : {out->read.get(), err->read.get(), result->read.get()}) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  ExecutionResult r;
  bool out_eof = false;
  bool err_eof = false;
  bool res_eof = false;
  bool overflow = false;
  bool result_overflow = false;
  bool reaped = false;
  int status = 0;
  Clock::time_point deadline =
      start + std::chrono::microseconds(static_cast<int64_t>(plan.limits.wall_seconds * 1e6));
  Clock::time_point drain_deadline{};
  bool timed_out = false;

  auto reap = [&](int flags) {
    if (reaped) return;
    pid_t w = waitpid(pid, &status, flags);
    if (w == pid) {
      reaped = true;
      drain_deadline = Clock::now() + std::chrono::milliseconds(kDrainMs);
    }
  };
  auto kill_tree = [&] {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  };

  while (!(out_eof && err_eof && res_eof && reaped)) {
    Clock::time_point now = Clock::now();
    if (!reaped && now >= deadline) {
      timed_out = true;
      break;
    }
    if (reaped && now >= drain_deadline) break;
    Clock::time_point until = reaped ? drain_deadline : deadline;
    int wait_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1);
    pollfd p[4];
    nfds_t n = 0;
    auto add = [&](int fd, bool done) {
      if (!done) p[n++] = pollfd{fd, POLLIN, 0};
    };
    add(out->read.get(), out_eof);
    add(err->read.get(), err_eof);
    add(result->read.get(), res_eof);
    if (!reaped) {
      if (pidfd.get() >= 0) {
        p[n++] = pollfd{pidfd.get(), POLLIN, 0};
      } else {
        wait_ms = std::min(wait_ms, 20);  // no pidfd (old kernel): poll for the exit
      }
    }
    int ready = ::poll(p, n, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    read_into(out->read.get(), r.stdout_text, plan.limits.max_output_bytes, out_eof, overflow);
    read_into(err->read.get(), r.stderr_text, plan.limits.max_output_bytes, err_eof, overflow);
    read_into(result->read.get(), r.result_text, kMaxResultBytes, res_eof, result_overflow);
    if (overflow) break;
    reap(WNOHANG);
  }
  if (!reaped) {
    kill_tree();
    reap(0);
  } else {
    ::kill(-pid, SIGKILL);  // descendants left in the group (unsandboxed)
  }
  // Every process of the tree holds the output pipes until it dies (in bubblewrap, the PID
  // namespace is torn down asynchronously after its init is killed): wait briefly for the
  // end-of-file so that an execution returns with its processes gone.
  Clock::time_point settle = Clock::now() + std::chrono::milliseconds(kSettleMs);
  while (!(out_eof && err_eof) && Clock::now() < settle) {
    pollfd p[2] = {{out->read.get(), POLLIN, 0}, {err->read.get(), POLLIN, 0}};
    if (::poll(p, 2, 20) < 0 && errno != EINTR) break;
    std::string discard;
    bool ignored = false;
    if (!out_eof) read_into(out->read.get(), discard, 1 << 16, out_eof, ignored);
    discard.clear();
    if (!err_eof) read_into(err->read.get(), discard, 1 << 16, err_eof, ignored);
  }
  if (timed_out) {
    r.termination = Termination::kWallTimeout;
  } else if (overflow) {
    r.termination = Termination::kOutputLimit;
  } else if (WIFSIGNALED(status)) {
    r.termination = Termination::kSignaled;
    r.signal = WTERMSIG(status);
  } else {
    r.termination = Termination::kExited;
    r.exit_code = WEXITSTATUS(status);
  }
  return r;
}

}  // namespace assay
