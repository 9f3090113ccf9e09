#include "scorers/code/sandbox.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace assay {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Child-side descriptors are moved at or above this number before fork, so the child's dup2
// onto 0..N never overwrites a descriptor it still has to copy.
constexpr int kHighFd = 64;
// The child's descriptors: 0 stdin, 1 stdout, 2 stderr, 3 the secret, 4 the result pipe, then
// one per file for bubblewrap's --file.
constexpr int kFirstFileFd = 5;
constexpr int64_t kMaxResultBytes = 1 << 20;
// After the main process exits, how long descendants holding the pipes may keep writing
// (unsandboxed daemons; in bubblewrap the PID namespace dies with its init).
constexpr int kDrainMs = 200;
// After a kill, how long to wait for the tree's processes to be gone.
constexpr int kSettleMs = 2000;
constexpr uid_t kNobody = 65534;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A descriptor closed on scope exit.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

Result<Fd> high_copy(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, kHighFd);
  if (copy < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: fcntl(F_DUPFD)"));
  return Fd(copy);
}

// An anonymous in-memory file holding `content`, positioned at its start.
Result<Fd> memory_file(const std::string& content) {
  Fd fd(static_cast<int>(syscall(SYS_memfd_create, "assay-exec", MFD_CLOEXEC)));
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

struct Pipe {
  Fd read;
  Fd write;
};

Result<Pipe> make_pipe() {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, errno_text("sandbox: pipe"));
  return Pipe{Fd(p[0]), Fd(p[1])};
}

// Everything the forked child needs, prepared before fork: between fork and exec the child of
// a multi-threaded process may only make async-signal-safe calls (no allocation).
struct ChildPlan {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string workdir;  // chdir target, or empty
  SandboxLimits limits;
  bool drop_to_nobody = false;
};

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

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double cpu_ms(const rusage& ru) {
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
         ru.ru_stime.tv_usec / 1e3;
}

// Starts `plan` with the request's stdin, secret and (for bubblewrap) file descriptors, and
// supervises it to the end.
Result<ExecutionResult> supervise(ChildPlan plan, const ExecutionRequest& request,
                                  std::vector<Fd> file_fds) {
  Result<Fd> stdin_fd = memory_file(request.stdin_data);
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

  std::vector<Fd> child_side;
  child_side.push_back(std::move(stdin_fd).value());
  for (Fd* fd : {&out->write, &err->write, &secret->read, &result->write}) {
    Result<Fd> h = high_copy(fd->get());
    if (!h) return h.error();
    fd->reset();
    child_side.push_back(std::move(h).value());
  }
  for (auto& f : file_fds) child_side.push_back(std::move(f));
  std::vector<int> fds;
  fds.reserve(child_side.size());
  for (const auto& f : child_side) fds.push_back(f.get());

  std::vector<char*> argv = c_strings(plan.argv);
  std::vector<char*> envp = c_strings(plan.env);
  Clock::time_point start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) return make_error(ErrorKind::kIo, errno_text("sandbox: fork"));
  if (pid == 0) exec_child(plan, fds, argv.data(), envp.data());
  child_side.clear();

  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
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
  rusage usage{};
  Clock::time_point deadline =
      start + std::chrono::microseconds(static_cast<int64_t>(plan.limits.wall_seconds * 1e6));
  Clock::time_point drain_deadline{};
  bool timed_out = false;

  auto reap = [&](int flags) {
    if (reaped) return;
    pid_t w = wait4(pid, &status, flags, &usage);
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
  r.wall_ms = ms_since(start);
  r.cpu_ms = cpu_ms(usage);
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

std::vector<std::string> base_environment(const std::string& home) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home,    "TMPDIR=" + home, "LANG=C.UTF-8",
          "PYTHONDONTWRITEBYTECODE=1",         "PYTHONHASHSEED=0"};
}

bool is_executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && is_executable(dir + "/" + name)) return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

constexpr char kWorkDir[] = "/tmp/work";
constexpr char kPrlimit[] = "/usr/bin/prlimit";

class BubblewrapSandbox final : public Sandbox {
 public:
  explicit BubblewrapSandbox(std::string bwrap)
      : bwrap_(std::move(bwrap)), as_root_(geteuid() == 0) {}

  Result<ExecutionResult> run(const ExecutionRequest& request,
                              const SandboxLimits& limits) const override {
    ChildPlan plan;
    plan.limits = limits;
    plan.drop_to_nobody = as_root_;
    std::vector<std::string>& a = plan.argv;
    a = {bwrap_, "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "sandbox"};
    // The system, read-only; merged-/usr symlinks stay symlinks.
    for (const char* dir : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
      std::error_code ec;
      fs::file_status st = fs::symlink_status(dir, ec);
      if (ec || !fs::exists(st)) continue;
      if (fs::is_symlink(st)) {
        a.insert(a.end(), {"--symlink", fs::read_symlink(dir, ec).string(), dir});
      } else {
        a.insert(a.end(), {"--ro-bind", dir, dir});
      }
    }
    for (const char* file : {"/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"}) {
      if (::access(file, R_OK) == 0) a.insert(a.end(), {"--ro-bind", file, file});
    }
    a.insert(a.end(), {"--proc", "/proc", "--dev", "/dev", "--size",
                       std::to_string(limits.tmp_bytes), "--tmpfs", "/tmp", "--dir", kWorkDir});
    std::vector<Fd> file_fds;
    for (const auto& f : request.files) {
      Result<Fd> fd = memory_file(f.content);
      if (!fd) return fd.error();
      int target = kFirstFileFd + static_cast<int>(file_fds.size());
      a.insert(a.end(), {"--file", std::to_string(target), std::string(kWorkDir) + "/" + f.name});
      file_fds.push_back(std::move(fd).value());
    }
    a.insert(a.end(), {"--chdir", kWorkDir, "--clearenv"});
    for (const auto& kv : base_environment("/tmp")) {
      size_t eq = kv.find('=');
      a.insert(a.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
    }
    // The process limit is set inside the new user namespace, where it counts only the
    // sandbox's processes (set outside, it would count every process of the host user).
    a.insert(a.end(), {"--", kPrlimit, "--nproc=" + std::to_string(limits.max_processes), "--"});
    a.insert(a.end(), request.argv.begin(), request.argv.end());
    return supervise(std::move(plan), request, std::move(file_fds));
  }

  bool isolated() const override { return true; }

  std::string describe() const override {
    return "bubblewrap (" + bwrap_ + (as_root_ ? ", as uid 65534)" : ")");
  }

 private:
  std::string bwrap_;
  bool as_root_;
};

class UnsandboxedRunner final : public Sandbox {
 public:
  Result<ExecutionResult> run(const ExecutionRequest& request,
                              const SandboxLimits& limits) const override {
    std::error_code ec;
    fs::path tmp = fs::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    std::string pattern = (tmp / "assay-exec-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return make_error(ErrorKind::kIo,
                        errno_text("cannot create a directory under " + tmp.string()));
    }
    fs::path dir = pattern;
    for (const auto& f : request.files) {
      FILE* out = std::fopen((dir / f.name).c_str(), "wb");
      if (out == nullptr ||
          std::fwrite(f.content.data(), 1, f.content.size(), out) != f.content.size()) {
        if (out != nullptr) std::fclose(out);
        fs::remove_all(dir, ec);
        return make_error(ErrorKind::kIo, errno_text("cannot write " + (dir / f.name).string()));
      }
      std::fclose(out);
    }
    ChildPlan plan;
    plan.limits = limits;
    plan.argv = request.argv;
    plan.env = base_environment(dir.string());
    plan.workdir = dir.string();
    Result<ExecutionResult> r = supervise(std::move(plan), request, {});
    fs::remove_all(dir, ec);
    return r;
  }

  bool isolated() const override { return false; }
  std::string describe() const override { return "none (--unsafe-no-sandbox)"; }
};

}  // namespace

std::string termination_name(Termination t) {
  switch (t) {
    case Termination::kExited:
      return "exited";
    case Termination::kSignaled:
      return "signaled";
    case Termination::kWallTimeout:
      return "timeout";
    case Termination::kOutputLimit:
      return "output_limit";
  }
  return "exited";
}

Result<std::unique_ptr<Sandbox>> make_bubblewrap_sandbox(const std::string& bwrap_path) {
  std::string bwrap = bwrap_path.empty() ? find_in_path("bwrap") : bwrap_path;
  if (bwrap.empty() || !is_executable(bwrap)) {
    return make_error(ErrorKind::kNotFound,
                      "the code sandbox needs bubblewrap, which is not installed" +
                          (bwrap.empty() ? std::string() : " at " + bwrap) +
                          ": install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf "
                          "install bubblewrap), or pass --unsafe-no-sandbox to run model code "
                          "without isolation");
  }
  if (!is_executable(kPrlimit)) {
    return make_error(ErrorKind::kNotFound, std::string("the code sandbox needs ") + kPrlimit +
                                                " (util-linux) to limit processes");
  }
  auto sandbox = std::make_unique<BubblewrapSandbox>(bwrap);
  ExecutionRequest probe;
  probe.argv = {"/bin/sh", "-c", "exit 0"};
  Result<ExecutionResult> r = sandbox->run(probe, SandboxLimits{});
  if (!r) return r.error();
  if (r->termination != Termination::kExited || r->exit_code != 0) {
    std::string why = r->stderr_text.empty() ? termination_name(r->termination) : r->stderr_text;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return make_error(ErrorKind::kIo,
                      "bubblewrap (" + bwrap + ") cannot create its sandbox here: " + why +
                          ". It needs unprivileged user namespaces: allow them (sysctl "
                          "kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0; "
                          "in Docker, a seccomp profile that permits unshare/clone), or pass "
                          "--unsafe-no-sandbox to run model code without isolation");
  }
  return std::unique_ptr<Sandbox>(std::move(sandbox));
}

std::unique_ptr<Sandbox> make_unsandboxed_runner() {
  return std::make_unique<UnsandboxedRunner>();
}

}  // namespace assay
